/**
 * The manager's typed event bus: what a client, a log writer or a test can follow without
 * reaching into the engine.
 */
import type { ManagerObjective } from './emergency-action.js';
import type { Job } from './job.js';
import type { JobResult } from './job-type.js';
import type { Unit } from './unit.js';
import type { UnitActiveState } from './unit-active-state.js';

/** Events and their listener signatures. */
export interface ManagerEvents {
  /** A unit object was created (it may still be a stub being loaded). */
  'unit-new': (unit: Unit) => void;
  /** A unit finished loading (whatever its load state). */
  'unit-loaded': (unit: Unit) => void;
  /** A unit's generic or sub-state changed; `oldState`/`newState` are generic states (they may be equal when only the sub-state moved). */
  'unit-state': (unit: Unit, oldState: UnitActiveState, newState: UnitActiveState) => void;
  /** A unit was garbage-collected or dropped by a reload. */
  'unit-removed': (unit: Unit) => void;
  /** A job was installed. */
  'job-new': (job: Job) => void;
  /** A job changed state (waiting → running). */
  'job-changed': (job: Job) => void;
  /** A job finished with a result and was uninstalled. */
  'job-removed': (job: Job, result: JobResult) => void;
  /** The manager became idle: no jobs are installed. */
  'idle': () => void;
  /**
   * An emergency action (SuccessAction=exit-force, a unit of exit.target…) asks the program running
   * the manager to end it, with a status. Core changes nothing itself beyond this event.
   */
  'objective': (objective: ManagerObjective) => void;
}
