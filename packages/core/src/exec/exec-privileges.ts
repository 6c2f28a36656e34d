/**
 * The process attributes and privileges of systemd.exec(5): OOMScoreAdjust=, CoredumpFilter=,
 * CPUSchedulingPolicy=/Priority=/ResetOnFork=, CPUAffinity=, TimerSlackNSec=, Personality=,
 * KeyringMode=, CapabilityBoundingSet=, AmbientCapabilities=, SecureBits=, NoNewPrivileges=.
 * Parsed as systemd 252's config_parse_*() do (bad values logged and ignored), read back into
 * one value, turned into the spawner's PrivilegesSpec and shown in systemd's formats.
 */
import { ValueError, parseBoolean, parseTimeSpan, type DirectiveSpec } from '@unitkit/unit-file';
import type { PrivilegesSpec } from '../ports/process-privileges.js';
import { prop, type PropertyValue } from '../property.js';
import { CAPABILITY_NAMES } from './process-defaults.js';
import { NUMA_POLICIES, cpusOfNumaNodes, effectiveNumaPolicy, numaDirectives, numaPolicyIsValid, readNuma, type NumaSettings } from './exec-numa.js';

/** CPUSchedulingPolicy= names by policy number (SCHED_OTHER 0 … SCHED_IDLE 5). */
const SCHED_POLICIES: Record<string, number> = { other: 0, fifo: 1, rr: 2, batch: 3, idle: 5 };

/** The coredump_filter bit names of systemd's coredump_filter_to_string(), by bit. */
const COREDUMP_FILTER_BITS = [
  'private-anonymous', 'shared-anonymous', 'private-file-backed', 'shared-file-backed', 'elf-headers', 'private-huge', 'shared-huge',
  'private-dax', 'shared-dax',
];
/** The kernel's default coredump_filter (COREDUMP_FILTER_MASK_DEFAULT). */
const COREDUMP_FILTER_DEFAULT = 0x33n;
/** CoredumpFilter=all (COREDUMP_FILTER_MASK_ALL: the 32 bits the kernel file takes). */
const COREDUMP_FILTER_ALL = 0xffffffffn;

/** SecureBits= names by bit (SECBIT_NOROOT … SECBIT_KEEP_CAPS_LOCKED). */
const SECURE_BITS = ['noroot', 'noroot-locked', 'no-setuid-fixup', 'no-setuid-fixup-locked', 'keep-caps', 'keep-caps-locked'];

const PER_LINUX = 0;
const PER_LINUX32 = 8;
const ALL_CAPS = (1n << 64n) - 1n;

/** KeyringMode=. */
export type KeyringMode = 'inherit' | 'private' | 'shared';

/**
 * One CapabilityBoundingSet=/AmbientCapabilities= assignment: the mask it names (hexadecimal
 * text, so parsed sections stay JSON-serialisable), inverted with "~".
 */
export interface CapabilityAssignment {
  invert: boolean;
  mask: string;
}

/** The settings of this file as values; absent ones are systemd's defaults. */
export interface ExecPrivileges {
  oomScoreAdjust?: number;
  /** CoredumpFilter= mask. */
  coredumpFilter?: bigint;
  /** Set when CPUSchedulingPolicy= or CPUSchedulingPriority= is (systemd's cpu_sched_set). */
  cpuScheduling?: { policy: number; priority: number };
  cpuSchedulingResetOnFork: boolean;
  /** CPUAffinity= CPUs, sorted; undefined when unset. */
  cpuAffinity?: number[];
  cpuAffinityFromNuma: boolean;
  /** NUMAPolicy= and NUMAMask= (exec-numa.ts). */
  numa: NumaSettings;
  timerSlackNsec?: number;
  personality?: number;
  keyringMode?: KeyringMode;
  /** The bounding set to keep (all 64 bits when unset) and the ambient set. */
  capabilityBoundingSet: bigint;
  ambientCapabilities: bigint;
  secureBits: number;
  noNewPrivileges: boolean;
}

