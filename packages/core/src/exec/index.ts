/**
 * The systemd.exec(5) execution context shared by the unit types that run processes.
 */
export * from './exec-context.js';
export * from './exec-context-table.js';
export * from './exec-spec.js';
export * from './exec-properties.js';
export { ROOT_SHELL, cleanHome, cleanShell, noUserDatabase, resolveGroup, resolveUser } from './user-database.js';
export * from './exit-status.js';
export * from './process-defaults.js';
export * from './exec-directories.js';
export * from './exec-credentials.js';
export * from './dynamic-user.js';
export * from './exec-runtime-data.js';
export * from './exec-privileges.js';
export * from './exec-seccomp.js';
export { SYSCALL_GROUPS, type SyscallGroup } from './syscall-groups.js';
export * from './exec-sandbox.js';
export * from './exec-terminal.js';
export { buildNamespacePlan, type NamespacePlanInput, type NamespaceProbe } from './namespace-plan.js';
export { parseMountInfo, readMountInfo, type MountInfoEntry } from './mountinfo.js';
export { acquirePrivateTmp, releasePrivateTmp, type PrivateTmpDirs } from './private-tmp.js';
export { sharedIfEmpty, deepFreeze, sameValue, defaultSharer } from './shared-empty.js';
