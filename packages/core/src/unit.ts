/**
 * A unit: its names, load state, dependencies, job, timestamps, and the type-specific state its
 * unit type keeps in `data`. Units are created and owned by the Manager; unit types act on them
 * through the methods here (watch a pid, arm a timer, report a state change).
 */
import type { ChildExit, Disposable, FdEvents, FdWatch, Usec } from './ports/event-loop.js';
import type { LogLevel } from './ports/logger.js';
import type { Job } from './job.js';
import type { Manager } from './manager.js';
import type { UnitDefinition } from './unit-definition.js';
import type { UnitNotifyFlags, UnitType } from './unit-type.js';
import type { UnitActiveState, UnitLoadState } from './unit-active-state.js';
import type { UnitSettings } from './unit-settings.js';
import type { CgroupContext } from './cgroup-context.js';
import { readUnitSettings } from './unit-settings.js';
import { RateLimit } from './rate-limit.js';
import type { AtomName, UnitDependency } from './unit-dependency.js';
import { dependencyBit, dependencyMaskOfAtom, dependencyOfBit } from './unit-dependency.js';

/** A point in time on both clocks, as systemd's dual_timestamp. Zero means "never". */
export interface DualTimestamp {
  realtime: Usec;
  monotonic: Usec;
}

/**
 * "Never" on both clocks, one frozen object shared by every unit: a unit's timestamps are replaced
 * whole when they change, never written into, and most of a large unit set never leaves inactive
 * (seven objects per unit were ~0.5 KB of each loaded unit; issue #19).
 */
const NEVER: DualTimestamp = Object.freeze({ realtime: 0, monotonic: 0 });

/** One unit. `S` is the type-specific state created by its type's `init()`. */
export class Unit<S = unknown> {
  /** The primary name. */
  id: string;
  /** Every name this unit answers to: the id and its aliases. */
  readonly names = new Set<string>();
  /** The type-specific state, created by `type.init()`. */
  data: S;
  loadState: UnitLoadState = 'stub';
  /** Why loading failed, "file:line: message" — shown by status and in job errors. */
  loadError?: string;
  definition?: UnitDefinition;
  settings: UnitSettings;
  /** The currently installed job, if any. */
  job?: Job;
  /** A nop job, which can exist beside a real one. */
  nopJob?: Job;

  stateChangeTimestamp: DualTimestamp = NEVER;
  inactiveExitTimestamp: DualTimestamp = NEVER;
  activeEnterTimestamp: DualTimestamp = NEVER;
  activeExitTimestamp: DualTimestamp = NEVER;
  inactiveEnterTimestamp: DualTimestamp = NEVER;
  conditionTimestamp: DualTimestamp = NEVER;
  assertTimestamp: DualTimestamp = NEVER;
  /** The outcome of the last condition check; false until the unit was first started, as in systemd. */
  conditionResult = false;
  assertResult = false;
  /**
   * What the last check found for each of settings.conditions / settings.asserts, by position:
   * 1 held, -1 failed, 0 not tested (never checked, or after the check stopped at a failure) —
   * the state systemd's Conditions/Asserts D-Bus properties carry.
   */
  conditionStates: Array<0 | 1 | -1> = NO_STATES;
  assertStates: Array<0 | 1 | -1> = NO_STATES;
  /** The first condition that failed at the last check, for status ("ConditionPathExists=… was not met"). */
  failedCondition?: string;
  /** A fresh 128-bit id for every activation, as INVOCATION_ID= (32 hex digits). */
  invocationId = '';
  /**
   * Start requests counted against StartLimitIntervalSec=/StartLimitBurst=; made at the first start
   * (most held units are never started by hand), with the settings of that moment.
   */
  get startLimit(): RateLimit {
    return (this.startLimitState ??= new RateLimit(this.settings.startLimitInterval, this.settings.startLimitBurst));
  }
  private startLimitState?: RateLimit;