/** OOMScoreAdjust=: -1000…1000. */
export function parseOomScoreAdjust(value: string): number {
  if (!/^[+-]?[0-9]+$/.test(value)) throw new ValueError(`Failed to parse the OOM score adjust value, ignoring: ${value}`);
  const n = Number(value);
  if (n < -1000 || n > 1000) throw new ValueError(`OOM score adjust value out of range, ignoring: ${value}`);
  return n;
}

/** CoredumpFilter=: bit names, "default", "all", or hexadecimal numbers, OR-ed; the mask as "0x…" text. */
export function parseCoredumpFilter(value: string): string {
  let mask = 0n;
  const words = value.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new ValueError(`Failed to parse the CoredumpFilter=${value}, ignoring`);
  for (const w of words) {
    if (w === 'default') mask |= COREDUMP_FILTER_DEFAULT;
    else if (w === 'all') mask = COREDUMP_FILTER_ALL;
    else if (COREDUMP_FILTER_BITS.includes(w)) mask |= 1n << BigInt(COREDUMP_FILTER_BITS.indexOf(w));
    else if (/^(0x)?[0-9a-fA-F]+$/.test(w)) mask |= BigInt(w.startsWith('0x') ? w : `0x${w}`) & ALL_CAPS;
    else throw new ValueError(`Failed to parse the CoredumpFilter=${value}, ignoring: Invalid argument`);
  }
  return `0x${mask.toString(16)}`;
}

/** CPUSchedulingPolicy=: other, batch, idle, fifo, rr (or the number). */
export function parseCpuSchedulingPolicy(value: string): number {
  const n = SCHED_POLICIES[value] ?? (/^[0-9]+$/.test(value) && Object.values(SCHED_POLICIES).includes(Number(value)) ? Number(value) : undefined);
  if (n === undefined) throw new ValueError(`Failed to parse CPU scheduling policy, ignoring: ${value}`);
  return n;
}

/** CPUSchedulingPriority=: 0…99 (the policy decides the precise range). */
export function parseCpuSchedulingPriority(value: string): number {
  if (!/^[0-9]+$/.test(value)) throw new ValueError(`Failed to parse CPU scheduling priority, ignoring: ${value}`);
  const n = Number(value);
  if (n > 99) throw new ValueError(`CPU scheduling priority is out of range, ignoring: ${value}`);
  return n;
}

/** CPUAffinity=: CPU numbers and ranges separated by spaces or commas, or "numa". Each assignment is OR-ed with the previous ones. */
export function parseCpuAffinity(value: string): number[] | 'numa' {
  if (value === 'numa') return 'numa';
  const cpus: number[] = [];
  for (const w of value.split(/[\s,]+/).filter(Boolean)) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(w);
    if (!m) throw new ValueError(`Failed to parse CPU affinity '${value}', ignoring: Invalid argument`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo) throw new ValueError(`Range '${w}' is invalid, ${lo} > ${hi}, ignoring.`);
    if (hi >= 8192) throw new ValueError(`CPU index ${hi} too large, ignoring: ${value}`);
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus;
}

/** TimerSlackNSec=: a time span whose bare number is nanoseconds (parse_nsec()). */
export function parseTimerSlackNsec(value: string): number {
  const v = value.trim();
  if (/^[0-9]+(\s*(ns|nsec))?$/.test(v)) return Number(/^[0-9]+/.exec(v)![0]);
  let usec: number;
  try {
    usec = parseTimeSpan(v, 1);
  } catch {
    throw new ValueError(`Failed to parse timer slack, ignoring: ${value}`);
  }
  if (!Number.isFinite(usec)) throw new ValueError(`Failed to parse timer slack, ignoring: ${value}`);
  return usec * 1000;
}

