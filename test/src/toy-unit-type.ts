/**
 * A unit type defined outside the repo's plugins, for the engine tests: it proves a foreign type
 * plugs into core through a ContainerModule alone, and lets a test decide when a start or stop
 * completes. Settings come from its own [Toy] section:
 *   Mode=instant (default) — start/stop complete at once; Mode=manual — the test calls complete().
 *   FailOnStart=true — the start fails at once.
 *   Throw=start timerEvent … — these hooks throw (a broken type, for core's hook guard); a test
 *   may also fill `unit.data.throwIn` directly. `enterFailedState` in the list makes the type's own
 *   failure path throw too, `noEnterFailed` makes the type lack it (see ToyUnitType.withoutEnterFailed).
 */
import { ContainerModule, injectable } from 'inversify';
import type { ChildExit, FdEvents, NotifySender, PropertyList, Unit, UnitActionResult, UnitActiveState, UnitDefinition, UnitType } from '@unitkit/core';
import { UnitTypeContribution } from '@unitkit/core';

/** Sub-states of a toy unit. */
export type ToyState = 'dead' | 'starting' | 'running' | 'reloading' | 'stopping' | 'failed';

const toyStateTable: Record<ToyState, UnitActiveState> = {
  dead: 'inactive',
  starting: 'activating',
  running: 'active',
  reloading: 'reloading',
  stopping: 'deactivating',
  failed: 'failed',
};

/** Per-unit state of a toy unit. */
export interface ToyData {
  state: ToyState;
  mode: 'instant' | 'manual';
  failOnStart: boolean;
  result: string;
  starts: number;
  stops: number;
  reloads: number;
  /** The hooks that throw for this unit. */
  throwIn: Set<string>;
  /** Events the hooks saw, for tests that check a broken unit did not stop others. */
  events: string[];
}

/** The toy vtable; one instance per suffix. */
@injectable()
export class ToyUnitType implements UnitType<ToyData> {
  readonly sections = ['Toy'];
  readonly canFail = true;
  readonly canReload = true;
  readonly startLimited = true;

  constructor(readonly suffix: string = 'service') {}

  init(): ToyData {
    return { state: 'dead', mode: 'instant', failOnStart: false, result: 'success', starts: 0, stops: 0, reloads: 0, throwIn: new Set(), events: [] };
  }

  load(unit: Unit<ToyData>, def: UnitDefinition): void {
    const sec = def.sections.get('Toy');
    if (sec?.get('Mode') === 'manual') unit.data.mode = 'manual';
    if (sec?.get('FailOnStart') === true) unit.data.failOnStart = true;
    const t = sec?.get('Throw');
    if (typeof t === 'string') for (const h of t.split(/\s+/)) if (h) unit.data.throwIn.add(h);
    this.maybeThrow(unit, 'load');
  }

  /** Throws when the test made `hook` a broken one for this unit. */
  private maybeThrow(unit: Unit<ToyData>, hook: string): void {
    // data may be missing when init itself was made to throw.
    if (unit.data?.throwIn?.has(hook)) throw new TypeError(`toy ${hook}() is broken`);
  }

  start(unit: Unit<ToyData>): UnitActionResult {
    this.maybeThrow(unit, 'start');
    const s = unit.data.state;
    if (s === 'stopping') return 'again';
    if (s === 'starting') return 'waiting';
    unit.data.starts++;
    unit.data.result = 'success';
    if (unit.data.failOnStart) {
      unit.data.result = 'exit-code';
      this.setState(unit, 'failed');
      return 'started';
    }
    this.setState(unit, unit.data.mode === 'instant' ? 'running' : 'starting');
    return 'started';
  }

  stop(unit: Unit<ToyData>): UnitActionResult {
    this.maybeThrow(unit, 'stop');
    const s = unit.data.state;
    if (s === 'stopping') return 'waiting';
    unit.data.stops++;
    this.setState(unit, unit.data.mode === 'instant' ? 'dead' : 'stopping');
    return 'started';
  }

  reload(unit: Unit<ToyData>): UnitActionResult {
    this.maybeThrow(unit, 'reload');
    unit.data.reloads++;
    this.setState(unit, 'reloading');
    if (unit.data.mode === 'instant') this.setState(unit, 'running');
    return 'started';
  }

