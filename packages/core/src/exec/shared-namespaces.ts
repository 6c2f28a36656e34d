/**
 * The network and IPC namespaces of PrivateNetwork= and PrivateIPC=, shared as systemd shares
 * them: by every process of one activation of a unit (ExecStartPre= sets up what ExecStart= uses)
 * and by the units linked with JoinsNamespaceOf= (the shared ExecRuntime). The first process
 * creates the namespace and bind-mounts its /proc/self/ns file onto a file in unitkit's runtime
 * directory (what `ip netns add` does); later processes join that file with setns(). Which unit
 * uses which file is recorded in `namespaces/<unit>.<kind>`, so a re-executed manager finds them,
 * as it finds PrivateTmp='s (private-tmp.ts). A manager that may not mount (an unprivileged one)
 * gets no file, and each process then has a namespace of its own. Inside a unit's own mount
 * namespace the files are detached again (namespace-plan.ts), so no unit sees them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The two kinds, by the name of their /proc/self/ns file. */
export type SharedNamespaceKind = 'net' | 'ipc';

/** Where a process gets its namespace: a file to join, or to create (and bind there). */
export interface SharedNamespace {
  path: string;
  create: boolean;
}

/** The directory of the namespace files and their records, in unitkit's runtime directory. */
export function sharedNamespaceDirectory(runtimeDir: string): string {
  return path.join(runtimeDir, 'namespaces');
}

const dirOf = sharedNamespaceDirectory;
const recordOf = (runtimeDir: string, unit: string, kind: SharedNamespaceKind) => path.join(dirOf(runtimeDir), `${unit}.${kind}`);

/** Whether `file` is a namespace file (a bind mount of nsfs), i.e. the namespace is alive. */
function isNamespaceFile(file: string, kind: SharedNamespaceKind): boolean {
  try {
    return fs.statSync(file).dev === fs.statSync(`/proc/self/ns/${kind}`).dev;
  } catch {
    return false;
  }
}

function readRecord(runtimeDir: string, unit: string, kind: SharedNamespaceKind): string | undefined {
  try {
    return fs.readFileSync(recordOf(runtimeDir, unit, kind), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The namespace file of `unit` for `kind`: its own when alive, else one of a unit it joins
 * (JoinsNamespaceOf=) that has one, else a new one its next process creates. Throws the fs error
 * when the runtime directory cannot be written.
 */
export function acquireSharedNamespace(runtimeDir: string, unit: string, kind: SharedNamespaceKind, joins: readonly string[] = []): SharedNamespace {
  const own = readRecord(runtimeDir, unit, kind);
  if (own && isNamespaceFile(own, kind)) return { path: own, create: false };
  fs.mkdirSync(dirOf(runtimeDir), { recursive: true, mode: 0o700 });
  for (const other of joins) {
    const shared = readRecord(runtimeDir, other, kind);
    if (shared && isNamespaceFile(shared, kind)) {
      fs.writeFileSync(recordOf(runtimeDir, unit, kind), shared, { mode: 0o600 });
      return { path: shared, create: false };
    }
  }
  const file = own ?? path.join(dirOf(runtimeDir), `${unit}.${kind}.ns`);
  fs.writeFileSync(recordOf(runtimeDir, unit, kind), file, { mode: 0o600 });
  return { path: file, create: true };
}

/**
 * Forgets the namespaces of a unit that stopped; a namespace no other unit records is unmounted
 * (`unmount`, the VolatileMounts port's) and its file removed, which ends it once its last
 * process is gone.
 */
export function releaseSharedNamespaces(runtimeDir: string, unit: string, unmount?: (file: string) => boolean): void {
  for (const kind of ['net', 'ipc'] as const) {
    const file = readRecord(runtimeDir, unit, kind);
    if (file === undefined) continue;
    fs.rmSync(recordOf(runtimeDir, unit, kind), { force: true });
    let others: string[] = [];
    try {
      others = fs.readdirSync(dirOf(runtimeDir)).filter((f) => f.endsWith(`.${kind}`));
    } catch {
      // No records left.
    }
    if (others.some((f) => readRecord(runtimeDir, f.slice(0, -kind.length - 1), kind) === file)) continue;
    try {
      unmount?.(file);
      fs.rmSync(file, { force: true });
    } catch {
      // Not mounted (the manager could not bind it), or still mounted because no unmount was
      // given: what is left is a file in the runtime directory, replaced at the next activation.
    }
  }
}
