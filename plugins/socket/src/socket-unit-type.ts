/**
 * The socket unit type (systemd.socket(5)), written after systemd's src/core/socket.c: one
 * setState() that alone writes the state and does the entry/exit work (fd watches, the timeout,
 * closing fds), enter*() transitions, and event hooks that only route on the current state.
 */
import { inject, injectable, optional } from 'inversify';
import {
  ManagerError,
  formatExitStatus,
  isCleanExit,
  spliceScopeProperties,
  buildExecSpec, UserDatabase, VolatileMounts, cleanableExecResources, destroyExecRuntime, destroyRuntimeData, execDirectoryMountPaths, execDirectoryPrefixes, destroysRuntimeData, releaseDynamicCredentials,
  ProcessScopes,
  ProcessSpawner,
  RateLimit,
  SocketBackend,
  UnitLoadError,
  isActiveOrActivating,
  isInactiveOrFailed,
  unitNamePrefix,
  unitNameReplaceInstance,
  type AcceptedConnection,
  type ChildExit,
  type FdEvents,
  type KillOperation,
  type PropertyList,
  type Unit,
  type UnitActionResult,
  type UnitActiveState,
  type UnitDefinition,
  type UnitType,
} from '@unitkit/core';
import type { ExecCommand } from '@unitkit/unit-file';
import { acceptInstanceName } from './accept-instance-name.js';
import { canAccept, type ListenSpec } from './listen-spec.js';
import type { ExecStatus } from './socket-exec.js';
import { resolveGroup, resolveUser } from './socket-owner.js';
import { socketProperties } from './socket-properties.js';
import { listenOptions, readSocketSettings, type SocketExecKind, type SocketSettings } from './socket-settings.js';
import {
  controlStates,
  fdsOpenStates,
  socketResults,
  socketStateTable,
  socketStates,
  type SocketResult,
  type SocketState,
} from './socket-state.js';

/** An accepted connection handed to a service instance, as the instance's service may ask for it. */
export interface SocketConnection extends AcceptedConnection {
  /** The instance it was handed to. */
  service: string;
}

/** Per-unit state of a socket. */
export interface SocketData {
  state: SocketState;
  result: SocketResult;
  settings: SocketSettings;
  /** The open fd of each Listen*= line (same index), undefined while closed. */
  fds: Array<number | undefined>;
  /** The name of the service Accept=no triggers (Service=, or the socket's own name). */
  service?: string;
  controlPid?: number;
  /** Which command runs as the control process now. */
  control?: { kind: SocketExecKind; index: number };
  /** What each Exec*= command did the last time it ran, by kind and position. */
  execStatus: Record<SocketExecKind, Array<ExecStatus | undefined>>;
  nAccepted: number;
  nConnections: number;
  /** Connections read by deserialize(), re-attached in done(). */
  deserializedConnections?: SocketConnection[];
  nRefused: number;
  /**
   * Accept=yes: the live instances, each with the connection it was handed (by its fd), for
   * NConnections=, MaxConnectionsPerSource= and the service's REMOTE_ADDR=/REMOTE_PORT=.
   */
  connections: Map<Unit, SocketConnection>;
  triggerLimit: RateLimit;
  pollLimit: RateLimit;
  /** Watches are paused until the poll limit's window ends. */
  pollPaused: boolean;
  /** State found by deserialize(), applied in done() (systemd's coldplug). */
  deserialized?: { state: SocketState; fds: Array<number | undefined>; listens: string[] };
}

/** Timer keys. */
const TIMEOUT = 'timeout';
const POLL_LIMIT = 'poll-limit';

/** The socket vtable. */
@injectable()
export class SocketUnitType implements UnitType<SocketData> {
  readonly suffix = 'socket';
  readonly sections: readonly string[] = ['Socket'];
  readonly canFail = true;
  readonly canTrigger = true;
  readonly startLimited = true;

  constructor(
    @inject(SocketBackend) private readonly sockets: SocketBackend,
    @inject(ProcessSpawner) private readonly spawner: ProcessSpawner,
    @inject(ProcessScopes) @optional() private readonly scopes: ProcessScopes | undefined,
    @inject(UserDatabase) @optional() private readonly users: UserDatabase | undefined,
    @inject(VolatileMounts) @optional() private readonly mounts: VolatileMounts | undefined,
  ) {}

  /** A fresh socket: dead, nothing open, systemd's defaults. */
  init(unit: Unit<SocketData>): SocketData {
    const settings = readSocketSettings(unit.id, undefined);
    return {
      state: 'dead',
      result: 'success',
      settings,
      fds: [],
      execStatus: { ExecStartPre: [], ExecStartPost: [], ExecStopPre: [], ExecStopPost: [] },
      nAccepted: 0,
      nConnections: 0,
      nRefused: 0,
      connections: new Map(),
      triggerLimit: new RateLimit(settings.triggerLimitInterval, settings.triggerLimitBurst),
      pollLimit: new RateLimit(settings.pollLimitInterval, settings.pollLimitBurst),
      pollPaused: false,
    };
  }

