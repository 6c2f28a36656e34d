/**
 * A fake Inotify port: it records the watches a unit adds and queues the events a test emits for
 * a path, then makes the instance's fd readable through the fake loop. Whether a path exists (for
 * the ENOENT of inotify_add_watch()) is asked of `exists`, the real file system by default, so
 * tests can combine real temporary directories with events they choose.
 */
import { existsSync } from 'node:fs';
import type { Inotify, InotifyEvent } from '@unitkit/core';
import { errnoError } from './errno-error.js';
import type { FakeEventLoop } from './fake-event-loop.js';

/** One watch of an instance. */
export interface FakeInotifyWatch {
  wd: number;
  path: string;
  mask: number;
}

interface Instance {
  watches: FakeInotifyWatch[];
  queue: InotifyEvent[];
}

/** The fake inotify. */
export class FakeInotify implements Inotify {
  private readonly instances = new Map<number, Instance>();
  private nextFd = 7000;
  private nextWd = 1;

  constructor(
    private readonly loop: FakeEventLoop,
    /** Whether a path exists, for inotify_add_watch()'s ENOENT. */
    readonly exists: (path: string) => boolean = existsSync,
  ) {}

  init(): number {
    const fd = this.nextFd++;
    this.instances.set(fd, { watches: [], queue: [] });
    return fd;
  }

  addWatch(fd: number, path: string, mask: number): number {
    const inst = this.instance(fd);
    if (!this.exists(path)) throw errnoError('ENOENT', `inotify_add_watch ${path}: No such file or directory`, 'inotify_add_watch');
    // The kernel keeps one watch per inode and instance: adding again updates its mask.
    const same = inst.watches.find((w) => w.path === path);
    if (same) {
      same.mask = mask;
      return same.wd;
    }
    const w = { wd: this.nextWd++, path, mask };
    inst.watches.push(w);
    return w.wd;
  }

  read(fd: number): InotifyEvent[] {
    const inst = this.instance(fd);
    const events = inst.queue;
    inst.queue = [];
    return events;
  }

  close(fd: number): void {
    this.instances.delete(fd);
  }

  /** Every watch of every open instance. */
  watches(): FakeInotifyWatch[] {
    return [...this.instances.values()].flatMap((i) => i.watches);
  }

  /** The open instances' fds. */
  openFds(): number[] {
    return [...this.instances.keys()];
  }

  /**
   * Queues an event with `mask` on every watch of `path` that wants one of its bits (`name` for
   * an event about an entry of a watched directory), and delivers readability to the instances
   * that got one. Returns how many watches matched.
   */
  emit(path: string, mask: number, name = ''): number {
    let matched = 0;
    const ready: number[] = [];
    for (const [fd, inst] of this.instances) {
      for (const w of inst.watches) {
        if (w.path !== path || (w.mask & mask) === 0) continue;
        inst.queue.push({ wd: w.wd, mask, name });
        matched++;
        if (!ready.includes(fd)) ready.push(fd);
      }
    }
    for (const fd of ready) if (this.loop.watchOf(fd)) this.loop.fireFd(fd, { readable: true });
    return matched;
  }

  private instance(fd: number): Instance {
    const inst = this.instances.get(fd);
    if (!inst) throw errnoError('EBADF', `inotify fd ${fd}: Bad file descriptor`, 'inotify');
    return inst;
  }
}
