/**
 * The syscall-filtering settings of systemd.exec(5): SystemCallFilter=, SystemCallErrorNumber=,
 * SystemCallArchitectures=, SystemCallLog=, RestrictAddressFamilies=, RestrictNamespaces=,
 * LockPersonality=, MemoryDenyWriteExecute=, RestrictRealtime=, RestrictSUIDSGID=. Parsed and
 * merged as systemd 252's config_parse_*() do, shown in systemd's formats, and turned into the
 * seccomp filters systemd's seccomp-util.c would load — one per feature and architecture, in
 * exec_child()'s order — which the spawner compiles with libseccomp and loads last.
 */
import * as fs from 'node:fs';
import { nodeOs } from '@unitkit/unit-file';
import { ValueError, parseBoolean, type DirectiveSpec } from '@unitkit/unit-file';
import { SECCOMP_ACTION, type SeccompFilterSpec, type SeccompRule } from '../ports/process-privileges.js';
import { ExecExitStatus } from '../ports/process-spawner.js';
import { prop, type PropertyValue } from '../property.js';
import { SECCOMP_UNKNOWN_SYSCALLS, SYSCALL_GROUPS } from './syscall-groups.js';

/** SystemCallErrorNumber=kill (and ":kill"): kill the process instead of failing the call (SECCOMP_ERROR_NUMBER_KILL). */
export const SECCOMP_ERROR_NUMBER_KILL = 2147483646;

/** systemd's namespace flags table, in its order (namespace_info). */
const NAMESPACES: Array<[string, number]> = [
  ['cgroup', 0x02000000], ['ipc', 0x08000000], ['net', 0x40000000], ['mnt', 0x00020000], ['pid', 0x20000000], ['user', 0x10000000], ['uts', 0x04000000],
];
/** Every namespace flag: RestrictNamespaces=no. */
export const NAMESPACE_FLAGS_ALL = NAMESPACES.reduce((a, [, f]) => a + f, 0);

/** Address family names of the kernel's socket.h by number, as systemd's af_to_name(). */
const ADDRESS_FAMILIES = [
  'AF_UNSPEC', 'AF_UNIX', 'AF_INET', 'AF_AX25', 'AF_IPX', 'AF_APPLETALK', 'AF_NETROM', 'AF_BRIDGE', 'AF_ATMPVC', 'AF_X25', 'AF_INET6',
  'AF_ROSE', 'AF_DECnet', 'AF_NETBEUI', 'AF_SECURITY', 'AF_KEY', 'AF_NETLINK', 'AF_PACKET', 'AF_ASH', 'AF_ECONET', 'AF_ATMSVC', 'AF_RDS',
  'AF_SNA', 'AF_IRDA', 'AF_PPPOX', 'AF_WANPIPE', 'AF_LLC', 'AF_IB', 'AF_MPLS', 'AF_CAN', 'AF_TIPC', 'AF_BLUETOOTH', 'AF_IUCV', 'AF_RXRPC',
  'AF_ISDN', 'AF_PHONET', 'AF_IEEE802154', 'AF_CAIF', 'AF_ALG', 'AF_NFC', 'AF_VSOCK', 'AF_KCM', 'AF_QIPCRTR', 'AF_SMC', 'AF_XDP', 'AF_MCTP',
];

/** systemd's architecture names for SystemCallArchitectures= with libseccomp's, for this machine's kinds. */
const ARCHITECTURES: Record<string, string> = {
  native: 'native', x86: 'x86', 'x86-64': 'x86_64', x32: 'x32', arm: 'arm', arm64: 'aarch64', ppc64: 'ppc64', 'ppc64-le': 'ppc64le', s390x: 's390x',
  riscv64: 'riscv64', mips: 'mips', mips64: 'mips64', 'mips-le': 'mipsel', 'mips64-le': 'mips64el',
};

/**
 * The architectures whose syscalls a process here may make (systemd's seccomp_local_archs), as
 * libseccomp names, the native one last: once its filter is loaded, seccomp() itself may be
 * denied, so it must be the last one loaded.
 */
