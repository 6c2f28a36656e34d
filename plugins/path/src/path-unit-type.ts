/**
 * The path unit type (systemd.path(5)): starts another unit (Unit=, by default the service of the
 * same name) when a path exists (PathExists=, PathExistsGlob=), changes (PathChanged= on a close
 * after writing, PathModified= on every write too) or a directory gets an entry
 * (DirectoryNotEmpty=), following systemd 252's path.c: the states dead/waiting/running/failed,
 * one inotify instance per spec watching the path and every directory above it (so a path that
 * does not exist yet is noticed when it appears), waiting again when the triggered unit stops, and
 * the trigger limit.
 */
import { inject, injectable, optional } from 'inversify';
import {
  IN,
  Inotify,
  RateLimit,
  type FdEvents,
  type PropertyList,
  type Unit,
  type UnitActionResult,
  type UnitDefinition,
  type UnitType,
  UnitLoadError,
} from '@unitkit/core';
import { directoryNotEmpty, globFirst, makeDirectory, pathExists } from './path-checks.js';
import { readPathSettings, type PathSettings, type PathSpecSetting, type PathType } from './path-section-table.js';
import { type PathResult, type PathState, pathStateTable } from './path-state.js';
import { pathProperties } from './path-properties.js';

/** One spec with its watch. */
export interface PathSpec extends PathSpecSetting {
  /** The inotify instance while watching. */
  fd?: number;
  /** The watch on the path itself, once it exists. */
  primaryWd?: number;
  /** For PathChanged=/PathModified=: whether the path existed at the last check. */
  previousExists: boolean;
}

/** Per-unit state of a path unit. */
export interface PathData {
  state: PathState;
  result: PathResult;
  settings: PathSettings;
  specs: PathSpec[];
  trigger?: string;
  triggerLimit: RateLimit;
  deserializedState?: PathState;
  /** A deferred "trigger changed state" is pending (path_trigger_notify's defer event). */
  notifyPending: boolean;
}

/** The inotify masks path.c watches the spec's own path with. */
const SPEC_MASK: Record<PathType, number> = {
  PathExists: IN.DELETE_SELF | IN.MOVE_SELF | IN.ATTRIB,
  PathExistsGlob: IN.DELETE_SELF | IN.MOVE_SELF | IN.ATTRIB,
  PathChanged: IN.DELETE_SELF | IN.MOVE_SELF | IN.ATTRIB | IN.CLOSE_WRITE | IN.CREATE | IN.DELETE | IN.MOVED_FROM | IN.MOVED_TO,
  PathModified: IN.DELETE_SELF | IN.MOVE_SELF | IN.ATTRIB | IN.CLOSE_WRITE | IN.CREATE | IN.DELETE | IN.MOVED_FROM | IN.MOVED_TO | IN.MODIFY,
  DirectoryNotEmpty: IN.DELETE_SELF | IN.MOVE_SELF | IN.ATTRIB | IN.CREATE | IN.MOVED_TO,
};
/** What each directory above the path is watched for: the next component appearing or going. */
const PARENT_MASK = IN.MOVE_SELF | IN.DELETE_SELF | IN.ATTRIB | IN.CREATE | IN.MOVED_TO;

/** The path unit vtable. */
@injectable()
export class PathUnitType implements UnitType<PathData> {
  readonly suffix = 'path';
  readonly sections: readonly string[] = ['Path'];
  readonly canFail = true;
  readonly canTrigger = true;
  readonly startLimited = true;

  constructor(@inject(Inotify) @optional() private readonly inotify: Inotify | undefined) {}

  /** A fresh path unit is dead, with path_init()'s defaults. */
  init(): PathData {
    const settings = readPathSettings(undefined);
    return { state: 'dead', result: 'success', settings, specs: [], triggerLimit: new RateLimit(settings.triggerLimitInterval, settings.triggerLimitBurst), notifyPending: false };
  }

