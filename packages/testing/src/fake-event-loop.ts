/**
 * A deterministic EventLoop with virtual clocks, in the spirit of dinit's `advance_time()`:
 * nothing happens until the test says time has passed or an event has arrived, and then
 * everything happens in a fixed order.
 *
 * Dispatch model, mirroring sd-event as the manager uses it: one iteration dispatches one event,
 * then runs every deferred callback (including ones deferred meanwhile) before the next. Among
 * ready events, external events (`post()`) come first, then reaped children, then due timers —
 * the manager gives SIGCHLD a higher priority than timers, so an exit and a timeout at the same
 * instant are seen as "exited in time".
 */
import type { ChildExit, Disposable, EventLoop, FdEvents, FdWatch, TimeChange, Usec } from '@unitkit/core';
import { errnoError } from './errno-error.js';
import { FakeFdWatch } from './fake-fd-watch.js';

/** The monotonic clock's start value: not 0, so code that treats 0 as "unset" is caught. */
export const FAKE_MONOTONIC_START: Usec = 1_000_000;

/** The realtime clock's start value: 2026-01-01T00:00:00Z in µs since the epoch. */
export const FAKE_REALTIME_START: Usec = Date.UTC(2026, 0, 1) * 1000;

/** Options of a FakeEventLoop. */
export interface FakeEventLoopOptions {
  /** Initial monotonic time (µs); FAKE_MONOTONIC_START by default. */
  monotonic?: Usec;
  /** Initial realtime (µs since the epoch); FAKE_REALTIME_START by default. */
  realtime?: Usec;
  /**
   * How many events and deferred callbacks one dispatch may run before the loop declares a
   * livelock (code that keeps re-arming a due timer or deferring forever) and throws.
   */
  maxIterations?: number;
}

/** A timer as pendingTimers() shows it. */
export interface PendingTimer {
  /** When it is due (monotonic µs). */
  readonly at: Usec;
  /** When it was armed (monotonic µs). */
  readonly armedAt: Usec;
  /** Cancels it, as the code under test's handle would. */
  dispose(): void;
}

class ArmedTimer implements PendingTimer, Disposable {
  active = true;
  constructor(
    readonly at: Usec,
    readonly armedAt: Usec,
    readonly seq: number,
    readonly callback: () => void,
    private readonly onDispose: (timer: ArmedTimer) => void,
  ) {}
  dispose(): void {
    if (!this.active) return;
    this.active = false;
    this.onDispose(this);
  }
}

interface QueuedExit {
  exit: ChildExit;
  onReaped: (() => void) | undefined;
}

/** An EventLoop with virtual time and fake fds and children, driven entirely by the test. */
export class FakeEventLoop implements EventLoop {
  private monotonic: Usec;
  private realtimeOffset: Usec;
  private readonly timeListeners = new Set<(change: TimeChange) => void>();
  private readonly maxIterations: number;
  private timers: ArmedTimer[] = [];
  private timerSeq = 0;
  private deferred: Array<() => void> = [];
  private posted: Array<() => void> = [];
  private exits: QueuedExit[] = [];
  private childHandler: ((exit: ChildExit) => void) | undefined;
  private readonly fdWatches = new Map<number, FakeFdWatch>();
  private dispatching = false;

  constructor(options: FakeEventLoopOptions = {}) {
    this.monotonic = options.monotonic ?? FAKE_MONOTONIC_START;
    this.realtimeOffset = (options.realtime ?? FAKE_REALTIME_START) - this.monotonic;
    this.maxIterations = options.maxIterations ?? 100_000;
  }

  // ---- the EventLoop port ----

  now(): Usec {
    return this.monotonic;
  }

  /** Realtime advances in lockstep with the monotonic clock, until a test sets it with setRealtime(). */
  realtime(): Usec {
    return this.monotonic + this.realtimeOffset;
  }

  /** See EventLoop.onTimeChange: fired by setRealtime() and changeTimezone(). */
  onTimeChange(callback: (change: TimeChange) => void): Disposable {
    this.timeListeners.add(callback);
    return { dispose: () => this.timeListeners.delete(callback) };
  }

