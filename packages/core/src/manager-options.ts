/**
 * How a composed manager is configured: its scope and defaults.
 */
import type { ManagerDefaults } from './unit-settings.js';

/** Token and shape of the manager's options (optional binding; defaults apply when unbound). */
export const ManagerOptions = Symbol('ManagerOptions');
export interface ManagerOptions {
  /** System manager or per-user manager, as systemd --system / --user. Default 'user'. */
  scope?: 'system' | 'user';
  /** Start-limit defaults (DefaultStartLimitIntervalSec=, DefaultStartLimitBurst=). */
  defaults?: Partial<ManagerDefaults>;
  /** The manager's environment: the base of every spawned process's and the input of ConditionEnvironment=. */
  environment?: Record<string, string>;
}
