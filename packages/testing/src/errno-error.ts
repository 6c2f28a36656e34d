/**
 * Errors shaped like the ones the real ports throw: Node's convention of an errno name in `code`
 * and the negated number in `errno`, so code under test can branch on `code` the same way.
 */

/** Linux errno numbers of the names the fakes use or tests commonly ask for. */
export const errnoNumbers: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENOTDIR: 20,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
};

/** An Error with an errno name in `code` (and its number, negated as Node does, in `errno`). */
export interface ErrnoError extends Error {
  code: string;
  errno?: number;
  syscall?: string;
}

/** Builds an ErrnoError; `message` gets the code appended, as Node's messages end with it. */
export function errnoError(code: string, message: string, syscall?: string): ErrnoError {
  const error = new Error(`${message} (${code})`) as ErrnoError;
  error.code = code;
  const n = errnoNumbers[code];
  if (n !== undefined) error.errno = -n;
  if (syscall !== undefined) error.syscall = syscall;
  return error;
}
