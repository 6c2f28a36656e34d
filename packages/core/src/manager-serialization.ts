/**
 * The manager's state across a re-exec (systemd's manager_serialize()/manager_deserialize()): every
 * unit's runtime state (its type's serialize() plus what core keeps on the unit: timestamps,
 * invocation id, armed timers, fd watches, watched pids), the installed jobs, the manager
 * environment. The process that execs keeps its pid, so children stay its children; the fds the
 * state names are inherited under the same numbers (see {@link SerializedManager.fds}).
 *
 * The text form is JSON with two extensions JSON lacks and unit state uses: Infinity (disarmed
 * deadlines) and holes in arrays (a socket's unopened Listen*= slots).
 */
import type { FdEvents, Usec } from './ports/event-loop.js';
import type { JobState, JobType } from './job-type.js';
import type { Manager } from './manager.js';
import type { DualTimestamp } from './unit.js';
import type { UnitActiveState } from './unit-active-state.js';

/** The state format's version; a newer or older one is refused (the manager then starts afresh). */
export const managerStateVersion = 1;

/** One unit in the serialized state. */
export interface SerializedUnit {
  id: string;
  activeState: UnitActiveState;
  /** What the unit's type serialize() returned. */
  typeState?: Record<string, unknown>;
  timestamps: Record<(typeof timestampNames)[number], DualTimestamp>;
  invocationId: string;
  conditionResult: boolean;
  assertResult: boolean;
  failedCondition?: string;
  startLimitHit: boolean;
  /** Armed timers by key with their CLOCK_MONOTONIC deadline (µs); re-armed as they were. */
  timers: Array<[string, Usec]>;
  fdWatches: Array<[number, FdEvents]>;
  pids: number[];
}

/** One installed job. */
export interface SerializedJob {
  id: number;
  unit: string;
  type: JobType;
  state: JobState;
  beginUsec: Usec;
  irreversible: boolean;
  ignoreOrder: boolean;
}

/** The whole state. */
export interface SerializedManager {
  version: number;
  /** What clients set with set-environment; the new image starts from the same initial environment. */
  environment: string[];
  exitStatus: number;
  units: SerializedUnit[];
  jobs: SerializedJob[];
  /** Every fd the unit states name: the new image must inherit them. */
  fds: number[];
}

const timestampNames = [
  'stateChangeTimestamp',
  'inactiveExitTimestamp',
  'activeEnterTimestamp',
  'activeExitTimestamp',
  'inactiveEnterTimestamp',
  'conditionTimestamp',
  'assertTimestamp',
] as const;

/**
 * Collects the manager's state. Throws (naming the unit) when a type cannot serialize a unit: a
 * re-exec must then not happen, the running manager keeps everything.
 */
export function serializeManager(manager: Manager): SerializedManager {
  const units: SerializedUnit[] = [];
  const fds = new Set<number>();
  for (const u of manager.allUnits()) {
    if (u.loadState === 'merged') continue;
    let typeState: Record<string, unknown> | undefined;
    try {
      typeState = u.type.serialize?.(u);
      for (const fd of u.type.serializeFds?.(u) ?? []) if (Number.isInteger(fd) && fd >= 0) fds.add(fd);
    } catch (e) {
      throw new Error(`Failed to serialize ${u.id}: ${(e as Error).message}`);
    }
    units.push({
      id: u.id,
      activeState: u.activeState(),
      typeState,
      timestamps: Object.fromEntries(timestampNames.map((n) => [n, { ...u[n] }])) as SerializedUnit['timestamps'],
      invocationId: u.invocationId,
      conditionResult: u.conditionResult,
      assertResult: u.assertResult,
      failedCondition: u.failedCondition,
      startLimitHit: u.startLimitHit,
      timers: u.armedTimers(),
      fdWatches: u.watchedFds(),
      pids: [...u.pids],
    });
  }
  const jobs: SerializedJob[] = [];
  for (const j of manager.installedJobs()) {
    jobs.push({ id: j.id, unit: j.unit.id, type: j.type, state: j.state, beginUsec: j.beginUsec, irreversible: j.irreversible, ignoreOrder: j.ignoreOrder });
  }
  for (const u of manager.allUnits()) {
    if (u.nopJob) jobs.push({ id: u.nopJob.id, unit: u.id, type: 'nop', state: u.nopJob.state, beginUsec: u.nopJob.beginUsec, irreversible: false, ignoreOrder: false });
  }
  return { version: managerStateVersion, environment: manager.clientEnvironment(), exitStatus: manager.exitStatus, units, jobs, fds: [...fds] };
}