function localArchs(): string[] {
  switch (process.arch) {
    case 'x64':
      return ['x86', 'x32', 'x86_64'];
    case 'arm64':
      return ['arm', 'aarch64'];
    default:
      return ['native'];
  }
}

/** Errno numbers by name; node:os is loaded at the first errno setting, not with the manager. */
function errnoByName(): Record<string, number> {
  return nodeOs().constants.errno as Record<string, number>;
}

/** An errno name ("EACCES") or number, or "kill" (systemd's seccomp_parse_errno_or_action()). */
export function parseErrnoOrKill(value: string): number {
  if (value === 'kill') return SECCOMP_ERROR_NUMBER_KILL;
  if (/^[0-9]+$/.test(value)) {
    const n = Number(value);
    if (n > 4095) throw new ValueError(`Failed to parse error number, ignoring: ${value}`);
    return n;
  }
  const n = errnoByName()[value];
  if (n === undefined) throw new ValueError(`Failed to parse error number, ignoring: ${value}`);
  return n;
}

/** The name of an errno or action, as systemd's seccomp_errno_or_action_to_string(). */
function errnoOrKillName(n: number): string {
  if (n === SECCOMP_ERROR_NUMBER_KILL) return 'kill';
  return Object.entries(errnoByName()).find(([, v]) => v === n)?.[0] ?? String(n);
}

/** One SystemCallFilter=/SystemCallLog= assignment. */
export interface SyscallListAssignment {
  invert: boolean;
  /** Names or @groups, each with the errno of a ":errno" suffix. */
  items: Array<{ name: string; errno?: number }>;
}

/** A merged syscall list: with `allowList` the names allowed (or logged), else those denied with their errno. */
export interface SyscallList {
  allowList: boolean;
  /** Name → errno (undefined: the default action). */
  entries: Map<string, number | undefined>;
}

/** A merged RestrictAddressFamilies=. */
export interface AddressFamilyList {
  allowList: boolean;
  families: Set<number>;
}

/** The settings of this file as values; absent ones are systemd's defaults. */
export interface ExecSeccomp {
  syscallFilter?: SyscallList;
  syscallErrorNumber: number;
  /** SystemCallArchitectures= in systemd's names. */
  syscallArchitectures: string[];
  syscallLog?: SyscallList;
  restrictAddressFamilies?: AddressFamilyList;
  /** The namespace flags allowed (NAMESPACE_FLAGS_ALL: unrestricted). */
  restrictNamespaces: number;
  lockPersonality: boolean;
  memoryDenyWriteExecute: boolean;
  restrictRealtime: boolean;
  restrictSUIDSGID: boolean;
  /**
   * The sandboxing settings with a seccomp part (ProtectKernelTunables=, ProtectKernelModules=,
   * ProtectKernelLogs=, ProtectClock=, ProtectHostname=, PrivateDevices=): their directives and
   * mount-namespace parts belong to the sandbox; the filters are built here from the same values.
   */
  protect: Record<ProtectSetting, boolean>;
}

/** The sandboxing settings whose seccomp part this file builds. */
export type ProtectSetting = 'ProtectKernelTunables' | 'ProtectKernelModules' | 'ProtectKernelLogs' | 'ProtectClock' | 'ProtectHostname' | 'PrivateDevices';
const PROTECT_SETTINGS: ProtectSetting[] = ['ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectClock', 'ProtectHostname', 'PrivateDevices'];

/** Every name libseccomp resolves (systemd skips the others, even inside groups). */
const knownSyscalls = new Set(
  Object.values(SYSCALL_GROUPS).flatMap((g) => g.members).filter((m) => !m.startsWith('@') && !SECCOMP_UNKNOWN_SYSCALLS.includes(m)),
);

