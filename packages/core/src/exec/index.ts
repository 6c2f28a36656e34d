/**
 * The systemd.exec(5) execution context shared by the unit types that run processes.
 */
export * from './exec-context.js';
export * from './exec-context-table.js';
export * from './exec-spec.js';
export * from './exec-properties.js';
export * from './user-database.js';
export * from './exit-status.js';
export * from './process-defaults.js';
