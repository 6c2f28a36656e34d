/**
 * The slice unit's sub-states (systemd's SliceState) and the generic active state each maps to.
 */
import type { UnitActiveState } from '@unitkit/core';

/** A slice's sub-state, as SubState= shows it. */
export type SliceState = 'dead' | 'active';

/** systemd's state_translation_table of slice.c. */
export const sliceStateTable: Record<SliceState, UnitActiveState> = {
  dead: 'inactive',
  active: 'active',
};
