/**
 * The service unit type (systemd.service(5)): runs and supervises processes with systemd's full
 * lifecycle — condition, start-pre, start, start-post, running/exited, reload, stop, stop-post and
 * the signal escalation between them, auto-restart, sd_notify and the watchdog.
 *
 * Written the way service.c is: one setState() that alone writes the state and does the entry
 * and exit work, enter*() transitions, and event handlers that only route on the current state.
 */
import { readFileSync } from 'node:fs';
import { inject, injectable, optional } from 'inversify';
import {
  formatExitStatus,
  isCleanExit,
  remoteAddressOf,
  spliceScopeProperties,
  BusNameWatcher, ExecPrepareError, FdOperations, IpcObjects, UtmpRecords, LogRateLimit, UserDatabase, VolatileMounts, removeIpcObjects, cleanableExecResources, destroyRuntimeData, execDirectoryMountPaths, execDirectoryPrefixes, destroysRuntimeData, releaseDynamicCredentials, NotifyReceiver, OutputCapture, ProcessScopes, ProcessSpawner, UnitLoadError, buildExecSpec, destroyExecRuntime,
  emptyExecStatus,
} from '@unitkit/core';
import type {
  AcceptedConnection, Disposable, Manager,
  CapturedStream,
  ChildExit, ChildExitCode, ExecStatus, KillOperation, KillWhom, LogLevel, NotifySender, PropertyList, Unit, UnitActionResult,
  UnitActiveState, UnitDefinition, UnitType,
} from '@unitkit/core';
import { formatTimeSpan, readRegularFile, signalName, type ExecCommand, type ExitStatusSet } from '@unitkit/unit-file';
import { controlStates, mainStates, serviceStateTable, timerStates, watchdogStates, type ServiceState } from './service-state.js';
import { firstFailure, type ServiceResult } from './service-result.js';
import { execCommandLists, readServiceSettings, type ExecCommandList, type ServiceSettings } from './service-settings.js';
import { ProcessGroupScopes } from './process-group-scopes.js';
import { serviceProperties } from './service-properties.js';
import { parseNotifyErrno, parseNotifyUsec, parsePid } from './notify-numbers.js';

/** The main process's last run, as ExecMain*= shows it. */
export interface MainExecStatus extends ExecStatus {
  startMonotonic: number;
  exitMonotonic: number;
}

/** What a service has told the manager about itself through sd_notify. */
export type NotifyState = 'unknown' | 'ready' | 'reloading' | 'stopping';

/** Per-unit state of a service. */
export interface ServiceData {
  settings: ServiceSettings;
  state: ServiceState;
  result: ServiceResult;
  reloadResult: ServiceResult;
  mainPid?: number;
  /** Whether the main pid is known at all (a forking service may not say). */
  mainPidKnown: boolean;
  /**
   * The main pid is outside the unit's scope (accepted from a root-owned PID file or a MAINPID= of
   * root): it is watched and signalled on stop, but never moved into the unit's cgroup, and a stop
   * does not wait for it — we would not see it exit (systemd's main_pid_alien).
   */
  mainPidAlien: boolean;
  controlPid?: number;
  /** Which Exec*= list the control process runs, and which entry. */
  controlList?: ExecCommandList;
  controlIndex: number;
  /** Which ExecStart= entry the main process runs (oneshot services run them in turn). */
  mainIndex?: number;
  /** The last run of every command, per list, for show. */
  statuses: Record<ExecCommandList, ExecStatus[]>;
  mainExec: MainExecStatus;
  statusText?: string;
  statusErrno: number;
  nRestarts: number;
  /** Set by a manual stop and reset-failed: the next start that is not an automatic restart resets NRestarts. */
  flushNRestarts: boolean;
  /** A manual stop forbids the automatic restart its stop would otherwise cause. */
  forbidRestart: boolean;
  willAutoRestart: boolean;
  notifyState: NotifyState;
  /** WATCHDOG_USEC= sent by the service, replacing WatchdogSec=. */
  watchdogOverride?: number;
  /** WatchdogSec= as of the last start (systemd's watchdog_original_usec): WatchdogUSec= shows infinity before any start. */
  watchdogOriginal?: number;
  watchdogTimestamp: { realtime: number; monotonic: number };
  /** When the state timer fires (monotonic µs), Infinity when disarmed. */
  timerDeadline: number;
  /** FDSTORE=1 fds, handed back on the next start. */
  fdStore: Array<{ fd: number; name: string }>;
  /** The connection an Accept=yes socket handed this instance. */
  connectionFd?: number;
  /** The peer of that connection, for REMOTE_ADDR=/REMOTE_PORT= (IP connections only). */
  connectionPeer?: { address: string; port: string };
  /** What the unit's notify datagrams make us log is rate-limited: the service controls it. Made at the first datagram. */
  notifyLogLimit?: LogRateLimit;
  /** BusName= is owned on the bus (systemd's bus_name_good): what makes a Type=dbus service running. */
  busNameGood: boolean;
  /** Who owns BusName= (a unique name), as last heard from the bus. */
  busNameOwner?: string;
}

/*
 * Shared frozen values of a service that never ran (issue #19: a held unit kept a status object
 * per command, a main-exec record, a watchdog timestamp and an fd store of its own, ~0.9 KB). They
 * are replaced whole when something happens, never written into.
 */
const NEVER = Object.freeze({ realtime: 0, monotonic: 0 });
const NO_FDS: Array<{ fd: number; name: string }> = Object.freeze([]) as unknown as Array<{ fd: number; name: string }>;
const NO_MAIN_EXEC: MainExecStatus = Object.freeze({ ...emptyExecStatus(), startMonotonic: 0, exitMonotonic: 0 });
const NO_EXEC_STATUS: ExecStatus = Object.freeze(emptyExecStatus());
const NO_EXEC_STATUSES: ExecStatus[] = Object.freeze([]) as unknown as ExecStatus[];
const NO_STATUSES = Object.freeze(Object.fromEntries(execCommandLists.map((l) => [l, NO_EXEC_STATUSES]))) as unknown as Record<ExecCommandList, ExecStatus[]>;

/** The statuses of a list's commands before any ran: a writable array (entries are replaced whole) unless the list is empty. */
function statusesOf(commands: readonly unknown[]): ExecStatus[] {
  return commands.length === 0 ? NO_EXEC_STATUSES : commands.map(() => NO_EXEC_STATUS);
}

/** The statuses of `d`, its own (writable) from the first start on. */
function ownStatuses(d: ServiceData): Record<ExecCommandList, ExecStatus[]> {
  if (d.statuses === NO_STATUSES) d.statuses = freshStatuses(d.settings);
  return d.statuses;
}

/** A started service's statuses object (made afresh at each start). */
function freshStatuses(s: ServiceSettings): Record<ExecCommandList, ExecStatus[]> {
  return Object.fromEntries(execCommandLists.map((l) => [l, statusesOf(s.exec[l])])) as unknown as Record<ExecCommandList, ExecStatus[]>;
}

const SIGHUP = 1;
const SIGTERM = 15;
const TIMER = 'state';
const WATCHDOG = 'watchdog';
const PIDFILE_POLL = 'pid-file';
/** Re-checks an alien main pid while a stop waits for it: its exit is never reported to us. */
const ALIEN_POLL = 'alien-main-pid';
const ALIEN_POLL_USEC = 100_000;
/** How often a PID file that is not there yet is looked for again (systemd watches it with inotify). */
const PIDFILE_POLL_USEC = 100_000;
/** A PID file larger than this is not read (it names one number). */
const PIDFILE_MAX = 4096;
/** Why parse_pid() refused `text`, as its %m. */
function pidParseError(text: string): string {
  return /^[0-9]+$/.test(text) ? 'Numerical result out of range' : 'Invalid argument';
}

/** strerror() of the errno codes a PID file read gives, for systemd's %m. */
const errnoText: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  EFBIG: 'File too large',
  EBADFD: 'File descriptor in bad state',
  EISDIR: 'Is a directory',
  ENXIO: 'No such device or address',
};

/** The name systemd uses in logs for the command list a process runs ("start", "start-pre"…). */
const commandName: Record<ExecCommandList, string> = {
  ExecCondition: 'condition',
  ExecStartPre: 'start-pre',
  ExecStart: 'start',
  ExecStartPost: 'start-post',
  ExecReload: 'reload',
  ExecStop: 'stop',
  ExecStopPost: 'stop-post',
};

function inSet(set: ExitStatusSet, code: ChildExitCode, status: number): boolean {
  if (code === 'exited') return set.statuses.includes(status);
  return set.signals.includes(status);
}

/** The service vtable. */
@injectable()
export class ServiceUnitType implements UnitType<ServiceData> {
  readonly suffix = 'service';
  readonly sections: readonly string[] = ['Service'];
  readonly canFail = true;
  readonly startLimited = true;
  private readonly scopes: ProcessScopes;
  /** The BusName= watch of each unit that has one (systemd's manager->watch_bus). */
  private readonly busWatches = new Map<Unit<ServiceData>, { name: string; watch: Disposable }>();
  /** Managers whose unit-removed event drops the watches of collected units. */
  private readonly followedManagers = new WeakSet<Manager>();

  constructor(
    @inject(ProcessSpawner) private readonly spawner: ProcessSpawner,
    @inject(ProcessScopes) @optional() scopes: ProcessScopes | undefined,
    @inject(NotifyReceiver) @optional() private readonly notify: NotifyReceiver | undefined,
    @inject(FdOperations) @optional() private readonly fds: FdOperations | undefined,
    @inject(OutputCapture) @optional() private readonly output: OutputCapture | undefined,
    @inject(UserDatabase) @optional() private readonly users: UserDatabase | undefined,
    @inject(VolatileMounts) @optional() private readonly mounts: VolatileMounts | undefined,
    @inject(IpcObjects) @optional() private readonly ipc: IpcObjects | undefined,
    @inject(UtmpRecords) @optional() private readonly utmp: UtmpRecords | undefined,
    @inject(BusNameWatcher) @optional() private readonly bus: BusNameWatcher | undefined,
  ) {
    // Without the kill-mode plugin, fall back to process groups (see process-group-scopes.ts).
    this.scopes = scopes ?? new ProcessGroupScopes(spawner);
  }