  /**
   * Reads [Path]; adds Before=/Triggers= on the unit to trigger, RequiresMountsFor= each path, and
   * the default dependencies (path_add_extras()); refuses a unit without paths.
   */
  load(unit: Unit<PathData>, definition: UnitDefinition): void {
    const d = unit.data;
    const s = readPathSettings(definition.sections.get('Path'));
    d.settings = s;
    d.specs = s.specs.map((x) => ({ ...x, previousExists: false }));
    d.triggerLimit = new RateLimit(s.triggerLimitInterval, s.triggerLimitBurst);
    d.trigger = s.unit ?? `${unit.id.slice(0, -'.path'.length)}.service`;
    unit.addDependency('Before', d.trigger);
    unit.addDependency('Triggers', d.trigger);
    // A copy: the settings' list may be the one shared empty array of units without RequiresMountsFor=.
    const mounts = [...unit.settings.requiresMountsFor];
    for (const spec of d.specs) if (!mounts.includes(spec.path)) mounts.push(spec.path);
    unit.settings.requiresMountsFor = mounts;
    if (unit.settings.defaultDependencies) {
      unit.addDependency('Before', 'paths.target');
      if (unit.manager.scope === 'system') {
        unit.addDependency('Requires', 'sysinit.target');
        unit.addDependency('After', 'sysinit.target');
      }
      unit.addDependency('Conflicts', 'shutdown.target');
      unit.addDependency('Before', 'shutdown.target');
    }
    if (d.specs.length === 0) throw new UnitLoadError('Path unit lacks path setting. Refusing.');
  }

  /** path_coldplug(): a waiting or running unit watches again. */
  done(unit: Unit<PathData>): void {
    const s = unit.data.deserializedState;
    unit.data.deserializedState = undefined;
    if (s === undefined || s === unit.data.state) return;
    if (s === 'waiting' || s === 'running') this.enterWaiting(unit, true, false);
    else this.setState(unit, s);
  }

  /** path_start(): the unit to trigger must be loaded; MakeDirectory=; then wait. */
  start(unit: Unit<PathData>): UnitActionResult {
    const d = unit.data;
    if (!unit.triggerIfLoaded()) return 'failed';
    unit.manager.acquireInvocationId(unit as Unit);
    if (d.settings.makeDirectory) {
      for (const spec of d.specs) {
        if (spec.type === 'PathExists' || spec.type === 'PathExistsGlob') continue;
        try {
          makeDirectory(spec.path, d.settings.directoryMode);
        } catch (e) {
          unit.log('warning', `mkdir(${spec.path}) failed: ${(e as Error).message}`);
        }
      }
    }
    d.result = 'success';
    this.enterWaiting(unit, true, false);
    return 'started';
  }

  /** path_stop(). */
  stop(unit: Unit<PathData>): UnitActionResult {
    this.enterDead(unit, 'success');
    return 'started';
  }

  activeState(unit: Unit<PathData>) {
    return pathStateTable[unit.data.state];
  }

  subState(unit: Unit<PathData>): string {
    return unit.data.state;
  }

  /** path_dispatch_io(): an inotify instance has events. */
  fdEvent(unit: Unit<PathData>, fd: number, _events: FdEvents): void {
    const d = unit.data;
    if (d.state !== 'waiting' && d.state !== 'running') return;
    const spec = d.specs.find((s) => s.fd === fd);
    if (!spec || !this.inotify) {
      unit.log('err', 'Got event on unknown fd.');
      this.enterDead(unit, 'resources');
      return;
    }
    let changed = false;
    try {
      const events = this.inotify.read(fd);
      if (spec.type === 'PathChanged' || spec.type === 'PathModified') changed = events.some((e) => e.wd === spec.primaryWd);
    } catch (e) {
      unit.log('err', `Failed to read inotify event: ${(e as Error).message}`);
      this.enterDead(unit, 'resources');
      return;
    }
    if (changed) this.enterRunning(unit, spec.path);
    else this.enterWaiting(unit, false, false);
  }

