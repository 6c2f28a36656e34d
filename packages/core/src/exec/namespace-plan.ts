/**
 * Turns the sandbox settings of a unit into the flat list of operations its child runs
 * (ExecSpec.namespace), the way systemd's setup_namespace() (src/core/namespace.c) works:
 *
 * 1. collect mount entries (the *Paths= lists, the tables behind ProtectSystem=, ProtectHome=,
 *    ProtectKernel*=…, PrivateTmp=, PrivateDevices=, the exec directories that must stay writable);
 * 2. sort them by path, the stronger mode first on the same path, and drop duplicates, entries
 *    below an inaccessible one and entries that repeat their parent's mode;
 * 3. in a new mount namespace with / a slave, bind the root onto a staging directory and apply
 *    each entry there (bind it onto itself, bind a source, an inaccessible node, a tmpfs…);
 * 4. make the read-only entries read-only, each with the submounts below it that no other entry
 *    claims; then the same for noexec/exec;
 * 5. move the staging directory onto / and chroot into it; set the propagation of MountFlags=.
 *
 * Everything is decided here, in the manager: the child only executes the list with raw syscalls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NamespaceOp, NamespaceSpec } from '../ports/process-spawner.js';
import { ExecExitStatus } from '../ports/process-spawner.js';
import type { MountInfoEntry } from './mountinfo.js';
import type { SandboxContext } from './exec-sandbox.js';

/** Linux's constants the plan uses (sched.h, mount.h). */
const CLONE_NEWNS = 0x00020000;
const CLONE_NEWUTS = 0x04000000;
const CLONE_NEWIPC = 0x08000000;
const CLONE_NEWNET = 0x40000000;
const MS_RDONLY = 1;
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;
const MS_NOATIME = 1024;
const MS_NODIRATIME = 2048;
const MS_BIND = 4096;
const MS_MOVE = 8192;
const MS_REC = 16384;
const MS_PRIVATE = 1 << 18;
const MS_SLAVE = 1 << 19;
const MS_SHARED = 1 << 20;
const MS_RELATIME = 1 << 21;
const MS_STRICTATIME = 1 << 24;
const MOUNT_ATTR_RDONLY = 1;
const MOUNT_ATTR_NOEXEC = 8;

/** What the mount entries do, strongest first: on one path the first wins (systemd's MountMode order). */
const MODES = ['inaccessible', 'bind', 'private-tmp', 'private-dev', 'bind-dev', 'empty-dir', 'sysfs', 'procfs', 'readonly', 'readwrite', 'noexec', 'exec', 'tmpfs', 'run', 'mqueuefs', 'readwrite-implicit'] as const;
type Mode = (typeof MODES)[number];

interface Entry {
  path: string;
  mode: Mode;
  /** Missing is fine ("-" or an optional table entry). */
  ignore: boolean;
  source?: string;
  readOnly?: boolean;
  recursive?: boolean;
  /** tmpfs/procfs data and flags. */
  data?: string;
  flags?: number;
}

/** What the planner needs to know about the machine; the default reads the real file system. */
export interface NamespaceProbe {
  /** 'dir', 'file' (anything else that exists), 'symlink' or undefined when missing (lstat). */
  kind(p: string): 'dir' | 'file' | 'symlink' | undefined;
  /** The path with symlinks resolved, when it exists. */
  realpath(p: string): string | undefined;
  /** mode and rdev of a device node. */
  device(p: string): { mode: number; rdev: number } | undefined;
  readlink(p: string): string | undefined;
}