  /** CanClean=: the kinds of exec directories the [Socket] section has. */
  cleanableResources(unit: Unit<SocketData>): string[] {
    return cleanableExecResources(unit.data.settings.execContext.directories);
  }

  /**
   * Reads [Socket], adds the implicit dependencies (Before= and Triggers= on the service for
   * Accept=no; the sockets' paths to RequiresMountsFor=) and the default ones (Before=sockets.target,
   * Requires=/After=sysinit.target in the system manager, Conflicts=/Before=shutdown.target), then
   * verifies as socket_verify() does.
   */
  load(unit: Unit<SocketData>, definition: UnitDefinition): void {
    const d = unit.data;
    const s = readSocketSettings(unit.id, definition.sections.get('Socket'));
    d.settings = s;
    d.fds = s.listens.map(() => undefined);
    d.triggerLimit = new RateLimit(s.triggerLimitInterval, s.triggerLimitBurst);
    d.pollLimit = new RateLimit(s.pollLimitInterval, s.pollLimitBurst);
    d.execStatus = { ExecStartPre: [], ExecStartPost: [], ExecStopPre: [], ExecStopPost: [] };

    // A copy: the settings' list may be the one shared empty array of units without RequiresMountsFor=.
    const mounts = [...unit.settings.requiresMountsFor];
    for (const l of s.listens) if (l.path && !mounts.includes(l.path)) mounts.push(l.path);
    // The exec directories of ExecStartPre= & co. need their file systems too (unit_add_exec_dependencies()).
    for (const p of execDirectoryMountPaths(s.execContext.directories, execDirectoryPrefixes(unit.manager.scope, unit.manager.environment))) {
      if (!mounts.includes(p)) mounts.push(p);
    }
    unit.settings.requiresMountsFor = mounts.sort();

    if (!s.accept) {
      d.service = s.service ?? `${unit.id.slice(0, -'.socket'.length)}.service`;
      unit.addDependency('Before', d.service);
      unit.addDependency('Triggers', d.service);
    }
    if (unit.settings.defaultDependencies) {
      unit.addDependency('Before', 'sockets.target');
      if (unit.manager.scope === 'system') {
        unit.addDependency('Requires', 'sysinit.target');
        unit.addDependency('After', 'sysinit.target');
      }
      unit.addDependency('Conflicts', 'shutdown.target');
      unit.addDependency('Before', 'shutdown.target');
    }
    // Verified after the dependencies are added, as socket_verify() runs after socket_add_extras().
    if (s.listens.length === 0) {
      throw new UnitLoadError('Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.');
    }
    if (s.accept && s.listens.some((l) => !canAccept(l))) {
      throw new UnitLoadError('Unit configured for accepting sockets, but sockets are non-accepting. Refusing.');
    }
    if (s.accept && s.maxConnections <= 0) throw new UnitLoadError('MaxConnection= setting too small. Refusing.');
    if (s.accept && s.service) throw new UnitLoadError('Explicit service configuration for accepting socket units not supported. Refusing.');
    if (s.symlinks.length > 0 && s.listens.filter((l) => l.path && l.kind !== 'special').length !== 1) {
      throw new UnitLoadError('Unit has symlinks set but none or more than one node in the file system. Refusing.');
    }
  }

  /** Re-establishes what the deserialized state needs: fds, their watches, the timer (coldplug). */
  done(unit: Unit<SocketData>): void {
    const d = unit.data;
    this.restoreConnections(unit);
    const saved = d.deserialized;
    if (!saved) return;
    d.deserialized = undefined;
    // Fds are matched to the (possibly changed) Listen*= lines by kind and address, as
    // socket_deserialize_item() matches them; fds of lines that are gone are closed.
    const wanted = d.settings.listens.map(listenKey);
    saved.fds.forEach((fd, i) => {
      if (fd === undefined) return;
      const j = wanted.indexOf(saved.listens[i]!);
      if (j >= 0 && d.fds[j] === undefined) d.fds[j] = fd;
      else this.sockets.close(fd);
    });
    d.state = saved.state;
    if (d.state === 'listening') this.watchFds(unit);
    if (controlStates.has(d.state)) unit.setTimer(TIMEOUT, unit.manager.loop.now() + d.settings.timeout);
    if (d.controlPid) unit.watchPid(d.controlPid);
    if (unit.activeState() !== unit.lastActiveState) unit.notifyStateChange();
  }

  /** socket_start(). */
  start(unit: Unit<SocketData>): UnitActionResult {
    const d = unit.data;
    if (['stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill'].includes(d.state)) return 'again';
    if (['start-pre', 'start-chown', 'start-post'].includes(d.state)) return 'waiting';
    if (d.service) {
      const service = unit.manager.getUnit(d.service);
      if (service && service.loadState !== 'loaded') {
        unit.log('err', `Socket service ${service.id} not loaded, refusing.`);
        return 'failed';
      }
      // A service running without its socket would not get the fds; systemd refuses (-EBUSY).
      if (service && !isInactiveOrFailed(service.activeState()) && !service.type.willRestart?.(service)) {
        unit.log('err', `Socket service ${service.id} already active, refusing.`);
        return 'failed';
      }
    }
    d.result = 'success';
    d.triggerLimit = new RateLimit(d.settings.triggerLimitInterval, d.settings.triggerLimitBurst);
    unit.manager.acquireInvocationId(unit as Unit);
    this.enterStartPre(unit);
    return 'started';
  }

