/**
 * The target's sub-states and the generic state each maps to (systemd's target_state_table).
 */
import type { UnitActiveState } from '@unitkit/core';

/** A target is either reached (active) or not (dead). */
export type TargetState = 'dead' | 'active';

/** Sub-state → generic state. */
export const targetStateTable: Readonly<Record<TargetState, UnitActiveState>> = {
  dead: 'inactive',
  active: 'active',
};
