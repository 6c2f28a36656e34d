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
  /**
   * The manager's own runtime directory (unitkitd's UNITKIT_RUNTIME_DIR): DynamicUser= keeps its
   * uid lock files there (systemd: /run/systemd/dynamic-uid). Default $XDG_RUNTIME_DIR/unitkit
   * for a user manager, /run/unitkit for the system manager.
   */
  runtimeDirectory?: string;
}