  /**
   * path_trigger_notify(): the triggered unit stopped (wait again) or started while we wait (run).
   * Handled on the next turn of the loop, as systemd defers it: the call may come from inside the
   * job engine, which must not be re-entered with a new job.
   */
  triggerNotify(unit: Unit<PathData>, other: Unit): void {
    const d = unit.data;
    if (other.id !== d.trigger) return;
    if (d.state !== 'waiting' && d.state !== 'running') return;
    if (other.startLimitHit) {
      this.enterDead(unit, 'unit-start-limit-hit');
      return;
    }
    if (other.job) return;
    const inactive = other.activeState() === 'inactive' || other.activeState() === 'failed';
    if (d.state === 'running' && inactive) unit.log('debug', 'Got notified about unit deactivation.');
    else if (d.state === 'waiting' && !inactive) unit.log('debug', 'Got notified about unit activation.');
    else return;
    if (d.notifyPending) return;
    d.notifyPending = true;
    unit.manager.loop.defer(() => {
      d.notifyPending = false;
      const t = d.trigger ? unit.manager.getUnit(d.trigger) : undefined;
      if (!t) {
        unit.log('err', 'Unit to trigger vanished.');
        this.enterDead(unit, 'resources');
        return;
      }
      if (d.state !== 'waiting' && d.state !== 'running') return;
      const nowInactive = t.activeState() === 'inactive' || t.activeState() === 'failed';
      if ((d.state === 'running' && nowInactive) || (d.state === 'waiting' && !nowInactive)) this.enterWaiting(unit, false, true);
    });
  }

  /** Forgets a failure. */
  resetFailed(unit: Unit<PathData>): void {
    if (unit.data.state === 'failed') this.setState(unit, 'dead');
    unit.data.result = 'success';
  }

  /** Past StartLimitBurst=: start-limit-hit. */
  startLimitHit(unit: Unit<PathData>): void {
    this.enterDead(unit, 'start-limit-hit');
  }

  properties(unit: Unit<PathData>): PropertyList {
    return pathProperties(unit);
  }

  serialize(unit: Unit<PathData>): Record<string, unknown> {
    const d = unit.data;
    return { state: d.state, result: d.result, previousExists: d.specs.map((s) => [s.type, s.path, s.previousExists]) };
  }

  deserialize(unit: Unit<PathData>, state: Record<string, unknown>): void {
    const d = unit.data;
    if (typeof state.state === 'string' && state.state in pathStateTable) d.deserializedState = state.state as PathState;
    const results: PathResult[] = ['resources', 'start-limit-hit', 'unit-start-limit-hit', 'trigger-limit-hit'];
    if (results.includes(state.result as PathResult)) d.result = state.result as PathResult;
    if (Array.isArray(state.previousExists)) {
      for (const entry of state.previousExists) {
        if (!Array.isArray(entry)) continue;
        const spec = d.specs.find((s) => s.type === entry[0] && s.path === entry[1]);
        if (spec) spec.previousExists = entry[2] === true;
      }
    }
  }

  /** path_enter_waiting(). */
  private enterWaiting(unit: Unit<PathData>, initial: boolean, fromTriggerNotify: boolean): void {
    const d = unit.data;
    // If the triggered unit is already running, so are we.
    const trigger = d.trigger ? unit.manager.getUnit(d.trigger) : undefined;
    if (trigger && trigger.activeState() !== 'inactive' && trigger.activeState() !== 'failed') {
      this.setState(unit, 'running');
      this.unwatch(unit);
      return;
    }
    let good = this.checkGood(d, initial, fromTriggerNotify);
    if (good !== undefined) {
      unit.log('debug', 'Got triggered.');
      this.enterRunning(unit, good);
      return;
    }
    try {
      for (const spec of d.specs) this.watchSpec(unit, spec);
    } catch (e) {
      unit.log('warning', `Failed to enter waiting state: ${(e as Error).message}`);
      this.enterDead(unit, 'resources');
      return;
    }
    // The file may have appeared or gone while the watches were being added.
    good = this.checkGood(d, false, fromTriggerNotify);
    if (good !== undefined) {
      unit.log('debug', 'Got triggered.');
      this.enterRunning(unit, good);
      return;
    }
    this.setState(unit, 'waiting');
  }

  /** path_check_good(): the path that triggers, if any spec is satisfied. */
  private checkGood(d: PathData, initial: boolean, fromTriggerNotify: boolean): string | undefined {
    for (const s of d.specs) {
      switch (s.type) {
        case 'PathExists':
          if (pathExists(s.path)) return s.path;
          break;
        case 'PathExistsGlob': {
          const found = globFirst(s.path);
          if (found) return found;
          break;
        }
        case 'DirectoryNotEmpty':
          if (directoryNotEmpty(s.path)) return s.path;
          break;
        default: {
          // PathChanged=/PathModified= at a check: only the path appearing or vanishing counts.
          const exists = pathExists(s.path);
          const good = !initial && !fromTriggerNotify && exists !== s.previousExists;
          s.previousExists = exists;
          if (good) return s.path;
        }
      }
    }
    return undefined;
  }

