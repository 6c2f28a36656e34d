/**
 * The event loop port: everything that waits for time, fds or children goes through it, so a
 * plugin never calls setTimeout, sockets or child_process itself. The production implementation
 * sits on `@unitkit/native`; `@unitkit/testing` binds a fake with a virtual clock.
 */

/** Microseconds, as systemd's usec_t. `Infinity` stands for USEC_INFINITY. */
export type Usec = number;

/** Readiness bits of a watched fd. */
export interface FdEvents {
  readable?: boolean;
  writable?: boolean;
  /** The peer hung up or the fd is in an error state (POLLHUP/POLLERR); always reported when it happens. */
  hangup?: boolean;
  /**
   * Exceptional condition (POLLPRI): what cgroup v2 raises on `cgroup.events` when a cgroup empties.
   * The reader must re-read such a file from offset 0 after each event.
   */
  priority?: boolean;
}

/** A handle that stops whatever it was returned for; calling it twice is harmless. */
export interface Disposable {
  dispose(): void;
}

/** A watch on one fd; the fd itself stays open and nothing queued on it is consumed. */
export interface FdWatch extends Disposable {
  /** Changes which events are wanted without re-creating the watch. */
  update(events: FdEvents): void;
}

/** How a child ended, in waitid()'s terms: systemd's ExecMainCode uses the same numbers (CLD_*). */
export type ChildExitCode = 'exited' | 'killed' | 'dumped';

/** One reaped child. */
export interface ChildExit {
  pid: number;
  code: ChildExitCode;
  /** The exit status for 'exited', the signal number for 'killed' and 'dumped'. */
  status: number;
}

/** The number systemd shows for a ChildExitCode (CLD_EXITED=1, CLD_KILLED=2, CLD_DUMPED=3). */
export const childExitCodeNumber: Readonly<Record<ChildExitCode, number>> = {
  exited: 1,
  killed: 2,
  dumped: 3,
};

/** Token and interface of the event loop port. */
export const EventLoop = Symbol('EventLoop');
export interface EventLoop {
  /** Monotonic time in microseconds (CLOCK_MONOTONIC). Timers are armed against this clock. */
  now(): Usec;
  /** Wall-clock time in microseconds since the epoch (CLOCK_REALTIME), for timestamps shown to users. */
  realtime(): Usec;
  /**
   * Calls `callback` once when the monotonic clock reaches `at` (or, if it already has, on the next
   * turn of the loop, after work already deferred). Timers due at the same instant fire in the
   * order they were armed.
   */
  armTimer(at: Usec, callback: () => void): Disposable;
  /**
   * Calls `callback` whenever `fd` has one of the wanted events (level-triggered: it is called
   * again while the condition lasts). One watch per fd at a time; the implementation may switch the
   * fd to non-blocking mode.
   */
  watchFd(fd: number, events: FdEvents, callback: (events: FdEvents) => void): FdWatch;
  /**
   * Receives every reaped child of the process: children the manager spawned and orphans
   * re-parented to it (the manager is a child subreaper). Only one handler is installed at a time;
   * the manager routes exits to units by pid itself. Installing a second handler while one is
   * installed is a programming error (implementations throw). The reaper serves the whole process:
   * use one event loop per process.
   */
  onChildExit(handler: (exit: ChildExit) => void): Disposable;
  /**
   * Optional. Calls `hook` whenever exited children are about to be reaped, before any of them is
   * (they are still zombies while it runs). The manager drains the notify socket here: a datagram
   * from a process that exited right after sending must be read while /proc still knows the
   * sender — systemd gives its notify fd a higher priority than SIGCHLD for this. One hook at a time.
   */
  onBeforeReap?(hook: () => void): Disposable;
  /**
   * Runs `callback` after the current event has been handled, before waiting for new events —
   * the job queue and the other manager queues are dispatched this way, like systemd's idle
   * event sources. Deferred callbacks run in the order they were deferred.
   */
  defer(callback: () => void): void;
  /**
   * Optional. Calls `callback` when the wall clock was set (`'clock'`: CLOCK_REALTIME jumped, as a
   * TFD_TIMER_CANCEL_ON_SET timerfd reports) or the local time zone changed (`'timezone'`:
   * /etc/localtime was replaced) — systemd's time-change and timezone-change events, which timers
   * react to (OnClockChange=, OnTimezoneChange=, calendar deadlines computed again).
   */
  onTimeChange?(callback: (change: TimeChange) => void): Disposable;
}

/** What changed about time: the wall clock was set, or the local time zone changed. */
export type TimeChange = 'clock' | 'timezone';