/** SystemCallFilter=/SystemCallLog= assignment: "~" inverts; words "name", "@group", "name:errno". */
function parseSyscallAssignment(directive: string, value: string, warn: (m: string) => void): SyscallListAssignment {
  const invert = value.startsWith('~');
  const items: SyscallListAssignment['items'] = [];
  for (const word of (invert ? value.slice(1) : value).split(/\s+/).filter(Boolean)) {
    const colon = word.indexOf(':');
    const name = colon < 0 ? word : word.slice(0, colon);
    let errno: number | undefined;
    if (colon >= 0) {
      try {
        errno = parseErrnoOrKill(word.slice(colon + 1));
      } catch {
        warn(`Failed to parse syscall:errno, ignoring: ${word}`);
        continue;
      }
      if (directive === 'SystemCallLog' || !invert) {
        warn(`Allow-listed system calls cannot take error number, ignoring: ${word}`);
        continue;
      }
    }
    if (name.startsWith('@') ? !SYSCALL_GROUPS[name] : !knownSyscalls.has(name)) {
      warn(name.startsWith('@') ? `Unknown system call group, ignoring: ${name}` : `Failed to parse system call, ignoring: ${name}`);
      continue;
    }
    items.push(errno === undefined ? { name } : { name, errno });
  }
  return { invert, items };
}

/** Adds (or removes) a name or the members of a group, as seccomp_parse_syscall_filter(). */
function applySyscallName(list: SyscallList, name: string, errno: number | undefined, invert: boolean, seen = new Set<string>()): void {
  if (name.startsWith('@')) {
    if (seen.has(name)) return;
    seen.add(name);
    for (const m of SYSCALL_GROUPS[name]?.members ?? []) applySyscallName(list, m, errno, invert, seen);
    return;
  }
  if (!knownSyscalls.has(name)) return;
  // Allowing what was denied (or denying what was allowed) removes it from the list.
  if (!invert === list.allowList) list.entries.set(name, errno);
  else list.entries.delete(name);
}

/** Merges SystemCallFilter= (`withDefault`: an allow list starts with @default) or SystemCallLog= assignments. */
export function foldSyscallAssignments(items: readonly SyscallListAssignment[], withDefault: boolean): SyscallList | undefined {
  let list: SyscallList | undefined;
  for (const a of items) {
    if (!list) {
      list = { allowList: !a.invert, entries: new Map() };
      if (list.allowList && withDefault) applySyscallName(list, '@default', undefined, false);
    }
    for (const i of a.items) applySyscallName(list, i.name, i.errno, a.invert);
  }
  return list;
}

/** RestrictAddressFamilies= assignment: "none", or family names, "~" inverting. */
export interface AddressFamilyAssignment {
  none?: boolean;
  invert: boolean;
  families: number[];
}

function parseAddressFamilies(value: string, warn: (m: string) => void): AddressFamilyAssignment {
  if (value === 'none') return { none: true, invert: false, families: [] };
  const invert = value.startsWith('~');
  const families: number[] = [];
  for (const w of (invert ? value.slice(1) : value).split(/\s+/).filter(Boolean)) {
    const af = ADDRESS_FAMILIES.indexOf(w);
    if (af <= 0) warn(`Failed to parse address family, ignoring: ${w}`);
    else families.push(af);
  }
  return { invert, families };
}

/** Merges RestrictAddressFamilies= as config_parse_address_families(): the first assignment decides allow or deny. */
export function foldAddressFamilies(items: readonly AddressFamilyAssignment[]): AddressFamilyList | undefined {
  let list: AddressFamilyList | undefined;
  for (const a of items) {
    if (a.none) {
      list = { allowList: true, families: new Set() };
      continue;
    }
    list ??= { allowList: !a.invert, families: new Set() };
    for (const af of a.families) {
      if (!a.invert === list.allowList) list.families.add(af);
      else list.families.delete(af);
    }
  }
  return list;
}

/** RestrictNamespaces= assignment: a boolean, or namespace names with "~" inverting. */
export interface NamespaceAssignment {
  /** Set for a boolean: the flags it means outright. */
  absolute?: number;
  invert: boolean;
  flags: number;
}