  /**
   * path_spec_watch(): a new inotify instance watching each directory from / down to the path
   * (the next component appearing), and the path itself with its spec's mask once it exists.
   */
  private watchSpec(unit: Unit<PathData>, spec: PathSpec): void {
    this.unwatchSpec(unit, spec);
    if (!this.inotify) throw new Error('no inotify in this manager');
    const fd = this.inotify.init();
    spec.fd = fd;
    spec.primaryWd = undefined;
    unit.watchFd(fd, { readable: true });
    const parts = spec.path.split('/').filter(Boolean);
    const prefixes = ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
    let exists = false;
    let previous: string | undefined;
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      const last = i === prefixes.length - 1;
      let wd: number;
      try {
        wd = this.inotify.addWatch(fd, p, last ? SPEC_MASK[spec.type] : PARENT_MASK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES') break;
        throw new Error(`Failed to add watch on ${p}: ${code === 'ENOSPC' ? 'too many watches' : (e as Error).message}`);
      }
      exists = true;
      // The path exists this far: the directory above need not be watched as closely.
      if (previous !== undefined) {
        try {
          this.inotify.addWatch(fd, previous, IN.MOVE_SELF);
        } catch {
          // At worst, spurious events.
        }
      }
      previous = p;
      if (last) spec.primaryWd = wd;
    }
    if (!exists) throw new Error(`Failed to add watch on any of the components of ${spec.path}`);
  }

  private unwatchSpec(unit: Unit<PathData>, spec: PathSpec): void {
    if (spec.fd === undefined) return;
    unit.unwatchFd(spec.fd);
    this.inotify?.close(spec.fd);
    spec.fd = undefined;
    spec.primaryWd = undefined;
  }

  private unwatch(unit: Unit<PathData>): void {
    for (const spec of unit.data.specs) this.unwatchSpec(unit, spec);
  }

  /** path_enter_running(): the trigger limit, then a start job for the unit to trigger. */
  private enterRunning(unit: Unit<PathData>, triggerPath: string): void {
    const d = unit.data;
    const m = unit.manager;
    // Don't start anything when we are about to go down.
    if (unit.job?.type === 'stop') return;
    if (!d.triggerLimit.below(m.loop.now())) {
      unit.log('warning', 'Trigger limit hit, refusing further activation.');
      this.enterDead(unit, 'trigger-limit-hit');
      return;
    }
    const trigger = d.trigger ? m.getUnit(d.trigger) : undefined;
    if (!trigger) {
      unit.log('err', 'Unit to trigger vanished.');
      this.enterDead(unit, 'resources');
      return;
    }
    try {
      m.addJob('start', trigger, 'replace');
    } catch (e) {
      unit.log('warning', `Failed to queue unit startup job: ${e instanceof Error ? e.message : String(e)}`);
      this.enterDead(unit, 'resources');
      return;
    }
    unit.log('debug', `Triggered by ${triggerPath}.`);
    this.setState(unit, 'running');
    this.unwatch(unit);
  }

  /** The first failure wins. */
  private enterDead(unit: Unit<PathData>, result: PathResult): void {
    const d = unit.data;
    if (d.result === 'success') d.result = result;
    if (d.result !== 'success') unit.log('notice', `Failed with result '${d.result}'.`);
    this.setState(unit, d.result !== 'success' ? 'failed' : 'dead');
  }

  /** The one place a path unit's state is written; leaving waiting/running drops the watches. */
  private setState(unit: Unit<PathData>, state: PathState): void {
    const d = unit.data;
    const old = d.state;
    d.state = state;
    if (state !== 'waiting' && state !== 'running') this.unwatch(unit);
    if (old !== state) unit.log('debug', `Changed ${old} -> ${state}`);
    unit.notifyStateChange();
  }
}
