/**
 * FdOperations on fake fds: records closes and dups.
 */
import type { FdOperations } from '@unitkit/core';

/** The fake fd port. Duplicates are numbered from 500. */
export class FakeFdOperations implements FdOperations {
  readonly closed: number[] = [];
  readonly duplicated: Array<{ from: number; to: number }> = [];
  private nextFd = 500;

  close(fd: number): void {
    this.closed.push(fd);
  }

  dup(fd: number): number {
    const to = this.nextFd++;
    this.duplicated.push({ from: fd, to });
    return to;
  }

  describe(fd: number): string {
    return `fake:[${fd}]`;
  }
}
