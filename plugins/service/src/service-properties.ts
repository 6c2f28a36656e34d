/**
 * What `systemctl show` prints for a service, before the generic unit properties: systemd's
 * names, order and formats (checked against systemctl show of systemd 252). Cgroup properties
 * (Slice=, ControlGroup=, …) belong to the kill-mode plugin and are not listed here.
 */
import type { PropertyList, PropertyValue, Unit } from '@unitkit/core';
import { execCommandProperties, execContextProperties, killContextProperties, prop } from '@unitkit/core';
import { signalName, type ExitStatusSet } from '@unitkit/unit-file';
import { childExitCodeNumber } from '@unitkit/core';
import type { ServiceData } from './service-unit-type.js';
import { DEFAULT_TIMEOUT_USEC, execCommandLists } from './service-settings.js';

/** "3 USR1": statuses then signal names, as systemd prints an exit status set. */
export function formatExitStatusSet(set: ExitStatusSet): string {
  return [...[...set.statuses].sort((a, b) => a - b).map(String), ...set.signals.map((n) => signalName(n).replace(/^SIG/, ''))].join(' ');
}

/** An exit status set as show's text and D-Bus's (aiai): statuses, then signals. */
function exitStatusSetProp(set: ExitStatusSet): PropertyValue {
  return prop.raw(formatExitStatusSet(set), { bus: [[...set.statuses].sort((a, b) => a - b), [...set.signals]] });
}

/** The service's own properties, in systemd's order. `watchdogUsec` is the effective WatchdogSec=. */
export function serviceProperties(unit: Unit<ServiceData>, watchdogUsec: number): PropertyList {
  const d = unit.data;
  const s = d.settings;
  // A unit never loaded from a file shows systemd's service_init() values: no type, no OOM policy,
  // the manager's default start timeout.
  const loaded = !['not-found', 'masked', 'error'].includes(unit.loadState);
  const list: PropertyList = [
    ['Type', prop.string(loaded ? s.type : '')],
    ['ExitType', prop.string(s.exitType)],
    ['Restart', prop.string(s.restart)],
    ['PIDFile', prop.string(s.pidFile)],
    ['NotifyAccess', prop.string(s.notifyAccess)],
    ['RestartUSec', prop.usec(s.restartUsec)],
    ['TimeoutStartUSec', prop.usec(loaded ? s.timeoutStartUsec : DEFAULT_TIMEOUT_USEC)],
    ['TimeoutStopUSec', prop.usec(s.timeoutStopUsec)],
    ['TimeoutAbortUSec', prop.usec(s.timeoutAbortUsec)],
    ['TimeoutStartFailureMode', prop.string('terminate')],
    ['TimeoutStopFailureMode', prop.string('terminate')],
    ['RuntimeMaxUSec', prop.usec(s.runtimeMaxUsec)],
    ['RuntimeRandomizedExtraUSec', prop.usec(0)],
    ['WatchdogUSec', prop.usec(watchdogUsec)],
    ['WatchdogTimestamp', prop.timestamp(d.watchdogTimestamp.realtime)],
    ['WatchdogTimestampMonotonic', prop.int(d.watchdogTimestamp.monotonic)],
    ['RootDirectoryStartOnly', prop.bool(false)],
    ['RemainAfterExit', prop.bool(s.remainAfterExit)],
    ['GuessMainPID', prop.bool(s.guessMainPid)],
    ['RestartPreventExitStatus', exitStatusSetProp(s.restartPreventExitStatus)],
    ['RestartForceExitStatus', exitStatusSetProp(s.restartForceExitStatus)],
    ['SuccessExitStatus', exitStatusSetProp(s.successExitStatus)],
    ['MainPID', prop.int(d.mainPid ?? 0)],
    ['ControlPID', prop.int(d.controlPid ?? 0)],
    ['BusName', prop.string(s.busName)],
    ['FileDescriptorStoreMax', prop.int(s.fdStoreMax)],
    ['NFileDescriptorStore', prop.int(d.fdStore.length)],
    ['StatusText', prop.string(d.statusText)],
    ['StatusErrno', prop.int(d.statusErrno)],
    ['Result', prop.string(d.result)],
    ['ReloadResult', prop.string(d.reloadResult)],
    ['CleanResult', prop.string('success')],
    ['USBFunctionDescriptors', prop.string('')],
    ['USBFunctionStrings', prop.string('')],
    // The credentials a running process got from DynamicUser= (never, here): systemd prints "[not set]".
    ['UID', prop.raw('[not set]')],
    ['GID', prop.raw('[not set]')],
    ['NRestarts', prop.int(d.nRestarts)],
    // systemd's default: continue for a service that manages its own cgroup (Delegate=yes), else stop.
    ['OOMPolicy', prop.string(loaded ? (unit.cgroupContext?.delegate ? 'continue' : 'stop') : '')],
    ['ExecMainStartTimestamp', prop.timestamp(d.mainExec.startRealtime)],
    ['ExecMainStartTimestampMonotonic', prop.int(d.mainExec.startMonotonic)],
    ['ExecMainExitTimestamp', prop.timestamp(d.mainExec.exitRealtime)],
    ['ExecMainExitTimestampMonotonic', prop.int(d.mainExec.exitMonotonic)],
    ['ExecMainPID', prop.int(d.mainExec.pid)],
    ['ExecMainCode', prop.int(d.mainExec.code ? childExitCodeNumber[d.mainExec.code] : 0)],
    ['ExecMainStatus', prop.int(d.mainExec.status)],
  ];
  for (const l of execCommandLists) list.push(...execCommandProperties(l, s.exec[l], d.statuses[l]));
  // service_init() leaves standard output inherited until the manager's default is applied at load.
  const context = loaded ? s.context : { ...s.context, stdout: { kind: 'inherit' as const } };
  list.push(...execContextProperties(context, unit.manager.scope, unit.manager.environment.HOME, loaded));
  list.push(...killContextProperties(s.kill));
  return list;
}