  /** CanClean=: the kinds of exec directories the unit has. */
  cleanableResources(unit: Unit<ServiceData>): string[] {
    return cleanableExecResources(unit.data.settings.context.directories);
  }

  /** Reloading is possible with ExecReload= or Type=notify-reload. */
  readonly canReload = (unit: Unit<ServiceData>): boolean =>
    unit.data.settings.exec.ExecReload.length > 0 || unit.data.settings.type === 'notify-reload';

  // ---------------------------------------------------------------------------------------------
  // Loading
  // ---------------------------------------------------------------------------------------------

  /** A fresh service: dead, with default settings. */
  init(): ServiceData {
    return {
      settings: readServiceSettings(undefined),
      state: 'dead',
      result: 'success',
      reloadResult: 'success',
      mainPidKnown: false,
      mainPidAlien: false,
      controlIndex: 0,
      statuses: NO_STATUSES,
      mainExec: NO_MAIN_EXEC,
      statusErrno: 0,
      nRestarts: 0,
      flushNRestarts: false,
      forbidRestart: false,
      willAutoRestart: false,
      notifyState: 'unknown',
      watchdogTimestamp: NEVER,
      timerDeadline: Infinity,
      fdStore: NO_FDS,
      busNameGood: false,
    };
  }

  /**
   * Reads [Service], adds Sockets= and the default dependencies, and refuses what systemd's
   * service_verify() refuses, and watches BusName= on the bus (service_setup_bus_name()).
   */
  load(unit: Unit<ServiceData>, definition: UnitDefinition): void {
    const s = readServiceSettings(definition.sections.get('Service'), unit.id);
    unit.data.settings = s;
    // unit_add_exec_dependencies(): the exec directories need their file systems.
    // A copy: the settings' list may be the one shared empty array of units without RequiresMountsFor=.
    const mounts = [...unit.settings.requiresMountsFor];
    for (const p of execDirectoryMountPaths(s.context.directories, execDirectoryPrefixes(unit.manager.scope, unit.manager.environment))) if (!mounts.includes(p)) mounts.push(p);
    if (mounts.length > 0) unit.settings.requiresMountsFor = mounts.sort();
    // Shared until the first start: a never-started service shows every command with an empty status.
    unit.data.statuses = NO_STATUSES;
    const fail = (m: string) => {
      throw new UnitLoadError(`${unit.id}: ${m}`);
    };
    // Dependencies first, as service_add_extras() runs before service_verify(): a unit refused
    // below still shows them.
    for (const name of s.sockets) {
      unit.addDependency('Wants', name);
      unit.addDependency('After', name);
      unit.addDependency('TriggeredBy', name);
    }
    // Type=dbus (systemd 252's service_setup_bus_name()): requires and is ordered after dbus.socket;
    // other types with BusName= only watch the name.
    if (s.busName && s.type === 'dbus') {
      unit.addDependency('Requires', 'dbus.socket');
      unit.addDependency('After', 'dbus.socket');
    }
    if (unit.settings.defaultDependencies) {
      if (unit.manager.scope === 'system') {
        unit.addDependency('Requires', 'sysinit.target');
        unit.addDependency('After', 'sysinit.target');
      } else {
        unit.addDependency('Requires', 'basic.target');
      }
      unit.addDependency('After', 'basic.target');
      unit.addDependency('Before', 'shutdown.target');
      unit.addDependency('Conflicts', 'shutdown.target');
    }
    this.unwatchBusName(unit);
    if (s.busName) this.watchBusName(unit, s.busName, fail);
    if (s.exec.ExecStart.length === 0 && s.exec.ExecStop.length === 0 && (unit.settings.successAction ?? 'none') === 'none') {
      fail('Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.');
    }
    if (s.type !== 'oneshot' && s.exec.ExecStart.length === 0) fail("Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
    if (s.exec.ExecStart.length === 0 && !s.remainAfterExit && (unit.settings.successAction ?? 'none') === 'none') {
      fail('Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.');
    }
    if (s.type !== 'oneshot' && s.exec.ExecStart.length > 1) fail('Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.');
    if (s.type === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) {
      fail('Service has Restart= set to either always or on-success, which isn\'t allowed for Type=oneshot services. Refusing.');
    }
    if (s.type === 'dbus' && !s.busName) fail('Service is of type D-Bus but no D-Bus service name has been specified. Refusing.');
    if (s.type === 'dbus' && !this.bus) fail('Type=dbus needs a bus to watch BusName= on, and this manager has none (no BusNameWatcher is bound). Refusing.');
  }

  /**
   * unit_watch_bus_name(): follows BusName= on the bus. A name watched by another loaded unit is
   * refused as systemd refuses it; a name left behind by a unit that is gone is taken over.
   */
  private watchBusName(unit: Unit<ServiceData>, name: string, fail: (m: string) => never): void {
    if (!this.bus) return;
    if (!this.followedManagers.has(unit.manager)) {
      this.followedManagers.add(unit.manager);
      unit.manager.events.on('unit-removed', (u) => {
        if (this.busWatches.has(u as Unit<ServiceData>)) this.unwatchBusName(u as Unit<ServiceData>);
      });
    }
    for (const [other, w] of this.busWatches) {
      if (w.name !== name) continue;
      if (other.manager.getUnit(other.id) === other) fail(`Two services allocated for the same bus name ${name}, refusing operation.`);
      this.unwatchBusName(other);
    }
    const watch = this.bus.watch(name, (owner) => unit.manager.callHook(unit as unknown as Unit, 'busNameOwnerChange', () => this.busNameOwnerChange(unit, owner), undefined));
    this.busWatches.set(unit, { name, watch });
  }

  private unwatchBusName(unit: Unit<ServiceData>): void {
    this.busWatches.get(unit)?.watch.dispose();
    this.busWatches.delete(unit);
  }

  /**
   * service_bus_name_owner_change(): a Type=dbus service in start becomes running when its name is
   * taken; one that is running and loses it is looked at again by enterRunning() (it stops, or
   * stays exited with RemainAfterExit=). Other types learn their main pid from the owner.
   */
  private busNameOwnerChange(unit: Unit<ServiceData>, owner: string | null): void {
    const d = unit.data;
    const name = d.settings.busName;
    if (owner) unit.log('debug', `D-Bus name ${name} now owned by ${owner}`);
    else unit.log('debug', `D-Bus name ${name} now not owned by anyone.`);
    d.busNameGood = owner !== null;
    d.busNameOwner = owner ?? undefined;
    if (d.settings.type === 'dbus') {
      if (d.state === 'running') this.enterRunning(unit, 'success');
      else if (d.state === 'start' && owner) this.enterStartPost(unit);
      return;
    }
    if (!owner || d.mainPid || !['start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify'].includes(d.state) || !this.bus || !name) return;
    void this.bus.ownerPid(name).then((pid) => {
      // The answer comes later: act on it only if nothing changed meanwhile.
      if (!pid || d.mainPid || d.busNameOwner !== owner || unit.data !== d) return;
      unit.manager.callHook(unit as unknown as Unit, 'busNameOwnerChange', () => {
        unit.log('debug', `D-Bus name ${name} is now owned by process ${pid}`);
        this.setMainPid(unit, pid, !this.inScope(unit, pid));
      }, undefined);
    }, () => undefined);
  }

  /** Re-watches the pids a deserialized service had. */
  done(unit: Unit<ServiceData>): void {
    const d = unit.data;
    // After a manager re-exec the process scopes are new: tell them which processes are ours again
    // (the cgroup backend finds them in the unit's cgroup anyway; process groups need the pids).
    const scope = d.mainPid || d.controlPid ? this.scopes.scope(unit as unknown as Unit) : undefined;
    if (d.mainPid) {
      unit.watchPid(d.mainPid);
      scope?.add(d.mainPid);
    }
    if (d.controlPid) {
      unit.watchPid(d.controlPid);
      scope?.add(d.controlPid);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The state
  // ---------------------------------------------------------------------------------------------

  activeState(unit: Unit<ServiceData>): UnitActiveState {
    return serviceStateTable[unit.data.state];
  }

  subState(unit: Unit<ServiceData>): string {
    return unit.data.state;
  }

  /**
   * The one place the state is written: disarms the state timer, the watchdog and the pid watches
   * the new state does not use, logs the change and tells core.
   */
  private setState(unit: Unit<ServiceData>, state: ServiceState): void {
    const d = unit.data;
    const old = d.state;
    d.state = state;
    if (!timerStates.has(state)) this.disarm(unit);
    if (!watchdogStates.has(state)) unit.clearTimer(WATCHDOG);
    if (state !== 'start' && state !== 'start-post') unit.clearTimer(PIDFILE_POLL);
    if (state === 'dead' || state === 'failed' || state === 'auto-restart') unit.clearTimer(ALIEN_POLL);
    if (!mainStates.has(state) && d.mainPid) {
      unit.unwatchPid(d.mainPid);
      d.mainPid = undefined;
      d.mainPidKnown = false;
      d.mainPidAlien = false;
      d.mainIndex = undefined;
    }
    if (!controlStates.has(state) && d.controlPid) {
      unit.unwatchPid(d.controlPid);
      d.controlPid = undefined;
      d.controlList = undefined;
    }
    if ((state === 'dead' || state === 'failed') && d.connectionFd !== undefined) {
      // An Accept=yes instance's connection is done with once the instance is.
      this.fds?.close(d.connectionFd);
      d.connectionFd = undefined;
    }
    if (state === 'exited' && old !== state) {
      // systemd prunes the cgroup of a service that stays active with nothing running
      // (RemainAfterExit=): show then has no ControlGroup=, status no CGroup: tree.
      const scope = this.scopes.scope(unit as unknown as Unit);
      if (scope.isEmpty()) scope.release();
    }
    if (old !== state) unit.log('debug', `Changed ${old} -> ${state}`);
    unit.notifyStateChange({
      reloadFailure: d.reloadResult !== 'success',
      willAutoRestart: d.willAutoRestart,
    });
  }

  /** Arms the state timer `usec` from now (Infinity disarms). */
  private arm(unit: Unit<ServiceData>, usec: number): void {
    this.armAt(unit, usec === Infinity ? Infinity : unit.manager.loop.now() + usec);
  }

  private armAt(unit: Unit<ServiceData>, at: number): void {
    unit.data.timerDeadline = at;
    unit.setTimer(TIMER, at);
  }

  private disarm(unit: Unit<ServiceData>): void {
    unit.data.timerDeadline = Infinity;
    unit.clearTimer(TIMER);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests from core
  // ---------------------------------------------------------------------------------------------

  /** systemd's service_start(). */
  start(unit: Unit<ServiceData>): UnitActionResult {
    const d = unit.data;
    if (['stop', 'stop-watchdog', 'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill'].includes(d.state)) return 'again';
    if (['condition', 'start-pre', 'start', 'start-post'].includes(d.state)) return 'waiting';
    d.result = 'success';
    d.reloadResult = 'success';
    d.mainPidKnown = false;
    d.mainPid = undefined;
    d.mainPidAlien = false;
    d.forbidRestart = false;
    d.statusText = undefined;
    d.statusErrno = 0;
    d.notifyState = 'unknown';
    d.watchdogOverride = undefined;
    d.watchdogOriginal = d.settings.watchdogUsec;
    d.mainExec = NO_MAIN_EXEC;
    d.statuses = freshStatuses(d.settings);
    // A start that is not an automatic restart resets the restart counter.
    if (d.flushNRestarts) {
      d.nRestarts = 0;
      d.flushNRestarts = false;
    }
    unit.manager.acquireInvocationId(unit as unknown as Unit);
    this.enterCondition(unit);
    return 'started';
  }

  /** systemd's service_stop(). */
  stop(unit: Unit<ServiceData>): UnitActionResult {
    const d = unit.data;
    // A manual stop creates no restart job.
    d.forbidRestart = true;
    if (['stop', 'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill'].includes(d.state)) return 'waiting';
    if (d.state === 'auto-restart') {
      this.setState(unit, 'dead');
      return 'started';
    }
    if (['condition', 'start-pre', 'start', 'start-post', 'reload', 'reload-signal', 'reload-notify', 'stop-watchdog'].includes(d.state)) {
      this.enterSignal(unit, 'stop-sigterm', 'success');
      return 'started';
    }
    this.enterStop(unit, 'success');
    return 'started';
  }

  /** systemd's service_reload(). */
  reload(unit: Unit<ServiceData>): UnitActionResult {
    this.enterReload(unit);
    return 'started';
  }

  /**
   * Core's start limit refused a start (systemd's service_test_start_limit()): dead without a
   * restart, with start-limit-hit as the result unless the last run already failed — the first
   * failure wins, so a crash loop stays `Result=exit-code` (start() never ran, nothing was reset).
   */
  startLimitHit(unit: Unit<ServiceData>): void {
    this.enterDead(unit, 'start-limit-hit', false);
  }

  /**
   * Core caught an exception from one of this type's hooks: whatever the state machine was doing
   * cannot be trusted to finish, so the unit's processes get the final kill signal (as KillMode=
   * selects them) and the unit is failed with `result` at once, without a restart.
   */
  enterFailedState(unit: Unit<ServiceData>, result: 'resources'): void {
    const d = unit.data;
    this.scopes.killContext(unit as unknown as Unit, d.settings.kill, 'kill', d.mainPid, d.controlPid, d.mainPidAlien);
    d.result = result;
    d.willAutoRestart = false;
    this.enterDead(unit, result, false);
  }

  /** `reset-failed`: back to dead, result success, restart counter forgotten. */
  resetFailed(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (d.state === 'failed') this.setState(unit, 'dead');
    d.result = 'success';
    d.reloadResult = 'success';
    d.nRestarts = 0;
    d.flushNRestarts = false;
  }

  willRestart(unit: Unit<ServiceData>): boolean {
    return unit.data.state === 'auto-restart' || unit.data.willAutoRestart;
  }

  mainPid(unit: Unit<ServiceData>): number | undefined {
    return unit.data.mainPid;
  }

  controlPid(unit: Unit<ServiceData>): number | undefined {
    return unit.data.controlPid;
  }

  /** systemd's service_exit_status(): the main process's exit status once it has exited. */
  exitStatus(unit: Unit<ServiceData>): number | 'abnormal' | undefined {
    const m = unit.data.mainExec;
    if (!(m.pid > 0) || !m.code || (!m.exitMonotonic && !m.exitRealtime)) return undefined;
    return m.code === 'exited' ? m.status : 'abnormal';
  }

  statusText(unit: Unit<ServiceData>): string | undefined {
    return unit.data.statusText;
  }

  /** `systemctl kill`: through the scope port. */
  kill(unit: Unit<ServiceData>, whom: KillWhom, signal: number): boolean {
    return this.scopes.kill(unit as unknown as Unit, whom, signal, unit.data.mainPid, unit.data.controlPid);
  }

  /** An Accept=yes socket hands this instance its connection before starting it. */
  acceptConnection(unit: Unit<ServiceData>, connection: AcceptedConnection): boolean {
    if (unit.data.state !== 'dead' && unit.data.state !== 'failed') return false;
    if (unit.data.connectionFd !== undefined) this.fds?.close(unit.data.connectionFd);
    unit.data.connectionFd = connection.fd;
    unit.data.connectionPeer = remoteAddressOf(connection);
    return true;
  }

  /** Services with live processes or stored fds are kept. */
  mayGc(unit: Unit<ServiceData>): boolean {
    return unit.data.fdStore.length === 0 && unit.data.connectionFd === undefined && !unit.data.mainPid && !unit.data.controlPid;
  }

  properties(unit: Unit<ServiceData>): PropertyList {
    const active = unit.activeState() !== 'inactive' && unit.activeState() !== 'failed';
    const shownWatchdog = unit.data.watchdogOverride ?? unit.data.watchdogOriginal ?? Infinity;
    return spliceScopeProperties(serviceProperties(unit, shownWatchdog), this.scopes.scope(unit as unknown as Unit), active);
  }

  serialize(unit: Unit<ServiceData>): Record<string, unknown> {
    const d = unit.data;
    return {
      state: d.state, result: d.result, reloadResult: d.reloadResult, mainPid: d.mainPid, mainPidKnown: d.mainPidKnown, mainPidAlien: d.mainPidAlien,
      controlPid: d.controlPid, controlList: d.controlList, controlIndex: d.controlIndex, nRestarts: d.nRestarts,
      statusText: d.statusText, statusErrno: d.statusErrno, mainExec: d.mainExec, fdStore: d.fdStore, notifyState: d.notifyState,
      // An Accept=yes instance keeps its connection across a reload (systemd serializes it too).
      connectionFd: d.connectionFd, connectionPeer: d.connectionPeer,
      // What a re-exec needs beyond a reload: the watchdog, restart bookkeeping, the exec statuses.
      watchdogOverride: d.watchdogOverride, watchdogOriginal: d.watchdogOriginal, watchdogTimestamp: d.watchdogTimestamp,
      timerDeadline: d.timerDeadline, flushNRestarts: d.flushNRestarts, forbidRestart: d.forbidRestart,
      willAutoRestart: d.willAutoRestart, mainIndex: d.mainIndex, statuses: d.statuses,
      // The watch hears the owner again after a reload; until then the last one holds.
      busNameGood: d.busNameGood, busNameOwner: d.busNameOwner,
    };
  }

  /** The fd store and an Accept=yes connection stay open across a manager re-exec. */
  serializeFds(unit: Unit<ServiceData>): number[] {
    const d = unit.data;
    return [...d.fdStore.map((f) => f.fd), ...(d.connectionFd !== undefined ? [d.connectionFd] : [])];
  }

  deserialize(unit: Unit<ServiceData>, state: Record<string, unknown>): void {
    Object.assign(unit.data, state);
  }

  // ---------------------------------------------------------------------------------------------
  // Transitions (service.c's service_enter_*)
  // ---------------------------------------------------------------------------------------------

  private enterCondition(unit: Unit<ServiceData>): void {
    const d = unit.data;
    this.unwatchControl(unit);
    if (d.settings.exec.ExecCondition.length === 0) return this.enterStartPre(unit);
    if (!this.runControl(unit, 'ExecCondition', 0)) return this.enterSignal(unit, 'stop-sigterm', 'resources');
    this.arm(unit, d.settings.timeoutStartUsec);
    this.setState(unit, 'condition');
  }

  private enterStartPre(unit: Unit<ServiceData>): void {
    const d = unit.data;
    this.unwatchControl(unit);
    if (d.settings.exec.ExecStartPre.length === 0) return this.enterStart(unit);
    if (!this.runControl(unit, 'ExecStartPre', 0)) return this.enterSignal(unit, 'stop-sigterm', 'resources');
    this.arm(unit, d.settings.timeoutStartUsec);
    this.setState(unit, 'start-pre');
  }

  private enterStart(unit: Unit<ServiceData>): void {
    const d = unit.data;
    const s = d.settings;
    this.unwatchControl(unit);
    this.unwatchMain(unit);
    if (s.exec.ExecStart.length === 0) {
      // A oneshot service without ExecStart=: RemainAfterExit=yes or a SuccessAction= (checked at
      // load). Pass through start, as systemd forces it, so the unit is seen leaving inactive and
      // coming back — what triggers SuccessAction= (systemd-exit.service has nothing else).
      this.setState(unit, 'start');
      return this.enterStartPost(unit);
    }
    if (s.type === 'forking') {
      if (!this.runControl(unit, 'ExecStart', 0)) return this.enterSignal(unit, 'stop-sigterm', 'resources');
      this.arm(unit, s.timeoutStartUsec);
      return this.setState(unit, 'start');
    }
    const spawned = this.runMain(unit, 0);
    if (!spawned) return this.enterSignal(unit, 'stop-sigterm', 'resources');
    if (s.type === 'simple' || s.type === 'idle' || (s.type === 'exec' && !spawned.failed)) {
      // simple: running as soon as forked; exec: once the binary was executed.
      return this.enterStartPost(unit);
    }
    // oneshot, notify, notify-reload, and exec whose exec failed: wait in start.
    this.arm(unit, s.timeoutStartUsec);
    this.setState(unit, 'start');
  }

  private enterStartPost(unit: Unit<ServiceData>): void {
    const d = unit.data;
    this.unwatchControl(unit);
    // The watchdog starts with start-post (the next setState keeps it only in watchdog states).
    this.resetWatchdog(unit, true);
    if (d.settings.exec.ExecStartPost.length === 0) return this.enterRunning(unit, 'success');
    if (!this.runControl(unit, 'ExecStartPost', 0)) return this.enterStop(unit, 'resources');
    this.arm(unit, d.settings.timeoutStartUsec);
    this.setState(unit, 'start-post');
  }

  private enterRunning(unit: Unit<ServiceData>, f: ServiceResult): void {
    const d = unit.data;
    d.result = firstFailure(d.result, f);
    this.unwatchControl(unit);
    if (d.result !== 'success') return this.enterSignal(unit, 'stop-sigterm', f);
    if (this.good(unit)) {
      if (d.notifyState === 'stopping') {
        // The service said STOPPING=1 meanwhile: it is on its way out.
        this.arm(unit, d.settings.timeoutStopUsec);
        return this.setState(unit, 'stop-sigterm');
      }
      this.setState(unit, 'running');
      // RuntimeMaxSec= counts from when the unit became active, not from this (re)entry: a reload
      // does not extend it (systemd's service_running_timeout()).
      const max = d.settings.runtimeMaxUsec;
      return this.armAt(unit, max === Infinity ? Infinity : unit.activeEnterTimestamp.monotonic + max);
    }
    if (d.settings.remainAfterExit) return this.setState(unit, 'exited');
    this.enterStop(unit, 'success');
  }

  private enterStop(unit: Unit<ServiceData>, f: ServiceResult): void {
    const d = unit.data;
    d.result = firstFailure(d.result, f);
    this.unwatchControl(unit);
    if (d.settings.exec.ExecStop.length === 0) return this.enterSignal(unit, 'stop-sigterm', 'success');
    if (!this.runControl(unit, 'ExecStop', 0)) return this.enterSignal(unit, 'stop-sigterm', 'resources');
    this.arm(unit, d.settings.timeoutStopUsec);
    this.setState(unit, 'stop');
  }

  private enterStopPost(unit: Unit<ServiceData>, f: ServiceResult): void {
    const d = unit.data;
    d.result = firstFailure(d.result, f);
    this.unwatchControl(unit);
    if (d.settings.exec.ExecStopPost.length === 0) return this.enterSignal(unit, 'final-sigterm', 'success');
    if (!this.runControl(unit, 'ExecStopPost', 0)) return this.enterSignal(unit, 'final-sigterm', 'resources');
    this.arm(unit, d.settings.timeoutStopUsec);
    this.setState(unit, 'stop-post');
  }

  /** Signals the unit's processes for `state` and waits for them, or moves on when nothing is left. */
  private enterSignal(unit: Unit<ServiceData>, state: ServiceState, f: ServiceResult): void {
    const d = unit.data;
    d.result = firstFailure(d.result, f);
    const op: KillOperation =
      state === 'stop-watchdog' || state === 'final-watchdog' ? 'watchdog'
      : state === 'stop-sigkill' || state === 'final-sigkill' ? 'kill'
      : state === 'stop-sigterm' && unit.job?.type === 'restart' ? 'restart'
      : 'terminate';
    const wait = this.scopes.killContext(unit as unknown as Unit, d.settings.kill, op, d.mainPid, d.controlPid, d.mainPidAlien);
    if (wait) {
      this.arm(unit, op === 'watchdog' ? d.settings.timeoutAbortUsec : d.settings.timeoutStopUsec);
      return this.setState(unit, state);
    }
    if ((state === 'stop-watchdog' || state === 'stop-sigterm') && d.settings.kill.sendSIGKILL) return this.enterSignal(unit, 'stop-sigkill', 'success');
    if (state === 'stop-watchdog' || state === 'stop-sigterm' || state === 'stop-sigkill') return this.enterStopPost(unit, 'success');
    if ((state === 'final-watchdog' || state === 'final-sigterm') && d.settings.kill.sendSIGKILL) return this.enterSignal(unit, 'final-sigkill', 'success');
    this.enterDead(unit, 'success', true);
  }

  /** The end of a run: dead or failed, then auto-restart when Restart= says so. */
  private enterDead(unit: Unit<ServiceData>, f: ServiceResult, allowRestart: boolean): void {
    const d = unit.data;
    d.result = firstFailure(d.result, f);
    if (d.result === 'success') unit.log('info', 'Deactivated successfully.');
    else if (d.result === 'exec-condition') unit.log('info', `Skipped due to '${d.result}'.`);
    else unit.log('warning', `Failed with result '${d.result}'.`);
    if (allowRestart) {
      const why = this.shallRestart(unit);
      if (why) d.willAutoRestart = true;
    }
    const end: ServiceState = d.result === 'success' || d.result === 'exec-condition' ? 'dead' : 'failed';
    this.setState(unit, end);
    if (d.willAutoRestart) {
      d.willAutoRestart = false;
      this.arm(unit, d.settings.restartUsec);
      this.setState(unit, 'auto-restart');
    } else {
      // No restart: the counter is flushed at the next start (it stays visible until then), as
      // systemd's flush_n_restarts — after a manual stop or restart as much as after a final failure.
      d.flushNRestarts = true;
      // Nothing will start it again soon: the fd store goes (systemd 252 keeps it only across restarts).
      if (!unit.job) this.releaseFdStore(unit);
    }
    d.forbidRestart = false;
    // RuntimeDirectory= and credentials go unless preserved; the dynamic uid always (service_enter_dead()).
    const owner = { unitName: unit.id, scope: unit.manager.scope, managerEnvironment: unit.manager.environment, runtimeDirectory: unit.manager.runtimeDirectory, mounts: this.mounts };
    if (destroysRuntimeData(d.settings.context, d.state === 'auto-restart')) destroyRuntimeData(d.settings.context, owner);
    // RemoveIPC=: once no other running service runs as the same user (systemd's uid reference count).
    if (d.settings.context.misc.removeIpc && !this.userStillRunning(unit)) removeIpcObjects(d.settings.context, { ...owner, users: this.users, ipc: this.ipc });
    releaseDynamicCredentials(d.settings.context, owner);
    destroyExecRuntime(owner);
    this.scopes.scope(unit as unknown as Unit).release();
  }

  /** Whether another service that is not inactive runs as this unit's User=/Group= (dynamic users are each their own). */
  private userStillRunning(unit: Unit<ServiceData>): boolean {
    const c = unit.data.settings.context;
    if (c.dynamicUser || (c.user === undefined && c.group === undefined)) return false;
    return unit.manager.allUnits().some((u) => {
      if (u === (unit as unknown as Unit) || u.type !== unit.type || u.activeState() === 'inactive' || u.activeState() === 'failed') return false;
      const o = (u as unknown as Unit<ServiceData>).data?.settings?.context;
      return o !== undefined && !o.dynamicUser && ((c.user !== undefined && o.user === c.user) || (c.group !== undefined && o.group === c.group));
    });
  }

  /** The restart timer elapsed: queue a restart job, as systemd does. */
  private enterRestart(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (unit.job?.type === 'stop') {
      unit.log('info', 'Stop job pending for unit, skipping automatic restart.');
      return;
    }
    try {
      unit.manager.addJob('restart', unit as unknown as Unit, 'replace');
    } catch (e) {
      // E.g. the unit was masked meanwhile: no restart, and no job left waiting for one.
      unit.log('warning', `Failed to schedule restart job: ${(e as Error).message}`);
      return this.enterDead(unit, 'resources', false);
    }
    d.nRestarts++;
    d.flushNRestarts = false;
    unit.log('info', `Scheduled restart job, restart counter is at ${d.nRestarts}.`);
  }

  private enterReload(unit: Unit<ServiceData>): void {
    const d = unit.data;
    this.unwatchControl(unit);
    d.reloadResult = 'success';
    const notifyReload = d.settings.type === 'notify-reload' && d.mainPid !== undefined;
    if (notifyReload) {
      // Type=notify-reload (systemd ≥ 253): SIGHUP the main process, then wait for RELOADING=1 and READY=1.
      if (!this.spawner.kill(d.mainPid!, SIGHUP)) {
        d.reloadResult = 'resources';
        return this.enterRunning(unit, 'success');
      }
    }
    if (d.settings.exec.ExecReload.length > 0) {
      if (!this.runControl(unit, 'ExecReload', 0)) {
        d.reloadResult = 'resources';
        return this.enterRunning(unit, 'success');
      }
      this.arm(unit, d.settings.timeoutStartUsec);
      return this.setState(unit, 'reload');
    }
    if (notifyReload) {
      this.arm(unit, d.settings.timeoutStartUsec);
      return this.setState(unit, 'reload-signal');
    }
    this.enterRunning(unit, 'success');
  }

  /** RELOADING=1 while running: a reload on the service's own initiative. */
  private enterReloadByNotify(unit: Unit<ServiceData>): void {
    this.arm(unit, unit.data.settings.timeoutStartUsec);
    this.setState(unit, unit.data.settings.type === 'notify-reload' ? 'reload-notify' : 'reload');
  }

  /** STOPPING=1 while running: as if we had sent SIGTERM. */
  private enterStopByNotify(unit: Unit<ServiceData>): void {
    this.arm(unit, unit.data.settings.timeoutStopUsec);
    this.setState(unit, 'stop-sigterm');
  }

  /** systemd's service_shall_restart(): returns a reason to restart, or undefined. */
  private shallRestart(unit: Unit<ServiceData>): string | undefined {
    const d = unit.data;
    const s = d.settings;
    if (d.forbidRestart) return undefined;
    const code = d.mainExec.code;
    if (code && inSet(s.restartPreventExitStatus, code, d.mainExec.status)) return undefined;
    if (code && inSet(s.restartForceExitStatus, code, d.mainExec.status)) return 'RestartForceExitStatus=';
    const r = d.result;
    const yes = ((): boolean => {
      switch (s.restart) {
        case 'no':
          return false;
        case 'always':
          return r !== 'exec-condition';
        case 'on-success':
          return r === 'success';
        case 'on-failure':
          return r !== 'success' && r !== 'exec-condition';
        case 'on-abnormal':
          return r !== 'success' && r !== 'exit-code' && r !== 'exec-condition';
        case 'on-watchdog':
          return r === 'watchdog';
        case 'on-abort':
          return r === 'signal' || r === 'core-dump';
      }
    })();
    return yes ? `Restart=${s.restart}` : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Events
  // ---------------------------------------------------------------------------------------------

  /** A watched main or control process was reaped. */
  sigchldEvent(unit: Unit<ServiceData>, exit: ChildExit): void {
    const d = unit.data;
    const utmpId = d.settings.context.terminal.utmpIdentifier;
    // UtmpIdentifier=: the process's record ends (si_code: 1 exited, 2 killed, 3 dumped).
    if (utmpId && (exit.pid === d.mainPid || exit.pid === d.controlPid)) {
      this.utmp?.processExited({ id: utmpId, pid: exit.pid, code: exit.code === 'exited' ? 1 : exit.code === 'killed' ? 2 : 3, status: exit.status });
    }
    if (exit.pid === d.mainPid) return this.mainExited(unit, exit);
    if (exit.pid === d.controlPid) return this.controlExited(unit, exit);
  }

  private exitResult(unit: Unit<ServiceData>, exit: ChildExit, daemon: boolean): ServiceResult {
    if (isCleanExit(exit.code, exit.status, daemon, unit.data.settings.successExitStatus)) return 'success';
    return exit.code === 'exited' ? 'exit-code' : exit.code === 'killed' ? 'signal' : 'core-dump';
  }

  private logExit(unit: Unit<ServiceData>, who: string, exit: ChildExit, ok: boolean): void {
    unit.log(ok ? 'debug' : 'notice', `${who} exited, code=${exit.code}, status=${formatExitStatus(exit.code, exit.status)}`);
  }

  private mainExited(unit: Unit<ServiceData>, exit: ChildExit): void {
    const d = unit.data;
    const s = d.settings;
    // A forking daemon may have moved to a new pid: look at the PID file again.
    if (s.type === 'forking' && this.loadPidFile(unit, false) === 'loaded') return;
    let f = this.exitResult(unit, exit, s.type !== 'oneshot');
    const now = unit.manager.loop;
    d.mainPid = undefined;
    d.mainPidAlien = false;
    d.mainExec = { ...d.mainExec, code: exit.code, status: exit.status, exitRealtime: now.realtime(), exitMonotonic: now.now() };
    const index = d.mainIndex;
    if (index !== undefined) {
      ownStatuses(d).ExecStart[index] = { ...d.mainExec };
      if (s.exec.ExecStart[index]?.flags.ignoreFailure) f = 'success';
    }
    this.logExit(unit, 'Main process', exit, f === 'success');
    d.result = firstFailure(d.result, f);
    if (index !== undefined && s.type === 'oneshot' && f === 'success' && index + 1 < s.exec.ExecStart.length) {
      // The next ExecStart= of a oneshot service.
      if (!this.runMain(unit, index + 1)) this.enterSignal(unit, 'stop-sigterm', 'resources');
      return;
    }
    d.mainIndex = undefined;
    switch (d.state) {
      case 'start-post':
      case 'reload':
      case 'reload-signal':
      case 'reload-notify':
        if (!d.controlPid) this.enterStop(unit, f);
        return;
      case 'stop':
        return;
      case 'start':
        if (s.type === 'oneshot') {
          if (f === 'success') this.enterStartPost(unit);
          else this.enterSignal(unit, 'stop-sigterm', f);
          return;
        }
        if (s.type === 'notify' || s.type === 'notify-reload') {
          if (f !== 'success') this.enterSignal(unit, 'stop-sigterm', f);
          else if (!s.remainAfterExit || s.notifyAccess === 'main') this.enterSignal(unit, 'stop-sigterm', 'protocol');
          return;
        }
        this.enterRunning(unit, f);
        return;
      case 'running':
        this.enterRunning(unit, f);
        return;
      case 'stop-watchdog':
      case 'stop-sigterm':
      case 'stop-sigkill':
        if (!d.controlPid) this.enterStopPost(unit, f);
        return;
      case 'stop-post':
        if (!d.controlPid) this.enterSignal(unit, 'final-sigterm', f);
        return;
      case 'final-watchdog':
      case 'final-sigterm':
      case 'final-sigkill':
        if (!d.controlPid) this.enterDead(unit, f, true);
        return;
      default:
        return;
    }
  }

  private controlExited(unit: Unit<ServiceData>, exit: ChildExit): void {
    const d = unit.data;
    const s = d.settings;
    const list = d.controlList!;
    const index = d.controlIndex;
    let f = this.exitResult(unit, exit, false);
    // ExecCondition= exiting 1…254 skips the unit rather than failing it.
    if (d.state === 'condition' && f === 'exit-code' && exit.status < 255) f = 'exec-condition';
    d.controlPid = undefined;
    const st = d.statuses[list][index];
    if (st) ownStatuses(d)[list][index] = { ...st, code: exit.code, status: exit.status, exitRealtime: unit.manager.loop.realtime() };
    if (s.exec[list][index]?.flags.ignoreFailure) f = 'success';
    this.logExit(unit, 'Control process', exit, f === 'success');
    if (!d.state.startsWith('reload')) d.result = firstFailure(d.result, f);
    if (f === 'success' && index + 1 < s.exec[list].length) {
      // The next command of the list runs only when this one succeeded.
      if (!this.runControl(unit, list, index + 1)) this.controlSpawnFailed(unit);
      return;
    }
    d.controlList = undefined;
    switch (d.state) {
      case 'condition':
        if (f === 'success') this.enterStartPre(unit);
        else this.enterSignal(unit, 'stop-sigterm', f);
        return;
      case 'start-pre':
        if (f === 'success') this.enterStart(unit);
        else this.enterSignal(unit, 'stop-sigterm', f);
        return;
      case 'start':
        if (s.type !== 'forking') return;
        if (f !== 'success') return this.enterSignal(unit, 'stop-sigterm', f);
        if (s.pidFile) {
          // The PID file may be written by ExecStartPost=: then a failure here is no failure yet.
          const hasStartPost = s.exec.ExecStartPost.length > 0;
          if (this.loadPidFile(unit, !hasStartPost) === 'failed' && !hasStartPost) {
            // Nothing left that could still write (or be) it: a protocol error, as systemd's cgroup_good() == 0.
            if (this.scopes.scope(unit as unknown as Unit).isEmpty()) return this.enterSignal(unit, 'stop-sigterm', 'protocol');
            return this.demandPidFile(unit);
          }
        } else this.searchMainPid(unit);
        return this.enterStartPost(unit);
      case 'start-post':
        if (f !== 'success') return this.enterStop(unit, f);
        if (s.pidFile) {
          if (this.loadPidFile(unit, true) === 'failed') {
            if (this.scopes.scope(unit as unknown as Unit).isEmpty()) return this.enterStop(unit, 'protocol');
            return this.demandPidFile(unit);
          }
        } else this.searchMainPid(unit);
        return this.enterRunning(unit, 'success');
      case 'reload':
        if (f === 'success' && this.loadPidFile(unit, true) === 'failed') this.searchMainPid(unit);
        d.reloadResult = f;
        if (f !== 'success') unit.log('warning', `Reload failed with result '${f}'.`);
        return this.enterRunning(unit, 'success');
      case 'stop':
        return this.enterSignal(unit, 'stop-sigterm', f);
      case 'stop-watchdog':
      case 'stop-sigterm':
      case 'stop-sigkill':
        if (!d.mainPid) this.enterStopPost(unit, f);
        return;
      case 'stop-post':
        if (!d.mainPid) this.enterSignal(unit, 'final-sigterm', f);
        return;
      case 'final-watchdog':
      case 'final-sigterm':
      case 'final-sigkill':
        if (!d.mainPid) this.enterDead(unit, f, true);
        return;
      default:
        return;
    }
  }

  /** The next command of a control list could not be spawned (systemd's service_run_next_control failure). */
  private controlSpawnFailed(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (['condition', 'start-pre', 'start-post', 'stop'].includes(d.state)) return this.enterSignal(unit, 'stop-sigterm', 'resources');
    if (d.state === 'stop-post') return this.enterDead(unit, 'resources', true);
    if (d.state === 'reload') {
      d.reloadResult = 'resources';
      return this.enterRunning(unit, 'success');
    }
    this.enterStop(unit, 'resources');
  }

  /** A timer of this unit elapsed: the state timer, the watchdog or the PID-file poll. */
  timerEvent(unit: Unit<ServiceData>, key: string): void {
    if (key === WATCHDOG) return this.watchdogTimeout(unit);
    if (key === PIDFILE_POLL) return this.pollPidFile(unit);
    if (key === ALIEN_POLL) return this.scopes.scope(unit as unknown as Unit).isEmpty() ? this.scopeEmpty(unit) : undefined;
    const d = unit.data;
    d.timerDeadline = Infinity;
    const kill = d.settings.kill.sendSIGKILL;
    switch (d.state) {
      case 'condition':
      case 'start-pre':
      case 'start':
        unit.log('warning', `${d.state === 'start' ? 'Start' : d.state === 'start-pre' ? 'Start-pre' : 'Condition'} operation timed out. Terminating.`);
        return this.enterSignal(unit, 'stop-sigterm', 'timeout');
      case 'start-post':
        unit.log('warning', 'Start-post operation timed out. Stopping.');
        return this.enterStop(unit, 'timeout');
      case 'running':
        unit.log('warning', 'Service reached runtime time limit. Stopping.');
        return this.enterStop(unit, 'timeout');
      case 'reload':
      case 'reload-signal':
      case 'reload-notify':
        unit.log('warning', 'Reload operation timed out. Killing reload process.');
        if (d.controlPid) this.spawner.kill(d.controlPid, 9);
        d.reloadResult = 'timeout';
        return this.enterRunning(unit, 'success');
      case 'stop':
        unit.log('warning', 'Stopping timed out. Terminating.');
        return this.enterSignal(unit, 'stop-sigterm', 'timeout');
      case 'stop-watchdog':
        unit.log('warning', "State 'stop-watchdog' timed out. Terminating.");
        return this.enterSignal(unit, 'stop-sigterm', 'timeout');
      case 'stop-sigterm':
        if (kill) {
          unit.log('warning', "State 'stop-sigterm' timed out. Killing.");
          return this.enterSignal(unit, 'stop-sigkill', 'timeout');
        }
        unit.log('warning', "State 'stop-sigterm' timed out. Skipping SIGKILL.");
        return this.enterStopPost(unit, 'timeout');
      case 'stop-sigkill':
        unit.log('warning', 'Processes still around after SIGKILL. Ignoring.');
        return this.enterStopPost(unit, 'timeout');
      case 'stop-post':
        unit.log('warning', "State 'stop-post' timed out. Terminating.");
        return this.enterSignal(unit, 'final-sigterm', 'timeout');
      case 'final-watchdog':
      case 'final-sigterm':
        if (kill) {
          unit.log('warning', `State '${d.state}' timed out. Killing.`);
          return this.enterSignal(unit, 'final-sigkill', 'timeout');
        }
        unit.log('warning', `State '${d.state}' timed out. Skipping SIGKILL. Entering failed mode.`);
        return this.enterDead(unit, 'timeout', false);
      case 'final-sigkill':
        unit.log('warning', 'Processes still around after final SIGKILL. Entering failed mode.');
        return this.enterDead(unit, 'timeout', true);
      case 'auto-restart':
        unit.log('info', d.settings.restartUsec > 0
          ? `Service RestartSec=${formatTimeSpan(d.settings.restartUsec)} expired, scheduling restart.`
          : 'Service has no hold-off time (RestartSec=0), scheduling restart.');
        return this.enterRestart(unit);
      default:
        return;
    }
  }

  /** The scope emptied: what the main/control exits could not tell (systemd's notify_cgroup_empty). */
  scopeEmpty(unit: Unit<ServiceData>): void {
    const d = unit.data;
    switch (d.state) {
      case 'start':
        if ((d.settings.type === 'notify' || d.settings.type === 'notify-reload') && !d.mainPid && !d.controlPid) {
          return this.enterStopPost(unit, 'protocol');
        }
        if (d.settings.exitType === 'cgroup' && !d.mainPid) return this.enterStopPost(unit, 'success');
        return this.pidFileNeverWritten(unit);
      case 'start-post':
        return this.pidFileNeverWritten(unit);
      case 'running':
        return this.enterRunning(unit, 'success');
      case 'stop-watchdog':
      case 'stop-sigterm':
      case 'stop-sigkill':
        if (!this.mainPidGood(unit) && !d.controlPid) this.enterStopPost(unit, 'success');
        return;
      case 'stop-post':
      case 'final-watchdog':
      case 'final-sigterm':
      case 'final-sigkill':
        if (!this.mainPidGood(unit) && !d.controlPid) this.enterDead(unit, 'success', true);
        return;
      default:
        return;
    }
  }

  /**
   * systemd's main_pid_good() for the stop path: a main pid of our own is good until we reaped it;
   * an alien one (not our child, its exit never reported to us) only while it is still alive.
   */
  private mainPidGood(unit: Unit<ServiceData>): boolean {
    const d = unit.data;
    if (!d.mainPid) return false;
    if (!d.mainPidAlien) return true;
    let alive = this.spawner.kill(d.mainPid, 0);
    try {
      // A zombie is dead for this purpose: its parent, not us, will reap it.
      if (alive) alive = !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${d.mainPid}/stat`, 'utf8'));
    } catch {
      // No /proc entry to look at (or no /proc): the spawner's answer stands.
    }
    // Nothing will tell us when it goes: look again soon (the stop timer still bounds the wait).
    if (alive) unit.setTimer(ALIEN_POLL, unit.manager.loop.now() + ALIEN_POLL_USEC);
    return alive;
  }

  /** The scope emptied while we still waited for the PID file: give up on it. */
  private pidFileNeverWritten(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (!d.settings.pidFile || !unit.hasTimer(PIDFILE_POLL) || d.mainPid || d.controlPid) return;
    unit.log('warning', 'Daemon never wrote its PID file. Failing.');
    unit.clearTimer(PIDFILE_POLL);
    if (d.state === 'start') this.enterSignal(unit, 'stop-sigterm', 'protocol');
    else this.enterStop(unit, 'protocol');
  }

  /** An sd_notify datagram from one of the unit's processes (systemd's service_notify_message()). */
  notifyMessage(unit: Unit<ServiceData>, sender: NotifySender, fields: Map<string, string>, fds: number[]): void {
    if (!this.notifyAuthorized(unit, sender.pid)) return this.closeFds(fds);
    try {
      this.notifyFields(unit, sender, fields);
    } finally {
      // Even when handling the fields threw, the fds are stored or closed, never leaked.
      this.notifyFds(unit, fields, fds);
    }
  }

  /** The assignments of an authorized datagram, in systemd's order. */
  private notifyFields(unit: Unit<ServiceData>, sender: NotifySender, fields: Map<string, string>): void {
    const d = unit.data;
    const mainPidText = fields.get('MAINPID');
    if (mainPidText !== undefined && ['start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify'].includes(d.state)) {
      this.notifyMainPid(unit, sender, mainPidText);
    }
    // READY=1, RELOADING=1 and STOPPING=1: the last one in the message wins.
    const order = [...fields.keys()].reverse();
    for (const k of order) {
      const v = fields.get(k);
      if (k === 'READY' && v === '1') {
        d.notifyState = 'ready';
        if ((d.settings.type === 'notify' || d.settings.type === 'notify-reload') && d.state === 'start') this.enterStartPost(unit);
        else if (d.state === 'reload-notify' || (d.state === 'reload' && d.settings.exec.ExecReload.length === 0)) this.enterRunning(unit, 'success');
        else if (d.state === 'reload-signal' && fields.get('RELOADING') === '1') this.enterRunning(unit, 'success');
        break;
      }
      if (k === 'RELOADING' && v === '1') {
        d.notifyState = 'reloading';
        if (d.state === 'reload-signal') this.setState(unit, 'reload-notify');
        else if (d.state === 'running') this.enterReloadByNotify(unit);
        break;
      }
      if (k === 'STOPPING' && v === '1') {
        d.notifyState = 'stopping';
        if (d.state === 'running') this.enterStopByNotify(unit);
        break;
      }
    }
    const status = fields.get('STATUS');
    if (status !== undefined) d.statusText = status === '' ? undefined : status;
    const errno = fields.get('ERRNO');
    if (errno !== undefined) {
      const n = parseNotifyErrno(errno);
      if (n !== undefined) d.statusErrno = n;
      else this.notifyWarn(unit, `Failed to parse ERRNO= field value '${errno}' in notification message: ${/^[0-9]+$/.test(errno) ? 'Numerical result out of range' : 'Invalid argument'}`);
    }
    const extend = fields.get('EXTEND_TIMEOUT_USEC');
    if (extend !== undefined) {
      const usec = parseNotifyUsec(extend);
      if (usec !== undefined) this.extendTimeout(unit, usec);
      else this.notifyWarn(unit, `Failed to parse EXTEND_TIMEOUT_USEC=${extend}`);
    }
    const wd = fields.get('WATCHDOG');
    if (wd === '1') this.resetWatchdog(unit);
    else if (wd === 'trigger') this.forceWatchdog(unit);
    else if (wd !== undefined) this.notifyWarn(unit, 'Passed WATCHDOG= field is invalid, ignoring.');
    const wdUsec = fields.get('WATCHDOG_USEC');
    if (wdUsec !== undefined) {
      const usec = parseNotifyUsec(wdUsec);
      if (usec !== undefined) {
        d.watchdogOverride = usec;
        this.resetWatchdog(unit);
      } else this.notifyWarn(unit, `Failed to parse WATCHDOG_USEC=${wdUsec}`);
    }
  }

  /** FDSTORE=1 keeps the datagram's fds, FDSTOREREMOVE=1 drops stored ones; fds nobody asked for are closed. */
  private notifyFds(unit: Unit<ServiceData>, fields: Map<string, string>, fds: number[]): void {
    if (fields.get('FDSTOREREMOVE') === '1') this.removeFromFdStore(unit, fields.get('FDNAME') ?? 'stored');
    if (fields.get('FDSTORE') === '1') this.addToFdStore(unit, fds, fields.get('FDNAME') ?? 'stored');
    else if (fds.length > 0) {
      this.closeFds(fds);
      this.notifyWarn(unit, 'Got extra auxiliary fds with notification message, closing them.');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Spawning
  // ---------------------------------------------------------------------------------------------

  /** Spawns one command; returns its pid (and whether the exec is already known to have failed), or undefined. */
  private spawn(unit: Unit<ServiceData>, list: ExecCommandList, command: ExecCommand, main: boolean): { pid: number; failed: boolean } | undefined {
    const d = unit.data;
    const s = d.settings;
    const u = unit as unknown as Unit;
    const env: Record<string, string> = {};
    if (this.notify && s.notifyAccess !== 'none') env.NOTIFY_SOCKET = this.notify.address;
    if (d.mainPid) env.MAINPID = String(d.mainPid);
    if (main && d.connectionPeer) {
      env.REMOTE_ADDR = d.connectionPeer.address;
      env.REMOTE_PORT = d.connectionPeer.port;
    }
    if (list === 'ExecStop' || list === 'ExecStopPost') {
      env.SERVICE_RESULT = d.result;
      if (d.mainExec.pid > 0 && d.mainExec.code) {
        env.EXIT_CODE = d.mainExec.code;
        env.EXIT_STATUS = d.mainExec.code === 'exited' ? String(d.mainExec.status) : signalName(d.mainExec.status).replace(/^SIG/, '');
      }
    }
    const watchdog = this.effectiveWatchdogUsec(unit);
    if (main && watchdog > 0 && watchdog !== Infinity) env.WATCHDOG_USEC = String(watchdog);
    let fds: Array<{ fd: number; name: string }> | undefined;
    if (main) fds = d.connectionFd !== undefined ? [{ fd: d.connectionFd, name: 'connection' }, ...d.fdStore] : [...this.collectSocketFds(unit), ...d.fdStore];
    const scope = this.scopes.scope(u);
    let captured: CapturedStream[] = [];
    try {
      const prepared = buildExecSpec({
        unitName: unit.id,
        command,
        context: s.context,
        scope: unit.manager.scope,
        managerEnvironment: unit.manager.environment,
        environment: env,
        invocationId: unit.invocationId,
        managerPid: process.pid,
        fds,
        passListenFds: main,
        socketFd: main ? d.connectionFd : undefined,
        noTerminalInput: list === 'ExecStop' || list === 'ExecReload',
        cgroupPath: scope.prepare(),
        output: this.output,
        users: this.users,
        runtimeDirectory: unit.manager.runtimeDirectory,
        mounts: this.mounts,
        joinsNamespaceOf: [...unit.dependencies('JoinsNamespaceOf')].map((u) => u.id),
        warn: (message) => unit.log('warning', message),
        info: (message) => unit.log('info', message),
      });
      const spec = prepared.spec;
      if (prepared.failureMessage) unit.log('err', prepared.failureMessage);
      // Delegate=: the cgroup belongs to the user the process runs as.
      if (spec.uid !== undefined || spec.gid !== undefined) scope.delegateTo?.(spec.uid ?? 0, spec.gid ?? 0);
      captured = prepared.captured;
      if (main && watchdog > 0 && watchdog !== Infinity) spec.pidEnvironment = [...(spec.pidEnvironment ?? []), 'WATCHDOG_PID'];
      const spawned = this.spawner.spawn(spec);
      for (const c of captured) c.spawned(spawned.pid);
      const t = s.context.terminal;
      if (t.utmpIdentifier && !spawned.failure) {
        // The process leads a new session: its sid is its pid. The line is TTYPath= without /dev/.
        this.utmp?.processStarted({
          id: t.utmpIdentifier, pid: spawned.pid, sid: spawned.pid, mode: t.utmpMode,
          ...(t.ttyPath ? { line: t.ttyPath.replace(/^\/dev\//, '') } : {}),
          ...(t.utmpMode === 'user' ? { user: s.context.user ?? 'root' } : {}),
        });
      }
      scope.add(spawned.pid);
      unit.watchPid(spawned.pid);
      unit.log('debug', `Forked ${command.path} as ${spawned.pid}`);
      if (spawned.failure) {
        // The native spawner's message reads "ESRCH: No such process, USER '/bin/sh'": log the middle, as %m.
        const why = (spawned.failure.message ?? spawned.failure.code ?? 'failed').replace(/^[A-Z0-9]+: ([^,]*),.*$/s, '$1');
        unit.log('err', `Failed at step ${spawned.failure.step} spawning ${command.path}: ${why}`);
      }
      return { pid: spawned.pid, failed: spawned.failure !== undefined };
    } catch (e) {
      for (const c of captured) c.abort();
      if (e instanceof ExecPrepareError) unit.log('err', `Failed at step ${e.step} spawning ${command.path}: ${e.message}`);
      else unit.log('err', `Failed to spawn '${commandName[list]}' task: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Runs entry `index` of a control list as the control process. */
  private runControl(unit: Unit<ServiceData>, list: ExecCommandList, index: number): boolean {
    const d = unit.data;
    const command = d.settings.exec[list][index]!;
    const r = this.spawn(unit, list, command, list === 'ExecStart');
    if (!r) return false;
    d.controlPid = r.pid;
    d.controlList = list;
    d.controlIndex = index;
    const loop = unit.manager.loop;
    ownStatuses(d)[list][index] = { pid: r.pid, startRealtime: loop.realtime(), exitRealtime: 0, status: 0 };
    return true;
  }

  /** Runs ExecStart= entry `index` as the main process. */
  private runMain(unit: Unit<ServiceData>, index: number): { pid: number; failed: boolean } | undefined {
    const d = unit.data;
    const r = this.spawn(unit, 'ExecStart', d.settings.exec.ExecStart[index]!, true);
    if (!r) return undefined;
    const loop = unit.manager.loop;
    d.mainPid = r.pid;
    d.mainPidKnown = true;
    d.mainIndex = index;
    d.mainExec = { pid: r.pid, startRealtime: loop.realtime(), startMonotonic: loop.now(), exitRealtime: 0, exitMonotonic: 0, status: 0 };
    ownStatuses(d).ExecStart[index] = { pid: r.pid, startRealtime: loop.realtime(), exitRealtime: 0, status: 0 };
    return r;
  }

  /** The fds of the sockets that trigger this service (TriggeredBy=, which Sockets= adds to), in order, with names. */
  private collectSocketFds(unit: Unit<ServiceData>): Array<{ fd: number; name: string }> {
    const out: Array<{ fd: number; name: string }> = [];
    for (const other of unit.unitsWithAtom('TriggeredBy')) out.push(...(other.type.collectFds?.(other) ?? []));
    return out;
  }

  private unwatchControl(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (d.controlPid) unit.unwatchPid(d.controlPid);
    d.controlPid = undefined;
  }

  private unwatchMain(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (d.mainPid) unit.unwatchPid(d.mainPid);
    d.mainPid = undefined;
    d.mainPidKnown = false;
    d.mainPidAlien = false;
  }

  /** systemd's service_good(): the main process lives, or (when unknown) the scope still has processes. */
  private good(unit: Unit<ServiceData>): boolean {
    const d = unit.data;
    if (d.settings.type === 'dbus' && !d.busNameGood) return false;
    if (d.mainPid) return true;
    if (!d.mainPidKnown && d.settings.type === 'forking') return !this.scopes.scope(unit as unknown as Unit).isEmpty();
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Main pid from PIDFile=, GuessMainPID= and MAINPID=
  // ---------------------------------------------------------------------------------------------

  /**
   * systemd's service_is_suitable_main_pid(): 1 when `pid` is one of the unit's processes, 0 when it
   * is a live process elsewhere (acceptable only from a trusted source: a root-owned PID file, a
   * MAINPID= sent by root), -1 when it is refused outright — the manager, pid 1, the control
   * process, or no live process.
   */
  private suitableMainPid(unit: Unit<ServiceData>, pid: number, say: (message: string) => void): -1 | 0 | 1 {
    const d = unit.data;
    if (pid === process.pid || pid <= 1) {
      say(`New main PID ${pid} is the manager, refusing.`);
      return -1;
    }
    if (pid === d.controlPid) {
      say(`New main PID ${pid} is the control process, refusing.`);
      return -1;
    }
    if (!this.spawner.kill(pid, 0)) {
      say(`New main PID ${pid} does not exist or is a zombie.`);
      return -1;
    }
    if (this.inScope(unit, pid)) {
      unit.log('debug', `New main PID ${pid} belongs to service, we are happy.`);
      return 1;
    }
    return 0;
  }

  /** Whether `pid` is one of the unit's processes (in its cgroup; on the fallback, its tracked tree). */
  private inScope(unit: Unit<ServiceData>, pid: number): boolean {
    const u = unit as unknown as Unit;
    if (unit.manager.processScopes?.unitOf?.(pid) === u) return true;
    return this.scopes.scope(u).pids().includes(pid);
  }

  /**
   * systemd's service_load_pid_file(): reads PIDFile= (non-blocking, size-capped, regular files
   * only) and makes the pid it names the main pid — if it is the unit's own process, or the file is
   * owned by root. 'loaded' when the main pid is now that pid, 'same' when it already was, 'failed'
   * when there is none (not there yet, unparsable, refused).
   */
  private loadPidFile(unit: Unit<ServiceData>, mayWarn: boolean): 'loaded' | 'same' | 'failed' {
    const d = unit.data;
    const path = d.settings.pidFile;
    if (!path) return 'failed';
    const level: LogLevel = mayWarn ? 'info' : 'debug';
    const opened: { uid?: number } = {};
    let text: string;
    try {
      text = readRegularFile(path, PIDFILE_MAX, opened);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      unit.log(level, `Can't open PID file ${path} (yet?) after ${d.state}: ${errnoText[code] ?? (e as Error).message}`);
      return 'failed';
    }
    // parse_pid(): leading whitespace is skipped (strtoul), nothing may follow the number.
    const line = (text.split('\n')[0] ?? '').replace(/^[ \t\r]+/, '');
    const pid = parsePid(line);
    if (pid === undefined) {
      unit.log(level, `Failed to parse PID from file ${path}: ${pidParseError(line)}`);
      return 'failed';
    }
    if (d.mainPidKnown && pid === d.mainPid) return 'same';
    const suitable = this.suitableMainPid(unit, pid, (m) => unit.log(level, m));
    if (suitable < 0) return 'failed';
    if (suitable === 0) {
      // Not the unit's process: only a file nobody but root could have written may name it.
      if (opened.uid !== 0) {
        unit.log('err', `New main PID ${pid} does not belong to service, and PID file is not owned by root. Refusing.`);
        return 'failed';
      }
      unit.log('debug', `New main PID ${pid} does not belong to service, but we'll accept it since PID file is owned by root.`);
    }
    if (d.mainPidKnown) {
      unit.log('debug', `Main PID changing: ${d.mainPid} -> ${pid}`);
      this.unwatchMain(unit);
    } else unit.log('debug', `Main PID loaded: ${pid}`);
    this.setMainPid(unit, pid, suitable === 0);
    return 'loaded';
  }

  /** The PID file is not there yet: look again until the start timeout (systemd watches it with inotify). */
  private demandPidFile(unit: Unit<ServiceData>): void {
    unit.setTimer(PIDFILE_POLL, unit.manager.loop.now() + PIDFILE_POLL_USEC);
  }

  private pollPidFile(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (d.state !== 'start' && d.state !== 'start-post') return;
    if (this.loadPidFile(unit, false) === 'failed') {
      if (this.scopes.scope(unit as unknown as Unit).isEmpty() && !d.controlPid) {
        unit.log('warning', 'Daemon never wrote its PID file. Failing.');
        if (d.state === 'start') return this.enterSignal(unit, 'stop-sigterm', 'protocol');
        return this.enterStop(unit, 'protocol');
      }
      return this.demandPidFile(unit);
    }
    if (d.state === 'start') this.enterStartPost(unit);
    else this.enterRunning(unit, 'success');
  }

  /**
   * GuessMainPID= (systemd's service_search_main_pid): the one process left in the unit's scope —
   * never the control process, the manager or pid 1 — becomes the main pid. More than one: no guess.
   */
  private searchMainPid(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (d.mainPidKnown || !d.settings.guessMainPid) return;
    const pids = this.scopes.scope(unit as unknown as Unit).pids().filter((p) => p !== d.controlPid && p > 1 && p !== process.pid);
    if (pids.length !== 1) return;
    unit.log('debug', `Main PID guessed: ${pids[0]}`);
    this.setMainPid(unit, pids[0]!, false);
  }

  /**
   * Makes `pid` the main pid and watches it. An `alien` pid (outside the unit's scope, accepted
   * from a trusted source) is never moved into the unit's cgroup, and a stop does not wait for it.
   * The manager and pid 1 are refused here too, whatever the caller checked.
   */
  private setMainPid(unit: Unit<ServiceData>, pid: number, alien: boolean): void {
    if (pid <= 1 || pid === process.pid) return;
    const d = unit.data;
    const loop = unit.manager.loop;
    d.mainPid = pid;
    d.mainPidKnown = true;
    d.mainPidAlien = alien;
    d.mainIndex = undefined;
    d.mainExec = { pid, startRealtime: loop.realtime(), startMonotonic: loop.now(), exitRealtime: 0, exitMonotonic: 0, status: 0 };
    if (alien) unit.log('warning', `Supervising process ${pid} which is not our child. We'll most likely not notice when it exits.`);
    else this.scopes.scope(unit as unknown as Unit).add(pid);
    unit.watchPid(pid);
  }

  /** MAINPID= (systemd's service_notify_message): accepted for the unit's own processes, or from root. */
  private notifyMainPid(unit: Unit<ServiceData>, sender: NotifySender, text: string): void {
    const d = unit.data;
    const pid = parsePid(text.replace(/^[ \t\n\r]+/, ''));
    if (pid === undefined) return this.notifyWarn(unit, `Failed to parse MAINPID= field in notification message, ignoring: ${text}`);
    if (d.mainPidKnown && pid === d.mainPid) return;
    let suitable = this.suitableMainPid(unit, pid, (m) => this.notifyWarn(unit, m));
    if (suitable === 0) {
      if (sender.uid === 0) {
        unit.log('debug', `New main PID ${pid} does not belong to service, but we'll accept it as the request to change it came from a privileged process.`);
      } else {
        this.notifyWarn(unit, `New main PID ${pid} does not belong to service, refusing.`);
        suitable = -1;
      }
    }
    if (suitable < 0) return;
    if (d.mainPid) unit.unwatchPid(d.mainPid);
    this.setMainPid(unit, pid, suitable === 0);
  }

  /** A warning caused by what a notify datagram said: rate-limited per unit, the service controls the flood. */
  private notifyWarn(unit: Unit<ServiceData>, message: string): void {
    const suffix = (unit.data.notifyLogLimit ??= new LogRateLimit()).admit(unit.manager.loop.now());
    if (suffix !== undefined) unit.log('warning', message + suffix);
  }

  private notifyAuthorized(unit: Unit<ServiceData>, pid: number): boolean {
    const d = unit.data;
    switch (d.settings.notifyAccess) {
      case 'none':
        this.notifyWarn(unit, `Got notification message from PID ${pid}, but reception is disabled.`);
        return false;
      case 'main':
        if (pid === d.mainPid) return true;
        this.notifyWarn(unit, d.mainPid
          ? `Got notification message from PID ${pid}, but reception only permitted for main PID ${d.mainPid}`
          : `Got notification message from PID ${pid}, but reception only permitted for main PID which is currently not known`);
        return false;
      case 'exec':
        if (pid === d.mainPid || pid === d.controlPid) return true;
        this.notifyWarn(unit, `Got notification message from PID ${pid}, but reception only permitted for main PID and control PID`);
        return false;
      case 'all':
        // Core routes only datagrams from pids this unit watches or whose scope it is: they are ours.
        return true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Timeouts, the watchdog and the fd store
  // ---------------------------------------------------------------------------------------------

  /** EXTEND_TIMEOUT_USEC=: the state timer fires no earlier than `usec` from now. */
  private extendTimeout(unit: Unit<ServiceData>, usec: number): void {
    const d = unit.data;
    const extendable = ['condition', 'start-pre', 'start', 'start-post', 'reload', 'reload-signal', 'reload-notify', 'stop', 'stop-watchdog', 'stop-sigterm', 'stop-sigkill', 'stop-post', 'final-watchdog', 'final-sigterm', 'final-sigkill'];
    if (!extendable.includes(d.state) || d.timerDeadline === Infinity) return;
    const at = unit.manager.loop.now() + usec;
    if (at > d.timerDeadline) {
      d.timerDeadline = at;
      unit.setTimer(TIMER, at);
    }
  }

  /** WatchdogSec=, or what the service set with WATCHDOG_USEC=. */
  effectiveWatchdogUsec(unit: Unit<ServiceData>): number {
    return unit.data.watchdogOverride ?? unit.data.settings.watchdogUsec;
  }

  /** WATCHDOG=1 (and entering start-post): the watchdog starts counting again. */
  private resetWatchdog(unit: Unit<ServiceData>, starting = false): void {
    const d = unit.data;
    const loop = unit.manager.loop;
    const usec = this.effectiveWatchdogUsec(unit);
    const configured = usec > 0 && usec !== Infinity;
    // Without a watchdog, starting leaves WatchdogTimestamp= unset (as systemd shows it); a ping still sets it.
    if (!starting || configured) d.watchdogTimestamp = { realtime: loop.realtime(), monotonic: loop.now() };
    if (configured && (starting || watchdogStates.has(d.state))) unit.setTimer(WATCHDOG, d.watchdogTimestamp.monotonic + usec);
    else unit.clearTimer(WATCHDOG);
  }

  private watchdogTimeout(unit: Unit<ServiceData>): void {
    unit.log('err', `Watchdog timeout (limit ${formatTimeSpan(this.effectiveWatchdogUsec(unit))})!`);
    this.forceWatchdog(unit);
  }

  /** WATCHDOG=trigger or a missed ping: the watchdog signal, result watchdog. */
  private forceWatchdog(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (!['start', 'start-post', 'running', 'reload', 'reload-signal', 'reload-notify'].includes(d.state)) return;
    if (d.state === 'start' && d.settings.type !== 'notify' && d.settings.type !== 'notify-reload') return;
    this.enterSignal(unit, 'stop-watchdog', 'watchdog');
  }

  private addToFdStore(unit: Unit<ServiceData>, fds: number[], name: string): void {
    const d = unit.data;
    const max = d.settings.fdStoreMax;
    for (const [i, fd] of fds.entries()) {
      if (d.fdStore.length >= max) {
        this.closeFds(fds.slice(i));
        this.notifyWarn(unit, `Attempted to store more fds than FileDescriptorStoreMax=${max} allows, closing remaining.`);
        return;
      }
      (d.fdStore === NO_FDS ? (d.fdStore = []) : d.fdStore).push({ fd, name });
      unit.log('debug', `Added fd ${fd} (${name}) to fd store.`);
    }
  }

  private removeFromFdStore(unit: Unit<ServiceData>, name: string): void {
    const d = unit.data;
    const gone = d.fdStore.filter((f) => f.name === name);
    d.fdStore = d.fdStore.filter((f) => f.name !== name);
    for (const f of gone) unit.log('debug', `Got explicit request to remove fd ${f.fd} (${name}), closing.`);
    this.closeFds(gone.map((f) => f.fd));
  }

  private releaseFdStore(unit: Unit<ServiceData>): void {
    const d = unit.data;
    if (d.fdStore.length === 0) return;
    this.closeFds(d.fdStore.map((f) => f.fd));
    d.fdStore = NO_FDS;
  }

  private closeFds(fds: readonly number[]): void {
    if (fds.length === 0) return;
    if (this.fds) for (const fd of fds) this.fds.close(fd);
    else this.notify?.closeFds(fds);
  }
}