  /** socket_stop(). */
  stop(unit: Unit<SocketData>): UnitActionResult {
    const d = unit.data;
    if (['stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill'].includes(d.state)) return 'waiting';
    // A start command still runs: kill it first, the stop is retried at the next state change.
    if (['start-pre', 'start-chown', 'start-post'].includes(d.state)) {
      this.enterSignal(unit, 'stop-pre-sigterm', 'success');
      return 'again';
    }
    this.enterStopPre(unit, 'success');
    return 'started';
  }

  activeState(unit: Unit<SocketData>): UnitActiveState {
    return socketStateTable[unit.data.state];
  }

  subState(unit: Unit<SocketData>): string {
    return unit.data.state;
  }

  /** Traffic on a listening fd (socket_dispatch_io()). */
  fdEvent(unit: Unit<SocketData>, fd: number, events: FdEvents): void {
    const d = unit.data;
    if (d.state !== 'listening') return;
    const index = d.fds.indexOf(fd);
    if (index < 0) return;
    unit.log('debug', 'Incoming traffic');
    if (events.hangup || !events.readable) {
      if (events.hangup) {
        unit.log('err', 'Got POLLHUP on a listening socket. The service probably invoked shutdown() on it, and should better not do that.');
      } else unit.log('err', 'Got unexpected poll event on socket.');
      this.enterStopPre(unit, 'resources');
      return;
    }
    // PollLimitIntervalSec=/PollLimitBurst=: too many wake-ups pause the watches, they do not fail the unit.
    if (!d.pollLimit.below(unit.manager.loop.now())) {
      unit.log('warning', 'Poll limit hit, pausing socket activation until the limit interval has passed.');
      d.pollPaused = true;
      this.unwatchFds(unit);
      unit.setTimer(POLL_LIMIT, unit.manager.loop.now() + d.settings.pollLimitInterval);
      return;
    }
    const spec = d.settings.listens[index]!;
    if (d.settings.accept && canAccept(spec)) {
      let c: AcceptedConnection | undefined;
      try {
        c = this.sockets.accept(fd);
      } catch (e) {
        unit.log('err', `Failed to accept socket: ${(e as Error).message}`);
        this.enterStopPre(unit, 'resources');
        return;
      }
      if (!c) return; // spurious readiness
      this.enterRunning(unit, c);
      return;
    }
    this.enterRunning(unit, undefined);
  }

  /** A control process ended (socket_sigchld_event()). */
  sigchldEvent(unit: Unit<SocketData>, exit: ChildExit): void {
    const d = unit.data;
    if (exit.pid !== d.controlPid) return;
    d.controlPid = undefined;
    // A command is clean only with exit 0: no signal counts as clean for it (EXIT_CLEAN_COMMAND).
    let f: SocketResult = isCleanExit(exit.code, exit.status, false)
      ? 'success'
      : exit.code === 'exited' ? 'exit-code' : exit.code === 'killed' ? 'signal' : 'core-dump';
    const control = d.control;
    let cmd: ExecCommand | undefined;
    if (control) {
      cmd = d.settings.exec[control.kind][control.index];
      const st = d.execStatus[control.kind][control.index];
      if (st) {
        st.exit = exit;
        st.exitRealtime = unit.manager.loop.realtime();
      }
      if (cmd?.flags.ignoreFailure) f = 'success';
    }
    const what = control ? control.kind : 'control';
    const message = `Control process exited, code=${exit.code}, status=${formatExitStatus(exit.code, exit.status)}`;
    if (f === 'success') unit.log('debug', message, { COMMAND: what });
    else unit.log('notice', message, { COMMAND: what });
    if (d.result === 'success') d.result = f;

    if (control && f === 'success' && control.index + 1 < d.settings.exec[control.kind].length) {
      unit.log('debug', `Running next command for state ${d.state}`);
      this.runCommand(unit, control.kind, control.index + 1);
      return;
    }
    d.control = undefined;
    unit.log('debug', `Got final SIGCHLD for state ${d.state}.`);
    switch (d.state) {
      case 'start-pre':
        if (f === 'success') this.enterStartChown(unit);
        else this.enterSignal(unit, 'final-sigterm', f);
        break;
      case 'start-chown':
        if (f === 'success') this.enterStartPost(unit);
        else this.enterStopPre(unit, f);
        break;
      case 'start-post':
        if (f === 'success') this.enterListening(unit);
        else this.enterStopPre(unit, f);
        break;
      case 'stop-pre':
      case 'stop-pre-sigterm':
      case 'stop-pre-sigkill':
        this.enterStopPost(unit, f);
        break;
      case 'stop-post':
      case 'final-sigterm':
      case 'final-sigkill':
        this.enterDead(unit, f);
        break;
      default:
        break;
    }
  }