function parseNamespaces(value: string): NamespaceAssignment {
  let b: boolean | undefined;
  try {
    b = parseBoolean(value);
  } catch {
    b = undefined;
  }
  if (b !== undefined) return { absolute: b ? 0 : NAMESPACE_FLAGS_ALL, invert: false, flags: 0 };
  const invert = value.startsWith('~');
  let flags = 0;
  for (const w of (invert ? value.slice(1) : value).split(/\s+/).filter(Boolean)) {
    const ns = NAMESPACES.find(([n]) => n === w);
    if (!ns) throw new ValueError(`Failed to parse namespace type string, ignoring: ${value}`);
    flags |= ns[1];
  }
  return { invert, flags };
}

/** Merges RestrictNamespaces= as config_parse_restrict_namespaces(): the first list sets, later ones add or remove. */
export function foldNamespaces(items: readonly NamespaceAssignment[]): number {
  let v: number | undefined;
  for (const a of items) {
    if (a.absolute !== undefined) v = a.absolute;
    else if (v === undefined) v = a.invert ? NAMESPACE_FLAGS_ALL & ~a.flags : a.flags;
    else v = a.invert ? v & ~a.flags : v | a.flags;
  }
  return v ?? NAMESPACE_FLAGS_ALL;
}

/** SystemCallArchitectures=: systemd architecture names. */
function parseArchitectures(value: string, warn: (m: string) => void): string[] {
  const out: string[] = [];
  for (const w of value.split(/\s+/).filter(Boolean)) {
    if (ARCHITECTURES[w] === undefined) warn(`Failed to parse system call architecture, ignoring: ${w}`);
    else out.push(w);
  }
  return out;
}

const withWarn = <T>(parse: (v: string, warn: (m: string) => void) => T, extra: Partial<DirectiveSpec> = {}): DirectiveSpec =>
  ({ kind: 'list', parse: (v: string, ctx: { warn(m: string): void }) => [parse(v, (m) => ctx.warn(m))], ...extra }) as unknown as DirectiveSpec;
const scalar = <T>(parse: (v: string) => T): DirectiveSpec<T> => ({ kind: 'scalar', parse }) as DirectiveSpec<T>;

/** The directives of this file, spread into the exec-context table. */
export function execSeccompDirectives(): Record<string, DirectiveSpec> {
  return {
    SystemCallFilter: withWarn((v, w) => parseSyscallAssignment('SystemCallFilter', v, w)),
    SystemCallErrorNumber: scalar(parseErrnoOrKill),
    SystemCallArchitectures: withWarn(parseArchitectures),
    SystemCallLog: withWarn((v, w) => parseSyscallAssignment('SystemCallLog', v, w)),
    RestrictAddressFamilies: withWarn(parseAddressFamilies),
    RestrictNamespaces: withWarn((v) => parseNamespaces(v)),
    LockPersonality: scalar(parseBoolean),
    MemoryDenyWriteExecute: scalar(parseBoolean),
    RestrictRealtime: scalar(parseBoolean),
    RestrictSUIDSGID: scalar(parseBoolean),
  };
}

/** Reads the settings of this file from a parsed section. */
export function readExecSeccomp(section: ReadonlyMap<string, unknown> | undefined): ExecSeccomp {
  const get = <T>(k: string): T | undefined => section?.get(k) as T | undefined;
  const archs = [...new Set((get<string[][]>('SystemCallArchitectures') ?? []).flat())].sort();
  return {
    syscallFilter: foldSyscallAssignments(get<SyscallListAssignment[]>('SystemCallFilter') ?? [], true),
    syscallErrorNumber: get<number>('SystemCallErrorNumber') ?? SECCOMP_ERROR_NUMBER_KILL,
    syscallArchitectures: archs,
    syscallLog: foldSyscallAssignments(get<SyscallListAssignment[]>('SystemCallLog') ?? [], false),
    restrictAddressFamilies: foldAddressFamilies(get<AddressFamilyAssignment[]>('RestrictAddressFamilies') ?? []),
    restrictNamespaces: foldNamespaces(get<NamespaceAssignment[]>('RestrictNamespaces') ?? []),
    lockPersonality: get<boolean>('LockPersonality') ?? false,
    memoryDenyWriteExecute: get<boolean>('MemoryDenyWriteExecute') ?? false,
    restrictRealtime: get<boolean>('RestrictRealtime') ?? false,
    restrictSUIDSGID: get<boolean>('RestrictSUIDSGID') ?? false,
    protect: Object.fromEntries(PROTECT_SETTINGS.map((k) => [k, get<unknown>(k) === true])) as Record<ProtectSetting, boolean>,
  };
}