  /** @internal Gives the start limit the interval and burst of freshly loaded settings (keeping its count). */
  applyStartLimitSettings(): void {
    if (!this.startLimitState) return;
    this.startLimitState.interval = this.settings.startLimitInterval;
    this.startLimitState.burst = this.settings.startLimitBurst;
  }
  /** Whether the last start was refused by the start limit (shown as a start-limit-hit result by types). */
  startLimitHit = false;
  /** Limits how often core starts or stops the unit by itself (Upholds=, StopWhenUnneeded=, BindsTo=). */
  get autoStartStopLimit(): RateLimit {
    return (this.autoStartStopLimitState ??= new RateLimit(10_000_000, 16));
  }
  private autoStartStopLimitState?: RateLimit;

  /**
   * A unit that always exists and cannot be stopped (systemd's perpetual units: the root slice):
   * never garbage-collected, no stop job applies to it (CanStop=no). Its type sets this in load().
   */
  perpetual = false;
  /**
   * The unit's resource-control settings (systemd.resource-control(5)) when its type has a cgroup
   * context and a plugin that reads them is composed (the slice plugin); undefined otherwise. The
   * ProcessScopes implementation applies them to the unit's cgroup.
   */
  cgroupContext?: CgroupContext;

  /** The generic state last reported to core; the "old state" of the next change. */
  lastActiveState: UnitActiveState = 'inactive';

  /** @internal GC mark of the last sweep. */
  gcMark = 0;
  /** @internal External references (clients, triggers) that keep the unit from being collected. */
  refs = 0;
  /**
   * Set by core when one of the type's hooks threw and the type could not enter its failed state
   * itself: the unit then reads as failed/failed until reset-failed or the next start.
   * @internal
   */
  hookFailed = false;
  /** @internal Core is handling a hook error of this unit (a second one is only logged). */
  failingAfterHook = false;
  /** @internal Why type.init() threw, if it did: the unit then cannot load. */
  initError?: string;

  /**
   * Every unit this one has an edge to, with one bit per dependency kind (see dependencyBit), in
   * the order of each unit's first edge. Made at the first edge; up to SMALL_EDGES units as a flat
   * array [unit, mask, unit, mask…] (a default service has ~10 kinds of edges to ~7 units), beyond
   * as a Map (a target that wants thousands of units). A Set per kind was ~1.8 KB of each loaded
   * unit, one Map ~0.4 KB, the array ~0.15 KB (issue #19).
   */
  private deps?: Array<Unit | number> | Map<Unit, number>;
  /**
   * The per-kind sets of a unit with many edges (a target or slice that holds thousands of units),
   * made when first asked and kept up to date as edges change: dependencies() scanning every edge
   * on each call made each activation cost O(units) (a slice's kinds are asked for by every
   * transaction that pulls it in).
   */
  private kindSets?: Map<number, Set<Unit>>;
  /**
   * The armed timers with their deadlines (kept for a manager re-exec: monotonic time survives
   * execve), and the fd watches with the events they ask for (likewise). Created on first use: most
   * loaded units never arm a timer or watch an fd, and four empty Maps were ~0.7 KB of each (#19).
   */
  private timers?: Map<string, { timer: Disposable; at: Usec }>;
  private fdWatches?: Map<number, { watch: FdWatch; events: FdEvents }>;
  /** @internal The pids this unit watches; the manager routes exits and notify datagrams by them. */
  get pids(): ReadonlySet<number> {
    return this.pidSet ?? emptyPids;
  }
  private pidSet?: Set<number>;

  constructor(
    name: string,
    readonly type: UnitType<S>,
    readonly manager: Manager,
  ) {
    this.id = name;
    this.names.add(name);
    this.settings = readUnitSettings(undefined, manager.defaults);
    try {
      this.data = type.init(this);
    } catch (e) {
      // A broken type must not take the manager down with it: the unit exists but cannot load.
      this.data = {} as S;
      this.initError = (e as Error)?.message ?? String(e);
      manager.log('crit', `Unit type hook init() failed: ${errorText(e)}`, this.self);
    }
  }

  /** The instance part of a templated unit name ("bar" for foo@bar.service), or undefined. */
  get instance(): string | undefined {
    const at = this.id.indexOf('@');
    if (at < 0) return undefined;
    const inst = this.id.slice(at + 1, this.id.lastIndexOf('.'));
    return inst === '' ? undefined : inst;
  }

  /** The description, or the id when there is none, as systemd shows units. */
  get description(): string {
    return this.settings.description || this.id;
  }

