/**
 * How the kill-mode plugin picks its backend. Bind {@link KillCgroupOptions} (or pass options to
 * createKillCgroupModule()) to force one; `UNITKIT_SCOPE_BACKEND=cgroup|process-group|auto` in the
 * manager's environment does the same without code.
 */
import type { Usec } from '@unitkit/core';

/** Which backend tracks units' processes. */
export type ScopeBackendChoice = 'auto' | 'cgroup' | 'process-group';

/** Token and shape of the plugin's options (optional binding). */
export const KillCgroupOptions = Symbol('KillCgroupOptions');
export interface KillCgroupOptions {
  /**
   * 'auto' (default): cgroup v2 where the manager can create directories, else the fallback.
   * 'cgroup': cgroup v2 or an error at the first unit. 'process-group': always the fallback.
   */
  backend?: ScopeBackendChoice;
  /**
   * The absolute cgroup directory that becomes the manager's subtree (units go to
   * ROOT/app.slice/…). Default: `unitkit-PID` below the manager's own cgroup, so several managers on
   * one machine never share (or kill) each other's cgroups; give the manager's own, delegated cgroup
   * here to get systemd's `/…/app.slice/foo.service` layout directly.
   */
  root?: string;
  /** How often the fallback scans /proc while a unit has processes. Default 100 ms. */
  pollInterval?: Usec;
}

/** Reads the backend choice from options and the environment (options win). */
export function resolveBackendChoice(options: KillCgroupOptions | undefined, env: NodeJS.ProcessEnv = process.env): ScopeBackendChoice {
  const v = options?.backend ?? env.UNITKIT_SCOPE_BACKEND;
  return v === 'cgroup' || v === 'process-group' ? v : 'auto';
}
