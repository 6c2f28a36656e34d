/**
 * The path unit's sub-states (systemd's PathState), the generic active state each maps to, and its results.
 */
import type { UnitActiveState } from '@unitkit/core';

/** A path unit's sub-state, as SubState= shows it. */
export type PathState = 'dead' | 'waiting' | 'running' | 'failed';

/** systemd's state_translation_table of path.c. */
export const pathStateTable: Record<PathState, UnitActiveState> = {
  dead: 'inactive',
  waiting: 'active',
  running: 'active',
  failed: 'failed',
};

/** Why a path unit ended (Result=), systemd's PathResult. */
export type PathResult = 'success' | 'resources' | 'start-limit-hit' | 'unit-start-limit-hit' | 'trigger-limit-hit';
