/**
 * The production EventLoop of core, on Node's libuv loop through the addon: uv_poll_t fd watches,
 * a SIGCHLD-driven waitid() reaper, CLOCK_MONOTONIC timers.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import type { ChildExit, Disposable, EventLoop, FdEvents, FdWatch, TimeChange, Usec } from '@unitkit/core';
import { addon, type RawWatch } from './addon.js';
import { TimerQueue } from './timer-queue.js';

const READABLE = 1;
const WRITABLE = 2;
const HANGUP = 4;
/** inotify(7): a file in /etc created, renamed over, written or removed (IN_ATTRIB|IN_CLOSE_WRITE|IN_MOVED_TO|IN_CREATE|IN_DELETE), directories only (IN_ONLYDIR). */
const ZONE_EVENTS = 0x4 | 0x8 | 0x80 | 0x100 | 0x200 | 0x01000000;
const PRIORITY = 8;

/**
 * FdEvents plus `priority` (POLLPRI), a native extra: kernfs files such as a cgroup's
 * `cgroup.events` announce changes this way, which the kill-cgroup plugin needs for
 * empty-cgroup detection. Core's FdEvents has no such bit yet.
 */
export interface NativeFdEvents extends FdEvents {
  priority?: boolean;
}

function toBits(events: NativeFdEvents): number {
  return (events.readable ? READABLE : 0) | (events.writable ? WRITABLE : 0) | (events.priority ? PRIORITY : 0);
}

function fromBits(bits: number): NativeFdEvents {
  const events: NativeFdEvents = {};
  if (bits & READABLE) events.readable = true;
  if (bits & WRITABLE) events.writable = true;
  if (bits & HANGUP) events.hangup = true;
  if (bits & PRIORITY) events.priority = true;
  return events;
}

/** Options of {@link NativeEventLoop}. */
export interface NativeEventLoopOptions {
  /**
   * Become a child subreaper when a child-exit handler is installed, so orphans of services are
   * re-parented to the manager and reaped by it (default true, as systemd).
   */
  subreaper?: boolean;
  /** The directory whose `localtime` entry is watched for time zone changes (default /etc; tests use their own). */
  zoneDirectory?: string;
}

/**
 * The real event loop. One per process: the reaper reaps every child of the process, so nothing
 * else in it may use `child_process` (see the README).
 */
export class NativeEventLoop implements EventLoop {
  private readonly timers = new TimerQueue(() => this.now());
  private readonly watches = new Set<RawWatch>();
  private deferred: (() => void)[] = [];
  private deferScheduled = false;
  private childHandler: ((exit: ChildExit) => void) | undefined;
  private beforeReap: (() => void) | undefined;
  private readonly subreaper: boolean;
  private readonly zoneDirectory: string;
  private readonly timeListeners = new Set<(change: TimeChange) => void>();
  private timeWatch?: { fd: number; watch: RawWatch; zone?: { fd: number; watch: RawWatch }; zoneName: string };

  constructor(options: NativeEventLoopOptions = {}) {
    this.subreaper = options.subreaper ?? true;
    this.zoneDirectory = options.zoneDirectory ?? '/etc';
  }

  /** CLOCK_MONOTONIC in microseconds. */
  now(): Usec {
    return addon.monotonicUsec();
  }

  /** CLOCK_REALTIME in microseconds. */
  realtime(): Usec {
    return addon.realtimeUsec();
  }

  /** See EventLoop.armTimer; equal deadlines fire in arming order, never before `at`. */
  armTimer(at: Usec, callback: () => void): Disposable {
    return this.timers.arm(at, callback);
  }

  /**
   * See EventLoop.watchFd. The fd is switched to O_NONBLOCK (libuv requires it) and must stay open
   * until the watch is disposed; one watch per fd. Hang-ups are always reported.
   */
  watchFd(fd: number, events: NativeFdEvents, callback: (events: NativeFdEvents) => void): FdWatch {
    const raw = addon.pollStart(fd, toBits(events), (bits) => callback(fromBits(bits)));
    this.watches.add(raw);
    let disposed = false;
    return {
      update: (next: NativeFdEvents) => {
        if (!disposed) addon.pollUpdate(raw, toBits(next));
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.watches.delete(raw);
        addon.pollStop(raw);
      },
    };
  }

  /**
   * See EventLoop.onTimeChange. The first listener opens a CLOCK_REALTIME timerfd with
   * TFD_TIMER_CANCEL_ON_SET and watches /etc for a new localtime (inotify); the
   * last one to go closes both.
   */
  onTimeChange(callback: (change: TimeChange) => void): Disposable {
    this.timeListeners.add(callback);
    if (!this.timeWatch) this.startTimeWatch();
    return {
      dispose: () => {
        this.timeListeners.delete(callback);
        if (this.timeListeners.size === 0) this.stopTimeWatch();
      },
    };
  }

