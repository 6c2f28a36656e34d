export { timerModule } from './timer-module.js';
export { TimerUnitType, type TimerData, type TimerValue } from './timer-unit-type.js';
export { timerSectionTable, readTimerSettings, MONOTONIC_BASES, type TimerBase, type TimerSettings, type TimerValueSpec } from './timer-section-table.js';
export { timerStateTable, type TimerState, type TimerResult } from './timer-state.js';
export { coalescedWakeup, bootPerturbation } from './timer-coalesce.js';