  /** The timeout of a control state elapsed (socket_dispatch_timer()), or the poll-limit pause ended. */
  timerEvent(unit: Unit<SocketData>, key: string): void {
    const d = unit.data;
    if (key === POLL_LIMIT) {
      d.pollPaused = false;
      if (d.state === 'listening') this.watchFds(unit);
      return;
    }
    switch (d.state) {
      case 'start-pre':
        unit.log('warning', 'Starting timed out. Terminating.');
        this.enterSignal(unit, 'final-sigterm', 'timeout');
        break;
      case 'start-chown':
      case 'start-post':
        unit.log('warning', 'Starting timed out. Stopping.');
        this.enterStopPre(unit, 'timeout');
        break;
      case 'stop-pre':
        unit.log('warning', 'Stopping timed out. Terminating.');
        this.enterSignal(unit, 'stop-pre-sigterm', 'timeout');
        break;
      case 'stop-pre-sigterm':
        if (d.settings.kill.sendSIGKILL) {
          unit.log('warning', 'Stopping timed out. Killing.');
          this.enterSignal(unit, 'stop-pre-sigkill', 'timeout');
        } else {
          unit.log('warning', 'Stopping timed out. Skipping SIGKILL. Ignoring.');
          this.enterStopPost(unit, 'timeout');
        }
        break;
      case 'stop-pre-sigkill':
        unit.log('warning', 'Processes still around after SIGKILL. Ignoring.');
        this.enterStopPost(unit, 'timeout');
        break;
      case 'stop-post':
        unit.log('warning', 'Stopping timed out (2). Terminating.');
        this.enterSignal(unit, 'final-sigterm', 'timeout');
        break;
      case 'final-sigterm':
        if (d.settings.kill.sendSIGKILL) {
          unit.log('warning', 'Stopping timed out (2). Killing.');
          this.enterSignal(unit, 'final-sigkill', 'timeout');
        } else {
          unit.log('warning', 'Stopping timed out (2). Skipping SIGKILL. Ignoring.');
          this.enterDead(unit, 'timeout');
        }
        break;
      case 'final-sigkill':
        unit.log('warning', 'Still around after SIGKILL (2). Entering failed mode.');
        this.enterDead(unit, 'timeout');
        break;
      default:
        break;
    }
  }

  /**
   * A unit this socket triggers changed state (socket_trigger_notify()). Accept=no: back to
   * listening when the service is down (its fds watched again), running while it runs, and
   * service-start-limit-hit when the service hit its start limit. Accept=yes: an instance that
   * is down no longer counts as a connection.
   */
  triggerNotify(unit: Unit<SocketData>, other: Unit): void {
    const d = unit.data;
    if (d.settings.accept) {
      const c = d.connections.get(other);
      if (c && isInactiveOrFailed(other.activeState()) && !other.job) {
        d.connections.delete(other);
        d.nConnections = Math.max(0, d.nConnections - 1);
      }
      return;
    }
    if (d.state !== 'running' && d.state !== 'listening') return;
    if (other.loadState !== 'loaded' || other.id !== d.service) return;
    if (other.startLimitHit) {
      this.enterStopPre(unit, 'service-start-limit-hit');
      return;
    }
    if (other.job) return;
    const sub = other.subState();
    // A service waiting to restart by itself is down too: its next start is the socket's business again.
    const down = isInactiveOrFailed(other.activeState()) || sub === 'final-sigterm' || sub === 'final-sigkill' || !!other.type.willRestart?.(other);
    if (down) this.enterListening(unit);
    else if (sub === 'running') this.setState(unit, 'running');
  }

  /** The listening fds, each with FileDescriptorName=, in Listen*= order (socket_collect_fds()). */
  collectFds(unit: Unit<SocketData>): Array<{ fd: number; name: string }> {
    const out: Array<{ fd: number; name: string }> = [];
    for (const fd of unit.data.fds) if (fd !== undefined) out.push({ fd, name: unit.data.settings.fileDescriptorName });
    return out;
  }

  properties(unit: Unit<SocketData>): PropertyList {
    const active = unit.activeState() !== 'inactive' && unit.activeState() !== 'failed';
    return spliceScopeProperties(socketProperties(unit), this.scopes?.scope(unit as unknown as Unit), active);
  }

  serialize(unit: Unit<SocketData>): Record<string, unknown> {
    const d = unit.data;
    return {
      state: d.state,
      result: d.result,
      nAccepted: d.nAccepted,
      nRefused: d.nRefused,
      // The instances still holding a connection; NConnections is rebuilt from them.
      connections: [...d.connections.values()],
      controlPid: d.controlPid,
      control: d.control,
      fds: [...d.fds],
      listens: d.settings.listens.map(listenKey),
    };
  }

  /** The listening fds (and the connections Accept=yes instances hold) stay open across a manager re-exec. */
  serializeFds(unit: Unit<SocketData>): number[] {
    const d = unit.data;
    return [...d.fds.filter((fd): fd is number => fd !== undefined), ...[...d.connections.values()].map((c) => c.fd)];
  }