/** The defaults of a context that sets nothing of this file. */
export function defaultExecSeccomp(): ExecSeccomp {
  return readExecSeccomp(undefined);
}

const EPERM = () => errnoByName().EPERM ?? 1;
const ENOSYS = () => errnoByName().ENOSYS ?? 38;
const EAFNOSUPPORT = () => errnoByName().EAFNOSUPPORT ?? 97;
const CMP_NE = 1;
const CMP_EQ = 4;
const CMP_GT = 6;
const CMP_LT = 2;
const CMP_MASKED_EQ = 7;

const masked = (arg: number, mask: number) => ({ arg, op: CMP_MASKED_EQ, a: mask, b: mask });

function perArch(what: string, status: number, defaultAction: number, rules: (arch: string) => SeccompRule[] | undefined): SeccompFilterSpec[] {
  const out: SeccompFilterSpec[] = [];
  for (const arch of localArchs()) {
    const r = rules(arch);
    if (r) out.push({ archs: [arch], defaultAction, badArchAction: SECCOMP_ACTION.ALLOW, rules: r, status, what });
  }
  return out;
}

/** seccomp_restrict_address_families(): only socket(); i386 multiplexes it through socketcall(), which cannot be filtered. */
function addressFamilyFilters(l: AddressFamilyList): SeccompFilterSpec[] {
  const deny = SECCOMP_ACTION.errno(EAFNOSUPPORT());
  return perArch('RestrictAddressFamilies=', ExecExitStatus.ADDRESS_FAMILIES, SECCOMP_ACTION.ALLOW, (arch) => {
    if (arch === 'x86') return undefined;
    const fams = [...l.families].sort((a, b) => a - b);
    if (!l.allowList) return fams.map((af) => ({ syscall: 'socket', action: deny, args: [{ arg: 0, op: CMP_EQ, a: af }] }));
    if (fams.length === 0) return [{ syscall: 'socket', action: deny }];
    const first = fams[0]!;
    const last = fams[fams.length - 1]!;
    const rules: SeccompRule[] = [
      { syscall: 'socket', action: deny, args: [{ arg: 0, op: CMP_LT, a: first }] },
      { syscall: 'socket', action: deny, args: [{ arg: 0, op: CMP_GT, a: last }] },
    ];
    for (let af = first + 1; af < last; af++) if (!l.families.has(af)) rules.push({ syscall: 'socket', action: deny, args: [{ arg: 0, op: CMP_EQ, a: af }] });
    return rules;
  });
}

/** seccomp_memory_deny_write_execute(): no writable+executable mappings, no making memory executable. */
function memoryDenyWriteExecuteFilters(): SeccompFilterSpec[] {
  const deny = SECCOMP_ACTION.errno(EPERM());
  const PROT_WRITE = 2;
  const PROT_EXEC = 4;
  const SHM_EXEC = 0o100000;
  return perArch('MemoryDenyWriteExecute=', ExecExitStatus.SECCOMP, SECCOMP_ACTION.ALLOW, (arch) => {
    const rules: SeccompRule[] = [];
    // i386's old mmap() takes its arguments in memory: blocked outright; mmap2() is filtered, shmat() lives in ipc().
    if (arch === 'x86') rules.push({ syscall: 'mmap', action: deny });
    rules.push({ syscall: arch === 'x86' ? 'mmap2' : 'mmap', action: deny, args: [{ arg: 2, op: CMP_MASKED_EQ, a: PROT_EXEC | PROT_WRITE, b: PROT_EXEC | PROT_WRITE }] });
    rules.push({ syscall: 'mprotect', action: deny, args: [masked(2, PROT_EXEC)] });
    rules.push({ syscall: 'pkey_mprotect', action: deny, args: [masked(2, PROT_EXEC)] });
    if (arch !== 'x86') rules.push({ syscall: 'shmat', action: deny, args: [masked(2, SHM_EXEC)] });
    return rules;
  });
}