/** The personality names of this architecture: the native one (PER_LINUX) and its 32-bit sibling (PER_LINUX32). */
function personalityNames(): Array<[string, number]> {
  switch (process.arch) {
    case 'x64':
      return [['x86-64', PER_LINUX], ['x86', PER_LINUX32]];
    case 'arm64':
      return [['arm64', PER_LINUX], ['arm', PER_LINUX32]];
    case 'ia32':
      return [['x86', PER_LINUX]];
    default:
      return [[process.arch, PER_LINUX]];
  }
}

/** Personality=: the architecture names the kernel can run here. */
export function parsePersonality(value: string): number {
  const found = personalityNames().find(([n]) => n === value);
  if (!found) throw new ValueError(`Failed to parse personality, ignoring: ${value}`);
  return found[1];
}

/** The name show prints for a personality value. */
export function personalityName(p: number): string {
  return personalityNames().find(([, v]) => v === p)?.[0] ?? '';
}

/** KeyringMode=. */
export function parseKeyringMode(value: string): KeyringMode {
  if (value !== 'inherit' && value !== 'private' && value !== 'shared') throw new ValueError(`Failed to parse keyring mode, ignoring: ${value}`);
  return value;
}

/** A capability name ("CAP_NET_ADMIN", any case) or number to its bit. */
export function capabilityFromName(name: string): number | undefined {
  if (/^[0-9]+$/.test(name)) return Number(name) < 64 ? Number(name) : undefined;
  const i = CAPABILITY_NAMES.indexOf(name.toLowerCase());
  return i >= 0 ? i : undefined;
}

/** CapabilityBoundingSet=/AmbientCapabilities=: names, "~" inverting; the empty assignment names nothing. */
export function parseCapabilityAssignment(value: string): CapabilityAssignment {
  const invert = value.startsWith('~');
  let mask = 0n;
  for (const w of (invert ? value.slice(1) : value).split(/\s+/).filter(Boolean)) {
    const c = capabilityFromName(w);
    if (c === undefined) throw new ValueError(`Failed to parse capability in bounding/ambient set, ignoring: ${w}`);
    mask |= 1n << BigInt(c);
  }
  return { invert, mask: `0x${mask.toString(16)}` };
}

/**
 * Folds the assignments as config_parse_capability_set() does: an empty list ("" or "~"), or any
 * assignment while the set is still at its initial value, replaces it (inverted for "~");
 * otherwise "~" removes the names and a plain list adds them.
 */
export function foldCapabilityAssignments(items: readonly CapabilityAssignment[], initial: bigint): bigint {
  let set = initial;
  for (const { invert, mask } of items) {
    const sum = BigInt(mask);
    if (sum === 0n || set === initial) set = invert ? ~sum & ALL_CAPS : sum;
    else set = invert ? set & ~sum : set | sum;
  }
  return set;
}

/** SecureBits=: names OR-ed together. */
export function parseSecureBits(value: string): number {
  let bits = 0;
  for (const w of value.split(/\s+/).filter(Boolean)) {
    const i = SECURE_BITS.indexOf(w);
    if (i < 0) throw new ValueError(`Failed to parse secure bits, ignoring: ${value}`);
    bits |= 1 << i;
  }
  return bits;
}

const scalar = <T>(parse: (v: string) => T, extra: Partial<DirectiveSpec> = {}): DirectiveSpec<T> => ({ kind: 'scalar', parse, ...extra }) as DirectiveSpec<T>;
const each = <T>(parse: (v: string) => T, extra: Partial<DirectiveSpec> = {}): DirectiveSpec =>
  ({ kind: 'list', parse: (v: string) => [parse(v)], ...extra }) as unknown as DirectiveSpec;