/** The probe of the real file system. */
export const fsProbe: NamespaceProbe = {
  kind(p) {
    try {
      const st = fs.lstatSync(p);
      return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  realpath(p) {
    try {
      return fs.realpathSync(p);
    } catch {
      return undefined;
    }
  },
  device(p) {
    try {
      const st = fs.statSync(p);
      return st.isCharacterDevice() || st.isBlockDevice() ? { mode: st.mode, rdev: st.rdev } : undefined;
    } catch {
      return undefined;
    }
  },
  readlink(p) {
    try {
      return fs.readlinkSync(p);
    } catch {
      return undefined;
    }
  },
};

/** The input of {@link buildNamespacePlan}. */
export interface NamespacePlanInput {
  sandbox: SandboxContext;
  /** The manager's mounts (readMountInfo()). */
  mounts: readonly MountInfoEntry[];
  /** The staging directory the new root is assembled in, and the one a private /dev is built in (both empty directories). */
  stagingRoot: string;
  stagingDev: string;
  /** A directory holding "dir" (mode 0000) and "reg" (mode 0000) to mount over inaccessible paths. */
  inaccessible: string;
  /** The private /tmp and /var/tmp directories of PrivateTmp=. */
  privateTmp?: { tmp: string; varTmp: string };
  /**
   * The namespace files of PrivateNetwork= and PrivateIPC= (shared-namespaces.ts): joined, or
   * created by this process and bound there. Without one, the process gets a namespace of its own.
   */
  sharedNamespaces?: { net?: { path: string; create: boolean }; ipc?: { path: string; create: boolean } };
  /**
   * Mount points detached inside the process's mount namespace: the namespace files of every unit
   * (systemd keeps them in sockets, so they are in no unit's mount table).
   */
  hiddenMounts?: string[];
  /** Paths that stay writable under ProtectSystem=strict: the exec directories (compile_read_write_paths()). */
  writablePaths?: string[];
  /** DynamicUser=: the private/ roots covered by an empty read-only tmpfs, and the directories bound back into them. */
  emptyDirectories?: string[];
  privateBinds?: string[];
  /** The unit's credentials directory, bound read-only into an empty tmpfs on its parent. */
  credentialsDirectory?: string;
  /** The credentials of all units, hidden from a unit without any (systemd's /run/credentials). */
  credentialsRoot?: string;
  probe?: NamespaceProbe;
  /** PrivateUsers=: the ids the process will have, and the manager's own. */
  users?: { uid: number; gid: number; managerUid: number; managerGid: number };
}

const protectSystemYes = ['/usr', '/boot', '/efi'];
const optionalSystemYes = new Set(['/boot', '/efi']);
const protectHomePaths = ['/home', '/run/user', '/root'];
const kernelTunablesProc: Array<[string, Mode]> = [
  ['/proc/acpi', 'readonly'], ['/proc/apm', 'readonly'], ['/proc/asound', 'readonly'], ['/proc/bus', 'readonly'], ['/proc/fs', 'readonly'],
  ['/proc/irq', 'readonly'], ['/proc/kallsyms', 'inaccessible'], ['/proc/kcore', 'inaccessible'], ['/proc/latency_stats', 'readonly'],
  ['/proc/mtrr', 'readonly'], ['/proc/scsi', 'readonly'], ['/proc/sys', 'readonly'], ['/proc/sysrq-trigger', 'readonly'], ['/proc/timer_stats', 'readonly'],
];
const kernelTunablesSys: Array<[string, Mode, boolean]> = [
  ['/sys', 'readonly', false], ['/sys/fs/bpf', 'readonly', true], ['/sys/fs/cgroup', 'readwrite-implicit', false], ['/sys/fs/selinux', 'readwrite-implicit', true],
  ['/sys/kernel/debug', 'readonly', true], ['/sys/kernel/tracing', 'readonly', true],
];
const tmpfsFlagWords: Record<string, [number, boolean]> = {
  nosuid: [MS_NOSUID, true], suid: [MS_NOSUID, false], nodev: [MS_NODEV, true], dev: [MS_NODEV, false], noexec: [MS_NOEXEC, true], exec: [MS_NOEXEC, false],
  noatime: [MS_NOATIME, true], atime: [MS_NOATIME, false], nodiratime: [MS_NODIRATIME, true], diratime: [MS_NODIRATIME, false],
  relatime: [MS_RELATIME, true], norelatime: [MS_RELATIME, false], strictatime: [MS_STRICTATIME, true], nostrictatime: [MS_STRICTATIME, false],
};

/** Whether a setting asks for a mount namespace that systemd would not silently skip when the kernel refuses it (insist_on_sandboxing()). */
function insists(s: SandboxContext, dynamicUser: boolean): boolean {
  return s.temporaryFileSystems.length > 0 || s.rootDirectory !== undefined || dynamicUser ||
    [...s.bindPaths, ...s.bindReadOnlyPaths].some((b) => b.source !== b.destination);
}

/** MountAPIVFS= as set, else implied by RootDirectory=, ProtectKernelTunables=, ProtectControlGroups=, ProtectProc=, ProcSubset=. */
export function effectiveMountAPIVFS(s: SandboxContext): boolean {
  if (s.mountAPIVFS !== undefined) return s.mountAPIVFS;
  return s.rootDirectory !== undefined || s.protectKernelTunables || s.protectControlGroups || s.protectProc !== 'default' || s.procSubset !== 'all';
}

/** A probe of the paths inside `root`: what it sees of `p` is `root/p`, symlinks resolved within. */
function insideRoot(probe: NamespaceProbe, root: string): NamespaceProbe {
  const strip = (p: string | undefined) => (p === undefined ? undefined : p === root ? '/' : p.startsWith(`${root}/`) ? p.slice(root.length) : undefined);
  return {
    kind: (p) => probe.kind(root + p),
    realpath: (p) => strip(probe.realpath(root + p)),
    device: (p) => probe.device(root + p),
    readlink: (p) => probe.readlink(root + p),
  };
}

/** The mounts at or below `root`, named as seen from inside it. */
function mountsInside(mounts: readonly MountInfoEntry[], root: string): MountInfoEntry[] {
  return mounts.filter((m) => isAtOrBelow(m.path, root)).map((m) => ({ ...m, path: m.path === root ? '/' : m.path.slice(root.length) }));
}

/** Component-wise path order, a prefix before what is below it (systemd's path_compare()). */
function comparePaths(a: string, b: string): number {
  const x = a.split('/').filter(Boolean);
  const y = b.split('/').filter(Boolean);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * Binds the namespace the process just made onto `file`, still in the manager's mount namespace
 * (before any mount namespace of its own), so the unit's later processes can join it. Best
 * effort: a manager that may not mount leaves each process its own namespace.
 */
function bindNamespaceOps(kind: 'net' | 'ipc', file: string): NamespaceOp[] {
  return [
    { op: 'mkfile', target: file, mode: 0o600, bestEffort: true },
    { op: 'mount', source: `/proc/self/ns/${kind}`, target: file, flags: MS_BIND, bestEffort: true },
  ];
}

/** Whether `p` is `prefix` or below it. */
function isAtOrBelow(p: string, prefix: string): boolean {
  return prefix === '/' || p === prefix || p.startsWith(`${prefix}/`);
}

const entryReadOnly = (e: Entry): boolean => !!e.readOnly || e.mode === 'readonly' || e.mode === 'inaccessible';

/**
 * The namespace operations for one process, or undefined when its settings need no namespace.
 * `dynamicUser` makes a refused mount namespace fatal, as in systemd.
 */
export function buildNamespacePlan(input: NamespacePlanInput, dynamicUser = false): NamespaceSpec | undefined {
  const s = input.sandbox;
  const hostProbe = input.probe ?? fsProbe;
  // With RootDirectory= the entries name paths inside it: probe them there, and take its mounts as the tree.
  const root = s.rootDirectory;
  const probe = root ? insideRoot(hostProbe, root) : hostProbe;
  if (root) input = { ...input, mounts: mountsInside(input.mounts, root) };
  const ops: NamespaceOp[] = [];
  // PrivateUsers=: a manager without CAP_SYS_ADMIN needs the user namespace first, to be allowed the
  // others; a privileged one sets it up last (systemd's exec_child()).
  const userns = s.privateUsers ? userNamespaceOp(input.users) : undefined;
  const unprivileged = userns !== undefined && (input.users?.managerUid ?? 0) !== 0;
  if (userns && unprivileged) ops.push(userns);
  // A namespace path to join wins over a new namespace (systemd's setup_shareable_ns()).
  const shared = input.sharedNamespaces ?? {};
  if (s.networkNamespacePath) ops.push({ op: 'setns', target: s.networkNamespacePath, flags: CLONE_NEWNET, status: ExecExitStatus.NETWORK });
  else if (shared.net && !shared.net.create) ops.push({ op: 'setns', target: shared.net.path, flags: CLONE_NEWNET, status: ExecExitStatus.NETWORK });
  else if (s.privateNetwork) {
    ops.push({ op: 'unshare', flags: CLONE_NEWNET, status: ExecExitStatus.NETWORK }, { op: 'loopback-up', status: ExecExitStatus.NETWORK });
    if (shared.net) ops.push(...bindNamespaceOps('net', shared.net.path));
  }
  if (s.ipcNamespacePath) ops.push({ op: 'setns', target: s.ipcNamespacePath, flags: CLONE_NEWIPC });
  else if (shared.ipc && !shared.ipc.create) ops.push({ op: 'setns', target: shared.ipc.path, flags: CLONE_NEWIPC });
  else if (s.privateIPC) {
    ops.push({ op: 'unshare', flags: CLONE_NEWIPC });
    if (shared.ipc) ops.push(...bindNamespaceOps('ipc', shared.ipc.path));
  }

  const entries = collectEntries(input, probe, hostProbe);
  const wantsMountNs = entries.length > 0 || s.mountFlags !== undefined || s.privateMounts || s.rootDirectory !== undefined;
  if (wantsMountNs) {
    const unshareAt = ops.length;
    ops.push({ op: 'unshare', flags: CLONE_NEWNS });
    ops.push({ op: 'mount', target: '/', flags: MS_REC | MS_SLAVE });
    for (const m of input.hiddenMounts ?? []) ops.push({ op: 'umount-all', target: m, bestEffort: true });
    mountOps(input, normalize(entries), probe, hostProbe, ops);
    // A refused mount namespace (a container, an unprivileged manager) is skipped as systemd does,
    // unless the settings change what the process sees beyond protection (insist_on_sandboxing()).
    if (!insists(s, dynamicUser)) ops[unshareAt]!.skipTo = ops.length;
  }
  if (s.protectHostname) {
    // systemd goes on without a UTS namespace the kernel refuses (with a warning).
    ops.push({ op: 'unshare', flags: CLONE_NEWUTS, skipTo: ops.length + 1 });
  }
  if (userns && !unprivileged) ops.push(userns);
  return ops.length > 0 ? { ops } : undefined;
}

/**
 * The user namespace of PrivateUsers=: root (or the manager's user) and the process's user mapped
 * to themselves, everything else to nobody (systemd's setup_private_users()). An unprivileged
 * manager may only map itself, and must deny setgroups() first.
 */
function userNamespaceOp(u: NamespacePlanInput['users']): NamespaceOp {
  const ids = u ?? { uid: 0, gid: 0, managerUid: 0, managerGid: 0 };
  const map = (own: number, target: number) => (own === target || ids.managerUid !== 0 ? `${own} ${own} 1\n` : `${own} ${own} 1\n${target} ${target} 1\n`);
  return { op: 'userns', data: map(ids.managerUid, ids.uid), source: map(ids.managerGid, ids.gid), flags: ids.managerUid !== 0 ? 1 : 0 };
}

function collectEntries(input: NamespacePlanInput, probe: NamespaceProbe, hostProbe: NamespaceProbe): Entry[] {
  const s = input.sandbox;
  const e: Entry[] = [];
  const paths = (list: typeof s.readOnlyPaths, mode: Mode) => {
    for (const p of list) e.push({ path: p.path, mode, ignore: p.ignoreMissing });
  };
  paths(s.readOnlyPaths, 'readonly');
  paths(s.readWritePaths, 'readwrite');
  for (const w of input.writablePaths ?? []) e.push({ path: w, mode: 'readwrite', ignore: true });
  paths(s.inaccessiblePaths, 'inaccessible');
  paths(s.execPaths, 'exec');
  paths(s.noExecPaths, 'noexec');
  for (const b of s.bindPaths) e.push({ path: b.destination, mode: 'bind', source: b.source, ignore: b.ignoreMissing, recursive: b.recursive });
  for (const b of s.bindReadOnlyPaths) e.push({ path: b.destination, mode: 'bind', source: b.source, ignore: b.ignoreMissing, recursive: b.recursive, readOnly: true });
  for (const d of input.emptyDirectories ?? []) {
    e.push({ path: d, mode: 'empty-dir', ignore: false, readOnly: true, data: 'mode=755,size=4m,nr_inodes=1k', flags: MS_NOSUID | MS_NODEV | MS_STRICTATIME });
  }
  for (const p of input.privateBinds ?? []) e.push({ path: p, mode: 'bind', source: p, ignore: false, recursive: true });
  for (const t of s.temporaryFileSystems) {
    let flags = MS_NODEV | MS_STRICTATIME;
    let readOnly = false;
    const data = ['mode=0755', 'size=10%', 'nr_inodes=400k'];
    for (const o of t.options.split(',').filter(Boolean)) {
      if (o === 'ro' || o === 'rw') readOnly = o === 'ro';
      else if (tmpfsFlagWords[o]) flags = tmpfsFlagWords[o]![1] ? flags | tmpfsFlagWords[o]![0] : flags & ~tmpfsFlagWords[o]![0];
      else data.push(o);
    }
    e.push({ path: t.path, mode: 'tmpfs', ignore: false, readOnly, data: data.join(','), flags });
  }
  if (s.privateTmp && input.privateTmp) {
    e.push({ path: '/tmp', mode: 'private-tmp', source: input.privateTmp.tmp, ignore: false });
    e.push({ path: '/var/tmp', mode: 'private-tmp', source: input.privateTmp.varTmp, ignore: false });
  }
  if (s.privateDevices) e.push({ path: '/dev', mode: 'private-dev', ignore: false });
  if (s.protectKernelTunables) {
    for (const [p, mode] of kernelTunablesProc) e.push({ path: p, mode, ignore: true });
    for (const [p, mode, ignore] of kernelTunablesSys) e.push({ path: p, mode, ignore });
  }
  if (s.protectKernelModules) {
    e.push({ path: '/usr/lib/modules', mode: 'inaccessible', ignore: true }, { path: '/lib/modules', mode: 'inaccessible', ignore: true });
  }
  if (s.protectKernelLogs) e.push({ path: '/proc/kmsg', mode: 'inaccessible', ignore: true }, { path: '/dev/kmsg', mode: 'inaccessible', ignore: true });
  if (s.protectControlGroups) e.push({ path: '/sys/fs/cgroup', mode: 'readonly', ignore: false });
  if (s.protectHostname) {
    e.push({ path: '/proc/sys/kernel/hostname', mode: 'readonly', ignore: true }, { path: '/proc/sys/kernel/domainname', mode: 'readonly', ignore: true });
  }
  switch (s.protectHome) {
    case 'yes':
      for (const p of protectHomePaths) e.push({ path: p, mode: 'inaccessible', ignore: true });
      break;
    case 'read-only':
      for (const p of protectHomePaths) e.push({ path: p, mode: 'readonly', ignore: true });
      break;
    case 'tmpfs':
      for (const p of protectHomePaths) {
        const mode = p === '/root' ? '0700' : '0755';
        e.push({ path: p, mode: 'tmpfs', ignore: true, readOnly: true, data: `mode=${mode},size=4m,nr_inodes=1k`, flags: MS_NODEV | MS_STRICTATIME });
      }
      break;
  }
  if (s.protectSystem === 'strict') {
    e.push({ path: '/', mode: 'readonly', ignore: false });
    for (const p of ['/proc', '/sys', '/dev']) e.push({ path: p, mode: 'readwrite-implicit', ignore: false });
    for (const p of protectHomePaths) e.push({ path: p, mode: 'readwrite-implicit', ignore: true });
  } else if (s.protectSystem !== 'no') {
    for (const p of protectSystemYes) e.push({ path: p, mode: 'readonly', ignore: optionalSystemYes.has(p) });
    if (s.protectSystem === 'full') e.push({ path: '/etc', mode: 'readonly', ignore: false });
  }
  if (effectiveMountAPIVFS(s)) {
    // A fresh /proc (with ProtectProc=/ProcSubset= as its options); /dev, /sys and an empty /run only where the host has none mounted.
    const opts = [];
    if (s.protectProc !== 'default') opts.push(`hidepid=${s.protectProc}`);
    if (s.procSubset === 'pid') opts.push('subset=pid');
    e.push({ path: '/proc', mode: 'procfs', ignore: false, data: opts.join(','), flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
    e.push({ path: '/dev', mode: 'bind-dev', ignore: false });
    e.push({ path: '/sys', mode: 'sysfs', ignore: false, flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
    e.push({ path: '/run', mode: 'run', ignore: false, data: 'mode=755,size=20%,nr_inodes=800k', flags: 0 });
  }
  if (s.privateIPC) e.push({ path: '/dev/mqueue', mode: 'mqueuefs', ignore: true, flags: MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME });
  if (e.length > 0) {
    if (input.credentialsDirectory) {
      // Only this unit's credentials are visible, read-only.
      e.push({ path: path.dirname(input.credentialsDirectory), mode: 'tmpfs', ignore: false, readOnly: true, data: 'mode=0755,size=1m,nr_inodes=1k', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME });
      e.push({ path: input.credentialsDirectory, mode: 'bind', source: input.credentialsDirectory, ignore: false, recursive: true, readOnly: true });
    } else if (input.credentialsRoot) {
      e.push({ path: input.credentialsRoot, mode: 'inaccessible', ignore: true });
    }
  }
  // Symlinks resolved on the host, so that /lib/modules and /usr/lib/modules are one entry.
  for (const x of e) {
    if (x.mode !== 'tmpfs' && x.mode !== 'empty-dir' && x.mode !== 'private-dev') x.path = probe.realpath(x.path) ?? x.path;
    if (x.source) x.source = hostProbe.realpath(x.source) ?? x.source;
  }
  return e;
}

/** Sorts and drops redundant entries (drop_duplicates(), drop_inaccessible(), drop_nop()). */
function normalize(entries: Entry[]): Entry[] {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path) || MODES.indexOf(a.mode) - MODES.indexOf(b.mode));
  const unique: Entry[] = [];
  for (const e of sorted) {
    const prev = unique[unique.length - 1];
    if (prev && prev.path === e.path) {
      // The stronger entry stays; read-only-ness carries over.
      if (entryReadOnly(e)) prev.readOnly = true;
      continue;
    }
    unique.push(e);
  }
  const out: Entry[] = [];
  let inaccessible: string | undefined;
  for (const e of unique) {
    if (inaccessible !== undefined && isAtOrBelow(e.path, inaccessible) && e.path !== inaccessible) continue;
    if (e.mode === 'inaccessible') inaccessible = e.path;
    if (e.mode === 'readonly' || e.mode === 'readwrite' || e.mode === 'readwrite-implicit') {
      const parent = [...out].reverse().find((p) => isAtOrBelow(e.path, p.path));
      if (parent && parent.mode === e.mode) continue;
    }
    out.push(e);
  }
  return out;
}

function mountOps(input: NamespacePlanInput, entries: Entry[], probe: NamespaceProbe, hostProbe: NamespaceProbe, ops: NamespaceOp[]): void {
  const s = input.sandbox;
  const R = input.stagingRoot;
  const inR = (p: string) => (p === '/' ? R : R + p);
  const hostMountPoints = new Set(input.mounts.map((m) => m.path));
  const hostRoot = s.rootDirectory ?? '/';
  ops.push({ op: 'mount', source: hostRoot, target: R, flags: MS_BIND | MS_REC });

  const mkdirs = (p: string, last: 'dir' | 'file' | 'none') => {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) ops.push({ op: 'mkdir', target: inR(`/${parts.slice(0, i).join('/')}`), mode: 0o755 });
    if (last === 'dir') ops.push({ op: 'mkdir', target: inR(p), mode: 0o755 });
    if (last === 'file') ops.push({ op: 'mkfile', target: inR(p), mode: 0o644 });
  };

  // Pass 1: put each entry in place. Entries whose source or path is missing and may be are left out of every pass.
  const skipped = new Set<Entry>();
  for (const e of entries) {
    const missing = e.ignore && (e.mode === 'bind' ? hostProbe.kind(e.source!) : probe.kind(e.path)) === undefined;
    if (missing && (e.mode === 'bind' || e.mode === 'inaccessible' || e.mode === 'tmpfs')) {
      skipped.add(e);
      continue;
    }
    const target = inR(e.path);
    switch (e.mode) {
      case 'inaccessible': {
        const kind = probe.kind(e.path);
        if (kind === undefined && e.ignore) break;
        const source = path.join(input.inaccessible, kind === 'dir' ? 'dir' : 'reg');
        ops.push({ op: 'mount', source, target, flags: MS_BIND | MS_REC, optional: e.ignore });
        break;
      }
      case 'readonly':
      case 'readwrite':
      case 'readwrite-implicit':
      case 'exec':
      case 'noexec':
        // A path that is no mount point yet becomes one, so it can get flags of its own.
        if (!hostMountPoints.has(e.path)) ops.push({ op: 'mount', source: target, target, flags: MS_BIND | MS_REC, optional: e.ignore });
        break;
      case 'bind':
      case 'private-tmp': {
        const kind = hostProbe.kind(e.source!);
        if (kind === undefined && e.ignore) break;
        mkdirs(e.path, kind === 'dir' || kind === undefined ? 'dir' : 'file');
        ops.push({ op: 'mount', source: e.source!, target, flags: MS_BIND | (e.recursive !== false ? MS_REC : 0), optional: e.ignore });
        break;
      }
      case 'tmpfs':
      case 'empty-dir':
        if (e.ignore && probe.kind(e.path) === undefined) break;
        mkdirs(e.path, 'dir');
        ops.push({ op: 'mount', source: 'tmpfs', target, fstype: 'tmpfs', flags: e.flags ?? 0, ...(e.data ? { data: e.data } : {}) });
        break;
      case 'bind-dev':
      case 'sysfs':
      case 'run':
        if (hostMountPoints.has(e.path)) break;
        mkdirs(e.path, 'dir');
        if (e.mode === 'bind-dev') ops.push({ op: 'mount', source: '/dev', target, flags: MS_BIND | MS_REC });
        else if (e.mode === 'sysfs') ops.push({ op: 'mount', source: 'sysfs', target, fstype: 'sysfs', flags: e.flags ?? 0 });
        else ops.push({ op: 'mount', source: 'tmpfs', target, fstype: 'tmpfs', flags: e.flags ?? 0, ...(e.data ? { data: e.data } : {}) });
        break;
      case 'procfs':
        mkdirs(e.path, 'dir');
        ops.push({ op: 'umount-all', target });
        ops.push({ op: 'mount', source: 'proc', target, fstype: 'proc', flags: e.flags ?? 0, ...(e.data ? { data: e.data } : {}) });
        break;
      case 'mqueuefs':
        ops.push({ op: 'umount-all', target, optional: true });
        ops.push({ op: 'mount', source: 'mqueue', target, fstype: 'mqueue', flags: e.flags ?? 0, optional: true });
        break;
      case 'private-dev':
        privateDevOps(input, hostProbe, target, ops);
        break;
    }
  }

  // Pass 2: read-only, each entry with the submounts below it no deeper entry claims.
  const all = entries.map((e) => e.path);
  for (const e of entries) {
    const ro = entryReadOnly(e) || e.mode === 'private-dev';
    if (!ro || skipped.has(e)) continue;
    const recursive = e.mode !== 'empty-dir' && e.mode !== 'tmpfs' && e.mode !== 'private-dev';
    remountOps(input, e, recursive ? submounts(input, e, all) : [], MOUNT_ATTR_RDONLY, 0, MS_RDONLY, ops);
  }
  // Pass 3: noexec (NoExecPaths=, and inaccessible paths as systemd 252 leaves them) or exec (ExecPaths=).
  for (const e of entries) {
    const noexec = e.mode === 'noexec' || e.mode === 'inaccessible' || e.mode === 'sysfs' || e.mode === 'procfs';
    if ((!noexec && e.mode !== 'exec') || skipped.has(e)) continue;
    remountOps(input, e, submounts(input, e, all), noexec ? MOUNT_ATTR_NOEXEC : 0, noexec ? 0 : MOUNT_ATTR_NOEXEC, noexec ? MS_NOEXEC : 0, ops);
  }

  ops.push({ op: 'enter-root', target: R });
  const propagation = s.mountFlags === 'slave' ? MS_SLAVE : s.mountFlags === 'private' ? MS_PRIVATE : MS_SHARED;
  ops.push({ op: 'mount', target: '/', flags: propagation | MS_REC });
}

/** The host mounts strictly below `e` (or below its source, seen at its path) that no other entry below it claims. */
function submounts(input: NamespacePlanInput, e: Entry, claimed: string[]): MountInfoEntry[] {
  const base = e.mode === 'bind' ? (e.recursive === false ? undefined : e.source!) : e.path;
  if (base === undefined || e.mode === 'inaccessible') return [];
  const deny = claimed.filter((c) => c !== e.path && isAtOrBelow(c, e.path));
  const out: MountInfoEntry[] = [];
  for (const m of input.mounts) {
    if (m.path === base || !isAtOrBelow(m.path, base)) continue;
    const rel = base === '/' ? m.path : m.path.slice(base.length);
    const seen = e.path === '/' ? rel : e.path + rel;
    if (isAtOrBelow(seen, input.stagingRoot) || isAtOrBelow(seen, input.stagingDev)) continue;
    if (deny.some((d) => isAtOrBelow(seen, d))) continue;
    out.push({ ...m, path: seen });
  }
  return out;
}

function remountOps(input: NamespacePlanInput, e: Entry, subs: MountInfoEntry[], set: number, clear: number, msFlag: number, ops: NamespaceOp[]): void {
  const R = input.stagingRoot;
  const inR = (p: string) => (p === '/' ? R : R + p);
  const flagsOf = (m: MountInfoEntry | undefined) => {
    let f = m ? (m.readOnly ? MS_RDONLY : 0) | (m.nosuid ? MS_NOSUID : 0) | (m.nodev ? MS_NODEV : 0) | (m.noexec ? MS_NOEXEC : 0) : 0;
    if (set) f |= msFlag;
    if (clear) f &= ~(clear === MOUNT_ATTR_NOEXEC ? MS_NOEXEC : MS_RDONLY);
    return f;
  };
  // The mount the entry's path is on, for the flags a pre-5.12 remount must repeat.
  const containing = [...input.mounts].filter((m) => isAtOrBelow(e.path, m.path)).sort((a, b) => b.path.length - a.path.length)[0];
  ops.push({ op: 'setattr', target: inR(e.path), set, clear, flags: flagsOf(containing), optional: e.ignore });
  for (const m of subs) ops.push({ op: 'setattr', target: inR(m.path), set, clear, flags: flagsOf(m), optional: true });
}

/** A minimal /dev built on a tmpfs and moved over the copy of the host's (mount_private_dev()). */
function privateDevOps(input: NamespacePlanInput, probe: NamespaceProbe, target: string, ops: NamespaceOp[]): void {
  const D = input.stagingDev;
  ops.push({ op: 'mount', source: 'tmpfs', target: D, fstype: 'tmpfs', flags: MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, data: 'mode=755,size=4m,nr_inodes=64k' });
  ops.push({ op: 'mkdir', target: `${D}/pts`, mode: 0o755 }, { op: 'mount', source: '/dev/pts', target: `${D}/pts`, flags: MS_BIND, optional: true });
  if (probe.kind('/dev/ptmx') === 'symlink') ops.push({ op: 'symlink', source: 'pts/ptmx', target: `${D}/ptmx` });
  // Each node also gets its /dev/char/MAJOR:MINOR link, as udev would make it.
  ops.push({ op: 'mkdir', target: `${D}/char`, mode: 0o755 });
  for (const name of [...(probe.kind('/dev/ptmx') === 'symlink' ? [] : ['ptmx']), 'null', 'zero', 'full', 'random', 'urandom', 'tty']) {
    const dev = probe.device(`/dev/${name}`);
    if (!dev) continue;
    ops.push({ op: 'mknod', target: `${D}/${name}`, mode: dev.mode, dev: dev.rdev });
    const major = Math.floor(dev.rdev / 256) & 0xfff;
    const minor = (dev.rdev & 0xff) | ((Math.floor(dev.rdev / 4096) & 0xfff00));
    ops.push({ op: 'symlink', source: `../${name}`, target: `${D}/char/${major}:${minor}`, bestEffort: true });
  }
  const hostMounts = new Set(input.mounts.map((m) => m.path));
  for (const [name, mode] of [['shm', 0o1777], ['mqueue', 0o755], ['hugepages', 0o755]] as const) {
    ops.push({ op: 'mkdir', target: `${D}/${name}`, mode });
    if (hostMounts.has(`/dev/${name}`) || probe.kind(`/dev/${name}`) === 'dir') {
      ops.push({ op: 'mount', source: `/dev/${name}`, target: `${D}/${name}`, flags: MS_BIND, bestEffort: name !== 'shm' });
    }
  }
  ops.push({ op: 'symlink', source: '/run/systemd/journal/dev-log', target: `${D}/log` });
  for (const [name, to] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2']]) {
    ops.push({ op: 'symlink', source: to, target: `${D}/${name}` });
  }
  if (probe.kind('/proc/kcore') !== undefined) ops.push({ op: 'symlink', source: '/proc/kcore', target: `${D}/core` });
  ops.push({ op: 'mkdir', target, mode: 0o755 }, { op: 'umount-all', target }, { op: 'mount', source: D, target, flags: MS_MOVE });
}
