/**
 * A ProcessSpawner that starts nothing: it hands out fake pids, remembers every ExecSpec, and
 * turns signals into exits according to each fake process's signal actions. Exits reach the
 * code under test through the FakeEventLoop's onChildExit handler, like real reaped children.
 */
import { constants as osConstants } from 'node:os';
import type { ChildExit, ExecSpec, ProcessSpawner, SpawnedProcess, Usec } from '@unitkit/core';
import { errnoError, type ErrnoError } from './errno-error.js';
import type { FakeEventLoop } from './fake-event-loop.js';
import { FakeProcess, type FakeForkOptions, type FakeProcessHost, type SignalAction } from './fake-process.js';
import { defaultSignalDisposition } from './signal-disposition.js';

/**
 * Refuses what the native addon refuses, so code that passes an unchecked pid (a PID file, a
 * MAINPID= datagram) fails here as it would in production: a TypeError for a pid or signal that is
 * not a 32-bit integer, EINVAL for a pid ≤ 0.
 */
function checkKillArguments(pid: number, signal: number, syscall: string): void {
  for (const [what, v] of [['pid', pid], ['signal', signal]] as const) {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) throw new TypeError(`${what} must be a 32-bit integer`);
  }
  if (pid <= 0) throw errnoError('EINVAL', `${syscall}: Invalid argument`, syscall);
}

/** Options of a FakeProcessSpawner. */
export interface FakeProcessSpawnerOptions {
  /** The first pid handed out; 1000 by default. */
  firstPid?: number;
  /** The pid (and process group) standing for the manager itself; 1 by default. */
  managerPid?: number;
}

/** One signal sent through kill() or killGroup(). */
export interface SentSignal {
  /** The pid, or for a group signal the process group id. */
  pid: number;
  signal: number;
  /** Sent with killGroup(). */
  group: boolean;
  /** Monotonic time (µs) when it was sent. */
  at: Usec;
  /** Whether the call succeeded (false: ESRCH). */
  delivered: boolean;
}

/** A spawn() that was told to fail. */
export interface FailedSpawn {
  spec: ExecSpec;
  error: ErrnoError;
}

/** A ProcessSpawner for tests. */
export class FakeProcessSpawner implements ProcessSpawner {
  /** Every successfully spawned process, in spawn order (forked and adopted ones are not here). */
  readonly spawned: FakeProcess[] = [];
  /** Every spawn() that failed on request, in order. */
  readonly failed: FailedSpawn[] = [];
  /** Every kill()/killGroup() call with a non-zero signal, in order; signal 0 only probes and is not kept. */
  readonly signals: SentSignal[] = [];
  /** The pid standing for the manager: children of a dead process are re-parented to it. */
  readonly managerPid: number;
  /**
   * Signal actions every new process starts with, on top of the kernel defaults. Change it to
   * make, say, every process of a test ignore SIGTERM.
   */
  readonly defaultActions = new Map<number, SignalAction>();
  private readonly processes = new Map<number, FakeProcess>();
  private readonly failures: Array<{ code: string; message: string | undefined }> = [];
  private nextPid: number;
  private readonly host: FakeProcessHost;

  constructor(
    /** The loop through which exits are delivered. */
    readonly loop: FakeEventLoop,
    options: FakeProcessSpawnerOptions = {},
  ) {
    this.nextPid = options.firstPid ?? 1000;
    this.managerPid = options.managerPid ?? 1;
    this.host = {
      now: () => this.loop.now(),
      terminate: (process, exit) => this.terminate(process, exit),
      fork: (parent, forkOptions) => this.create(parent.pid, undefined, forkOptions.newSession ? undefined : parent.pgid),
    };
  }

  // ---- the ProcessSpawner port ----

  /** Records a deep copy of `spec` (later changes by the caller do not alter the record). */
  spawn(spec: ExecSpec): SpawnedProcess {
    const failure = this.failures.shift();
    if (failure) {
      const error = errnoError(failure.code, failure.message ?? `spawn ${spec.path}: fork failed`, 'fork');
      this.failed.push({ spec: structuredClone(spec), error });
      throw error;
    }
    const process = this.create(this.managerPid, structuredClone(spec), spec.newSession ? undefined : this.managerPid);
    this.spawned.push(process);
    if (spec.failure) {
      // A step the manager ran for the child failed: like the native child, it exits at once with the step's status.
      const f = spec.failure;
      process.exit(f.status);
      return { pid: process.pid, failure: { step: f.step, status: f.status, code: errnoName(f.errno), message: errnoName(f.errno) } };
    }
    return { pid: process.pid };
  }

  kill(pid: number, signal: number): boolean {
    checkKillArguments(pid, signal, 'kill');
    const process = this.processes.get(pid);
    const delivered = process !== undefined && process.state !== 'reaped';
    if (signal !== 0) this.signals.push({ pid, signal, group: false, at: this.loop.now(), delivered });
    if (delivered && signal !== 0) this.signal(process, signal);
    return delivered;
  }

