/**
 * Resource control on cgroup v2 (systemd's cgroup_context_apply()): a unit's CgroupContext becomes
 * writes to its cgroup's interface files (memory.max, cpu.max, pids.max, io.max, cpuset.cpus…),
 * after the controllers are enabled in `cgroup.subtree_control` of every cgroup from the manager's
 * subtree down to the unit's parent. A controller the manager's subtree does not have (listed in
 * its `cgroup.controllers`) cannot be enabled: those settings are kept and shown, and reported as
 * not enforced.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupContext, CgroupDeviceValue } from '@unitkit/core';
import { formatCpuRanges } from '@unitkit/core';

/** One write to a cgroup interface file, and the setting it carries out. */
export interface CgroupWrite {
  controller: 'memory' | 'cpu' | 'pids' | 'io' | 'cpuset';
  file: string;
  value: string;
  /** The setting as the unit file names it, for the "not enforced" note ("MemoryMax=1073741824"). */
  setting: string;
  /** A default the unit did not ask for (DefaultTasksMax=): applied where possible, never reported. */
  implicit?: boolean;
}

/** cgroup v2's "max" for an unlimited value. */
const max = (v: number): string => (v === Infinity ? 'max' : String(v));

/** The kernel's default CPU period: 100 ms. */
const DEFAULT_CPU_PERIOD = 100_000;


/**
 * The block device behind a path, as "MAJOR:MINOR" for io.* files: the device itself for a device
 * node, else the device of the file system holding the path. Undefined when it cannot be stat()ed.
 */
export function blockDeviceOf(p: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return undefined;
  }
  const dev = st.isBlockDevice() ? st.rdev : st.dev;
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 4096) & 0xfff00));
  return `${major}:${minor}`;
}

/**
 * The writes that carry out `c`, for the settings that differ from systemd's defaults (a fresh
 * cgroup already has the defaults), plus TasksMax= whenever it is finite (systemd applies
 * DefaultTasksMax= too). `tasksDefault` is the TasksMax= a unit gets when it sets none.
 */
export function resourceControlWrites(c: CgroupContext, deviceOf: (p: string) => string | undefined = blockDeviceOf, tasksDefault?: number): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  const add = (controller: CgroupWrite['controller'], file: string, value: string, setting: string) => w.push({ controller, file, value, setting });
  if (c.memoryMin > 0) add('memory', 'memory.min', String(c.memoryMin), `MemoryMin=${c.memoryMin}`);
  if (c.memoryLow > 0) add('memory', 'memory.low', String(c.memoryLow), `MemoryLow=${c.memoryLow}`);
  if (c.memoryHigh !== Infinity) add('memory', 'memory.high', max(c.memoryHigh), `MemoryHigh=${c.memoryHigh}`);
  if (c.memoryMax !== Infinity) add('memory', 'memory.max', max(c.memoryMax), `MemoryMax=${c.memoryMax}`);
  if (c.memorySwapMax !== Infinity) add('memory', 'memory.swap.max', max(c.memorySwapMax), `MemorySwapMax=${c.memorySwapMax}`);
  if (c.cpuWeight === 0) add('cpu', 'cpu.idle', '1', 'CPUWeight=idle');
  else if (c.cpuWeight !== undefined) add('cpu', 'cpu.weight', String(c.cpuWeight), `CPUWeight=${c.cpuWeight}`);
  if (c.cpuQuotaPerSec !== Infinity || c.cpuQuotaPeriod !== Infinity) {
    const period = c.cpuQuotaPeriod === Infinity ? DEFAULT_CPU_PERIOD : Math.min(Math.max(c.cpuQuotaPeriod, 1000), 1_000_000);
    const quota = c.cpuQuotaPerSec === Infinity ? 'max' : String(Math.max(1000, Math.floor((c.cpuQuotaPerSec * period) / 1_000_000)));
    const setting = c.cpuQuotaPerSec === Infinity ? `CPUQuotaPeriodSec=${period}us` : `CPUQuota=${c.cpuQuotaPerSec / 10000}%`;
    add('cpu', 'cpu.max', `${quota} ${period}`, setting);
  }
  if (c.allowedCpus.length > 0) add('cpuset', 'cpuset.cpus', formatCpuRanges(c.allowedCpus, ','), `AllowedCPUs=${formatCpuRanges(c.allowedCpus, ',')}`);
  if (c.allowedMemoryNodes.length > 0) add('cpuset', 'cpuset.mems', formatCpuRanges(c.allowedMemoryNodes, ','), `AllowedMemoryNodes=${formatCpuRanges(c.allowedMemoryNodes, ',')}`);
  if (c.tasksMax !== Infinity) {
    add('pids', 'pids.max', max(c.tasksMax), `TasksMax=${c.tasksMax}`);
    if (c.tasksMax === tasksDefault) w[w.length - 1]!.implicit = true;
  }
  if (c.ioWeight !== undefined) add('io', 'io.weight', `default ${c.ioWeight}`, `IOWeight=${c.ioWeight}`);
  for (const d of c.ioDeviceWeight) {
    const dev = deviceOf(d.path);
    if (dev) add('io', 'io.weight', `${dev} ${d.value}`, `IODeviceWeight=${d.path} ${d.value}`);
  }
  // io.max takes one line per device with every limit that applies to it.
  const limits = new Map<string, { dev: string; keys: string[]; settings: string[] }>();
  const limit = (list: readonly CgroupDeviceValue[], key: string, name: string) => {
    for (const d of list) {
      const dev = deviceOf(d.path);
      if (!dev) continue;
      const e = limits.get(dev) ?? { dev, keys: [], settings: [] };
      e.keys.push(`${key}=${max(d.value)}`);
      e.settings.push(`${name}=${d.path} ${d.value}`);
      limits.set(dev, e);
    }
  };
  limit(c.ioReadBandwidthMax, 'rbps', 'IOReadBandwidthMax');
  limit(c.ioWriteBandwidthMax, 'wbps', 'IOWriteBandwidthMax');
  limit(c.ioReadIopsMax, 'riops', 'IOReadIOPSMax');
  limit(c.ioWriteIopsMax, 'wiops', 'IOWriteIOPSMax');
  for (const e of limits.values()) add('io', 'io.max', `${e.dev} ${e.keys.join(' ')}`, e.settings.join(', '));
  return w;
}