  /** The generic state, from the type's sub-state ('failed' after a hook error core handled). */
  activeState(): UnitActiveState {
    if (this.hookFailed) return 'failed';
    try {
      return this.type.activeState(this);
    } catch (e) {
      this.manager.hookError(this.self, 'activeState', e);
      return 'failed';
    }
  }

  /** The type's sub-state name ('failed' after a hook error core handled). */
  subState(): string {
    if (this.hookFailed) return 'failed';
    try {
      return this.type.subState(this);
    } catch (e) {
      this.manager.hookError(this.self, 'subState', e);
      return 'failed';
    }
  }

  /** This unit without its type parameter, for the manager's type-agnostic bookkeeping. */
  private get self(): Unit {
    return this as unknown as Unit;
  }

  // --- dependencies ---

  /**
   * The units this one has a dependency of kind `kind` on, in the order this unit first got an edge
   * of any kind to each (for a unit with many edges, once its set of that kind is kept: the order
   * they got an edge of that kind). A new Set per call, except for a unit with many edges, which
   * keeps one per kind asked and updates it as its edges change (as the Set per kind this
   * replaced did): callers that only need one unit or a test use firstDependency()/hasDependency().
   */
  dependencies(kind: UnitDependency): ReadonlySet<Unit> {
    const bit = dependencyBit[kind];
    const kept = this.kindSets?.get(bit);
    if (kept) return kept;
    let out: Set<Unit> | undefined;
    const d = this.deps;
    if (Array.isArray(d)) {
      for (let i = 0; i < d.length; i += 2) if ((d[i + 1] as number) & bit) (out ??= new Set()).add(d[i] as Unit);
    } else if (d) {
      for (const [u, m] of d) if (m & bit) (out ??= new Set()).add(u);
      if (d.size >= HUB_EDGES) {
        out ??= new Set();
        (this.kindSets ??= new Map()).set(bit, out);
      }
    }
    return out ?? emptySet;
  }

  /** The first unit this one has a dependency of kind `kind` on, if any. */
  firstDependency(kind: UnitDependency): Unit | undefined {
    const bit = dependencyBit[kind];
    const d = this.deps;
    if (Array.isArray(d)) {
      for (let i = 0; i < d.length; i += 2) if ((d[i + 1] as number) & bit) return d[i] as Unit;
    } else if (d) for (const [u, m] of d) if (m & bit) return u;
    return undefined;
  }

  /** The kind bits of this unit's edges to `other` (0 for none). */
  private edgeMask(other: Unit): number {
    const d = this.deps;
    if (Array.isArray(d)) {
      for (let i = 0; i < d.length; i += 2) if (d[i] === other) return d[i + 1] as number;
      return 0;
    }
    return d?.get(other) ?? 0;
  }

  /** Sets the kind bits of this unit's edges to `other`; 0 removes `other`. */
  private setEdgeMask(other: Unit, mask: number): void {
    let d = this.deps;
    if (d instanceof Map) {
      if (this.kindSets) this.updateKindSets(other, d.get(other) ?? 0, mask);
      if (mask === 0) d.delete(other);
      else d.set(other, mask);
      return;
    }
    d ??= this.deps = [];
    for (let i = 0; i < d.length; i += 2) {
      if (d[i] !== other) continue;
      if (mask === 0) d.splice(i, 2);
      else d[i + 1] = mask;
      return;
    }
    if (mask === 0) return;
    if (d.length < SMALL_EDGES * 2) {
      d.push(other, mask);
      return;
    }
    const map = new Map<Unit, number>();
    for (let i = 0; i < d.length; i += 2) map.set(d[i] as Unit, d[i + 1] as number);
    map.set(other, mask);
    this.deps = map;
  }

  /**
   * Keeps the per-kind sets up to date: a unit that gets an edge of a kind goes last in that
   * kind's set (the order of a Set per kind, which a scan of the edge map gives only for
   * neighbours linked by that kind first). Never dropped and made again: a slice's instances get
   * several kinds each, one after the other, and a scan per activation was the cost this removes.
   */
  private updateKindSets(other: Unit, old: number, mask: number): void {
    for (const [bit, set] of this.kindSets!) {
      const had = (old & bit) !== 0;
      const has = (mask & bit) !== 0;
      if (had === has) continue;
      if (had) set.delete(other);
      else set.add(other);
    }
  }

