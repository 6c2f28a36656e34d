/**
 * The cgroup properties `systemctl show` prints for unit types that run processes, in systemd's
 * order: Slice=, ControlGroup=, ControlGroupId=, MemoryCurrent=, MemoryAvailable=, CPUUsageNSec=,
 * TasksCurrent=. A service prints them right after its Exec*= properties (after ExecStopPostEx=,
 * before Delegate=…); a socket after its Exec*= properties too.
 */
import * as fs from 'node:fs';
import type { CgroupContext, PropertyList, Unit, UnitScope } from '@unitkit/core';
import { cgroupContextProperties, defaultCgroupContext, prop } from '@unitkit/core';
import { CgroupUnitScope } from './cgroup-unit-scope.js';
import { unitSliceName } from './cgroup-hierarchy.js';

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
    ...counterDefaults,
    ...cgroupContextProperties(scope?.unit?.cgroupContext ?? defaultContext()),
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

/** The IP and IO counters: unitkit does no IP or IO accounting, so systemd's "no data" values. */
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

let defaults: CgroupContext | undefined;

/**
 * The settings of a unit whose resource control nobody parsed (no slice plugin composed): systemd's
 * defaults, TasksMax= its DefaultTasksMax=.
 */
function defaultContext(): CgroupContext {
  defaults ??= defaultCgroupContext(defaultTasksMax());
  return defaults;
}
