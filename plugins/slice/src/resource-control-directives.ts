/**
 * The directives of systemd.resource-control(5) and Slice=, as systemd 252's load-fragment parses
 * them (config_parse_cg_weight, _cpu_quota, _memory_limit, _tasks_max, _io_limit, _delegate…),
 * contributed into the section of every unit type that has a cgroup. A bad value is logged and
 * ignored, never fatal, as in systemd. Percentages are resolved here against the machine's memory
 * and task limit, as systemd shows them.
 */
import type { DirectiveSpec, DirectiveTable, ParseContext } from '@unitkit/unit-file';
import { ValueError, booleanDirective, parseSize, parseTimeSpan } from '@unitkit/unit-file';
import { isValidSliceName } from './slice-name.js';
import { physicalMemoryScale, systemTasksMaxScale } from './system-limits.js';

const scalar = <T>(parse: (v: string, ctx: ParseContext) => T): DirectiveSpec<T> => ({ kind: 'scalar', parse }) as DirectiveSpec<T>;
const list = <T>(parse: (v: string, ctx: ParseContext) => T[]): DirectiveSpec => ({ kind: 'list', parse }) as unknown as DirectiveSpec;

/**
 * parse_permyriad(): "50%", "12.5%", "12.34%", "5‰", "1‱" as ten-thousandths; undefined when
 * the text is not a percentage. `unbounded` allows more than 100% (CPUQuota=).
 */
export function parsePermyriad(v: string, unbounded = false): number | undefined {
  let m = /^(\d+)(?:\.(\d{1,2}))?%$/.exec(v);
  let n: number | undefined;
  if (m) n = Number(m[1]) * 100 + (m[2] ? Number(m[2].padEnd(2, '0')) : 0);
  else if ((m = /^(\d+)(?:\.(\d))?\u2030$/.exec(v))) n = Number(m[1]) * 10 + (m[2] ? Number(m[2]) : 0);
  else if ((m = /^(\d+)\u2031$/.exec(v))) n = Number(m[1]);
  if (n === undefined) return undefined;
  if (!unbounded && n > 10000) throw new ValueError(`Percentage out of range: '${v}'`);
  return n;
}

/** CPUWeight=/StartupCPUWeight=: 1…10000 or "idle" (0). */
export const cpuWeightDirective = scalar((v) => {
  if (v === 'idle') return 0;
  if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10000) return Number(v);
  throw new ValueError(`Invalid CPU weight '${v}', ignoring.`);
});

/** IOWeight=/StartupIOWeight=: 1…10000. */
export const ioWeightDirective = scalar((v) => {
  if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10000) return Number(v);
  throw new ValueError(`Invalid IO weight '${v}', ignoring.`);
});

/** CPUQuota=: a percentage above 0 (more than 100% for several CPUs), kept as µs per second. */
export const cpuQuotaDirective = scalar((v) => {
  const p = parsePermyriad(v, true);
  if (p === undefined || p <= 0) throw new ValueError(`Invalid CPU quota '${v}', ignoring.`);
  return (p * 1_000_000) / 10000;
});

/** CPUQuotaPeriodSec=: a time span, clamped by the kernel to 1 ms … 1 s when applied; "infinity" unsets. */
export const cpuQuotaPeriodDirective = scalar((v) => {
  const t = parseTimeSpan(v);
  if (t !== Infinity && t <= 0) throw new ValueError(`Invalid CPU quota period '${v}', ignoring.`);
  return t;
});

/** AllowedCPUs=/AllowedMemoryNodes=: indices and ranges separated by commas or whitespace, merged and sorted. */
export const indexSetDirective = scalar((v) => {
  const set = new Set<number>();
  for (const word of v.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(word);
    if (!m) throw new ValueError(`Failed to parse CPU or NUMA node set '${v}', ignoring.`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b > 8191) throw new ValueError(`Invalid range '${word}' in '${v}', ignoring.`);
    for (let i = a; i <= b; i++) set.add(i);
  }
  return [...set].sort((x, y) => x - y);
});

