/**
 * The timer's sub-states (systemd's TimerState) and the generic active state each maps to.
 */
import type { UnitActiveState } from '@unitkit/core';

/** A timer's sub-state, as SubState= shows it. */
export type TimerState = 'dead' | 'waiting' | 'running' | 'elapsed' | 'failed';

/** systemd's state_translation_table of timer.c. */
export const timerStateTable: Record<TimerState, UnitActiveState> = {
  dead: 'inactive',
  waiting: 'active',
  running: 'active',
  elapsed: 'active',
  failed: 'failed',
};

/** Why a timer ended (Result=), systemd's TimerResult. */
export type TimerResult = 'success' | 'resources' | 'start-limit-hit';
