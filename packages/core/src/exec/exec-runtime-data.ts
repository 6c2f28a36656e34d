/**
 * What a unit that runs processes leaves behind and gives back when it stops: its
 * RuntimeDirectory= entries and credentials directory (unit_destroy_runtime_data(), subject to
 * RuntimeDirectoryPreserve=), its DynamicUser= uid, and with RemoveIPC= the IPC objects of its user.
 */
import type { ExecContext } from './exec-context.js';
import type { VolatileMounts } from '../ports/volatile-mounts.js';
import type { IpcObjects } from '../ports/ipc-objects.js';
import type { UserDatabase } from '../ports/user-database.js';
import { credentialsDirectory, removeCredentials } from './exec-credentials.js';
import { execDirectoryPrefixes, removeRuntimeDirectories } from './exec-directories.js';
import { defaultUnitkitRuntimeDirectory, dynamicUidDirectory, dynamicUidOf, dynamicUserName, releaseDynamicUser } from './dynamic-user.js';
import { releasePrivateTmp } from './private-tmp.js';
import { releaseSharedNamespaces } from './shared-namespaces.js';

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
 * Removes what the unit's processes shared for one activation — the PrivateTmp= directories, the
 * PrivateNetwork=/PrivateIPC= namespaces — when
 * it stops, restart or not (exec_runtime_unref(…, true) in service_enter_dead()).
 */
export function destroyExecRuntime(o: RuntimeDataOwner): void {
  const runtimeDir = o.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(o.scope, o.managerEnvironment);
  releasePrivateTmp(runtimeDir, o.unitName);
  releaseSharedNamespaces(runtimeDir, o.unitName, o.mounts ? (file) => o.mounts!.unmount(file) : undefined);
}

/** Gives back the DynamicUser= uid of a unit that stopped (dynamic_creds_destroy()). */
export function releaseDynamicCredentials(c: ExecContext, o: RuntimeDataOwner): void {
  if (!c.dynamicUser) return;
  const dir = o.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(o.scope, o.managerEnvironment);
  releaseDynamicUser(dynamicUidDirectory(dir), c.user ?? dynamicUserName(o.unitName));
}

/**
 * RemoveIPC=: removes the IPC objects of the user and group the unit's processes ran as, when it
 * asks for it and runs as someone (User=, Group= or DynamicUser=); never root's (systemd's
 * manager_unref_uid()/gid() with destroy_ipc). Call it before releaseDynamicCredentials(), while
 * the dynamic uid is still known, and only when no other running unit uses that user.
 */
export function removeIpcObjects(c: ExecContext, o: RuntimeDataOwner & { users?: UserDatabase; ipc?: IpcObjects }): void {
  if (!c.misc.removeIpc || !o.ipc || (c.user === undefined && c.group === undefined)) return;
  let uid: number | undefined;
  let gid: number | undefined;
  if (c.dynamicUser) {
    const dir = o.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(o.scope, o.managerEnvironment);
    // The dynamic group has the number of the dynamic user, as in systemd.
    uid = gid = dynamicUidOf(dynamicUidDirectory(dir), c.user ?? dynamicUserName(o.unitName));
  } else {
    const id = (name: string | undefined, byName: (n: string) => number | undefined) => (name === undefined ? undefined : /^[0-9]+$/.test(name) ? Number(name) : byName(name));
    uid = id(c.user, (n) => o.users?.userByName(n)?.uid);
    // Without Group= the processes ran with the user's primary group, which is cleaned too.
    gid = c.group !== undefined ? id(c.group, (n) => o.users?.groupByName(n)?.gid) : uid !== undefined ? o.users?.userById(uid)?.gid : undefined;
  }
  if (uid === 0) uid = undefined;
  if (gid === 0) gid = undefined;
  if (uid !== undefined || gid !== undefined) o.ipc.removeOwnedBy(uid, gid);
}