/** Memory settings that may be 0 (protections and the swap limit); MemoryHigh=/MemoryMax= may not. */
const zeroAllowed = new Set(['MemoryMin', 'MemoryLow', 'DefaultMemoryMin', 'DefaultMemoryLow', 'MemorySwapMax']);

/** Memory*=: "infinity", a percentage of physical memory, or a size (base 1024). */
export const memoryLimitDirective = scalar((v, ctx) => {
  if (v === 'infinity') return Infinity;
  const p = parsePermyriad(v);
  let bytes: number;
  if (p !== undefined) bytes = physicalMemoryScale(p);
  else {
    try {
      bytes = parseSize(v, 1024);
    } catch {
      throw new ValueError(`Invalid memory limit '${v}', ignoring.`);
    }
  }
  if (bytes < 1 && !zeroAllowed.has(ctx.key)) throw new ValueError(`Memory limit '${v}' out of range, ignoring.`);
  return bytes;
});

/** TasksMax=: "infinity", a percentage of the kernel's task limit, or a count of at least 1. */
export const tasksMaxDirective = scalar((v) => {
  if (v === 'infinity') return Infinity;
  const p = parsePermyriad(v);
  const n = p !== undefined ? systemTasksMaxScale(p) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1)) throw new ValueError(`Invalid maximum tasks value '${v}', ignoring.`);
  return n;
});

/** One "PATH VALUE" entry of the IO*= lists. */
function deviceEntry(v: string, parseValue: (x: string) => number, what: string): { path: string; value: number } {
  const m = /^(\S+)\s+(\S+)$/.exec(v.trim());
  if (!m) throw new ValueError(`Invalid device ${what} '${v}', ignoring.`);
  if (!m[1]!.startsWith('/')) throw new ValueError(`Invalid device path '${m[1]}', ignoring.`);
  return { path: m[1]!, value: parseValue(m[2]!) };
}

/** IOReadBandwidthMax=/IOWriteBandwidthMax=/IOReadIOPSMax=/IOWriteIOPSMax=: "PATH SIZE", the size base 1000, or "infinity". */
export const ioLimitDirective = list((v) => [
  deviceEntry(v, (x) => {
    if (x === 'infinity') return Infinity;
    try {
      const n = parseSize(x, 1000);
      if (n > 0) return n;
    } catch {
      // fall through
    }
    throw new ValueError(`IO Limit '${x}' is invalid or out of range, ignoring.`);
  }, 'limit'),
]);

/** IODeviceWeight=: "PATH WEIGHT", 1…10000. */
export const ioDeviceWeightDirective = list((v) => [
  deviceEntry(v, (x) => {
    if (/^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= 10000) return Number(x);
    throw new ValueError(`IO weight '${x}' invalid, ignoring.`);
  }, 'weight'),
]);

/** IODeviceLatencyTargetSec=: "PATH TIMESPAN". */
export const ioLatencyDirective = list((v) => [deviceEntry(v, (x) => parseTimeSpan(x), 'latency')]);

/** The controllers in systemd's mask order, which is the order it prints them in. */
export const CGROUP_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids'] as const;
/** What Delegate=yes hands over, as systemd 252 shows it (the cgroup v2 controllers it knows). */
export const DELEGATE_ALL = ['cpu', 'cpuset', 'io', 'memory', 'pids'];

/** Delegate=: a boolean, or the controllers to delegate (which implies yes). */
export const delegateDirective = scalar((v) => {
  const b = /^(1|yes|y|true|t|on)$/i.test(v) ? true : /^(0|no|n|false|f|off)$/i.test(v) ? false : undefined;
  if (b !== undefined) return { delegate: b, controllers: b ? DELEGATE_ALL : [] };
  const words = v.split(/\s+/).filter(Boolean);
  for (const w of words) if (!(CGROUP_CONTROLLERS as readonly string[]).includes(w)) throw new ValueError(`Invalid controller name '${w}', ignoring.`);
  return { delegate: true, controllers: CGROUP_CONTROLLERS.filter((c) => words.includes(c)) };
});

