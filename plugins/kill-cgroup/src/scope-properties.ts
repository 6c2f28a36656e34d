/**
 * The cgroup properties `systemctl show` prints for unit types that run processes, in systemd's
 * order: Slice=, ControlGroup=, ControlGroupId=, MemoryCurrent=, MemoryAvailable=, CPUUsageNSec=,
 * TasksCurrent=. A service prints them right after its Exec*= properties (after ExecStopPostEx=,
 * before Delegate=…); a socket after its Exec*= properties too.
 */
import type { CgroupContext, PropertyList, Unit, UnitScope } from '@unitkit/core';
import { cgroupContextProperties, defaultCgroupContext, prop } from '@unitkit/core';
import { CgroupUnitScope } from './cgroup-unit-scope.js';
import { unitSliceName } from './cgroup-hierarchy.js';
import { defaultTasksMax } from './default-tasks-max.js';

/** systemctl prints "[not set]" for these counters when the kernel gives no value (UINT64_MAX). */
const notSet = prop.raw('[not set]');

/**
 * The scope's properties, ready to splice into a unit type's properties(). `slice` overrides the
 * Slice= shown (the fallback has no cgroup but systemd still names the slice).
 */
export function scopeProperties(scope: (UnitScope & { readonly unit?: Unit }) | undefined, opts: { slice?: string; active?: boolean } = {}): PropertyList {
  const cg = scope instanceof CgroupUnitScope ? scope : undefined;
  const slice = opts.slice ?? scope?.unit?.slice()?.id ?? (cg ? unitSliceName(cg.relativePath) : '');
  // Counters are only meaningful while the unit has a cgroup with processes (or had them).
  const stats = scope && opts.active !== false ? scope.stats() : {};
  const hasCgroup = !!cg && opts.active !== false && cg.exists();
  return [
    ['Slice', prop.string(slice)],
    ['ControlGroup', prop.string(hasCgroup ? cg!.controlGroup : '')],
    ['ControlGroupId', prop.int(hasCgroup ? cg!.id() : 0)],
    ['MemoryCurrent', stats.memory !== undefined ? prop.int(stats.memory) : notSet],
    ['MemoryAvailable', prop.raw('infinity')],
    ['CPUUsageNSec', stats.cpuNsec !== undefined ? prop.int(stats.cpuNsec) : notSet],
    ['EffectiveCPUs', prop.string('')],
    ['EffectiveMemoryNodes', prop.string('')],
    ['TasksCurrent', stats.tasks !== undefined ? prop.int(stats.tasks) : notSet],
    ...(stats.io ? ioCounters(stats.io) : counterDefaults),
    ...cgroupContextProperties(scope?.unit?.cgroupContext ?? defaultContext()),
  ];
}

/** UINT64_MAX, what systemd prints for an I/O counter it has no data for. */
const noCounter = prop.raw('18446744073709551615');
const noData = prop.raw('[no data]');

/** The IP and IO counters without data: unitkit does no IP accounting, IO only with IOAccounting=yes and io.stat. */
const counterDefaults: PropertyList = [
  ['IPIngressBytes', noData],
  ['IPIngressPackets', noData],
  ['IPEgressBytes', noData],
  ['IPEgressPackets', noData],
  ['IOReadBytes', noCounter],
  ['IOReadOperations', noCounter],
  ['IOWriteBytes', noCounter],
  ['IOWriteOperations', noCounter],
];

/** The IO counters from io.stat (IOAccounting=yes), the IP ones still without data. */
function ioCounters(io: { rbytes: number; wbytes: number; rios: number; wios: number }): PropertyList {
  return [
    ...counterDefaults.slice(0, 4),
    ['IOReadBytes', prop.int(io.rbytes)],
    ['IOReadOperations', prop.int(io.rios)],
    ['IOWriteBytes', prop.int(io.wbytes)],
    ['IOWriteOperations', prop.int(io.wios)],
  ];
}

let defaults: CgroupContext | undefined;

/**
 * The settings of a unit whose resource control nobody parsed (no slice plugin composed): systemd's
 * defaults, TasksMax= its DefaultTasksMax=.
 */
function defaultContext(): CgroupContext {
  defaults ??= defaultCgroupContext(defaultTasksMax());
  return defaults;
}