  /**
   * Sets the wall clock to `realtime` (µs since the epoch), as `date -s` does: the monotonic clock
   * does not move, and time-change listeners are called (then pending work runs).
   */
  setRealtime(realtime: Usec): void {
    this.realtimeOffset = realtime - this.monotonic;
    for (const l of [...this.timeListeners]) l('clock');
    this.runPending();
  }

  /**
   * Announces a new local time zone to time-change listeners, as a replaced /etc/localtime does.
   * The test sets the zone itself (e.g. process.env.TZ) before calling this.
   */
  changeTimezone(): void {
    for (const l of [...this.timeListeners]) l('timezone');
    this.runPending();
  }

  armTimer(at: Usec, callback: () => void): Disposable {
    if (Number.isNaN(at)) throw new RangeError('armTimer: the due time is NaN');
    const timer = new ArmedTimer(at, this.monotonic, this.timerSeq++, callback, (t) => this.removeTimer(t));
    // Keep the list sorted by (at, seq) so "same instant fires in arm order" holds by construction.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > at) i--;
    this.timers.splice(i, 0, timer);
    return timer;
  }

  /**
   * One watch per fd, as with epoll: a second watch on a watched fd throws (EEXIST), which
   * catches code that forgets to dispose its old watch.
   */
  watchFd(fd: number, events: FdEvents, callback: (events: FdEvents) => void): FdWatch {
    const existing = this.fdWatches.get(fd);
    if (existing) throw errnoError('EEXIST', `watchFd: fd ${fd} is already watched`);
    const watch = new FakeFdWatch(fd, events, callback, (w) => {
      if (this.fdWatches.get(w.fd) === w) this.fdWatches.delete(w.fd);
    });
    this.fdWatches.set(fd, watch);
    return watch;
  }

  /**
   * The port allows one handler at a time; installing a second while the first is active throws
   * (EBUSY) rather than silently stealing the children. Exits that arrived while no handler was
   * installed wait, like unreaped zombies, and are delivered at the next dispatch.
   */
  onChildExit(handler: (exit: ChildExit) => void): Disposable {
    if (this.childHandler) throw errnoError('EBUSY', 'onChildExit: a handler is already installed');
    this.childHandler = handler;
    let active = true;
    return {
      dispose: () => {
        if (!active) return;
        active = false;
        if (this.childHandler === handler) this.childHandler = undefined;
      },
    };
  }

  defer(callback: () => void): void {
    this.deferred.push(callback);
  }

  // ---- driving the loop from a test ----

  /**
   * Dispatches everything that is ready at the current instant — deferred callbacks, posted
   * events, queued child exits, timers already due — without moving time.
   */
  runPending(): void {
    this.assertNotDispatching('runPending');
    this.settle();
  }

  /** Moves both clocks forward by `usec`, dispatching every timer that falls due on the way. */
  advance(usec: Usec): void {
    if (!(usec >= 0) || !Number.isFinite(usec)) throw new RangeError(`advance: ${usec} is not a finite, non-negative duration`);
    this.advanceTo(this.monotonic + usec);
  }