  deserialize(unit: Unit<SocketData>, state: Record<string, unknown>): void {
    const d = unit.data;
    const st = state.state as SocketState;
    if (!socketStates.includes(st)) return;
    if (socketResults.includes(state.result as SocketResult)) d.result = state.result as SocketResult;
    d.nAccepted = Number(state.nAccepted ?? 0);
    d.nRefused = Number(state.nRefused ?? 0);
    d.deserializedConnections = Array.isArray(state.connections) ? (state.connections as SocketConnection[]) : [];
    d.controlPid = typeof state.controlPid === 'number' ? state.controlPid : undefined;
    d.control = state.control as SocketData['control'];
    d.deserialized = { state: st, fds: (state.fds as Array<number | undefined>) ?? [], listens: (state.listens as string[]) ?? [] };
  }

  /**
   * After a reload: re-attach the Accept=yes instances that still hold a connection (the reload
   * dropped the runtime Before=/Triggers= edges), so NConnections counts down as they end.
   */
  private restoreConnections(unit: Unit<SocketData>): void {
    const d = unit.data;
    const saved = d.deserializedConnections;
    d.deserializedConnections = undefined;
    if (!saved) return;
    // The instances are reloaded too, maybe after this socket: look at them once all are back.
    unit.manager.loop.defer(() => {
      for (const c of saved) {
        const instance = unit.manager.getUnit(c.service);
        if (!instance || isInactiveOrFailed(instance.activeState())) continue;
        d.connections.set(instance, c);
        unit.addDependency('Before', instance, false);
        unit.addDependency('Triggers', instance, false);
      }
      d.nConnections = d.connections.size;
    });
  }

  /** A socket holding fds stays while it is active; an inactive one has none. */
  mayGc(unit: Unit<SocketData>): boolean {
    return unit.data.fds.every((fd) => fd === undefined);
  }

  resetFailed(unit: Unit<SocketData>): void {
    if (unit.data.state === 'failed') this.setState(unit, 'dead');
    unit.data.result = 'success';
  }

  /**
   * Core's start limit refused a start (socket_test_start_limit()): dead with start-limit-hit,
   * unless an earlier failure is still the result — the first failure wins.
   */
  startLimitHit(unit: Unit<SocketData>): void {
    this.enterDead(unit, 'start-limit-hit');
  }

  /**
   * Core caught an exception from one of this type's hooks: the control process gets the final
   * kill signal and the socket fails with `result` at once (setState() closes its fds).
   */
  enterFailedState(unit: Unit<SocketData>, result: 'resources'): void {
    const d = unit.data;
    try {
      if (this.scopes) this.scopes.killContext(unit as Unit, d.settings.kill, 'kill', undefined, d.controlPid);
      else if (d.controlPid) this.spawner.kill(d.controlPid, d.settings.kill.finalKillSignal);
    } catch (e) {
      unit.log('warning', `Failed to kill processes: ${(e as Error).message}`);
    }
    d.result = result;
    this.enterDead(unit, result);
  }

  kill(unit: Unit<SocketData>, whom: Parameters<NonNullable<UnitType['kill']>>[1], signal: number): boolean {
    if (this.scopes) return this.scopes.kill(unit as Unit, whom, signal, undefined, unit.data.controlPid);
    return unit.data.controlPid ? this.spawner.kill(unit.data.controlPid, signal) : false;
  }

  controlPid(unit: Unit<SocketData>): number | undefined {
    return unit.data.controlPid;
  }

  // ---------------------------------------------------------------------------------------------
  // The state machine
  // ---------------------------------------------------------------------------------------------

  /**
   * The one place the state is written (socket_set_state()): outside the control states the timer
   * is disarmed and the control pid forgotten; outside `listening` the fds are not watched;
   * outside the open states they are closed (and removed with RemoveOnStop=yes).
   */
  private setState(unit: Unit<SocketData>, state: SocketState): void {
    const d = unit.data;
    const old = d.state;
    d.state = state;
    if (!controlStates.has(state)) {
      unit.clearTimer(TIMEOUT);
      if (d.controlPid) unit.unwatchPid(d.controlPid);
      d.controlPid = undefined;
      d.control = undefined;
    }
    if (state !== 'listening') this.unwatchFds(unit);
    else if (!d.pollPaused) this.watchFds(unit);
    if (!fdsOpenStates.has(state)) this.closeFds(unit);
    if (old !== state) unit.log('debug', `Changed ${old} -> ${state}`);
    unit.notifyStateChange();
  }

  private enterDead(unit: Unit<SocketData>, f: SocketResult): void {
    const d = unit.data;
    if (d.result === 'success') d.result = f;
    if (d.result === 'success') unit.log('debug', 'Deactivated successfully.');
    else unit.log('warning', `Failed with result '${d.result}'.`);
    this.setState(unit, d.result !== 'success' ? 'failed' : 'dead');
    // RuntimeDirectory= and credentials of the Exec*= commands go unless preserved (socket_enter_dead()).
    const owner = { unitName: unit.id, scope: unit.manager.scope, managerEnvironment: unit.manager.environment, runtimeDirectory: unit.manager.runtimeDirectory, mounts: this.mounts };
    if (destroysRuntimeData(d.settings.execContext, false)) destroyRuntimeData(d.settings.execContext, owner);
    releaseDynamicCredentials(d.settings.execContext, owner);
    destroyExecRuntime(owner);
    this.scopes?.scope(unit as Unit).release();
  }