/** The directives of this file, spread into the exec-context table. */
export function execPrivilegeDirectives(): Record<string, DirectiveSpec> {
  return {
    OOMScoreAdjust: scalar(parseOomScoreAdjust),
    CoredumpFilter: scalar(parseCoredumpFilter),
    CPUSchedulingPolicy: scalar(parseCpuSchedulingPolicy),
    CPUSchedulingPriority: scalar(parseCpuSchedulingPriority),
    CPUSchedulingResetOnFork: scalar(parseBoolean),
    CPUAffinity: each(parseCpuAffinity),
    ...numaDirectives(),
    TimerSlackNSec: scalar(parseTimerSlackNsec),
    Personality: scalar(parsePersonality),
    KeyringMode: scalar(parseKeyringMode),
    // The empty assignment is a real value for the bounding set (no capabilities at all).
    CapabilityBoundingSet: each(parseCapabilityAssignment, { empty: 'parse' }),
    AmbientCapabilities: each(parseCapabilityAssignment, { empty: 'parse' }),
    SecureBits: scalar(parseSecureBits),
    NoNewPrivileges: scalar(parseBoolean),
  };
}

/** Reads the settings of this file from a parsed section. */
export function readExecPrivileges(section: ReadonlyMap<string, unknown> | undefined): ExecPrivileges {
  const get = <T>(k: string): T | undefined => section?.get(k) as T | undefined;
  const policy = get<number>('CPUSchedulingPolicy');
  const priority = get<number>('CPUSchedulingPriority');
  let cpuScheduling: ExecPrivileges['cpuScheduling'];
  if (policy !== undefined || priority !== undefined) {
    // Setting a policy clamps the priority into its range (1…99 for fifo and rr, 0 for the
    // others, as sched_get_priority_min/max say); an explicit priority is kept as given and the
    // kernel judges it, as systemd parses the priority after the policy in a unit file.
    const realtime = policy === 1 || policy === 2;
    cpuScheduling = { policy: policy ?? 0, priority: priority ?? (realtime ? 1 : 0) };
  }
  let cpuAffinity: number[] | undefined;
  let fromNuma = false;
  for (const item of get<Array<number[] | 'numa'>>('CPUAffinity') ?? []) {
    if (item === 'numa') {
      fromNuma = true;
      continue;
    }
    cpuAffinity = [...new Set([...(cpuAffinity ?? []), ...item])].sort((a, b) => a - b);
  }
  return {
    oomScoreAdjust: get<number>('OOMScoreAdjust'),
    coredumpFilter: optionalBigInt(get<string>('CoredumpFilter')),
    cpuScheduling,
    cpuSchedulingResetOnFork: get<boolean>('CPUSchedulingResetOnFork') ?? false,
    cpuAffinity,
    cpuAffinityFromNuma: fromNuma,
    numa: readNuma(get),
    timerSlackNsec: get<number>('TimerSlackNSec'),
    personality: get<number>('Personality'),
    keyringMode: get<KeyringMode>('KeyringMode'),
    capabilityBoundingSet: foldCapabilityAssignments(get<CapabilityAssignment[]>('CapabilityBoundingSet') ?? [], ALL_CAPS) & ~sandboxDrops(get),
    ambientCapabilities: foldCapabilityAssignments(get<CapabilityAssignment[]>('AmbientCapabilities') ?? [], 0n),
    secureBits: get<number>('SecureBits') ?? 0,
    noNewPrivileges: get<boolean>('NoNewPrivileges') ?? false,
  };
}

/**
 * The capabilities the sandboxing settings take out of the bounding set, as systemd's
 * unit_patch_contexts() does at load (so show prints the smaller set and the child drops them):
 * PrivateDevices= CAP_MKNOD and CAP_SYS_RAWIO, ProtectKernelModules= CAP_SYS_MODULE,
 * ProtectKernelLogs= CAP_SYSLOG, ProtectClock= CAP_SYS_TIME and CAP_WAKE_ALARM. The settings
 * themselves are the mount-namespace sandbox's directives; only their values are read here.
 */