/** DisableControllers=: controller names. */
export const disableControllersDirective = list((v) => {
  const words = v.split(/\s+/).filter(Boolean);
  for (const w of words) if (!(CGROUP_CONTROLLERS as readonly string[]).includes(w)) throw new ValueError(`Invalid controller name '${w}', ignoring.`);
  return words;
});

/** Slice=: the name of a slice unit (after specifier expansion); anything else is logged and ignored. */
export const sliceDirective = scalar((v, ctx) => {
  if (!isValidSliceName(v)) throw new ValueError(`Failed to assign slice ${v} to unit ${ctx.unit}, ignoring: Invalid argument`);
  if (ctx.unit.endsWith('.slice')) throw new ValueError(`Failed to assign slice ${v} to unit ${ctx.unit}, ignoring: Operation not permitted`);
  return v;
});

/** Every resource-control directive by name (Slice= included). */
export const resourceControlDirectives: Readonly<Record<string, DirectiveSpec>> = {
  Slice: sliceDirective as DirectiveSpec,
  CPUAccounting: booleanDirective(),
  CPUWeight: cpuWeightDirective as DirectiveSpec,
  StartupCPUWeight: cpuWeightDirective as DirectiveSpec,
  CPUQuota: cpuQuotaDirective as DirectiveSpec,
  CPUQuotaPeriodSec: cpuQuotaPeriodDirective as DirectiveSpec,
  AllowedCPUs: indexSetDirective as DirectiveSpec,
  StartupAllowedCPUs: indexSetDirective as DirectiveSpec,
  AllowedMemoryNodes: indexSetDirective as DirectiveSpec,
  StartupAllowedMemoryNodes: indexSetDirective as DirectiveSpec,
  IOAccounting: booleanDirective(),
  IOWeight: ioWeightDirective as DirectiveSpec,
  StartupIOWeight: ioWeightDirective as DirectiveSpec,
  IODeviceWeight: ioDeviceWeightDirective,
  IOReadBandwidthMax: ioLimitDirective,
  IOWriteBandwidthMax: ioLimitDirective,
  IOReadIOPSMax: ioLimitDirective,
  IOWriteIOPSMax: ioLimitDirective,
  IODeviceLatencyTargetSec: ioLatencyDirective,
  MemoryAccounting: booleanDirective(),
  DefaultMemoryMin: memoryLimitDirective as DirectiveSpec,
  DefaultMemoryLow: memoryLimitDirective as DirectiveSpec,
  MemoryMin: memoryLimitDirective as DirectiveSpec,
  MemoryLow: memoryLimitDirective as DirectiveSpec,
  MemoryHigh: memoryLimitDirective as DirectiveSpec,
  MemoryMax: memoryLimitDirective as DirectiveSpec,
  MemorySwapMax: memoryLimitDirective as DirectiveSpec,
  TasksAccounting: booleanDirective(),
  TasksMax: tasksMaxDirective as DirectiveSpec,
  IPAccounting: booleanDirective(),
  Delegate: delegateDirective as DirectiveSpec,
  DisableControllers: disableControllersDirective,
};

/** The sections that carry a CGroupContext in systemd, with the unit type each belongs to. */
export const cgroupContextSections: ReadonlyArray<{ section: string; unitType: string }> = [
  { section: 'Service', unitType: 'service' },
  { section: 'Socket', unitType: 'socket' },
  { section: 'Mount', unitType: 'mount' },
  { section: 'Swap', unitType: 'swap' },
  { section: 'Scope', unitType: 'scope' },
  { section: 'Slice', unitType: 'slice' },
];

/** One DirectiveTable per section, merged by the parser with the owning type's own table. */
export const resourceControlTables: readonly DirectiveTable[] = cgroupContextSections.map(({ section, unitType }) => ({
  section,
  unitTypes: [unitType],
  directives: { ...resourceControlDirectives },
}));