/** seccomp_restrict_realtime(): sched_setscheduler() only to other, batch and idle. */
function restrictRealtimeFilters(): SeccompFilterSpec[] {
  const deny = SECCOMP_ACTION.errno(EPERM());
  const permitted = [0, 3, 5];
  const max = 5;
  return perArch('RestrictRealtime=', ExecExitStatus.SECCOMP, SECCOMP_ACTION.ALLOW, () => {
    const rules: SeccompRule[] = [];
    for (let p = 0; p < max; p++) if (!permitted.includes(p)) rules.push({ syscall: 'sched_setscheduler', action: deny, args: [{ arg: 1, op: CMP_EQ, a: p }] });
    // Above the highest permitted policy, which also catches SCHED_RESET_ON_FORK with a real-time policy.
    rules.push({ syscall: 'sched_setscheduler', action: deny, args: [{ arg: 1, op: CMP_GT, a: max }] });
    return rules;
  });
}

/** seccomp_restrict_suid_sgid(): no SUID/SGID bits through chmod, mkdir, mknod or file creation. */
function restrictSuidSgidFilters(): SeccompFilterSpec[] {
  const deny = SECCOMP_ACTION.errno(EPERM());
  const O_CREAT = 0o100;
  const O_TMPFILE = 0o20200000;
  return perArch('RestrictSUIDSGID=', ExecExitStatus.SECCOMP, SECCOMP_ACTION.ALLOW, () => {
    const rules: SeccompRule[] = [];
    for (const m of [0o4000, 0o2000]) {
      for (const [sc, arg] of [['chmod', 1], ['fchmod', 1], ['fchmodat', 2], ['mkdir', 1], ['mkdirat', 2], ['mknod', 1], ['mknodat', 2], ['creat', 1]] as const)
        rules.push({ syscall: sc, action: deny, args: [masked(arg, m)] });
      for (const flag of [O_CREAT, O_TMPFILE]) {
        rules.push({ syscall: 'open', action: deny, args: [masked(1, flag), masked(2, m)] });
        rules.push({ syscall: 'openat', action: deny, args: [masked(2, flag), masked(3, m)] });
      }
    }
    // openat2() hides its mode in a structure: refused as unknown, so libc falls back to openat().
    rules.push({ syscall: 'openat2', action: SECCOMP_ACTION.errno(ENOSYS()) });
    return rules;
  });
}

/** seccomp_restrict_namespaces(): unshare(), clone() and setns() only for the namespace kinds retained. */
function restrictNamespacesFilters(retain: number): SeccompFilterSpec[] {
  const deny = SECCOMP_ACTION.errno(EPERM());
  return perArch('RestrictNamespaces=', ExecExitStatus.SECCOMP, SECCOMP_ACTION.ALLOW, () => {
    // clone3() keeps its flags in a structure: refused as unknown, so libc falls back to clone().
    const rules: SeccompRule[] = [{ syscall: 'clone3', action: SECCOMP_ACTION.errno(ENOSYS()) }];
    if (retain === 0) rules.push({ syscall: 'setns', action: deny });
    else rules.push({ syscall: 'setns', action: deny, args: [{ arg: 1, op: CMP_EQ, a: 0 }] });
    for (const [, f] of NAMESPACES) {
      if ((retain & f) === f) continue;
      rules.push({ syscall: 'unshare', action: deny, args: [masked(0, f)] });
      rules.push({ syscall: 'clone', action: deny, args: [masked(0, f)] });
      if (retain !== 0) rules.push({ syscall: 'setns', action: deny, args: [masked(1, f)] });
    }
    return rules;
  });
}

/** The action of a syscall's errno in a deny list. */
function denyAction(errno: number | undefined, fallback: number): number {
  if (errno === undefined) return fallback;
  return errno === SECCOMP_ERROR_NUMBER_KILL ? SECCOMP_ACTION.KILL_PROCESS : SECCOMP_ACTION.errno(errno);
}