/** What applying a context did. */
export interface ResourceControlResult {
  /** The settings written. */
  enforced: string[];
  /** The settings that could not be written, and why, for `status`. */
  notEnforced: string[];
  /** Controllers needed but not available in the manager's subtree. */
  missingControllers: string[];
}

/** Reads the controllers listed in a cgroup's cgroup.controllers (or subtree_control). */
function readControllers(file: string): Set<string> {
  try {
    return new Set(fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

/**
 * Enables what `c` needs on the way from `root` (the manager's subtree) down to `dir`'s parent and
 * writes `c` into `dir`. Never throws: a failure is reported in the result (and the cgroup keeps
 * the kernel's defaults for that setting).
 */
export function applyResourceControl(
  root: string,
  dir: string,
  c: CgroupContext,
  opts: { deviceOf?: (p: string) => string | undefined; tasksDefault?: number; dryRun?: boolean } = {},
): ResourceControlResult {
  const writes = resourceControlWrites(c, opts.deviceOf, opts.tasksDefault);
  const result: ResourceControlResult = { enforced: [], notEnforced: [], missingControllers: [] };
  if (writes.length === 0 && !c.delegate) return result;
  const available = readControllers(path.join(root, 'cgroup.controllers'));
  // Delegate=: the delegated controllers are enabled down to the unit's cgroup, so the unit can
  // turn them on for the sub-cgroups it makes (systemd's cgroup_context_get_mask() with delegation).
  const needed = [...new Set([...(c.delegate ? c.delegateControllers : []), ...writes.map((w) => w.controller)])];
  const usable = new Set(needed.filter((x) => available.has(x)));
  // Only controllers the unit asked for are worth a note; a missing one for a default is not.
  result.missingControllers = [...new Set(writes.filter((w) => !w.implicit && !available.has(w.controller)).map((w) => w.controller))];
  // Every cgroup from the subtree down to the unit's parent delegates the controllers to the next.
  const chain: string[] = [];
  for (let d = path.dirname(dir); d === root || d.startsWith(root + '/'); d = path.dirname(d)) chain.unshift(d);
  for (const d of opts.dryRun ? [] : chain) {
    const enabled = readControllers(path.join(d, 'cgroup.subtree_control'));
    const missing = [...usable].filter((x) => !enabled.has(x));
    if (missing.length === 0) continue;
    try {
      fs.writeFileSync(path.join(d, 'cgroup.subtree_control'), missing.map((x) => `+${x}`).join(' '));
    } catch (e) {
      for (const x of missing) usable.delete(x);
      result.missingControllers.push(...missing.map((x) => `${x} (${(e as NodeJS.ErrnoException).code ?? 'error'} enabling it in ${d})`));
    }
  }
  for (const w of writes) {
    if (!usable.has(w.controller)) {
      if (!w.implicit) result.notEnforced.push(w.setting);
      continue;
    }
    if (opts.dryRun) {
      result.enforced.push(w.setting);
      continue;
    }
    try {
      fs.writeFileSync(path.join(dir, w.file), w.value);
      result.enforced.push(w.setting);
    } catch (e) {
      if (!w.implicit) result.notEnforced.push(`${w.setting} (${w.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return result;
}

/** The sentence `status` shows for settings that are kept but not applied, or undefined when all are. */
export function notEnforcedText(r: ResourceControlResult, root: string): string | undefined {
  if (r.notEnforced.length === 0) return undefined;
  const why = r.missingControllers.length > 0 ? `no ${r.missingControllers.join(', ')} controller in ${root}` : 'the cgroup refused them';
  return `${r.notEnforced.join(', ')} not enforced: ${why}`;
}