  activeState(unit: Unit<ToyData>): UnitActiveState {
    this.maybeThrow(unit, 'activeState');
    return toyStateTable[unit.data.state];
  }

  subState(unit: Unit<ToyData>): string {
    this.maybeThrow(unit, 'subState');
    return unit.data.state;
  }

  timerEvent(unit: Unit<ToyData>, key: string): void {
    unit.data.events.push(`timer ${key}`);
    this.maybeThrow(unit, 'timerEvent');
  }

  fdEvent(unit: Unit<ToyData>, fd: number, _events: FdEvents): void {
    unit.data.events.push(`fd ${fd}`);
    this.maybeThrow(unit, 'fdEvent');
  }

  sigchldEvent(unit: Unit<ToyData>, exit: ChildExit): void {
    unit.data.events.push(`exit ${exit.pid}`);
    this.maybeThrow(unit, 'sigchldEvent');
  }

  notifyMessage(unit: Unit<ToyData>, _sender: NotifySender, fields: Map<string, string>, _fds: number[]): void {
    unit.data.events.push(`notify ${[...fields.keys()].join(',')}`);
    this.maybeThrow(unit, 'notifyMessage');
  }

  scopeEmpty(unit: Unit<ToyData>): void {
    this.maybeThrow(unit, 'scopeEmpty');
  }

  triggerNotify(unit: Unit<ToyData>, other: Unit): void {
    unit.data.events.push(`trigger ${other.id}`);
    this.maybeThrow(unit, 'triggerNotify');
  }

  properties(unit: Unit<ToyData>): PropertyList {
    this.maybeThrow(unit, 'properties');
    return [];
  }

  /** The type's own failure path after a hook error: result resources, state failed. */
  enterFailedState?(unit: Unit<ToyData>, result: 'resources'): void {
    this.maybeThrow(unit, 'enterFailedState');
    unit.data.result = result;
    this.setState(unit, 'failed');
  }

  /** Makes this type one without enterFailedState (core must then mark units failed itself). */
  withoutEnterFailed(): this {
    this.enterFailedState = undefined;
    return this;
  }

  resetFailed(unit: Unit<ToyData>): void {
    this.maybeThrow(unit, 'resetFailed');
    if (unit.data.state === 'failed') this.setState(unit, 'dead');
    unit.data.result = 'success';
  }

  startLimitHit(unit: Unit<ToyData>): void {
    // The first failure wins, as in service.c and socket.c.
    if (unit.data.result === 'success') unit.data.result = 'start-limit-hit';
    this.setState(unit, 'failed');
  }

  mainPid(): number | undefined {
    return undefined;
  }

  // --- what a test drives ---

  /** Finishes a pending start (→ running) or stop (→ dead). */
  complete(unit: Unit): void {
    const u = unit as Unit<ToyData>;
    if (u.data.state === 'starting' || u.data.state === 'reloading') this.setState(u, 'running');
    else if (u.data.state === 'stopping') this.setState(u, 'dead');
  }

  /** The unit fails by itself (its process died badly). */
  fail(unit: Unit): void {
    const u = unit as Unit<ToyData>;
    u.data.result = 'exit-code';
    this.setState(u, 'failed');
  }

  /** The unit goes down by itself, cleanly. */
  exit(unit: Unit): void {
    this.setState(unit as Unit<ToyData>, 'dead');
  }

  /** The unit comes up by itself, without a job (as a socket-activated service does). */
  comeUp(unit: Unit): void {
    this.setState(unit as Unit<ToyData>, 'running');
  }

  private setState(unit: Unit<ToyData>, state: ToyState): void {
    unit.data.state = state;
    unit.notifyStateChange();
  }
}

/** A module contributing a toy type for `suffix`; returns the type too, for the test to drive. */
export function toyModule(suffix = 'service'): { module: ContainerModule; type: ToyUnitType } {
  const type = new ToyUnitType(suffix);
  return {
    type,
    module: new ContainerModule(({ bind }) => {
      bind(UnitTypeContribution).toConstantValue(type);
    }),
  };
}