/** seccomp_load_syscall_filter_set_raw() for SystemCallFilter= (`negative` for what is not allowed) or SystemCallLog= (LOG). */
function syscallListFilters(what: string, l: SyscallList, positive: number, negative: number): SeccompFilterSpec[] {
  const def = l.allowList ? negative : positive;
  return perArch(what, ExecExitStatus.SECCOMP, def, () =>
    [...l.entries].map(([syscall, errno]) => ({ syscall, action: l.allowList ? positive : denyAction(errno, negative) })),
  );
}

/** What buildSeccompFilters() needs besides the settings. */
export interface SeccompRequest {
  /** Personality= (PER_LINUX when unset): what LockPersonality= locks to. */
  personality?: number;
  /** DynamicUser= implies RestrictSUIDSGID=. */
  dynamicUser: boolean;
}

/** A filter denying `syscalls` (names or @groups) with EPERM, for one of the sandboxing settings. */
function denyWithEperm(what: string, syscalls: string[]): SeccompFilterSpec[] {
  const list: SyscallList = { allowList: false, entries: new Map() };
  for (const n of syscalls) applySyscallName(list, n, EPERM(), true);
  return syscallListFilters(what, list, SECCOMP_ACTION.ALLOW, SECCOMP_ACTION.errno(EPERM()));
}

/** The seccomp filters of a sandboxed command, in exec_child()'s order; empty when nothing is asked for. */
export function buildSeccompFilters(s: ExecSeccomp, r: SeccompRequest): SeccompFilterSpec[] {
  const out: SeccompFilterSpec[] = [];
  // seccomp_protect_hostname() runs with the UTS namespace set-up, before the other filters.
  if (s.protect.ProtectHostname) out.push(...denyWithEperm('ProtectHostname=', ['sethostname', 'setdomainname']));
  if (s.restrictAddressFamilies) out.push(...addressFamilyFilters(s.restrictAddressFamilies));
  if (s.memoryDenyWriteExecute) out.push(...memoryDenyWriteExecuteFilters());
  if (s.restrictRealtime) out.push(...restrictRealtimeFilters());
  if (s.restrictSUIDSGID || r.dynamicUser) out.push(...restrictSuidSgidFilters());
  if ((s.restrictNamespaces & NAMESPACE_FLAGS_ALL) !== NAMESPACE_FLAGS_ALL) out.push(...restrictNamespacesFilters(s.restrictNamespaces & NAMESPACE_FLAGS_ALL));
  if (s.protect.ProtectKernelTunables) out.push(...denyWithEperm('ProtectKernelTunables=', ['_sysctl']));
  if (s.protect.ProtectKernelModules) out.push(...denyWithEperm('ProtectKernelModules=', ['@module']));
  if (s.protect.ProtectKernelLogs) out.push(...denyWithEperm('ProtectKernelLogs=', ['syslog']));
  if (s.protect.ProtectClock) out.push(...denyWithEperm('ProtectClock=', ['@clock']));
  if (s.protect.PrivateDevices) out.push(...denyWithEperm('PrivateDevices=', ['@raw-io']));
  if (s.syscallArchitectures.length > 0) {
    out.push({
      archs: s.syscallArchitectures.map((a) => ARCHITECTURES[a]!), defaultAction: SECCOMP_ACTION.ALLOW, badArchAction: SECCOMP_ACTION.KILL_PROCESS,
      rules: [], status: ExecExitStatus.SECCOMP, what: 'SystemCallArchitectures=',
    });
  }
  if (s.lockPersonality) {
    const personality = r.personality ?? 0;
    out.push(...perArch('LockPersonality=', ExecExitStatus.SECCOMP, SECCOMP_ACTION.ALLOW, () => [
      { syscall: 'personality', action: SECCOMP_ACTION.errno(EPERM()), args: [{ arg: 0, op: CMP_NE, a: personality }] },
    ]));
  }
  if (s.syscallLog) out.push(...syscallListFilters('SystemCallLog=', s.syscallLog, SECCOMP_ACTION.LOG, SECCOMP_ACTION.ALLOW));
  if (s.syscallFilter) {
    const negative = s.syscallErrorNumber === SECCOMP_ERROR_NUMBER_KILL ? SECCOMP_ACTION.KILL_PROCESS : SECCOMP_ACTION.errno(s.syscallErrorNumber);
    // Closest to execve(), so the filter affects as little of the spawner's own work as possible.
    out.push(...syscallListFilters('SystemCallFilter=', s.syscallFilter, SECCOMP_ACTION.ALLOW, negative));
  }
  return out;
}

