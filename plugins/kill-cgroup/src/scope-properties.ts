/**
 * The cgroup properties `systemctl show` prints for unit types that run processes, in systemd's
 * order: Slice=, ControlGroup=, ControlGroupId=, MemoryCurrent=, MemoryAvailable=, CPUUsageNSec=,
 * TasksCurrent=. A service prints them right after its Exec*= properties (after ExecStopPostEx=,
 * before Delegate=…); a socket after its Exec*= properties too.
 */
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
    ['TasksCurrent', stats.tasks !== undefined ? prop.int(stats.tasks) : notSet],
  ];
}