  private enterSignal(unit: Unit<SocketData>, state: SocketState, f: SocketResult): void {
    const d = unit.data;
    if (d.result === 'success') d.result = f;
    const op: KillOperation = state === 'stop-pre-sigterm' || state === 'final-sigterm' ? 'terminate' : 'kill';
    let wait: boolean;
    try {
      wait = this.scopes
        ? this.scopes.killContext(unit as Unit, d.settings.kill, op, undefined, d.controlPid)
        : !!d.controlPid && this.spawner.kill(d.controlPid, op === 'kill' ? d.settings.kill.finalKillSignal : d.settings.kill.killSignal);
    } catch (e) {
      unit.log('warning', `Failed to kill processes: ${(e as Error).message}`);
      if (state === 'stop-pre-sigterm' || state === 'stop-pre-sigkill') this.enterStopPost(unit, 'resources');
      else this.enterDead(unit, 'resources');
      return;
    }
    if (wait) {
      unit.setTimer(TIMEOUT, unit.manager.loop.now() + d.settings.timeout);
      this.setState(unit, state);
    } else if (state === 'stop-pre-sigterm') this.enterSignal(unit, 'stop-pre-sigkill', 'success');
    else if (state === 'stop-pre-sigkill') this.enterStopPost(unit, 'success');
    else if (state === 'final-sigterm') this.enterSignal(unit, 'final-sigkill', 'success');
    else this.enterDead(unit, 'success');
  }

  private enterStopPost(unit: Unit<SocketData>, f: SocketResult): void {
    const d = unit.data;
    if (d.result === 'success') d.result = f;
    this.unwatchControl(unit);
    if (d.settings.exec.ExecStopPost.length > 0) {
      if (!this.runCommand(unit, 'ExecStopPost', 0)) return this.enterSignal(unit, 'final-sigterm', 'resources');
      this.setState(unit, 'stop-post');
    } else this.enterSignal(unit, 'final-sigterm', 'success');
  }

  private enterStopPre(unit: Unit<SocketData>, f: SocketResult): void {
    const d = unit.data;
    if (d.result === 'success') d.result = f;
    this.unwatchControl(unit);
    if (d.settings.exec.ExecStopPre.length > 0) {
      if (!this.runCommand(unit, 'ExecStopPre', 0)) return this.enterStopPost(unit, 'resources');
      this.setState(unit, 'stop-pre');
    } else this.enterStopPost(unit, 'success');
  }

  private enterListening(unit: Unit<SocketData>): void {
    const d = unit.data;
    if (d.settings.flushPending) {
      unit.log('debug', 'Flushing socket before listening.');
      for (const fd of d.fds) if (fd !== undefined) this.sockets.flush(fd);
    }
    this.setState(unit, 'listening');
  }

  private enterStartPost(unit: Unit<SocketData>): void {
    this.unwatchControl(unit);
    if (unit.data.settings.exec.ExecStartPost.length > 0) {
      if (!this.runCommand(unit, 'ExecStartPost', 0)) return this.enterStopPre(unit, 'resources');
      this.setState(unit, 'start-post');
    } else this.enterListening(unit);
  }

  /**
   * Opens the fds (socket_open_fds()). systemd forks a control process to chown the nodes when
   * SocketUser=/SocketGroup= is set; here the backend sets the owner while creating them, so
   * start-chown is passed through without a process.
   */
  private enterStartChown(unit: Unit<SocketData>): void {
    const d = unit.data;
    let owner: { uid?: number; gid?: number } = {};
    try {
      owner = this.resolveOwner(unit);
      this.openFds(unit, owner);
    } catch (e) {
      unit.log('warning', `Failed to listen on sockets: ${(e as Error).message}`);
      this.enterStopPre(unit, 'resources');
      return;
    }
    if (d.settings.symlinks.length > 0) this.createSymlinks(unit);
    this.enterStartPost(unit);
  }

  private enterStartPre(unit: Unit<SocketData>): void {
    this.unwatchControl(unit);
    if (unit.data.settings.exec.ExecStartPre.length > 0) {
      if (!this.runCommand(unit, 'ExecStartPre', 0)) return this.enterDead(unit, 'resources');
      this.setState(unit, 'start-pre');
    } else this.enterStartChown(unit);
  }