  /**
   * Moves both clocks to monotonic time `at`. Each due timer fires with the clock set to its own
   * due time, followed by the deferred work it caused, so timers armed on the way that fall due
   * before `at` fire too.
   */
  advanceTo(at: Usec): void {
    this.assertNotDispatching('advanceTo');
    if (!Number.isFinite(at)) throw new RangeError(`advanceTo: ${at} is not a finite time`);
    if (at < this.monotonic) throw new RangeError(`advanceTo: ${at} is before now (${this.monotonic}); the monotonic clock never goes back`);
    this.settle();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > at) break;
      if (next.at > this.monotonic) this.monotonic = next.at;
      this.settle();
    }
    this.monotonic = at;
    this.settle();
  }

  /**
   * Jumps to the next armed timer and dispatches it. Returns false, without moving time, when no
   * timer with a finite due time is armed.
   */
  advanceToNextTimer(): boolean {
    const at = this.nextTimerAt();
    if (at === undefined || !Number.isFinite(at)) return false;
    this.advanceTo(Math.max(at, this.monotonic));
    return true;
  }

  /** The due time of the earliest armed timer. */
  nextTimerAt(): Usec | undefined {
    return this.timers[0]?.at;
  }

  /** The armed timers, earliest first (ties in arm order). */
  pendingTimers(): PendingTimer[] {
    return [...this.timers];
  }

  /** How many deferred callbacks are waiting. */
  pendingDeferred(): number {
    return this.deferred.length;
  }

  /**
   * Delivers readiness on fake fd `fd` to its watch, if it wants any of `events` (hangup always
   * counts), then dispatches whatever that caused. Returns whether anything was delivered.
   * Readiness is one-shot: a test that models a socket staying readable fires again.
   */
  fireFd(fd: number, events: FdEvents): boolean {
    this.assertNotDispatching('fireFd');
    const watch = this.fdWatches.get(fd);
    const delivered = watch?.filter(events);
    if (!watch || !delivered) return false;
    watch.deliveries.push(delivered);
    this.dispatchOne(() => watch.callback(delivered));
    this.settle();
    return true;
  }

  /** The active watch on `fd`, if any. */
  watchOf(fd: number): FakeFdWatch | undefined {
    return this.fdWatches.get(fd);
  }

  /** Every active fd watch, by ascending fd. */
  watches(): FakeFdWatch[] {
    return [...this.fdWatches.values()].sort((a, b) => a.fd - b.fd);
  }

  /** Whether a child-exit handler is installed. */
  hasChildExitHandler(): boolean {
    return this.childHandler !== undefined;
  }

  /**
   * Queues an external event (a signal reaching a fake process, say) to be dispatched at the next
   * iteration. Fakes use it so that what the code under test causes never re-enters that code
   * synchronously, just as a real kill() returns before the SIGCHLD arrives.
   */
  post(callback: () => void): void {
    this.posted.push(callback);
  }

  /**
   * Queues a reaped child for the onChildExit handler. `onReaped` runs just before the handler
   * sees it (the moment waitid() would have reaped it). Nothing is dispatched until the next
   * runPending/advance/fire; use deliverChildExit() to dispatch at once.
   */
  queueChildExit(exit: ChildExit, onReaped?: () => void): void {
    this.exits.push({ exit: { ...exit }, onReaped });
  }

  /**
   * Queues a reaped child and, unless called from inside a dispatched callback, dispatches it
   * and what follows at once.
   */
  deliverChildExit(exit: ChildExit, onReaped?: () => void): void {
    this.queueChildExit(exit, onReaped);
    if (!this.dispatching) this.settle();
  }

  /** Whether the loop is inside a dispatched callback right now. */
  isDispatching(): boolean {
    return this.dispatching;
  }

  // ---- internals ----

  private removeTimer(timer: ArmedTimer): void {
    const i = this.timers.indexOf(timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  private assertNotDispatching(what: string): void {
    if (this.dispatching) {
      throw new Error(`FakeEventLoop.${what}() called from inside a loop callback; drive the loop from the test, not from the code under test`);
    }
  }

  private dispatchOne(callback: () => void): void {
    this.dispatching = true;
    try {
      callback();
    } finally {
      this.dispatching = false;
    }
  }

  /** Dispatches everything ready at the current instant, one event at a time, deferred work after each. */
  private settle(): void {
    if (this.dispatching) return;
    let budget = this.maxIterations;
    const spend = (): void => {
      if (--budget < 0) throw new Error(`FakeEventLoop: more than ${this.maxIterations} dispatches at ${this.monotonic}µs; something re-arms or defers forever`);
    };
    const runDeferred = (): void => {
      while (this.deferred.length > 0) {
        spend();
        const callback = this.deferred.shift()!;
        this.dispatchOne(callback);
      }
    };
    runDeferred();
    for (;;) {
      spend();
      const posted = this.posted.shift();
      if (posted) {
        this.dispatchOne(posted);
      } else if (this.childHandler && this.exits.length > 0) {
        const { exit, onReaped } = this.exits.shift()!;
        const handler = this.childHandler;
        this.dispatchOne(() => {
          onReaped?.();
          handler(exit);
        });
      } else if (this.timers.length > 0 && this.timers[0]!.at <= this.monotonic) {
        const timer = this.timers.shift()!;
        timer.active = false;
        this.dispatchOne(timer.callback);
      } else {
        break;
      }
      runDeferred();
    }
  }
}

