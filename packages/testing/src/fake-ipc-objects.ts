/**
 * IpcObjects that records what RemoveIPC= asked to remove, for tests of when a unit type cleans.
 */
import type { IpcObjects } from '@unitkit/core';

/** The fake IPC objects port. */
export class FakeIpcObjects implements IpcObjects {
  /** Every removeOwnedBy() call, in order. */
  readonly removals: Array<{ uid: number | undefined; gid: number | undefined }> = [];

  /** See IpcObjects.removeOwnedBy; removes nothing, returns 0. */
  removeOwnedBy(uid: number | undefined, gid: number | undefined): number {
    this.removals.push({ uid, gid });
    return 0;
  }
}