/**
 * Restores a state in a freshly composed manager, before its loop runs: units are loaded from
 * their files again and handed their type state (then their type's done() re-attaches pids and
 * fds); timers, fd watches and pid watches the type did not re-establish are; jobs are
 * re-installed. A unit that fails to come back is logged and left as loaded; nothing throws but a
 * state of another version.
 */
export function deserializeManager(manager: Manager, state: SerializedManager): void {
  if (state.version !== managerStateVersion) throw new Error(`Serialized manager state has version ${String(state.version)}, expected ${managerStateVersion}.`);
  if (state.environment.length > 0) manager.setEnvironment(state.environment);
  manager.exitStatus = state.exitStatus;
  const queued: Array<[SerializedUnit, ReturnType<Manager['queueDeserializedUnit']>]> = [];
  for (const s of state.units) {
    try {
      queued.push([s, manager.queueDeserializedUnit(s.id, s.typeState, s.activeState)]);
    } catch (e) {
      manager.log('err', `Failed to deserialize unit ${s.id}, ignoring: ${(e as Error).message}`);
    }
  }
  for (const [s] of queued) {
    try {
      manager.loadUnit(s.id);
    } catch (e) {
      manager.log('err', `Failed to load deserialized unit ${s.id}: ${(e as Error).message}`);
    }
  }
  for (const [s, u] of queued) {
    try {
      for (const n of timestampNames) if (s.timestamps?.[n]) u[n] = { ...s.timestamps[n] };
      u.invocationId = s.invocationId ?? '';
      u.conditionResult = !!s.conditionResult;
      u.assertResult = !!s.assertResult;
      u.failedCondition = s.failedCondition;
      u.startLimitHit = !!s.startLimitHit;
      for (const pid of s.pids ?? []) u.watchPid(pid);
      // The type's done() may have armed its own (socket timeouts): those win.
      for (const [key, at] of s.timers ?? []) if (!u.hasTimer(key)) u.setTimer(key, at);
      for (const [fd, events] of s.fdWatches ?? []) u.watchFd(fd, events);
      u.lastActiveState = u.activeState();
      manager.noteDeserializedState(u);
    } catch (e) {
      manager.log('err', `Failed to restore the runtime state of ${s.id}: ${(e as Error).message}`, u);
    }
  }
  for (const j of state.jobs ?? []) {
    const u = manager.getUnit(j.unit);
    if (!u) continue;
    try {
      manager.installDeserializedJob(u, j.type, j.state, j.id, j.beginUsec, j.irreversible, j.ignoreOrder);
    } catch (e) {
      manager.log('err', `Failed to re-install job ${j.id} (${j.unit}/${j.type}): ${(e as Error).message}`, u);
    }
  }
  manager.scheduleDispatch();
}

const infinityTag = '\u0000Infinity';
const holeTag = '\u0000undefined';

/** The state as text (JSON; Infinity and array holes survive). */
export function formatManagerState(state: SerializedManager): string {
  return JSON.stringify(state, function (this: unknown, _key, value: unknown) {
    if (value === Infinity) return { [infinityTag]: 1 };
    if (value === -Infinity) return { [infinityTag]: -1 };
    if (value === undefined && Array.isArray(this)) return { [holeTag]: 1 };
    return value;
  });
}

/** Parses what {@link formatManagerState} wrote. Throws on text that is not such a state. */
export function parseManagerState(text: string): SerializedManager {
  const state = JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      if (infinityTag in o) return (o[infinityTag] as number) < 0 ? -Infinity : Infinity;
      if (holeTag in o) return undefined;
    }
    return value;
  }) as SerializedManager;
  if (!state || typeof state !== 'object' || !Array.isArray(state.units)) throw new Error('Not a serialized manager state.');
  return state;
}