  /**
   * unit_test_trigger_loaded(): the unit this one triggers (its first Triggers= dependency) when
   * that unit is loaded; otherwise logs systemd's refusal and returns undefined. Triggering types
   * (timers, paths) call it at start.
   */
  triggerIfLoaded(): Unit | undefined {
    const trigger = this.firstDependency('Triggers');
    if (!trigger) {
      this.log('err', 'Refusing to start, no unit to trigger.');
      return undefined;
    }
    if (trigger.loadState !== 'loaded') {
      this.log('err', `Refusing to start, unit ${trigger.id} to trigger not loaded.`);
      return undefined;
    }
    return trigger;
  }

  /** The slice the unit sits in (its InSlice dependency, systemd's UNIT_GET_SLICE()), if any. */
  slice(): Unit | undefined {
    return this.firstDependency('InSlice');
  }

  /** True when this unit has a dependency of kind `kind` on `other`. */
  hasDependency(kind: UnitDependency, other: Unit): boolean {
    return (this.edgeMask(other) & dependencyBit[kind]) !== 0;
  }

  /** Every unit related to this one by a dependency that carries `atom`, each once. */
  unitsWithAtom(atom: AtomName): Unit[] {
    const mask = dependencyMaskOfAtom(atom);
    const out: Unit[] = [];
    const d = this.deps;
    if (!d || !mask) return out;
    if (Array.isArray(d)) {
      for (let i = 0; i < d.length; i += 2) if ((d[i + 1] as number) & mask) out.push(d[i] as Unit);
    } else for (const [u, m] of d) if (m & mask) out.push(u);
    return out;
  }

  /** True when some dependency carrying `atom` points at `other`. */
  hasAtom(atom: AtomName, other: Unit): boolean {
    return (this.edgeMask(other) & dependencyMaskOfAtom(atom)) !== 0;
  }

  /** True when some dependency carries `atom` at all. */
  hasAnyAtom(atom: AtomName): boolean {
    const mask = dependencyMaskOfAtom(atom);
    const d = this.deps;
    if (!d || !mask) return false;
    if (Array.isArray(d)) {
      for (let i = 1; i < d.length; i += 2) if ((d[i] as number) & mask) return true;
    } else for (const m of d.values()) if (m & mask) return true;
    return false;
  }

  /** @internal Records one direction of an edge; Manager.addDependency() keeps both directions. */
  linkDependency(kind: UnitDependency, other: Unit): boolean {
    const bit = dependencyBit[kind];
    const m = this.edgeMask(other);
    if (m & bit) return false;
    this.setEdgeMask(other, m | bit);
    return true;
  }

  /** @internal Removes one direction of an edge. */
  unlinkDependency(kind: UnitDependency, other: Unit): void {
    const m = this.edgeMask(other);
    if (m & dependencyBit[kind]) this.setEdgeMask(other, m & ~dependencyBit[kind]);
  }

  /** @internal Every (kind, unit) edge of this unit. */
  *allDependencies(): Iterable<[UnitDependency, Unit]> {
    const d = this.deps;
    if (!d) return;
    const pairs: Array<[Unit, number]> = Array.isArray(d) ? [] : [...d];
    if (Array.isArray(d)) for (let i = 0; i < d.length; i += 2) pairs.push([d[i] as Unit, d[i + 1] as number]);
    for (const [u, m] of pairs) for (let i = 0; i < dependencyOfBit.length; i++) if (m & (2 ** i)) yield [dependencyOfBit[i]!, u];
  }

  /**
   * Adds a dependency of kind `kind` on the unit named `other` (loaded lazily), with its inverse
   * and, unless `reference` is false, a References=/ReferencedBy= pair that keeps the other unit
   * from being garbage-collected. Invalid names are logged and ignored.
   */
  addDependency(kind: UnitDependency, other: string | Unit, reference = true): Unit | undefined {
    return this.manager.addDependency(this.self, kind, other, reference);
  }

  // --- what unit types call ---

  /**
   * Tells core the unit's state may have changed; core asks the type for the new generic state and
   * runs everything that follows from a change: jobs finish, dependencies react, timestamps move.
   * Types call this from their one `setState()`.
   */
  notifyStateChange(flags: UnitNotifyFlags = {}): void {
    this.manager.unitNotify(this.self, flags);
  }

