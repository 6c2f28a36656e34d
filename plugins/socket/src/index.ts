/**
 * @unitkit/plugin-socket — the socket unit type: socket activation as systemd does it.
 */
export * from './socket-state.js';
export * from './listen-spec.js';
export * from './socket-settings.js';
export * from './socket-section-table.js';
export * from './socket-exec.js';
export * from './socket-owner.js';
export * from './accept-instance-name.js';
export * from './socket-properties.js';
export * from './socket-unit-type.js';
export * from './socket-module.js';
