/**
 * The cgroup properties `systemctl show` prints for unit types that run processes, in systemd's
 * order: Slice=, ControlGroup=, ControlGroupId=, MemoryCurrent=, MemoryAvailable=, CPUUsageNSec=,
 * TasksCurrent=. A service prints them right after its Exec*= properties (after ExecStopPostEx=,
 * before Delegate=…); a socket after its Exec*= properties too.
 */
import * as fs from 'node:fs';
import type { PropertyList, UnitScope } from '@unitkit/core';
import { prop } from '@unitkit/core';
import { CgroupUnitScope } from './cgroup-unit-scope.js';
import { unitSliceName } from './cgroup-hierarchy.js';

/** systemctl prints "[not set]" for these counters when the kernel gives no value (UINT64_MAX). */
const notSet = prop.raw('[not set]');

/**
 * The scope's properties, ready to splice into a unit type's properties(). `slice` overrides the
 * Slice= shown (the fallback has no cgroup but systemd still names the slice).
 */
export function scopeProperties(scope: UnitScope | undefined, opts: { slice?: string; active?: boolean } = {}): PropertyList {
  const cg = scope instanceof CgroupUnitScope ? scope : undefined;
  const slice = opts.slice ?? (cg ? unitSliceName(cg.relativePath) : '');
  // Counters are only meaningful while the unit has a cgroup with processes (or had them).
  const stats = scope && opts.active !== false ? scope.stats() : {};
  const hasCgroup = !!cg && stats.tasks !== undefined;
  return [
    ['Slice', prop.string(slice)],
    ['ControlGroup', prop.string(hasCgroup ? cg!.controlGroup : '')],
    ['ControlGroupId', prop.int(hasCgroup ? cg!.id() : 0)],
    ['MemoryCurrent', stats.memory !== undefined ? prop.int(stats.memory) : notSet],
    ['MemoryAvailable', prop.raw('infinity')],
    ['CPUUsageNSec', notSet],
    ['EffectiveCPUs', prop.string('')],
    ['EffectiveMemoryNodes', prop.string('')],
    ['TasksCurrent', stats.tasks !== undefined ? prop.int(stats.tasks) : notSet],
    ...resourceControlDefaults(),
  ];
}

/** UINT64_MAX, what systemd prints for an I/O counter it has no data for. */
const noCounter = prop.raw('18446744073709551615');
const noData = prop.raw('[no data]');

/**
 * systemd's DefaultTasksMax=: 15% of what the kernel allows (the smaller of pid_max - 1 and
 * threads-max), read once.
 */
function defaultTasksMax(): number {
  const read = (p: string) => {
    try {
      return Number(fs.readFileSync(p, 'utf8').trim());
    } catch {
      return NaN;
    }
  };
  const limit = Math.min(read('/proc/sys/kernel/pid_max') - 1, read('/proc/sys/kernel/threads-max'), 4194303);
  return Number.isFinite(limit) ? Math.floor((limit * 15) / 100) : 4915;
}

let resourceDefaults: PropertyList | undefined;

/**
 * The cgroup resource-control settings (systemd.resource-control(5)) with systemd's defaults: unitkit
 * enables no controllers, so these are what systemd shows for a unit that sets none of them.
 */
function resourceControlDefaults(): PropertyList {
  const no = prop.bool(false);
  const notSet = prop.raw('[not set]');
  const infinity = prop.raw('infinity');
  resourceDefaults ??= [
    ['IPIngressBytes', noData],
    ['IPIngressPackets', noData],
    ['IPEgressBytes', noData],
    ['IPEgressPackets', noData],
    ['IOReadBytes', noCounter],
    ['IOReadOperations', noCounter],
    ['IOWriteBytes', noCounter],
    ['IOWriteOperations', noCounter],
    ['Delegate', no],
    ['DelegateControllers', prop.strv([])],
    ['CPUAccounting', no],
    ['CPUWeight', notSet],
    ['StartupCPUWeight', notSet],
    ['CPUShares', notSet],
    ['StartupCPUShares', notSet],
    ['CPUQuotaPerSecUSec', infinity],
    ['CPUQuotaPeriodUSec', infinity],
    ['AllowedCPUs', prop.string('')],
    ['StartupAllowedCPUs', prop.string('')],
    ['AllowedMemoryNodes', prop.string('')],
    ['StartupAllowedMemoryNodes', prop.string('')],
    ['IOAccounting', no],
    ['IOWeight', notSet],
    ['StartupIOWeight', notSet],
    ['BlockIOAccounting', no],
    ['BlockIOWeight', notSet],
    ['StartupBlockIOWeight', notSet],
    ['MemoryAccounting', prop.bool(true)],
    ['DefaultMemoryLow', prop.int(0)],
    ['DefaultMemoryMin', prop.int(0)],
    ['MemoryMin', prop.int(0)],
    ['MemoryLow', prop.int(0)],
    ['MemoryHigh', infinity],
    ['MemoryMax', infinity],
    ['MemorySwapMax', infinity],
    ['MemoryLimit', infinity],
    ['DevicePolicy', prop.string('auto')],
    ['TasksAccounting', prop.bool(true)],
    ['TasksMax', prop.int(defaultTasksMax())],
    ['IPAccounting', no],
    ['IPAddressAllow', prop.strv([])],
    ['IPAddressDeny', prop.strv([])],
    ['IPIngressFilterPath', prop.strv([])],
    ['IPEgressFilterPath', prop.strv([])],
    ['DisableControllers', prop.strv([])],
    ['ManagedOOMSwap', prop.string('auto')],
    ['ManagedOOMMemoryPressure', prop.string('auto')],
    ['ManagedOOMMemoryPressureLimit', prop.int(0)],
    ['ManagedOOMPreference', prop.string('none')],
    // An allow-list that allows everything: systemctl prints "~" (only with --all).
    ['RestrictNetworkInterfaces', prop.hidden('~')],
  ];
  return resourceDefaults;
}