function sandboxDrops(get: <T>(k: string) => T | undefined): bigint {
  const drops: Array<[string, string[]]> = [
    ['PrivateDevices', ['cap_mknod', 'cap_sys_rawio']],
    ['ProtectKernelModules', ['cap_sys_module']],
    ['ProtectKernelLogs', ['cap_syslog']],
    ['ProtectClock', ['cap_sys_time', 'cap_wake_alarm']],
  ];
  let mask = 0n;
  for (const [setting, caps] of drops) if (get<unknown>(setting) === true) for (const c of caps) mask |= 1n << BigInt(CAPABILITY_NAMES.indexOf(c));
  return mask;
}

function optionalBigInt(v: string | undefined): bigint | undefined {
  return v === undefined ? undefined : BigInt(v);
}

/** The defaults of a context that sets nothing of this file. */
export function defaultExecPrivileges(): ExecPrivileges {
  return readExecPrivileges(undefined);
}

function bits(mask: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 64; i++) if (mask & (1n << BigInt(i))) out.push(i);
  return out;
}

/** What buildPrivilegesSpec() needs besides the settings. */
export interface PrivilegesRequest {
  scope: 'system' | 'user';
  invocationId?: string;
  /** The command has the `+` prefix: no capability or NoNewPrivileges= steps (systemd's needs_sandboxing false). */
  fullPrivileges: boolean;
  /** The command runs with some seccomp filter: NoNewPrivileges= is implied when the process lacks CAP_SYS_ADMIN. */
  seccomp: boolean;
}

/**
 * The spawner's PrivilegesSpec for one command, or undefined when nothing is to be done. The
 * capability steps always run for a sandboxed command (they lower ambient capabilities the
 * manager may hold, as systemd's capability_ambient_set_apply() does).
 */
export function buildPrivilegesSpec(p: ExecPrivileges, r: PrivilegesRequest): PrivilegesSpec | undefined {
  const spec: PrivilegesSpec = {};
  if (p.oomScoreAdjust !== undefined) spec.oomScoreAdjust = p.oomScoreAdjust;
  if (p.coredumpFilter !== undefined) spec.coredumpFilter = `0x${p.coredumpFilter.toString(16)}`;
  if (p.cpuScheduling) spec.cpuScheduling = { ...p.cpuScheduling, resetOnFork: p.cpuSchedulingResetOnFork };
  const cpus = effectiveCpuAffinity(p);
  if (cpus) spec.cpuAffinity = cpus;
  const numaPolicy = effectiveNumaPolicy(p.numa);
  if (numaPolicy !== undefined) {
    // local and default take no nodes (the kernel refuses a mask with them).
    const nodes = numaPolicy === 'local' || numaPolicy === 'default' ? [] : [...(p.numa.nodes ?? [])];
    spec.numaPolicy = numaPolicyIsValid(p.numa) ? { mode: NUMA_POLICIES[numaPolicy], nodes } : { mode: -1, nodes: [] };
  }
  if (p.timerSlackNsec !== undefined) spec.timerSlackNsec = p.timerSlackNsec;
  if (p.personality !== undefined) spec.personality = p.personality;
  const keyring = p.keyringMode ?? (r.scope === 'system' ? 'private' : 'inherit');
  if (keyring !== 'inherit') spec.keyring = r.invocationId ? { shared: keyring === 'shared', invocationId: r.invocationId } : { shared: keyring === 'shared' };
  if (!r.fullPrivileges) {
    spec.capabilities = {
      ambient: bits(p.ambientCapabilities),
      secureBits: p.secureBits,
      noNewPrivileges: p.noNewPrivileges,
      noNewPrivilegesIfUnprivileged: r.seccomp,
    };
    if ((p.capabilityBoundingSet & ALL_CAPS) !== ALL_CAPS) spec.capabilities.boundingSet = bits(p.capabilityBoundingSet);
  }
  return Object.keys(spec).length > 0 ? spec : undefined;
}

/**
 * The CPUs the process is bound to (systemd's exec_context_get_cpu_affinity()): those of the
 * NUMAMask= nodes with CPUAffinity=numa, else CPUAffinity='s; undefined when neither is set.
 */
