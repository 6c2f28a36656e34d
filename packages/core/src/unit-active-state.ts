/**
 * The generic states every unit type maps its own sub-states to (systemd's UnitActiveState).
 */

/** The generic active state of a unit, with systemd's names. */
export type UnitActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'maintenance';

/** True for active and reloading. */
export function isActiveOrReloading(s: UnitActiveState): boolean {
  return s === 'active' || s === 'reloading';
}

/** True for inactive and failed. */
export function isInactiveOrFailed(s: UnitActiveState): boolean {
  return s === 'inactive' || s === 'failed';
}

/** True for active, reloading and activating. */
export function isActiveOrActivating(s: UnitActiveState): boolean {
  return s === 'active' || s === 'reloading' || s === 'activating';
}

/** True for inactive, failed and deactivating. */
export function isInactiveOrDeactivating(s: UnitActiveState): boolean {
  return s === 'inactive' || s === 'failed' || s === 'deactivating';
}

/** How far a unit got in loading its configuration (systemd's UnitLoadState). */
export type UnitLoadState = 'stub' | 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'merged' | 'masked';
