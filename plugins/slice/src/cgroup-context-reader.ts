/**
 * Turns a parsed section ([Service], [Socket], [Slice]…) into core's CgroupContext: the values the
 * resource-control table parsed, over systemd's defaults.
 */
import { defaultCgroupContext, type CgroupContext, type CgroupDeviceValue } from '@unitkit/core';

import { resourceControlDirectives } from './resource-control-directives.js';

const keys = Object.keys(resourceControlDirectives).filter((k) => k !== 'Slice');
/** One frozen default context per default TasksMax=: most units set nothing, and thousands of units share it. */
const shared = new Map<number, CgroupContext>();

function sharedDefault(tasksMax: number): CgroupContext {
  let c = shared.get(tasksMax);
  if (!c) {
    c = defaultCgroupContext(tasksMax);
    for (const v of Object.values(c)) if (Array.isArray(v)) Object.freeze(v);
    shared.set(tasksMax, Object.freeze(c));
  }
  return c;
}

/**
 * Reads the resource-control settings of one section; `tasksMax` is the default TasksMax= for this
 * unit. A section without any of them gets a shared, frozen default.
 */
export function readCgroupContext(section: ReadonlyMap<string, unknown> | undefined, tasksMax: number): CgroupContext {
  if (!section || !keys.some((k) => section.has(k))) return sharedDefault(tasksMax);
  const c = defaultCgroupContext(tasksMax);
  const get = <T>(k: string, d: T): T => (section.get(k) as T | undefined) ?? d;
  const delegate = get<{ delegate: boolean; controllers: string[] } | undefined>('Delegate', undefined);
  return {
    ...c,
    cpuAccounting: get('CPUAccounting', c.cpuAccounting),
    ioAccounting: get('IOAccounting', c.ioAccounting),
    memoryAccounting: get('MemoryAccounting', c.memoryAccounting),
    tasksAccounting: get('TasksAccounting', c.tasksAccounting),
    ipAccounting: get('IPAccounting', c.ipAccounting),
    cpuWeight: get<number | undefined>('CPUWeight', undefined),
    startupCpuWeight: get<number | undefined>('StartupCPUWeight', undefined),
    cpuQuotaPerSec: get('CPUQuota', c.cpuQuotaPerSec),
    cpuQuotaPeriod: get('CPUQuotaPeriodSec', c.cpuQuotaPeriod),
    allowedCpus: get('AllowedCPUs', c.allowedCpus),
    startupAllowedCpus: get('StartupAllowedCPUs', c.startupAllowedCpus),
    allowedMemoryNodes: get('AllowedMemoryNodes', c.allowedMemoryNodes),
    startupAllowedMemoryNodes: get('StartupAllowedMemoryNodes', c.startupAllowedMemoryNodes),
    ioWeight: get<number | undefined>('IOWeight', undefined),
    startupIoWeight: get<number | undefined>('StartupIOWeight', undefined),
    ioDeviceWeight: get<CgroupDeviceValue[]>('IODeviceWeight', []),
    ioReadBandwidthMax: get<CgroupDeviceValue[]>('IOReadBandwidthMax', []),
    ioWriteBandwidthMax: get<CgroupDeviceValue[]>('IOWriteBandwidthMax', []),
    ioReadIopsMax: get<CgroupDeviceValue[]>('IOReadIOPSMax', []),
    ioWriteIopsMax: get<CgroupDeviceValue[]>('IOWriteIOPSMax', []),
    ioDeviceLatencyTarget: get<CgroupDeviceValue[]>('IODeviceLatencyTargetSec', []),
    defaultMemoryMin: get('DefaultMemoryMin', c.defaultMemoryMin),
    defaultMemoryLow: get('DefaultMemoryLow', c.defaultMemoryLow),
    memoryMin: get('MemoryMin', c.memoryMin),
    memoryLow: get('MemoryLow', c.memoryLow),
    memoryHigh: get('MemoryHigh', c.memoryHigh),
    memoryMax: get('MemoryMax', c.memoryMax),
    memorySwapMax: get('MemorySwapMax', c.memorySwapMax),
    tasksMax: get('TasksMax', c.tasksMax),
    delegate: delegate?.delegate ?? false,
    delegateControllers: delegate?.controllers ?? [],
    disableControllers: get<string[]>('DisableControllers', []),
  };
}