  /** Routes the exit of `pid` (and notify datagrams from it) to this unit. */
  watchPid(pid: number): void {
    if (pid <= 0) return;
    (this.pidSet ??= new Set()).add(pid);
    this.manager.watchPid(this.self, pid);
  }

  /** Stops routing `pid` to this unit. */
  unwatchPid(pid: number): void {
    if (this.pidSet?.delete(pid)) this.manager.unwatchPid(this.self, pid);
  }

  /** Stops routing all of this unit's pids. */
  unwatchAllPids(): void {
    for (const pid of [...this.pids]) this.unwatchPid(pid);
  }

  /** Arms (or re-arms) the timer `key` for monotonic time `at`; `type.timerEvent(unit, key)` is called then. Infinity disarms. */
  setTimer(key: string, at: Usec): void {
    this.clearTimer(key);
    if (at === Infinity) return;
    const timer = this.manager.loop.armTimer(at, () => {
      this.timers?.delete(key);
      this.manager.dispatchTimer(this.self, key);
    });
    (this.timers ??= new Map()).set(key, { timer, at });
  }

  /** Disarms the timer `key` if armed. */
  clearTimer(key: string): void {
    const t = this.timers?.get(key);
    if (t) {
      t.timer.dispose();
      this.timers!.delete(key);
    }
  }

  /** @internal The armed timers and their deadlines (for a manager re-exec). */
  armedTimers(): Array<[string, Usec]> {
    return [...(this.timers ?? [])].map(([key, t]) => [key, t.at]);
  }

  /** @internal The watched fds and their events (for a manager re-exec). */
  watchedFds(): Array<[number, FdEvents]> {
    return [...(this.fdWatches ?? [])].map(([fd, w]) => [fd, w.events]);
  }

  /** True when the timer `key` is armed. */
  hasTimer(key: string): boolean {
    return this.timers?.has(key) ?? false;
  }

  /** Watches `fd`; `type.fdEvent(unit, fd, events)` is called on events. Re-watching updates the events. */
  watchFd(fd: number, events: FdEvents): void {
    const w = this.fdWatches?.get(fd);
    if (w) {
      w.events = { ...events };
      return w.watch.update(events);
    }
    const watch = this.manager.loop.watchFd(fd, events, (ev) => this.manager.dispatchFd(this.self, fd, ev));
    (this.fdWatches ??= new Map()).set(fd, { watch, events: { ...events } });
  }

  /** Stops watching `fd` (the fd stays open). */
  unwatchFd(fd: number): void {
    const w = this.fdWatches?.get(fd);
    if (w) {
      w.watch.dispose();
      this.fdWatches!.delete(fd);
    }
  }

  /** Logs a message about this unit. */
  log(level: LogLevel, message: string, fields?: Record<string, string>): void {
    this.manager.log(level, message, this.self, fields);
  }

  /** @internal Releases every timer, fd watch and pid watch (the unit is being dropped). */
  releaseWatches(): void {
    for (const key of [...(this.timers?.keys() ?? [])]) this.clearTimer(key);
    for (const fd of [...(this.fdWatches?.keys() ?? [])]) this.unwatchFd(fd);
    this.unwatchAllPids();
  }

  /** @internal Delivers a reaped child to the type (through core's hook guard). */
  deliverExit(exit: ChildExit): void {
    const type = this.type;
    if (type.sigchldEvent) this.manager.callHook(this.self, 'sigchldEvent', () => type.sigchldEvent!(this, exit), undefined);
  }
}

const emptySet: ReadonlySet<Unit> = new Set();
/** Units a unit's edges are kept for in a flat array before they move to a Map (see Unit.deps). */
const SMALL_EDGES = 12;
/** Edges from which a unit keeps per-kind sets (see Unit.kindSets). */
const HUB_EDGES = 64;
const emptyPids: ReadonlySet<number> = new Set();
/**
 * The condition states of a unit never checked: shared and frozen (the manager gives a unit an
 * array of its own, sized to its conditions, at the first check).
 */
const NO_STATES: Array<0 | 1 | -1> = Object.freeze([]) as unknown as Array<0 | 1 | -1>;

/** An exception as a log text: its stack when it has one (which starts with the message). */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
