/**
 * The resource-control settings of systemd.resource-control(5), shared by every unit type that has
 * a cgroup (services, sockets, slices…), as systemd's CGroupContext. The slice plugin contributes
 * the directive table that parses them and puts the result on `unit.cgroupContext`; the
 * ProcessScopes implementation writes them to the unit's cgroup and prints them in `show` with
 * {@link cgroupContextProperties}. Percentages (MemoryMax=50%, TasksMax=10%) are resolved to
 * absolute values when parsed, as systemd shows them.
 */
import type { Usec } from './ports/event-loop.js';
import { prop, type PropertyList, type PropertyValue } from './property.js';
import { cpuSetBytes, formatCpuRanges } from './exec/exec-privileges.js';

/** One per-device limit or weight (IOReadBandwidthMax=/dev/sda 10M…): the path and the value. */
export interface CgroupDeviceValue {
  path: string;
  value: number;
}

/** systemd's CGroupContext, the parts unitkit parses. Unset numeric values are undefined ([not set]) or Infinity. */
export interface CgroupContext {
  cpuAccounting: boolean;
  ioAccounting: boolean;
  memoryAccounting: boolean;
  tasksAccounting: boolean;
  ipAccounting: boolean;
  /** CPUWeight= 1…10000, 0 for "idle"; undefined when unset. */
  cpuWeight?: number;
  startupCpuWeight?: number;
  /** CPUQuota= as µs of CPU time per second of wall time; Infinity when unset. */
  cpuQuotaPerSec: Usec;
  /** CPUQuotaPeriodSec=; Infinity when unset (the kernel's 100 ms then). */
  cpuQuotaPeriod: Usec;
  /** AllowedCPUs=/AllowedMemoryNodes= as sorted index lists (empty: unset). */
  allowedCpus: number[];
  startupAllowedCpus: number[];
  allowedMemoryNodes: number[];
  startupAllowedMemoryNodes: number[];
  ioWeight?: number;
  startupIoWeight?: number;
  ioDeviceWeight: CgroupDeviceValue[];
  ioReadBandwidthMax: CgroupDeviceValue[];
  ioWriteBandwidthMax: CgroupDeviceValue[];
  ioReadIopsMax: CgroupDeviceValue[];
  ioWriteIopsMax: CgroupDeviceValue[];
  /** IODeviceLatencyTargetSec=, µs per device. */
  ioDeviceLatencyTarget: CgroupDeviceValue[];
  defaultMemoryMin: number;
  defaultMemoryLow: number;
  memoryMin: number;
  memoryLow: number;
  /** Bytes; Infinity when unset ("infinity"). */
  memoryHigh: number;
  memoryMax: number;
  memorySwapMax: number;
  /** TasksMax=: a count or Infinity. */
  tasksMax: number;
  /** Delegate=: whether the unit may manage its own cgroup subtree. */
  delegate: boolean;
  /** The controllers delegated (Delegate=yes: every one systemd can delegate). */
  delegateControllers: string[];
  /** DisableControllers=. */
  disableControllers: string[];
}

/** A context with systemd's defaults (cgroup_context_init()); `tasksMax` is the manager's default or Infinity for slices. */
export function defaultCgroupContext(tasksMax: number): CgroupContext {
  return {
    cpuAccounting: false,
    ioAccounting: false,
    memoryAccounting: true,
    tasksAccounting: true,
    ipAccounting: false,
    cpuQuotaPerSec: Infinity,
    cpuQuotaPeriod: Infinity,
    allowedCpus: [],
    startupAllowedCpus: [],
    allowedMemoryNodes: [],
    startupAllowedMemoryNodes: [],
    ioDeviceWeight: [],
    ioReadBandwidthMax: [],
    ioWriteBandwidthMax: [],
    ioReadIopsMax: [],
    ioWriteIopsMax: [],
    ioDeviceLatencyTarget: [],
    defaultMemoryMin: 0,
    defaultMemoryLow: 0,
    memoryMin: 0,
    memoryLow: 0,
    memoryHigh: Infinity,
    memoryMax: Infinity,
    memorySwapMax: Infinity,
    tasksMax,
    delegate: false,
    delegateControllers: [],
    disableControllers: [],
  };
}

/**
 * A CPU or NUMA node set as systemctl prints it: ranges, space-separated ("0-1 3"); on D-Bus a
 * bitmask, one bit per index, as systemd's cpu_set_to_dbus().
 */
export function formatIndexSet(set: readonly number[]): PropertyValue {
  return prop.raw(formatCpuRanges(set), { bus: cpuSetBytes(set) });
}

/** "[not set]" for an unset weight (UINT64_MAX), "idle" for CPUWeight=idle (0), else the number. */
function weight(v: number | undefined, idle: boolean): PropertyValue {
  if (v === undefined) return prop.raw('[not set]');
  if (idle && v === 0) return prop.raw('idle', { bus: 0 });
  return prop.int(v);
}

/** One line per device ("IOReadBandwidthMax=/dev/vda 10000000"), as systemctl prints a(st). */
function deviceLines(name: string, list: readonly CgroupDeviceValue[]): PropertyList {
  return list.map((d) => [name, prop.raw(`${d.path} ${d.value}`, { busItem: [d.path, d.value] })]);
}

/** What a process scope knows of a unit's cgroup for `show`; absent counters print as systemd's "no value". */
export interface CgroupShowState {
  slice: string;
  /** ControlGroup= ('' without a cgroup) and ControlGroupId= (0). */
  controlGroup?: string;
  controlGroupId?: number;
  memory?: number;
  cpuNsec?: number;
  tasks?: number;
  io?: { rbytes: number; wbytes: number; rios: number; wios: number };
}

