/**
 * The cgroup properties `systemctl show` prints for unit types that run processes, in systemd's
 * order: Slice=, ControlGroup=, ControlGroupId=, MemoryCurrent=, MemoryAvailable=, CPUUsageNSec=,
 * TasksCurrent=. A service prints them right after its Exec*= properties (after ExecStopPostEx=,
 * before Delegate=…); a socket after its Exec*= properties too.
 */
import type { CgroupContext, PropertyList, Unit, UnitScope } from '@unitkit/core';
import { cgroupShowProperties, defaultCgroupContext } from '@unitkit/core';
import { CgroupUnitScope } from './cgroup-unit-scope.js';
import { unitSliceName } from './cgroup-hierarchy.js';
import { defaultTasksMax } from './default-tasks-max.js';

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
  return cgroupShowProperties(
    { slice, ...stats, ...(hasCgroup ? { controlGroup: cg!.controlGroup, controlGroupId: cg!.id() } : {}) },
    scope?.unit?.cgroupContext ?? defaultContext(),
  );
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