function syscallListNames(l: SyscallList, withErrno: boolean): string[] {
  return [...l.entries].map(([n, e]) => (withErrno && e !== undefined ? `${n}:${errnoOrKillName(e)}` : n)).sort();
}

function syscallListText(l: SyscallList | undefined, withErrno: boolean): string {
  if (!l) return '~';
  return `${l.allowList ? '' : '~'}${syscallListNames(l, withErrno).join(' ')}`;
}

/** The list as D-Bus (bas): allow list or deny list, and the names (with ":errno" where set). */
function syscallListBus(l: SyscallList, withErrno: boolean): [boolean, string[]] {
  return [l.allowList, syscallListNames(l, withErrno)];
}

/** RestrictNamespaces= as systemctl prints it: "yes", "no", or the names allowed. */
function namespacesText(flags: number): string {
  if ((flags & NAMESPACE_FLAGS_ALL) === 0) return 'yes';
  if ((flags & NAMESPACE_FLAGS_ALL) === NAMESPACE_FLAGS_ALL) return 'no';
  return NAMESPACES.filter(([, f]) => (flags & f) === f).map(([n]) => n).join(' ');
}

/** The show properties of this file, by name, in systemd's formats. */
export function execSeccompProperties(s: ExecSeccomp, dynamicUser: boolean): Record<string, PropertyValue> {
  const o: Record<string, PropertyValue> = {
    SystemCallErrorNumber: prop.int(s.syscallErrorNumber),
    SystemCallArchitectures: prop.strv(s.syscallArchitectures),
    LockPersonality: prop.bool(s.lockPersonality),
    MemoryDenyWriteExecute: prop.bool(s.memoryDenyWriteExecute),
    RestrictRealtime: prop.bool(s.restrictRealtime),
    RestrictSUIDSGID: prop.bool(s.restrictSUIDSGID || dynamicUser),
    RestrictNamespaces: prop.raw(namespacesText(s.restrictNamespaces), { bus: s.restrictNamespaces & NAMESPACE_FLAGS_ALL }),
  };
  if (s.syscallFilter) o.SystemCallFilter = prop.raw(syscallListText(s.syscallFilter, true), { bus: syscallListBus(s.syscallFilter, true) });
  if (s.syscallLog) o.SystemCallLog = prop.raw(syscallListText(s.syscallLog, false), { bus: syscallListBus(s.syscallLog, false) });
  const af = s.restrictAddressFamilies;
  if (af) {
    const names = [...af.families].map((f) => ADDRESS_FAMILIES[f] ?? String(f)).sort();
    o.RestrictAddressFamilies = prop.raw(`${af.allowList ? '' : '~'}${names.join(' ')}`, { bus: [af.allowList, names] });
  }
  return o;
}

/** Whether any setting of this file asks for a filter (NoNewPrivileges= is then implied without CAP_SYS_ADMIN). */
export function hasSeccompSettings(s: ExecSeccomp, dynamicUser: boolean): boolean {
  return buildSeccompFilters(s, { dynamicUser }).length > 0;
}

let available: boolean | undefined;

/**
 * Whether the kernel has seccomp filters (systemd's is_seccomp_available(), read from the
 * "Seccomp:" line /proc/self/status has with CONFIG_SECCOMP). Without them systemd skips every
 * filter with "SECCOMP features not detected in the kernel, skipping …", and so does unitkit.
 */
export function seccompAvailable(): boolean {
  if (available === undefined) {
    try {
      available = /^Seccomp:/m.test(fs.readFileSync('/proc/self/status', 'utf8'));
    } catch {
      available = false;
    }
  }
  return available;
}
