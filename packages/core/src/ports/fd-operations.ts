/**
 * Raw fd operations unit types need beside sockets: closing fds they were handed (stored fds,
 * connections) and duplicating fds they hand on.
 */

/** Token and interface of the fd port. */
export const FdOperations = Symbol('FdOperations');
export interface FdOperations {
  /** Closes `fd`; closing an fd that is already closed is harmless. */
  close(fd: number): void;
  /** Duplicates `fd` (with CLOEXEC); throws an errno Error. */
  dup(fd: number): number;
  /** A short description for logs ("socket:[1234]", "pipe:[42]", "/dev/null"). */
  describe(fd: number): string;
}
