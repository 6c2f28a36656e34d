/**
 * The slice's `systemctl show` properties (org.freedesktop.systemd1.Slice of systemd 252): Slice=,
 * the cgroup and its counters, then the resource-control settings. Where a ProcessScopes port is
 * composed it supplies them (it knows the cgroup); otherwise the settings are printed with empty
 * counters, as systemd prints a slice that has no cgroup yet.
 */
import { cgroupShowProperties, defaultCgroupContext, type PropertyList, type Unit } from '@unitkit/core';

/** Every Slice property of `unit`. */
export function sliceProperties(unit: Unit): PropertyList {
  const active = unit.activeState() !== 'inactive' && unit.activeState() !== 'failed';
  const fromScope = unit.manager.processScopes?.scope(unit).properties?.(active);
  if (fromScope && fromScope.length > 0) return fromScope;
  return cgroupShowProperties({ slice: unit.slice()?.id ?? '' }, unit.cgroupContext ?? defaultCgroupContext(Infinity));
}
