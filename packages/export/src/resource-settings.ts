/**
 * MemoryMax=, MemoryMin=, MemoryLow=, CPUQuota= and the other cgroup settings of
 * systemd.resource-control(5), read from the assignments as written: they belong to whichever
 * plugin enforces them in the pod, and the export only needs their values.
 */
import type { UnitDefinition } from '@unitkit/unit-file';
import { parseSize } from '@unitkit/unit-file';
import type { ExportReport } from './export-report.js';

/** The resource settings of one unit that a container's resources can express. */
export interface UnitResources {
  /** MemoryMax= (or the old MemoryLimit=) in bytes; Infinity for `infinity`. */
  memoryMax?: number;
  /** MemoryMin=, else MemoryLow=, in bytes: what the unit is guaranteed. */
  memoryRequest?: number;
  /** CPUQuota= in percent of one CPU (200 for `200%`). */
  cpuQuota?: number;
}

/** Settings of resource-control that have no counterpart in a container's resources, with why. */
export const UNMAPPED_RESOURCE_SETTINGS: Readonly<Record<string, string>> = {
  MemoryHigh: 'Kubernetes has no throttling limit below the hard one (memory.high is not settable per container)',
  MemorySwapMax: 'Kubernetes sets swap per node, not per container',
  CPUWeight: 'a relative weight has no absolute CPU request to become',
  StartupCPUWeight: 'a relative weight has no absolute CPU request to become',
  CPUShares: 'a relative weight has no absolute CPU request to become',
  CPUQuotaPeriodSec: 'the CFS period is the kubelet\'s, not the pod\'s',
  AllowedCPUs: 'CPU pinning is the kubelet\'s CPU manager policy, not the pod\'s',
  AllowedMemoryNodes: 'NUMA placement is the kubelet\'s memory manager policy, not the pod\'s',
  TasksMax: 'the pid limit is the kubelet\'s (podPidsLimit), not the pod\'s',
  IOWeight: 'Kubernetes has no block I/O resources',
  IODeviceWeight: 'Kubernetes has no block I/O resources',
  IOReadBandwidthMax: 'Kubernetes has no block I/O resources',
  IOWriteBandwidthMax: 'Kubernetes has no block I/O resources',
  IOReadIOPSMax: 'Kubernetes has no block I/O resources',
  IOWriteIOPSMax: 'Kubernetes has no block I/O resources',
  DeviceAllow: 'devices reach a pod through device plugins, not an allow list',
  DevicePolicy: 'devices reach a pod through device plugins, not an allow list',
  IPAddressAllow: 'use a NetworkPolicy',
  IPAddressDeny: 'use a NetworkPolicy',
  Slice: 'the pod is the slice: every unit runs in the one container',
};

/** The keys read here, so that the loader's "unknown key" warnings about them are not reported. */
export const RESOURCE_KEYS: ReadonlySet<string> = new Set(['MemoryMax', 'MemoryLimit', 'MemoryMin', 'MemoryLow', 'CPUQuota', ...Object.keys(UNMAPPED_RESOURCE_SETTINGS)]);

/** The last value of `key` in the unit's process section (an empty assignment resets it). */
function lastValue(def: UnitDefinition, section: string, key: string): { value: string; raw: string } | undefined {
  let found: { value: string; raw: string } | undefined;
  for (const a of def.assignments) {
    if (a.section !== section || a.key !== key) continue;
    found = a.value === '' ? undefined : { value: a.value, raw: `${key}=${a.value}` };
  }
  return found;
}

/** A memory size: bytes, or undefined (reported) for a percentage or a bad value. */
function memory(unit: string, v: { value: string; raw: string }, report: ExportReport): number | undefined {
  if (v.value === 'infinity') return Infinity;
  if (v.value.endsWith('%')) {
    report.add('does-not-map', unit, v.raw, 'a share of the machine\'s memory has no fixed size in a pod; give a size');
    return undefined;
  }
  try {
    return parseSize(v.value, 1024);
  } catch {
    report.add('error', unit, v.raw, 'not a size');
    return undefined;
  }
}

/** Reads the unit's resource settings from its `section` ([Service], [Socket]…), reporting what does not map. */
export function readUnitResources(unit: string, def: UnitDefinition, section: string, report: ExportReport): UnitResources {
  const out: UnitResources = {};
  const max = lastValue(def, section, 'MemoryMax') ?? lastValue(def, section, 'MemoryLimit');
  if (max) out.memoryMax = memory(unit, max, report);
  const min = lastValue(def, section, 'MemoryMin') ?? lastValue(def, section, 'MemoryLow');
  if (min) {
    const m = memory(unit, min, report);
    if (m !== undefined && m !== Infinity) out.memoryRequest = m;
  }
  const quota = lastValue(def, section, 'CPUQuota');
  if (quota) {
    const m = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(quota.value);
    if (m && Number(m[1]) > 0) out.cpuQuota = Number(m[1]);
    else report.add('error', unit, quota.raw, 'not a percentage');
  }
  for (const [key, why] of Object.entries(UNMAPPED_RESOURCE_SETTINGS)) {
    const v = lastValue(def, section, key);
    if (v) report.add('does-not-map', unit, v.raw, `${why} (the unit file in the pod keeps it, for the manager there)`);
  }
  return out;
}

/** A memory quantity: `64Mi`, `1536Ki`, or bytes. */
export function memoryQuantity(bytes: number): string {
  if (bytes % (1024 * 1024 * 1024) === 0) return `${bytes / (1024 * 1024 * 1024)}Gi`;
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}Mi`;
  if (bytes % 1024 === 0) return `${bytes / 1024}Ki`;
  return String(bytes);
}

/** A CPU quantity from a percentage of one CPU: 200 → `2`, 150 → `1500m`, 0.05 → `1m` (the smallest). */
export function cpuQuantity(percent: number): string {
  if (percent % 100 === 0) return String(percent / 100);
  return `${Math.max(1, Math.round(percent * 10))}m`;
}

/** Parses a memory quantity of our own options (`64Mi`, `1G`, bytes). */
export function parseMemoryOption(text: string): number {
  const m = /^([0-9]+)(Ki|Mi|Gi|K|M|G)?$/.exec(text.trim());
  if (!m) throw new Error(`not a memory size: ${text}`);
  const mult: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? mult[m[2]]! : 1);
}