export function effectiveCpuAffinity(p: ExecPrivileges): number[] | undefined {
  if (p.cpuAffinityFromNuma) return cpusOfNumaNodes(p.numa.nodes ?? []);
  return p.cpuAffinity ? [...p.cpuAffinity] : undefined;
}

/**
 * A CPU (or node) set as D-Bus `ay`, the bytes of the kernel's cpu_set_t as systemd allocates it
 * (whole 64-bit words; CPU n is bit n % 8 of byte n / 8).
 */
export function cpuSetBytes(cpus: readonly number[]): Buffer {
  const bytes = Buffer.alloc(cpus.length === 0 ? 0 : (Math.floor(Math.max(...cpus) / 64) + 1) * 8);
  for (const c of cpus) bytes[c >> 3]! |= 1 << (c & 7);
  return bytes;
}

/** CPU (or node) numbers as systemd's cpu_set_to_range_string(): "0-2 5"; cgroup files take "," as `separator`. */
export function formatCpuRanges(cpus: readonly number[], separator = ' '): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(i === j ? String(cpus[i]) : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(separator);
}

function capabilityList(mask: bigint, lastCap: number): string {
  return bits(mask).filter((i) => i <= lastCap).map((i) => CAPABILITY_NAMES[i] ?? `cap_${i}`).join(' ');
}

/**
 * The show properties of this file, by name, for the settings that are set (an unset one keeps
 * what exec-properties.ts prints: the manager's inherited value). `lastCap` is the kernel's
 * highest capability.
 */
export function execPrivilegeProperties(p: ExecPrivileges, scope: 'system' | 'user', lastCap: number): Record<string, PropertyValue> {
  const o: Record<string, PropertyValue> = {};
  if (p.oomScoreAdjust !== undefined) o.OOMScoreAdjust = prop.int(p.oomScoreAdjust);
  if (p.coredumpFilter !== undefined) o.CoredumpFilter = prop.raw(`0x${p.coredumpFilter.toString(16)}`, p.coredumpFilter <= BigInt(Number.MAX_SAFE_INTEGER) ? { bus: Number(p.coredumpFilter) } : undefined);
  if (p.cpuScheduling) {
    o.CPUSchedulingPolicy = prop.int(p.cpuScheduling.policy);
    o.CPUSchedulingPriority = prop.int(p.cpuScheduling.priority);
  }
  o.CPUSchedulingResetOnFork = prop.bool(p.cpuSchedulingResetOnFork);
  const cpus = effectiveCpuAffinity(p);
  if (cpus) o.CPUAffinity = prop.raw(formatCpuRanges(cpus), { bus: cpuSetBytes(cpus) });
  o.CPUAffinityFromNUMA = prop.bool(p.cpuAffinityFromNuma);
  const numaPolicy = effectiveNumaPolicy(p.numa);
  if (numaPolicy !== undefined) o.NUMAPolicy = prop.raw(numaPolicy, { bus: NUMA_POLICIES[numaPolicy] });
  if (p.numa.nodes) o.NUMAMask = prop.raw(formatCpuRanges(p.numa.nodes), { bus: cpuSetBytes(p.numa.nodes) });
  if (p.timerSlackNsec !== undefined) o.TimerSlackNSec = prop.int(p.timerSlackNsec);
  if (p.personality !== undefined) o.Personality = prop.string(personalityName(p.personality));
  o.KeyringMode = prop.string(p.keyringMode ?? (scope === 'user' ? 'inherit' : 'private'));
  if ((p.capabilityBoundingSet & ALL_CAPS) !== ALL_CAPS) o.CapabilityBoundingSet = prop.raw(capabilityList(p.capabilityBoundingSet, lastCap), { bus: p.capabilityBoundingSet });
  o.AmbientCapabilities = prop.raw(capabilityList(p.ambientCapabilities, lastCap), { bus: p.ambientCapabilities });
  o.SecureBits = prop.int(p.secureBits);
  return o;
}
