/**
 * The slice's `systemctl show` properties (org.freedesktop.systemd1.Slice of systemd 252): Slice=,
 * the cgroup and its counters, then the resource-control settings. Where a ProcessScopes port is
 * composed it supplies them (it knows the cgroup); otherwise the settings are printed with empty
 * counters, as systemd prints a slice that has no cgroup yet.
 */
import { cgroupContextProperties, defaultCgroupContext, prop, type PropertyList, type Unit } from '@unitkit/core';

const notSet = prop.raw('[not set]');
const noData = prop.raw('[no data]');
const noCounter = prop.raw('18446744073709551615');

/** Every Slice property of `unit`. */
export function sliceProperties(unit: Unit): PropertyList {
  const active = unit.activeState() !== 'inactive' && unit.activeState() !== 'failed';
  const fromScope = unit.manager.processScopes?.scope(unit).properties?.(active);
  if (fromScope && fromScope.length > 0) return fromScope;
  return [
    ['Slice', prop.string(unit.slice()?.id ?? '')],
    ['ControlGroup', prop.string('')],
    ['ControlGroupId', prop.int(0)],
    ['MemoryCurrent', notSet],
    ['MemoryAvailable', prop.raw('infinity')],
    ['CPUUsageNSec', notSet],
    ['EffectiveCPUs', prop.string('')],
    ['EffectiveMemoryNodes', prop.string('')],
    ['TasksCurrent', notSet],
    ['IPIngressBytes', noData],
    ['IPIngressPackets', noData],
    ['IPEgressBytes', noData],
    ['IPEgressPackets', noData],
    ['IOReadBytes', noCounter],
    ['IOReadOperations', noCounter],
    ['IOWriteBytes', noCounter],
    ['IOWriteOperations', noCounter],
    ...cgroupContextProperties(unit.cgroupContext ?? defaultCgroupContext(Infinity)),
  ];
}
