/**
 * @unitkit/plugin-kill-cgroup — systemd.kill(5): the kill directives, and the ProcessScopes port on
 * one cgroup v2 directory per unit, with a process-group fallback.
 */
export * from './kill-directives.js';
export * from './kill-cgroup-options.js';
export * from './cgroup-hierarchy.js';
export * from './cgroup-unit-scope.js';
export * from './process-group-unit-scope.js';
export * from './proc-table.js';
export * from './kill-cgroup-process-scopes.js';
export * from './unit-kill-request.js';
export * from './scope-properties.js';
export * from './kill-cgroup-module.js';
export * from './signal-until-settled.js';
export * from './cgroup-resource-control.js';
export { defaultTasksMax } from './default-tasks-max.js';