const notSet = prop.raw('[not set]');
/** UINT64_MAX: an I/O counter without data. */
const noCounter = prop.raw('18446744073709551615');
const noData = prop.raw('[no data]');

/**
 * The cgroup part of `show` for a unit with a cgroup context, in systemd's order: Slice=,
 * ControlGroup=, ControlGroupId=, the memory, CPU and task counters, the IP counters (unitkit does
 * no IP accounting), the IO counters (with IOAccounting= and io.stat), then the settings. One
 * table for every type: services and sockets through their process scope, slices too.
 */
export function cgroupShowProperties(st: CgroupShowState, c: CgroupContext): PropertyList {
  const count = (v: number | undefined) => (v !== undefined ? prop.int(v) : notSet);
  const io = st.io;
  return [
    ['Slice', prop.string(st.slice)],
    ['ControlGroup', prop.string(st.controlGroup ?? '')],
    ['ControlGroupId', prop.int(st.controlGroupId ?? 0)],
    ['MemoryCurrent', count(st.memory)],
    ['MemoryAvailable', prop.raw('infinity')],
    ['CPUUsageNSec', count(st.cpuNsec)],
    ['EffectiveCPUs', prop.string('')],
    ['EffectiveMemoryNodes', prop.string('')],
    ['TasksCurrent', count(st.tasks)],
    ['IPIngressBytes', noData],
    ['IPIngressPackets', noData],
    ['IPEgressBytes', noData],
    ['IPEgressPackets', noData],
    ['IOReadBytes', io ? prop.int(io.rbytes) : noCounter],
    ['IOReadOperations', io ? prop.int(io.rios) : noCounter],
    ['IOWriteBytes', io ? prop.int(io.wbytes) : noCounter],
    ['IOWriteOperations', io ? prop.int(io.wios) : noCounter],
    ...cgroupContextProperties(c),
  ];
}

/**
 * The resource-control properties in systemd 252's order (after the IP and IO counters): Delegate=
 * … ManagedOOMPreference=, with systemd's formats — "[not set]" for unset weights, "infinity" for
 * unset limits, one line per device entry.
 */
export function cgroupContextProperties(c: CgroupContext): PropertyList {
  const notSet = prop.raw('[not set]');
  return [
    ['Delegate', prop.bool(c.delegate)],
    ['DelegateControllers', prop.strv(c.delegateControllers)],
    ['CPUAccounting', prop.bool(c.cpuAccounting)],
    ['CPUWeight', weight(c.cpuWeight, true)],
    ['StartupCPUWeight', weight(c.startupCpuWeight, true)],
    ['CPUShares', notSet],
    ['StartupCPUShares', notSet],
    ['CPUQuotaPerSecUSec', prop.usec(c.cpuQuotaPerSec)],
    ['CPUQuotaPeriodUSec', prop.usec(c.cpuQuotaPeriod)],
    ['AllowedCPUs', formatIndexSet(c.allowedCpus)],
    ['StartupAllowedCPUs', formatIndexSet(c.startupAllowedCpus)],
    ['AllowedMemoryNodes', formatIndexSet(c.allowedMemoryNodes)],
    ['StartupAllowedMemoryNodes', formatIndexSet(c.startupAllowedMemoryNodes)],
    ['IOAccounting', prop.bool(c.ioAccounting)],
    ['IOWeight', weight(c.ioWeight, false)],
    ['StartupIOWeight', weight(c.startupIoWeight, false)],
    ...deviceLines('IODeviceWeight', c.ioDeviceWeight),
    ...deviceLines('IOReadBandwidthMax', c.ioReadBandwidthMax),
    ...deviceLines('IOWriteBandwidthMax', c.ioWriteBandwidthMax),
    ...deviceLines('IOReadIOPSMax', c.ioReadIopsMax),
    ...deviceLines('IOWriteIOPSMax', c.ioWriteIopsMax),
    ...deviceLines('IODeviceLatencyTargetUSec', c.ioDeviceLatencyTarget),
    ['BlockIOAccounting', prop.bool(false)],
    ['BlockIOWeight', notSet],
    ['StartupBlockIOWeight', notSet],
    ['MemoryAccounting', prop.bool(c.memoryAccounting)],
    ['DefaultMemoryLow', prop.int(c.defaultMemoryLow)],
    ['DefaultMemoryMin', prop.int(c.defaultMemoryMin)],
    ['MemoryMin', prop.int(c.memoryMin)],
    ['MemoryLow', prop.int(c.memoryLow)],
    ['MemoryHigh', prop.int(c.memoryHigh)],
    ['MemoryMax', prop.int(c.memoryMax)],
    ['MemorySwapMax', prop.int(c.memorySwapMax)],
    ['MemoryLimit', prop.int(Infinity)],
    ['DevicePolicy', prop.string('auto')],
    ['TasksAccounting', prop.bool(c.tasksAccounting)],
    ['TasksMax', prop.int(c.tasksMax)],
    ['IPAccounting', prop.bool(c.ipAccounting)],
    ['IPAddressAllow', prop.strv([])],
    ['IPAddressDeny', prop.strv([])],
    ['IPIngressFilterPath', prop.strv([])],
    ['IPEgressFilterPath', prop.strv([])],
    ['DisableControllers', prop.strv(c.disableControllers)],
    ['ManagedOOMSwap', prop.string('auto')],
    ['ManagedOOMMemoryPressure', prop.string('auto')],
    ['ManagedOOMMemoryPressureLimit', prop.int(0)],
    ['ManagedOOMPreference', prop.string('none')],
    // An allow-list that allows everything: systemctl prints "~" (only with --all).
    ['RestrictNetworkInterfaces', prop.hidden('~')],
  ];
}
