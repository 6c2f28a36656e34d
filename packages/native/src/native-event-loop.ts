/**
 * The production EventLoop of core, on Node's libuv loop through the addon: uv_poll_t fd watches,
 * a SIGCHLD-driven waitid() reaper, CLOCK_MONOTONIC timers.
 */
import type { ChildExit, Disposable, EventLoop, FdEvents, FdWatch, Usec } from '@unitkit/core';
import { addon, type RawWatch } from './addon.js';
import { TimerQueue } from './timer-queue.js';

const READABLE = 1;
const WRITABLE = 2;
const HANGUP = 4;
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

  constructor(options: NativeEventLoopOptions = {}) {
    this.subreaper = options.subreaper ?? true;
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