  killGroup(pgid: number, signal: number): boolean {
    checkKillArguments(pgid, signal, 'killpg');
    const members = [...this.processes.values()].filter((p) => p.pgid === pgid && p.state !== 'reaped');
    const delivered = members.length > 0;
    if (signal !== 0) this.signals.push({ pid: pgid, signal, group: true, at: this.loop.now(), delivered });
    if (signal !== 0) for (const p of members) this.signal(p, signal);
    return delivered;
  }

  // ---- for tests ----

  /**
   * Makes the next spawn() throw an Error with errno name `code` (EAGAIN by default), as when
   * fork() itself fails. Calls queue up: each one fails one more spawn.
   */
  failNextSpawn(code = 'EAGAIN', message?: string): void {
    this.failures.push({ code, message });
  }

  /** The most recently spawned process; throws when nothing was spawned, to keep tests short. */
  last(): FakeProcess {
    const process = this.spawned[this.spawned.length - 1];
    if (!process) throw new Error('FakeProcessSpawner.last(): nothing has been spawned');
    return process;
  }

  /** The first spawned process matching `predicate`. */
  find(predicate: (process: FakeProcess, spec: ExecSpec) => boolean): FakeProcess | undefined {
    return this.spawned.find((p) => predicate(p, p.spec!));
  }

  /** Any fake process by pid, spawned, forked or adopted. */
  get(pid: number): FakeProcess | undefined {
    return this.processes.get(pid);
  }

  /** The processes still running. */
  running(): FakeProcess[] {
    return [...this.processes.values()].filter((p) => p.alive);
  }

  /** The signals sent to one pid (not to groups), in order. */
  signalsTo(pid: number): number[] {
    return this.signals.filter((s) => !s.group && s.pid === pid).map((s) => s.signal);
  }

  /**
   * Creates a running process the manager did not spawn but will reap — a daemon whose parent
   * already exited, re-parented to the manager. It is its own session leader unless told
   * otherwise, as daemons call setsid().
   */
  adopt(options: FakeForkOptions = {}): FakeProcess {
    return this.create(this.managerPid, undefined, options.newSession === false ? this.managerPid : undefined);
  }

  // ---- internals ----

  private create(parentPid: number, spec: ExecSpec | undefined, pgid: number | undefined): FakeProcess {
    const pid = this.nextPid++;
    const defaults = new Map(this.defaultActions);
    const process = new FakeProcess(pid, pgid ?? pid, parentPid, spec, this.host, defaults);
    this.processes.set(pid, process);
    return process;
  }

  /** The signal takes effect at the next dispatch, so kill() never re-enters its caller. */
  private signal(process: FakeProcess, signal: number): void {
    this.loop.post(() => {
      if (process.state !== 'running') return;
      process.received.push(signal);
      let action = process.actionFor(signal);
      if (action === 'default') action = defaultSignalDisposition(signal);
      if (action === 'terminate') process.kill(signal);
      else if (action === 'dump') process.kill(signal, { dumped: true });
      else if (typeof action === 'function') action(process, signal);
      else if (typeof action === 'object') process.exit(action.exit);
    });
  }

  /** Calls `listener` whenever a fake process ends (before its exit is delivered), e.g. to track scopes. */
  onProcessEnd(listener: (process: FakeProcess) => void): void {
    this.endListeners.push(listener);
  }

  private readonly endListeners: Array<(process: FakeProcess) => void> = [];

  private terminate(process: FakeProcess, exit: ChildExit): void {
    if (process.state !== 'running') {
      throw new Error(`fake process ${process.pid} has already ended (${process.exitStatus!.code} ${process.exitStatus!.status})`);
    }
    process.state = 'zombie';
    process.exitStatus = { ...exit };
    process.exitedAt = this.loop.now();
    // Orphans go to the manager, which is a child subreaper; their own exits reach it from now on.
    for (const child of this.processes.values()) {
      // Only running children can be left behind: a dead child of a living parent was reaped by it.
      if (child.parentPid === process.pid && child.state === 'running') child.parentPid = this.managerPid;
    }
    for (const l of this.endListeners) l(process);
    if (process.parentPid === this.managerPid) {
      this.reapByManager(process);
    } else {
      // A living parent reaps its own child; the manager never hears of it.
      process.state = 'reaped';
    }
  }

  private reapByManager(process: FakeProcess): void {
    this.loop.deliverChildExit(process.exitStatus!, () => {
      process.state = 'reaped';
    });
  }
}

/** The errno name of a number ('ESRCH' for 3), for failures reported like the native spawner's. */
function errnoName(n: number): string {
  for (const [name, value] of Object.entries(osConstants.errno)) if (value === n) return name;
  return `E${n}`;
}
