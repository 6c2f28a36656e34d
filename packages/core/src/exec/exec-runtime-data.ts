/**
 * What a unit that runs processes leaves behind and gives back when it stops: its
 * RuntimeDirectory= entries and credentials directory (unit_destroy_runtime_data(), subject to
 * RuntimeDirectoryPreserve=) and its DynamicUser= uid.
 */
import type { ExecContext } from './exec-context.js';
import type { VolatileMounts } from '../ports/volatile-mounts.js';
import { credentialsDirectory, removeCredentials } from './exec-credentials.js';
import { execDirectoryPrefixes, removeRuntimeDirectories } from './exec-directories.js';
import { defaultUnitkitRuntimeDirectory, dynamicUidDirectory, dynamicUserName, releaseDynamicUser } from './dynamic-user.js';
import { releasePrivateTmp } from './private-tmp.js';

/** Where a unit's processes ran. */
export interface RuntimeDataOwner {
  unitName: string;
  scope: 'system' | 'user';
  managerEnvironment: Readonly<Record<string, string>>;
  /** unitkit's runtime directory (DynamicUser= lock files); as for ExecSpecRequest. */
  runtimeDirectory?: string;
  /** What mounted the credentials, to unmount them. */
  mounts?: VolatileMounts;
}

/**
 * Whether the runtime directories go at this stop: always with RuntimeDirectoryPreserve=no, never
 * with yes, with restart only when the unit is not about to be restarted (service_enter_dead()).
 */
export function destroysRuntimeData(c: ExecContext, willRestart: boolean): boolean {
  return c.runtimeDirectoryPreserve === 'no' || (c.runtimeDirectoryPreserve === 'restart' && !willRestart);
}

/** Removes the runtime directories and the credentials of a stopped unit (unit_destroy_runtime_data()). */
export function destroyRuntimeData(c: ExecContext, o: RuntimeDataOwner): void {
  const runtime = execDirectoryPrefixes(o.scope, o.managerEnvironment).Runtime;
  removeRuntimeDirectories(c.directories, runtime, c.dynamicUser);
  if (runtime && (c.loadCredentials.length > 0 || c.setCredentials.length > 0)) removeCredentials(credentialsDirectory(runtime, o.unitName), o.mounts);
}

/**
 * Removes what the unit's processes shared for one activation — the PrivateTmp= directories — when
 * it stops, restart or not (exec_runtime_unref(…, true) in service_enter_dead()).
 */
export function destroyExecRuntime(o: RuntimeDataOwner): void {
  releasePrivateTmp(o.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(o.scope, o.managerEnvironment), o.unitName);
}

/** Gives back the DynamicUser= uid of a unit that stopped (dynamic_creds_destroy()). */
export function releaseDynamicCredentials(c: ExecContext, o: RuntimeDataOwner): void {
  if (!c.dynamicUser) return;
  const dir = o.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(o.scope, o.managerEnvironment);
  releaseDynamicUser(dynamicUidDirectory(dir), c.user ?? dynamicUserName(o.unitName));
}
