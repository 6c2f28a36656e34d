/**
 * Core's FdOperations port on the addon.
 */
import type { FdOperations } from '@unitkit/core';
import { closeFd, dupFd, fdType } from './fd-ops.js';

/** Closes, duplicates and describes fds through the addon. */
export class NativeFdOperations implements FdOperations {
  close(fd: number): void {
    try {
      closeFd(fd);
    } catch (e) {
      // Closing what is already closed is harmless by the port's contract.
      if ((e as { code?: string }).code !== 'EBADF') throw e;
    }
  }

  dup(fd: number): number {
    return dupFd(fd, 3);
  }

  describe(fd: number): string {
    try {
      return `${fdType(fd)}:[${fd}]`;
    } catch {
      return `closed:[${fd}]`;
    }
  }
}
