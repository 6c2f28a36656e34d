/**
 * The IPC objects port: what RemoveIPC= removes when the last unit running as a user stops — the
 * System V shared memory segments, semaphore sets and message queues, and the POSIX shared memory
 * (/dev/shm) and message queues (/dev/mqueue), that user or group owns (systemd's clean-ipc.c).
 * System V objects are removed through syscalls, so `@unitkit/native` binds it; a fake in
 * `@unitkit/testing` records the calls.
 */

/** Token and interface of the IPC objects port. */
export const IpcObjects = Symbol('IpcObjects');
export interface IpcObjects {
  /**
   * Removes every object owned by `uid` or by `gid` (undefined: not that criterion; root's objects
   * are never removed). Returns how many went; failures to remove one are skipped.
   */
  removeOwnedBy(uid: number | undefined, gid: number | undefined): number;
}