  private startTimeWatch(): void {
    const fd = addon.clockChangeFd();
    const raw = addon.pollStart(fd, READABLE, () => {
      if (addon.clockChangeRearm(fd)) this.emitTimeChange('clock');
    });
    this.timeWatch = { fd, watch: raw, zoneName: currentZone(this.zoneDirectory) };
    try {
      // inotify through the addon, not fs.watch: that loads Node's watcher modules into every
      // manager for good (~0.3 MB, issue #19).
      const zoneFd = addon.inotifyInit();
      try {
        addon.inotifyAddWatch(zoneFd, this.zoneDirectory, ZONE_EVENTS);
      } catch (error) {
        addon.close(zoneFd);
        throw error;
      }
      const zoneWatch = addon.pollStart(zoneFd, READABLE, () => {
        let events;
        try {
          events = addon.inotifyRead(zoneFd);
        } catch {
          return;
        }
        if (!this.timeWatch || !events.some((e) => e.name === 'localtime')) return;
        // Node caches the zone it read at start; assigning TZ again makes it read the zone anew.
        if (process.env.TZ === undefined) delete process.env.TZ;
        else process.env.TZ = process.env.TZ;
        const name = currentZone(this.zoneDirectory);
        if (name === this.timeWatch.zoneName) return;
        this.timeWatch.zoneName = name;
        this.emitTimeChange('timezone');
      });
      this.timeWatch.zone = { fd: zoneFd, watch: zoneWatch };
    } catch {
      // No /etc to watch (a minimal root): clock changes are still seen.
    }
  }

  private stopTimeWatch(): void {
    const w = this.timeWatch;
    if (!w) return;
    this.timeWatch = undefined;
    addon.pollStop(w.watch);
    addon.close(w.fd);
    if (w.zone) {
      addon.pollStop(w.zone.watch);
      addon.close(w.zone.fd);
    }
  }

  private emitTimeChange(change: TimeChange): void {
    for (const l of [...this.timeListeners]) l(change);
  }

  /**
   * See EventLoop.onChildExit. Installing the handler starts the reaper (and makes the process a
   * subreaper); children that exited before are collected right after. Disposing it stops reaping.
   */
  onChildExit(handler: (exit: ChildExit) => void): Disposable {
    this.childHandler = handler;
    this.startReaper();
    // Zombies from before the handler existed: their SIGCHLD may be long gone.
    setImmediate(() => {
      if (this.childHandler === handler) addon.reapNow();
    });
    return {
      dispose: () => {
        if (this.childHandler !== handler) return;
        this.childHandler = undefined;
        addon.reaperStop();
      },
    };
  }

  /**
   * See EventLoop.onBeforeReap: `hook` runs in the SIGCHLD wake-up, before the first waitid() that
   * reaps, while the exited children are still zombies.
   */
  onBeforeReap(hook: () => void): Disposable {
    this.beforeReap = hook;
    if (this.childHandler) this.startReaper();
    return {
      dispose: () => {
        if (this.beforeReap !== hook) return;
        this.beforeReap = undefined;
        if (this.childHandler) this.startReaper();
      },
    };
  }

  private startReaper(): void {
    const before = this.beforeReap;
    addon.reaperStart(
      (pid, code, status) => this.childHandler?.({ pid, code, status }),
      this.subreaper,
      before ? () => this.beforeReap?.() : undefined,
    );
  }

  /**
   * See EventLoop.defer: runs in Node's check phase (setImmediate), after the current callback and
   * before the loop blocks again. Callbacks deferred while the queue runs go to the next round, so
   * a callback that re-defers itself cannot starve I/O.
   */
  defer(callback: () => void): void {
    this.deferred.push(callback);
    if (this.deferScheduled) return;
    this.deferScheduled = true;
    setImmediate(() => this.runDeferred());
  }

  /** Native extra: reaps synchronously now (normally SIGCHLD does it). */
  reapNow(): void {
    if (this.childHandler) addon.reapNow();
  }

  /** Native extra: stops every timer, watch and the reaper, so the process can exit. */
  close(): void {
    this.timers.clear();
    for (const raw of this.watches) addon.pollStop(raw);
    this.watches.clear();
    this.deferred = [];
    if (this.childHandler) {
      this.childHandler = undefined;
      addon.reaperStop();
    }
  }

  private runDeferred(): void {
    this.deferScheduled = false;
    const batch = this.deferred;
    this.deferred = [];
    for (let i = 0; i < batch.length; i++) {
      try {
        batch[i]!();
      } catch (error) {
        // The rest of the batch still runs, ahead of anything deferred meanwhile.
        this.deferred = batch.slice(i + 1).concat(this.deferred);
        if (this.deferred.length && !this.deferScheduled) {
          this.deferScheduled = true;
          setImmediate(() => this.runDeferred());
        }
        throw error;
      }
    }
  }
}

/**
 * What identifies the local zone now: $TZ when set, else where `localtime` in the zone directory
 * points (its content when it is a copy). Cheaper than asking Intl, which costs tens of
 * milliseconds the first time — at every manager start, for a question asked only on a change.
 */
function currentZone(zoneDirectory: string): string {
  if (process.env.TZ !== undefined) return `TZ=${process.env.TZ}`;
  const file = `${zoneDirectory}/localtime`;
  try {
    return readlinkSync(file);
  } catch {
    try {
      return readFileSync(file).toString('latin1');
    } catch {
      return '';
    }
  }
}
