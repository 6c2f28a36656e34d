/**
 * The target unit type (systemd.target(5)): a synchronization point that groups units. It has no
 * settings of its own; starting it starts what it pulls in, and it is ordered after those units by
 * default, so "active" means "everything it wants has been started".
 */
import { injectable } from 'inversify';
import type { Unit, UnitActionResult, UnitType } from '@unitkit/core';
import { type TargetState, targetStateTable } from './target-state.js';

/** Per-unit state of a target. */
export interface TargetData {
  state: TargetState;
  /** The state found on deserialization, applied in done(). */
  deserializedState?: TargetState;
}

/** The target vtable. */
@injectable()
export class TargetUnitType implements UnitType<TargetData> {
  readonly suffix = 'target';
  readonly sections: readonly string[] = [];
  readonly canReload = false;
  readonly canFail = false;
  /** Targets are ordered after the units they pull in (DefaultDependencies=yes). */
  readonly orderedAfterDependencies = true;

  /** A fresh target is dead. */
  init(): TargetData {
    return { state: 'dead' };
  }

  /**
   * Adds the default dependencies of a target: Conflicts= and Before= on shutdown.target, so every
   * target is stopped at shutdown. The ordering after pulled-in units is added by core, because it
   * also depends on units loaded later.
   */
  load(unit: Unit<TargetData>): void {
    if (!unit.settings.defaultDependencies) return;
    if (unit.id === 'shutdown.target') return;
    unit.addDependency('Before', 'shutdown.target');
    unit.addDependency('Conflicts', 'shutdown.target');
  }

  /** Restores a deserialized state; a target has no watches to re-establish. */
  done(unit: Unit<TargetData>): void {
    const s = unit.data.deserializedState;
    if (s && s !== unit.data.state) this.setState(unit, s);
    unit.data.deserializedState = undefined;
  }

  /** Reaching a target is immediate: its dependencies were ordered before it by the job engine. */
  start(unit: Unit<TargetData>): UnitActionResult {
    unit.manager.acquireInvocationId(unit as Unit);
    this.setState(unit, 'active');
    return 'started';
  }

  /** Leaving a target is immediate too. */
  stop(unit: Unit<TargetData>): UnitActionResult {
    this.setState(unit, 'dead');
    return 'started';
  }

  activeState(unit: Unit<TargetData>) {
    return targetStateTable[unit.data.state];
  }

  subState(unit: Unit<TargetData>): string {
    return unit.data.state;
  }

  serialize(unit: Unit<TargetData>): Record<string, unknown> {
    return { state: unit.data.state };
  }

  deserialize(unit: Unit<TargetData>, state: Record<string, unknown>): void {
    if (state.state === 'dead' || state.state === 'active') unit.data.deserializedState = state.state;
  }

  /** The one place a target's state is written. */
  private setState(unit: Unit<TargetData>, state: TargetState): void {
    const old = unit.data.state;
    unit.data.state = state;
    if (old !== state) unit.log('debug', `Changed ${old} -> ${state}`);
    unit.notifyStateChange();
  }
}