  /**
   * Traffic arrived (socket_enter_running()): Accept=no starts the service and the socket runs;
   * Accept=yes starts one instance per connection and the socket keeps listening.
   */
  private enterRunning(unit: Unit<SocketData>, conn: AcceptedConnection | undefined): void {
    const d = unit.data;
    const m = unit.manager;
    // A pending stop job: do not start what is about to be stopped.
    if (unit.job && (unit.job.type === 'stop' || unit.job.type === 'restart')) {
      unit.log('debug', 'Suppressing connection request since unit stop is scheduled.');
      if (conn) this.sockets.close(conn.fd);
      else for (const fd of d.fds) if (fd !== undefined) this.sockets.flush(fd);
      return;
    }
    if (!d.triggerLimit.below(m.loop.now())) {
      if (conn) this.sockets.close(conn.fd);
      unit.log('warning', 'Trigger limit hit, refusing further activation.');
      this.enterStopPre(unit, 'trigger-limit-hit');
      return;
    }
    if (!conn) {
      const service = d.service ? m.getUnit(d.service) : undefined;
      const pending = unit
        .unitsWithAtom('Triggers')
        .some((o) => isActiveOrActivating(o.activeState()) || (o.job !== undefined && o.job.type !== 'stop'));
      if (!pending) {
        if (!service) {
          unit.log('err', 'Service to activate vanished, refusing activation.');
          this.enterStopPre(unit, 'resources');
          return;
        }
        try {
          m.addJob('start', service, 'replace');
        } catch (e) {
          if (!(e instanceof ManagerError)) throw e;
          unit.log('warning', `Failed to queue service startup job (Maybe the service file is missing or not a service unit?): ${e.message}`);
          this.enterStopPre(unit, 'resources');
          return;
        }
      }
      this.setState(unit, 'running');
      return;
    }

    if (d.nConnections >= d.settings.maxConnections) {
      unit.log('warning', `Too many incoming connections (${d.nConnections}), dropping connection.`);
      d.nRefused++;
      this.sockets.close(conn.fd);
      return;
    }
    if (d.settings.maxConnectionsPerSource > 0) {
      const source = sourceOf(conn);
      const count = [...d.connections.values()].filter((c) => sourceOf(c) === source).length;
      if (count >= d.settings.maxConnectionsPerSource) {
        unit.log('warning', `Too many incoming connections (${count}) from source ${source}, dropping connection.`);
        d.nRefused++;
        this.sockets.close(conn.fd);
        return;
      }
    }
    const instanceName = unitNameReplaceInstance(`${unitNamePrefix(unit.id)}@.service`, acceptInstanceName(d.nAccepted, conn));
    let instance: Unit;
    try {
      instance = m.loadUnit(instanceName);
    } catch (e) {
      if (!(e instanceof ManagerError)) throw e;
      this.sockets.close(conn.fd);
      unit.log('warning', `Failed to load connection service unit ${instanceName}: ${e.message}`);
      this.enterStopPre(unit, 'resources');
      return;
    }
    if (instance.loadState !== 'loaded') {
      this.sockets.close(conn.fd);
      unit.log('warning', `Failed to queue service startup job (Maybe the service file is missing or not a service unit?): Unit ${instanceName} ${instance.loadState}.`);
      this.enterStopPre(unit, 'resources');
      return;
    }
    d.connections.set(instance, { ...conn, service: instance.id });
    if (!instance.type.acceptConnection?.(instance, conn, unit as Unit)) {
      d.connections.delete(instance);
      this.sockets.close(conn.fd);
      unit.log('warning', `Service ${instance.id} cannot take the connection, dropping it.`);
      return;
    }
    d.nAccepted++;
    d.nConnections++;
    // No References=: a finished instance is garbage-collected, as systemd drops it.
    unit.addDependency('Before', instance, false);
    unit.addDependency('Triggers', instance, false);
    try {
      m.addJob('start', instance, 'replace');
    } catch (e) {
      if (!(e instanceof ManagerError)) throw e;
      unit.log('warning', `Failed to queue service startup job (Maybe the service file is missing or not a service unit?): ${e.message}`);
      this.enterStopPre(unit, 'resources');
      return;
    }
    // NAccepted=/NConnections= changed: a state change notification tells watchers.
    unit.notifyStateChange();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  private resolveOwner(unit: Unit<SocketData>): { uid?: number; gid?: number } {
    const s = unit.data.settings;
    const out: { uid?: number; gid?: number } = {};
    if (s.socketUser) {
      // Names through NSS when the UserDatabase port is bound (as get_user_creds()), else the files.
      const n = this.users && !/^[0-9]+$/.test(s.socketUser) ? this.users.userByName(s.socketUser) : undefined;
      const u = n ? { uid: n.uid, gid: n.gid } : resolveUser(s.socketUser);
      if (!u) throw new Error(`Failed to resolve user ${s.socketUser}: No such process`);
      out.uid = u.uid;
      if (u.gid !== undefined) out.gid = u.gid;
    }
    if (s.socketGroup) {
      const g = (this.users && !/^[0-9]+$/.test(s.socketGroup) ? this.users.groupByName(s.socketGroup)?.gid : undefined) ?? resolveGroup(s.socketGroup);
      if (g === undefined) throw new Error(`Failed to resolve group ${s.socketGroup}: No such process`);
      out.gid = g;
    }
    return out;
  }

  /** Opens every Listen*= line not open yet; on failure closes what this call opened and throws. */
  private openFds(unit: Unit<SocketData>, owner: { uid?: number; gid?: number }): void {
    const d = unit.data;
    const options = listenOptions(d.settings, owner);
    d.settings.listens.forEach((spec: ListenSpec, i) => {
      if (d.fds[i] !== undefined) return;
      try {
        const opened = this.sockets.open(spec.kind, spec.address, options);
        d.fds[i] = opened.fd;
        for (const w of opened.warnings) unit.log('warning', w);
      } catch (e) {
        this.closeFds(unit);
        throw new Error(`${spec.display}: ${(e as Error).message}`);
      }
    });
  }

  private closeFds(unit: Unit<SocketData>): void {
    const d = unit.data;
    let closed = false;
    d.fds.forEach((fd, i) => {
      if (fd === undefined) return;
      this.sockets.close(fd);
      d.fds[i] = undefined;
      closed = true;
    });
    if (!closed || !d.settings.removeOnStop) return;
    for (const spec of d.settings.listens) {
      if (spec.path && spec.kind !== 'special') this.sockets.unlink(spec.path);
    }
    for (const link of d.settings.symlinks) this.sockets.unlink(link);
  }

  private createSymlinks(unit: Unit<SocketData>): void {
    const target = unit.data.settings.listens.find((l) => l.path && l.kind !== 'special')!.path!;
    for (const link of unit.data.settings.symlinks) {
      try {
        this.sockets.symlink(target, link);
      } catch (e) {
        unit.log('warning', `Failed to create symlink ${link} → ${target}, ignoring: ${(e as Error).message}`);
      }
    }
  }

  private watchFds(unit: Unit<SocketData>): void {
    for (const fd of unit.data.fds) if (fd !== undefined) unit.watchFd(fd, { readable: true });
  }

  private unwatchFds(unit: Unit<SocketData>): void {
    for (const fd of unit.data.fds) if (fd !== undefined) unit.unwatchFd(fd);
  }

  private unwatchControl(unit: Unit<SocketData>): void {
    const d = unit.data;
    if (d.controlPid) unit.unwatchPid(d.controlPid);
    d.controlPid = undefined;
  }

  /** Spawns command `index` of `kind` as the control process and arms the timeout; false when it could not be spawned. */
  private runCommand(unit: Unit<SocketData>, kind: SocketExecKind, index: number): boolean {
    const d = unit.data;
    const cmd = d.settings.exec[kind][index]!;
    const m = unit.manager;
    const scope = this.scopes?.scope(unit as Unit);
    try {
      // The service engineer's exec module builds what systemd's exec_spawn() would: environment,
      // credentials, working directory, stdio, limits from the [Socket] section's exec context.
      const prepared = buildExecSpec({
        unitName: unit.id,
        command: cmd,
        context: d.settings.execContext,
        scope: m.scope,
        managerEnvironment: m.environment,
        invocationId: unit.invocationId,
        cgroupPath: scope?.prepare(),
        users: this.users,
        runtimeDirectory: unit.manager.runtimeDirectory,
        mounts: this.mounts,
        joinsNamespaceOf: [...unit.dependencies('JoinsNamespaceOf')].map((u) => u.id),
        warn: (message) => unit.log('warning', message),
        info: (message) => unit.log('info', message),
      });
      if (prepared.failureMessage) unit.log('err', prepared.failureMessage);
      const p = this.spawner.spawn(prepared.spec);
      for (const c of prepared.captured) c.spawned?.(p.pid);
      scope?.add(p.pid);
      d.controlPid = p.pid;
      d.control = { kind, index };
      d.execStatus[kind][index] = { pid: p.pid, startRealtime: m.loop.realtime(), exitRealtime: 0 };
      unit.watchPid(p.pid);
      unit.setTimer(TIMEOUT, m.loop.now() + d.settings.timeout);
      unit.log('debug', `About to execute ${cmd.argv.join(' ')}; forked ${kind} as ${p.pid}`);
      if (p.failure) unit.log('err', `Failed at step ${p.failure.step} spawning ${cmd.path}: ${p.failure.message ?? p.failure.code ?? ''}`);
      return true;
    } catch (e) {
      unit.log('warning', `Failed to spawn '${kind.replace(/^Exec/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}' task: ${(e as Error).message}`);
      return false;
    }
  }
}

/** The key a Listen*= line is matched by across a reload. */
function listenKey(l: ListenSpec): string {
  return `${l.kind} ${l.address}`;
}

/** MaxConnectionsPerSource= counts by peer address (IP) or peer uid (AF_UNIX), as systemd's peer table. */
function sourceOf(c: AcceptedConnection): string {
  if (c.family === 'unix') return c.peer ? `uid ${c.peer.uid}` : 'unknown';
  const m = /^\[?(.*?)\]?:[0-9]+$/.exec(c.remote);
  const host = m ? m[1]! : c.remote;
  // IPv4-mapped peers are one source with their IPv4 form, as systemd prints them.
  return host.replace(/^::ffff:([0-9.]+)$/i, '$1');
}

