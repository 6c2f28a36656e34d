/**
 * The slice unit type (systemd.slice(5)), following systemd 252's slice.c: a node of the cgroup
 * tree, "active" while started (a slice is started by the units in it, which require it) and dead
 * otherwise. The root slice `-.slice` (and `system.slice` in a system manager) is synthesized and
 * perpetual: active from the moment it loads, never stopped. A slice needs no unit file; its
 * parent comes from its name (the slice plugin's load extension adds it), its description
 * defaults to "Slice /a/b", and it is ignored by isolate.
 */
import { injectable } from 'inversify';
import {
  UnitLoadError,
  type KillWhom,
  type PropertyList,
  type Unit,
  type UnitActionResult,
  type UnitDefinition,
  type UnitType,
} from '@unitkit/core';
import { ROOT_SLICE, isValidSliceName, sliceDefaultDescription } from './slice-name.js';
import { type SliceState, sliceStateTable } from './slice-state.js';
import { sliceProperties } from './slice-properties.js';

/** Per-unit state of a slice. */
export interface SliceData {
  state: SliceState;
  deserializedState?: SliceState;
}

/** The slices systemd synthesizes and keeps forever, with their descriptions, per manager mode. */
function perpetualDescription(unit: Unit): string | undefined {
  if (unit.id === ROOT_SLICE) return 'Root Slice';
  if (unit.id === 'system.slice' && unit.manager.scope === 'system') return 'System Slice';
  return undefined;
}

/** The slice vtable. */
@injectable()
export class SliceUnitType implements UnitType<SliceData> {
  readonly suffix = 'slice';
  readonly sections: readonly string[] = ['Slice'];
  readonly statusMessageFormats = { finishedStartJob: { done: 'Created slice %s.' }, finishedStopJob: { done: 'Removed slice %s.' } };

  init(): SliceData {
    return { state: 'dead' };
  }

  /** slice_load(): the perpetual slices' defaults, the default description, Conflicts=/Before=shutdown.target; a bad name is refused. */
  load(unit: Unit<SliceData>, definition: UnitDefinition): void {
    const s = unit.settings;
    const perpetual = perpetualDescription(unit as Unit);
    if (perpetual !== undefined) {
      unit.perpetual = true;
      s.defaultDependencies = false;
      if (!s.description) s.description = perpetual;
      if (s.documentation.length === 0) s.documentation = ['man:systemd.special(7)'];
    }
    // slice_init() sets IgnoreOnIsolate=yes before the file is read: the file may still say no.
    if (!definition.sections.get('Unit')?.has('IgnoreOnIsolate')) s.ignoreOnIsolate = true;
    if (!s.description) s.description = sliceDefaultDescription(unit.id) ?? '';
    if (s.defaultDependencies) {
      unit.addDependency('Conflicts', 'shutdown.target');
      unit.addDependency('Before', 'shutdown.target');
    }
    if (!isValidSliceName(unit.id)) throw new UnitLoadError(`Slice name ${unit.id} is not valid. Refusing.`);
  }

  /** slice_coldplug(): a deserialized state is entered; a perpetual slice is active from the start. */
  done(unit: Unit<SliceData>): void {
    const d = unit.data;
    const target = d.deserializedState ?? (unit.perpetual ? 'active' : undefined);
    d.deserializedState = undefined;
    if (target !== undefined && target !== d.state) this.setState(unit, target);
  }

  /** slice_start(): the cgroup is created (where the manager has cgroups), then active. */
  start(unit: Unit<SliceData>): UnitActionResult {
    unit.manager.acquireInvocationId(unit as Unit);
    try {
      unit.manager.processScopes?.scope(unit as Unit).prepare();
    } catch (e) {
      // systemd ignores a failure to realize the cgroup here, too.
      unit.log('warning', `Failed to create the slice's cgroup: ${(e as Error).message}`);
    }
    this.setState(unit, 'active');
    return 'started';
  }

  /** slice_stop(): the units in it were stopped first (they are ordered after it); its empty cgroup goes. */
  stop(unit: Unit<SliceData>): UnitActionResult {
    this.setState(unit, 'dead');
    try {
      unit.manager.processScopes?.scope(unit as Unit).release();
    } catch {
      // A cgroup that cannot be removed stays, as systemd leaves it.
    }
    return 'started';
  }

  activeState(unit: Unit<SliceData>) {
    return sliceStateTable[unit.data.state];
  }

  subState(unit: Unit<SliceData>): string {
    return unit.data.state;
  }

  /** slice_kill(): every process in the slice's cgroup subtree. */
  kill(unit: Unit<SliceData>, whom: KillWhom, signal: number): boolean {
    const scopes = unit.manager.processScopes;
    if (!scopes) return false;
    return scopes.kill(unit as Unit, whom, signal, undefined, undefined);
  }

  properties(unit: Unit<SliceData>): PropertyList {
    return sliceProperties(unit as Unit);
  }

  serialize(unit: Unit<SliceData>): Record<string, unknown> {
    return { state: unit.data.state };
  }

  deserialize(unit: Unit<SliceData>, state: Record<string, unknown>): void {
    if (typeof state.state === 'string' && state.state in sliceStateTable) unit.data.deserializedState = state.state as SliceState;
  }

  /** The one place a slice's state is written. */
  private setState(unit: Unit<SliceData>, state: SliceState): void {
    const old = unit.data.state;
    unit.data.state = state;
    if (old !== state) unit.log('debug', `Changed ${old} -> ${state}`);
    unit.notifyStateChange();
  }
}
