/**
 * One fake process: the handle a test uses to decide what a program does — exit, die of a
 * signal, ignore SIGTERM, fork a daemon — at the virtual instant it chooses.
 */
import type { ChildExit, ExecSpec, Usec } from '@unitkit/core';
import { signals } from './signals.js';

/**
 * What a fake process does when a signal reaches it:
 * - `default`: the kernel's default disposition (terminate, dump core, or nothing);
 * - `terminate` / `dump`: die of the signal (ChildExit code `killed` / `dumped`);
 * - `ignore`: nothing happens (on SIGKILL this models a process stuck in uninterruptible sleep);
 * - `{ exit: n }`: a handler that exits with status n, as a daemon's clean shutdown does;
 * - a function: arbitrary behaviour, called from a loop dispatch with the process and the signal.
 */
export type SignalAction =
  | 'default'
  | 'terminate'
  | 'dump'
  | 'ignore'
  | { exit: number }
  | ((process: FakeProcess, signal: number) => void);

/** The life of a fake process: running, dead but not yet reaped, reaped. */
export type FakeProcessState = 'running' | 'zombie' | 'reaped';

/** Options of a forked or adopted fake process. */
export interface FakeForkOptions {
  /** The child calls setsid(): its process group is its own pid. Otherwise it keeps the parent's. */
  newSession?: boolean;
}

/** @internal What a FakeProcess needs from the spawner that owns it. */
export interface FakeProcessHost {
  now(): Usec;
  terminate(process: FakeProcess, exit: ChildExit): void;
  fork(parent: FakeProcess, options: FakeForkOptions): FakeProcess;
}

/** A fake process, spawned through the FakeProcessSpawner or created by a test. */
export class FakeProcess {
  /** The state of the process; `zombie` until the manager's onChildExit handler has seen its exit. */
  state: FakeProcessState = 'running';
  /** How it ended, once it has. */
  exitStatus: ChildExit | undefined;
  /** The pid of its parent; becomes the manager's when the parent dies (the manager is a subreaper). */
  parentPid: number;
  /** The pid of the process that forked it, never re-parented (what a cgroup's membership follows). */
  readonly forkedFrom: number;
  /** Signals that reached this process while it ran, in order (whatever they did). */
  readonly received: number[] = [];
  /** Monotonic time (µs) when it was created. */
  readonly startedAt: Usec;
  /** Monotonic time (µs) when it died. */
  exitedAt: Usec | undefined;
  private readonly actions = new Map<number, SignalAction>();

  constructor(
    /** Its pid. */
    readonly pid: number,
    /** Its process group. */
    readonly pgid: number,
    parentPid: number,
    /** The spec it was spawned with (a deep copy), or undefined for a forked or adopted process. */
    readonly spec: ExecSpec | undefined,
    private readonly host: FakeProcessHost,
    defaults: ReadonlyMap<number, SignalAction>,
  ) {
    this.parentPid = parentPid;
    this.forkedFrom = parentPid;
    this.startedAt = host.now();
    for (const [signal, action] of defaults) this.actions.set(signal, action);
  }

  /** Whether it is still running (a zombie is not, though kill() on it still succeeds). */
  get alive(): boolean {
    return this.state === 'running';
  }

  /** Sets what this process does on `signal`; returns the process for chaining. */
  onSignal(signal: number, action: SignalAction): this {
    this.actions.set(signal, action);
    return this;
  }

  /** Shorthand for onSignal(signal, 'ignore') on each signal: a process that sits out SIGTERM. */
  ignore(...signalNumbers: number[]): this {
    for (const s of signalNumbers) this.onSignal(s, 'ignore');
    return this;
  }

  /** What this process does on `signal`. */
  actionFor(signal: number): SignalAction {
    return this.actions.get(signal) ?? 'default';
  }

  /** The process exits with `status` (exit(2)); the manager's handler sees it at once. */
  exit(status = 0): void {
    this.host.terminate(this, { pid: this.pid, code: 'exited', status });
  }

  /**
   * The process dies of `signal` (SIGKILL by default), whatever its signal actions, as if
   * something outside the manager killed it or it crashed; `dumped` makes it a core dump.
   */
  kill(signal: number = signals.SIGKILL, options: { dumped?: boolean } = {}): void {
    this.host.terminate(this, { pid: this.pid, code: options.dumped ? 'dumped' : 'killed', status: signal });
  }

  /**
   * The process forks a child (a daemon's double fork, a shell's background job). The child's
   * exit reaches the manager only once this process has died and the child was re-parented.
   */
  fork(options: FakeForkOptions = {}): FakeProcess {
    return this.host.fork(this, options);
  }

  /**
   * The environment the program sees: the spec's `env`, plus LISTEN_PID/LISTEN_FDS/
   * LISTEN_FDNAMES when the spec asked for them and its `pidEnvironment` variables, as the real
   * spawner adds them in the child.
   */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    if (!this.spec) return env;
    for (const assignment of this.spec.env) {
      const eq = assignment.indexOf('=');
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
    if (this.spec.listenFdNames) {
      env['LISTEN_PID'] = String(this.pid);
      env['LISTEN_FDS'] = String(this.spec.fds?.length ?? 0);
      env['LISTEN_FDNAMES'] = this.spec.listenFdNames.join(':');
    }
    for (const name of this.spec.pidEnvironment ?? []) env[name] = String(this.pid);
    return env;
  }
}
