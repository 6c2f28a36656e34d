/**
 * The socket's sub-states and results, with systemd's names (src/core/socket.c,
 * socket_state_table and socket_result_table).
 */
import type { UnitActiveState } from '@unitkit/core';

/** A socket unit's sub-state. `cleaning` is not provided (no `systemctl clean`). */
export type SocketState =
  | 'dead'
  | 'start-pre'
  | 'start-chown'
  | 'start-post'
  | 'listening'
  | 'running'
  | 'stop-pre'
  | 'stop-pre-sigterm'
  | 'stop-pre-sigkill'
  | 'stop-post'
  | 'final-sigterm'
  | 'final-sigkill'
  | 'failed';

/** Sub-state → generic state, as systemd's state_translation_table. */
export const socketStateTable: Readonly<Record<SocketState, UnitActiveState>> = {
  dead: 'inactive',
  'start-pre': 'activating',
  'start-chown': 'activating',
  'start-post': 'activating',
  listening: 'active',
  running: 'active',
  'stop-pre': 'deactivating',
  'stop-pre-sigterm': 'deactivating',
  'stop-pre-sigkill': 'deactivating',
  'stop-post': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
  failed: 'failed',
};

/** Every sub-state, for validating deserialized state. */
export const socketStates = Object.keys(socketStateTable) as SocketState[];

/** The states in which a control process (Exec*=) may run and the timeout timer is armed. */
export const controlStates: ReadonlySet<SocketState> = new Set<SocketState>([
  'start-pre', 'start-chown', 'start-post', 'stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill',
]);

/**
 * The states in which the listening fds are open. Entering any other state closes them (and
 * removes the nodes with RemoveOnStop=yes), as socket_set_state() does.
 */
export const fdsOpenStates: ReadonlySet<SocketState> = new Set<SocketState>([
  'start-chown', 'start-post', 'listening', 'running', 'stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill',
]);

/** Why a socket ended up where it is; the first failure wins (systemd's SocketResult). */
export type SocketResult =
  | 'success'
  | 'resources'
  | 'timeout'
  | 'exit-code'
  | 'signal'
  | 'core-dump'
  | 'start-limit-hit'
  | 'trigger-limit-hit'
  | 'service-start-limit-hit';

/** Every result, for validating deserialized state. */
export const socketResults: readonly SocketResult[] = [
  'success', 'resources', 'timeout', 'exit-code', 'signal', 'core-dump', 'start-limit-hit', 'trigger-limit-hit', 'service-start-limit-hit',
];
