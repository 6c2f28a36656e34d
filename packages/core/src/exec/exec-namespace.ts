/**
 * The NAMESPACE step of the child steps (exec-spec.ts): what the manager prepares on the host for
 * a process's namespaces — the PrivateTmp= directories, the staging directories and inaccessible
 * nodes in unitkit's runtime directory, the mount table — and the operation list it hands to the
 * spawner (namespace-plan.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NamespaceSpec } from '../ports/process-spawner.js';
import { ExecExitStatus } from '../ports/process-spawner.js';
import type { ExecContext } from './exec-context.js';
import { EXEC_DIRECTORY_TYPES, execDirectoryPrefixes } from './exec-directories.js';
import { credentialsDirectory } from './exec-credentials.js';
import { defaultUnitkitRuntimeDirectory } from './dynamic-user.js';
import { buildNamespacePlan } from './namespace-plan.js';
import { readMountInfo } from './mountinfo.js';
import { acquirePrivateTmp } from './private-tmp.js';
import { acquireSharedNamespace, sharedNamespaceDirectory } from './shared-namespaces.js';
import { needsMountNamespace } from './exec-sandbox.js';

/** Why the namespace of a process cannot be prepared; the child fails with `status`. */
export class NamespaceSetupError extends Error {
  constructor(message: string, readonly code: string, readonly status: number = ExecExitStatus.NAMESPACE) {
    super(message);
    this.name = 'NamespaceSetupError';
  }
}

/** What {@link prepareNamespace} needs of the spawn request. */
export interface NamespaceRequest {
  unitName: string;
  context: ExecContext;
  scope: 'system' | 'user';
  managerEnvironment: Readonly<Record<string, string>>;
  runtimeDirectory?: string;
  /** JoinsNamespaceOf=: units whose private /tmp, network and IPC namespaces this one shares when they have them. */
  joinsNamespaceOf?: readonly string[];
  /** The uid and gid the process changes to (for PrivateUsers='s maps); the manager's when unset. */
  uid?: number;
  gid?: number;
}

/** Creates unitkit's staging directories and inaccessible nodes (what systemd keeps in /run/systemd). */
function ensureStaging(runtimeDir: string): { root: string; dev: string; inaccessible: string } {
  const root = path.join(runtimeDir, 'unit-root');
  const dev = path.join(runtimeDir, 'namespace-dev');
  const inaccessible = path.join(runtimeDir, 'inaccessible');
  for (const d of [root, dev]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.join(inaccessible, 'dir'), { recursive: true, mode: 0o755 });
  fs.chmodSync(path.join(inaccessible, 'dir'), 0);
  const reg = path.join(inaccessible, 'reg');
  if (!fs.existsSync(reg)) fs.writeFileSync(reg, '', { mode: 0 });
  fs.chmodSync(reg, 0);
  return { root, dev, inaccessible };
}

/**
 * The namespace operations of one process of `r`'s unit, or undefined when it asks for none.
 * Throws NamespaceSetupError when the host directories cannot be made.
 */
export function prepareNamespace(r: NamespaceRequest): NamespaceSpec | undefined {
  const c = r.context;
  const sb = c.sandbox;
  const mountNs = needsMountNamespace(sb);
  if (!mountNs && !sb.privateNetwork && !sb.privateIPC && !sb.privateUsers && !sb.networkNamespacePath && !sb.ipcNamespacePath) return undefined;
  const runtimeDir = r.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(r.scope, r.managerEnvironment);
  const prefixes = execDirectoryPrefixes(r.scope, r.managerEnvironment);
  const writablePaths: string[] = [];
  const emptyDirectories: string[] = [];
  const privateBinds: string[] = [];
  for (const t of EXEC_DIRECTORY_TYPES) {
    const prefix = prefixes[t];
    const items = c.directories[t].items;
    if (!mountNs || !prefix || items.length === 0) continue;
    for (const i of items) writablePaths.push(path.join(prefix, i.path));
    // exec_directory_is_private(): DynamicUser= keeps all but configuration (and runtime unless preserved) in private/.
    const isPrivate = c.dynamicUser && t !== 'Configuration' && !(t === 'Runtime' && c.runtimeDirectoryPreserve === 'no');
    if (isPrivate) {
      emptyDirectories.push(path.join(prefix, 'private'));
      for (const i of items) privateBinds.push(path.join(prefix, 'private', i.path));
    }
  }
  const hasCredentials = c.loadCredentials.length > 0 || c.setCredentials.length > 0;
  let staging;
  let privateTmp;
  const shared: { net?: ReturnType<typeof acquireSharedNamespace>; ipc?: ReturnType<typeof acquireSharedNamespace> } = {};
  try {
    staging = ensureStaging(runtimeDir);
    if (sb.privateTmp) privateTmp = acquirePrivateTmp(runtimeDir, r.unitName, undefined, r.joinsNamespaceOf);
    // One network and IPC namespace per activation, and per set of units joined by JoinsNamespaceOf=.
    if (sb.privateNetwork && !sb.networkNamespacePath) shared.net = acquireSharedNamespace(runtimeDir, r.unitName, 'net', r.joinsNamespaceOf);
    if (sb.privateIPC && !sb.ipcNamespacePath) shared.ipc = acquireSharedNamespace(runtimeDir, r.unitName, 'ipc', r.joinsNamespaceOf);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new NamespaceSetupError(`Failed to set up mount namespacing: ${err.path ?? runtimeDir}: ${err.message}`, err.code ?? 'EIO');
  }
  const mounts = readMountInfo();
  const nsDir = `${sharedNamespaceDirectory(runtimeDir)}/`;
  const hiddenMounts = mounts.filter((m) => m.path.startsWith(nsDir)).map((m) => m.path);
  // This process binds its own namespaces before it makes its mount namespace: hide those too.
  for (const own of [shared.net, shared.ipc]) if (own?.create && !hiddenMounts.includes(own.path)) hiddenMounts.push(own.path);
  return buildNamespacePlan(
    {
      sandbox: sb,
      mounts,
      hiddenMounts,
      stagingRoot: staging.root,
      stagingDev: staging.dev,
      inaccessible: staging.inaccessible,
      privateTmp,
      sharedNamespaces: shared,
      writablePaths,
      emptyDirectories,
      privateBinds,
      credentialsRoot: '/run/credentials',
      users: { uid: r.uid ?? process.getuid?.() ?? 0, gid: r.gid ?? process.getgid?.() ?? 0, managerUid: process.getuid?.() ?? 0, managerGid: process.getgid?.() ?? 0 },
      credentialsDirectory: hasCredentials && prefixes.Runtime ? credentialsDirectory(prefixes.Runtime, r.unitName) : undefined,
    },
    c.dynamicUser,
  );
}
