/**
 * Why a service stopped: systemd's ServiceResult with its names. The first failure wins: once a
 * result other than success is recorded, later ones do not replace it.
 */

/** systemd's service results, as `Result=` shows them. */
export type ServiceResult =
  | 'success' | 'resources' | 'protocol' | 'timeout' | 'exit-code' | 'signal' | 'core-dump' | 'watchdog'
  | 'start-limit-hit' | 'exec-condition' | 'oom-kill';

/** Records `f` unless a failure is already recorded. */
export function firstFailure(current: ServiceResult, f: ServiceResult): ServiceResult {
  return current === 'success' ? f : current;
}
