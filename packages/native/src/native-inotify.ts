/**
 * The Inotify port of core on inotify(7) (csrc/inotify.c), for path units.
 */
import type { Inotify, InotifyEvent } from '@unitkit/core';
import { addon } from './addon.js';

/** inotify-backed file change notification. */
export class NativeInotify implements Inotify {
  /** See Inotify.init: inotify_init1(IN_NONBLOCK | IN_CLOEXEC). */
  init(): number {
    return addon.inotifyInit();
  }

  /** See Inotify.addWatch. */
  addWatch(fd: number, path: string, mask: number): number {
    return addon.inotifyAddWatch(fd, path, mask);
  }

  /** See Inotify.read: drains the queue. */
  read(fd: number): InotifyEvent[] {
    return addon.inotifyRead(fd);
  }

  /** See Inotify.close. */
  close(fd: number): void {
    addon.close(fd);
  }
}
