/**
 * Finding the writable cgroup v2 tree the manager can put its units in: the cgroup2 mount from
 * /proc/self/mountinfo (on a hybrid layout it sits beside the v1 controllers, e.g. at
 * /sys/fs/cgroup/unified), the manager's own cgroup from /proc/self/cgroup ("0::/path"), and a
 * subtree of its own below that. Nothing is hard-coded: a machine with a pure v2 layout, a hybrid
 * layout or none at all is told apart here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Unit } from '@unitkit/core';

/** Where the cgroup v2 hierarchy is mounted and where the manager sits in it. */
export interface Cgroup2Location {
  /** The cgroup2 mount point, e.g. /sys/fs/cgroup or /sys/fs/cgroup/unified. */
  mountPoint: string;
  /** The manager's cgroup as /proc/self/cgroup names it ("/init.scope"). */
  ownPath: string;
  /** The manager's cgroup as a directory (mountPoint joined with ownPath). */
  ownDir: string;
}

/** Undoes mountinfo's octal escapes (\040 for a space…). */
function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Parses /proc/self/mountinfo and /proc/self/cgroup texts into a location, or a reason why there is
 * no usable cgroup v2 hierarchy. Pure, for tests.
 */
export function parseCgroup2Location(mountinfo: string, selfCgroup: string): Cgroup2Location | { reason: string } {
  const line = selfCgroup.split('\n').find((l) => l.startsWith('0::'));
  if (!line) return { reason: 'the manager is in no cgroup v2 hierarchy (no "0::" line in /proc/self/cgroup)' };
  const ownPath = line.slice(3) || '/';
  if (ownPath.endsWith(' (deleted)')) return { reason: `the manager's cgroup ${ownPath} was deleted` };
  for (const l of mountinfo.split('\n')) {
    const sep = l.indexOf(' - ');
    if (sep < 0) continue;
    const left = l.slice(0, sep).split(' ');
    const right = l.slice(sep + 3).split(' ');
    if (right[0] !== 'cgroup2') continue;
    const root = unescapeMountinfo(left[3] ?? '/');
    const mountPoint = unescapeMountinfo(left[4] ?? '');
    // The mount shows the hierarchy from `root` down; our cgroup must be inside it to be reachable.
    if (root !== '/' && ownPath !== root && !ownPath.startsWith(root + '/')) continue;
    const rel = root === '/' ? ownPath : ownPath.slice(root.length) || '/';
    return { mountPoint, ownPath, ownDir: path.join(mountPoint, rel) };
  }
  return { reason: 'no cgroup2 file system is mounted (/proc/self/mountinfo)' };
}

/** Reads the running process's cgroup v2 location. */
export function findCgroup2Location(): Cgroup2Location | { reason: string } {
  try {
    return parseCgroup2Location(fs.readFileSync('/proc/self/mountinfo', 'utf8'), fs.readFileSync('/proc/self/cgroup', 'utf8'));
  } catch (e) {
    return { reason: `cannot read /proc: ${(e as Error).message}` };
  }
}

/** The systemd escaping of one unit-name prefix for a slice name ("-" becomes "\x2d"). */
function sliceEscape(prefix: string): string {
  return prefix.replace(/-/g, '\\x2d');
}

/**
 * The unit's cgroup below the manager's subtree, as systemd lays it out with DefaultSlice:
 * `app.slice/foo.service` for a user manager (`system.slice/…` for a system one), and instances of a
 * template in a slice of their own: `app.slice/app-foo.slice/foo@bar.service`.
 */
export function unitCgroupRelativePath(unitName: string, scope: 'system' | 'user'): string {
  const slice = scope === 'system' ? 'system' : 'app';
  const at = unitName.indexOf('@');
  if (at > 0 && at < unitName.lastIndexOf('.') - 1) {
    return `${slice}.slice/${slice}-${sliceEscape(unitName.slice(0, at))}.slice/${unitName}`;
  }
  return `${slice}.slice/${unitName}`;
}

/**
 * The unit's cgroup below the manager's subtree, following its slice chain (InSlice= dependencies
 * up to the root slice): Slice=a-b.slice gives `a.slice/a-b.slice/foo.service`, the root slice
 * `-.slice` is the subtree itself (''). A unit in no slice (no slice plugin composed) falls back to
 * {@link unitCgroupRelativePath}'s default layout.
 */
export function unitCgroupPathOf(unit: Unit): string {
  const first = unit.slice();
  if (!first && unit.type.suffix !== 'slice') return unitCgroupRelativePath(unit.id, unit.manager.scope);
  const parts = unit.id === '-.slice' ? [] : [unit.id];
  const seen = new Set<Unit>([unit]);
  for (let s = first; s && !seen.has(s); s = s.slice()) {
    seen.add(s);
    if (s.id !== '-.slice') parts.unshift(s.id);
  }
  return parts.join('/');
}

/** The slice a unit's cgroup sits in directly (Slice= in `show`). */
export function unitSliceName(relativePath: string): string {
  const parts = relativePath.split('/');
  return parts[parts.length - 2] ?? '';
}

/**
 * Name of a manager's own subtree below its cgroup: one per manager process, so managers never
 * share one. Every container's init is pid 1: two of them in one cgroup (PID namespaces without a
 * cgroup namespace of their own) would share `unitkit-1` and stop each other's units, so pid 1
 * adds its PID namespace (`unitkit-1-ns4026532300`), which a re-exec keeps.
 */
export function managerSubtreeName(pid: number = process.pid, pidNamespace: () => string | undefined = ownPidNamespace): string {
  if (pid !== 1) return `unitkit-${pid}`;
  const ns = pidNamespace();
  return ns ? `unitkit-1-ns${ns}` : 'unitkit-1';
}

/** The inode number of this process's PID namespace ("pid:[4026531836]"), or undefined. */
function ownPidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
}

/** rmdir()s a cgroup directory and its sub-cgroups, deepest first; returns true when it is gone. */
export function removeCgroupTree(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  for (const e of entries) if (e.isDirectory()) removeCgroupTree(path.join(dir, e.name));
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Checks that the manager can create cgroups at `dir` and move processes into them (write access
 * to cgroup.procs); creates `dir`. Returns undefined when it can, else the reason.
 */
export function probeWritable(dir: string): string | undefined {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    return `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  try {
    fs.accessSync(path.join(dir, 'cgroup.procs'), fs.constants.W_OK);
  } catch (e) {
    return `cannot write ${dir}/cgroup.procs: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  return undefined;
}
