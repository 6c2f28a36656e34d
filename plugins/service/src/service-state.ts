/**
 * The sub-states of a service and the generic state each maps to — systemd's ServiceState and
 * service.c's state_translation_table.
 */
import type { UnitActiveState } from '@unitkit/core';

/** Every sub-state a service can be in, with systemd's names. */
export type ServiceState =
  | 'dead' | 'condition' | 'start-pre' | 'start' | 'start-post' | 'running' | 'exited'
  | 'reload' | 'reload-signal' | 'reload-notify'
  | 'stop' | 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill' | 'stop-post'
  | 'final-watchdog' | 'final-sigterm' | 'final-sigkill'
  | 'failed' | 'auto-restart';

/** service.c's state_translation_table. */
export const serviceStateTable: Readonly<Record<ServiceState, UnitActiveState>> = {
  dead: 'inactive',
  condition: 'activating',
  'start-pre': 'activating',
  start: 'activating',
  'start-post': 'activating',
  running: 'active',
  exited: 'active',
  reload: 'reloading',
  'reload-signal': 'reloading',
  'reload-notify': 'reloading',
  stop: 'deactivating',
  'stop-watchdog': 'deactivating',
  'stop-sigterm': 'deactivating',
  'stop-sigkill': 'deactivating',
  'stop-post': 'deactivating',
  'final-watchdog': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
  failed: 'failed',
  'auto-restart': 'activating',
};

/** States in which a control process may run (the control pid stays watched). */
export const controlStates: ReadonlySet<ServiceState> = new Set<ServiceState>([
  'condition', 'start-pre', 'start', 'start-post', 'reload', 'reload-signal', 'reload-notify', 'stop', 'stop-watchdog',
  'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill',
]);

/** States in which the main process may run (the main pid stays watched). */
export const mainStates: ReadonlySet<ServiceState> = new Set<ServiceState>([
  'start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify', 'stop', 'stop-watchdog', 'stop-sigterm',
  'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill',
]);

/** States that keep the state timer armed (each enter*() arms it with that state's timeout). */
export const timerStates: ReadonlySet<ServiceState> = new Set<ServiceState>([
  'condition', 'start-pre', 'start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify', 'stop',
  'stop-watchdog', 'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill',
  'auto-restart',
]);

/** States in which the watchdog keeps running. */
export const watchdogStates: ReadonlySet<ServiceState> = new Set<ServiceState>([
  'start-post', 'running', 'reload', 'reload-signal', 'reload-notify',
]);
