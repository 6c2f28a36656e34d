/**
 * The inotify port: the kernel's file change notification, which path units (systemd.path(5))
 * wait on. `@unitkit/native` binds it to inotify(7); `@unitkit/testing` has a fake whose events
 * the test queues itself.
 */

/** One event as inotify(7) reports it: the watch, the IN_* bits, and the name within a watched directory. */
export interface InotifyEvent {
  wd: number;
  mask: number;
  name: string;
}

/** Token and interface of the inotify port. */
export const Inotify = Symbol('Inotify');
export interface Inotify {
  /** A new inotify instance: a non-blocking fd the event loop watches for readability. */
  init(): number;
  /** inotify_add_watch(): the watch descriptor. Throws an errno error (ENOENT, ENOTDIR, EACCES, ENOSPC…). */
  addWatch(fd: number, path: string, mask: number): number;
  /** Every event queued on the instance now (none when there are none). */
  read(fd: number): InotifyEvent[];
  /** Closes the instance, and with it its watches. */
  close(fd: number): void;
}

/** The IN_* bits of <sys/inotify.h> path units use. */
export const IN = {
  MODIFY: 0x2,
  ATTRIB: 0x4,
  CLOSE_WRITE: 0x8,
  MOVED_FROM: 0x40,
  MOVED_TO: 0x80,
  CREATE: 0x100,
  DELETE: 0x200,
  DELETE_SELF: 0x400,
  MOVE_SELF: 0x800,
  Q_OVERFLOW: 0x4000,
  IGNORED: 0x8000,
} as const;
