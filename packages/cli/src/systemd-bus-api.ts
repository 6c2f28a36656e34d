/**
 * systemd's D-Bus API (org.freedesktop.systemd1) on the manager's private socket —
 * `$XDG_RUNTIME_DIR/systemd/private` for a user manager, `/run/systemd/private` for a system one —
 * so the real `systemctl` drives unitkitd. As systemd does on its private bus: no Hello, every
 * message's sender is `org.freedesktop.systemd1`, signals go to every connection. Root and the
 * manager's own uid may change state (the control socket's rule, mayChangeState); others may read.
 *
 * Every method calls the same manager operations as the control protocol (manager-operations.ts),
 * and every property is the PropertyValue `show` formats, sent with systemd's signature
 * (core's busPropertyTypes) — one definition for unitkitctl, systemctl show and D-Bus.
 */
import * as fs from 'node:fs';
import type { Job, JobResult, Logger, Manager, PropertyList, Unit } from '@unitkit/core';
import { ManagerError, busPropertyEmits } from '@unitkit/core';
import { DbusError, DbusServer, type CallContext, type DbusConnection, type InterfaceSpec, type ObjectSpec, ObjectTree, type PropertySpec, Variant } from '@unitkit/dbus';
import type { EventLoop } from '@unitkit/core';
import { busSignatureTables, busValueOfName, busValuesInto, UNIT_INTERFACE, UnitBusProperties } from './bus-property-list.js';
import type { ControlHandler } from './control-handler.js';
import { mayChangeState, type ManagerOperations } from './manager-operations.js';
import type { InstallChange } from '@unitkit/unit-file';
import { unitNameMangle } from '@unitkit/core';
import { closeFd, connectUnixStream } from '@unitkit/native';

const BUS_NAME = 'org.freedesktop.systemd1';
const ROOT = '/org/freedesktop/systemd1';
const UNIT_PREFIX = `${ROOT}/unit`;
const JOB_PREFIX = `${ROOT}/job`;
const MANAGER_IFACE = 'org.freedesktop.systemd1.Manager';
const UNIT_IFACE = UNIT_INTERFACE;
const PROPERTIES_IFACE = 'org.freedesktop.DBus.Properties';
const JOB_IFACE = 'org.freedesktop.systemd1.Job';

/** systemd's bus_label_escape(): letters and digits stay, every other byte becomes `_xx`; "" is "_". */
export function busLabelEscape(s: string): string {
  if (s === '') return '_';
  let out = '';
  for (const b of Buffer.from(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9]/.test(c) ? c : `_${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The reverse of {@link busLabelEscape}; undefined for a label that is not one. */
export function busLabelUnescape(label: string): string | undefined {
  if (label === '_') return '';
  const bytes: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    if (c === '_') {
      const hex = label.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  return Buffer.from(bytes).toString();
}

/** The object path of a unit. */
export function unitObjectPath(id: string): string {
  return `${UNIT_PREFIX}/${busLabelEscape(id)}`;
}

/** The object path of a job. */
export function jobObjectPath(id: number): string {
  return `${JOB_PREFIX}/${id}`;
}

const systemdErrors = new Set([
  'NoSuchUnit', 'LoadFailed', 'BadUnitSetting', 'UnitMasked', 'UnitGenerated', 'JobTypeNotApplicable', 'TransactionIsDestructive',
  'TransactionOrderIsCyclic', 'TransactionJobsConflicting', 'OnlyByDependency', 'NoIsolation', 'NoSuchJob',
]);

/** A ManagerError as the D-Bus error systemd sends for it. */
export function toDbusError(e: unknown): unknown {
  if (!(e instanceof ManagerError)) return e;
  const name = systemdErrors.has(e.errorName) ? `org.freedesktop.systemd1.${e.errorName}` : `org.freedesktop.DBus.Error.${e.errorName}`;
  return new DbusError(name, e.message);
}

/** The properties each interface announces on change, as sets. */
const changeSets = new Map(Object.entries(busPropertyEmits).map(([iface, e]) => [iface, new Set(e.changed)]));

/** Options of {@link SystemdBusApi}. */
export interface SystemdBusApiOptions {
  /** The control handler: its operations, system state and Manager properties are shared with the control socket. */
  handler: ControlHandler;
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
  logger?: Logger;
  /** The socket path: `$XDG_RUNTIME_DIR/systemd/private` or `/run/systemd/private`. */
  path: string;
  /** Manager.Exit(): ends the manager (a user manager exits; unitkitd stops its units first). */
  exit?: () => void;
  /**
   * Manager.Halt()/PowerOff()/Reboot()/KExec() (what `systemctl --force halt` calls, and so
   * systemd-halt.service): a system manager ends at once, as systemd's objective does; unitkitd
   * is a container's init, so the host is never touched.
   */
  end?: (objective: 'halt' | 'poweroff' | 'reboot') => void;
  /** The uid allowed to change state besides root (default: ours). */
  ownerUid?: number;
  /** Called when a client's connection has closed: its requests are answered (see heap-trim.ts). */
  afterClient?: () => void;
}

/** The D-Bus API server; see the module comment. */
export class SystemdBusApi {
  private readonly tree = new ObjectTree();
  private readonly manager: Manager;
  private readonly ops: ManagerOperations;
  private server: DbusServer | undefined;
  /** Signals wait for the end of the current turn: a job's JobRemoved must follow StartUnit's reply. */
  private pending: Array<() => void> = [];
  private flushScheduled = false;
  private readonly listeners: Array<() => void> = [];
  /** Units whose change signal is queued for the end of this turn. */
  private readonly dirtyUnits = new Set<Unit>();

  constructor(private readonly opts: SystemdBusApiOptions) {
    this.ops = opts.handler.ops;
    this.manager = this.ops.manager;
    this.tree.addObject(ROOT, { [MANAGER_IFACE]: this.managerInterface() });
    this.tree.addFallback(UNIT_PREFIX, (p) => this.unitObject(p));
    this.tree.addFallback(JOB_PREFIX, (p) => this.jobObject(p));
  }

  /**
   * The object tree's message handler, to serve the same API on another connection (the API bus).
   * Callers there have no SO_PEERCRED of their own, so state changes are refused to them.
   */
  get messageHandler(): ObjectTree['handler'] {
    return this.tree.handler;
  }

  /**
   * Binds the socket (a stale node is replaced; a live one, a real systemd's, is left alone: resolves false).
   * With `inheritedFd` (a re-exec), serves on that listener instead: systemctl's connections made
   * while the manager re-executed wait in its backlog instead of finding no socket.
   */
  async listen(inheritedFd?: number): Promise<boolean> {
    const file = this.opts.path;
    if (inheritedFd !== undefined) {
      this.server = DbusServer.adopt(inheritedFd, this.serverOptions());
      this.follow();
      return true;
    }
    if (fs.existsSync(file) && isLive(file)) {
      this.opts.logger?.log({ level: 'warning', message: `${file} is in use by another manager; not serving systemd's D-Bus API there.` });
      return false;
    }
    this.server = DbusServer.listen(this.serverOptions());
    this.follow();
    return true;
  }

  private serverOptions() {
    return {
      path: this.opts.path,
      loop: this.opts.loop,
      logger: this.opts.logger,
      // systemctl checks nothing but the socket's owner; others read (as on systemd's private bus, 0600 for root, here for the user).
      socketMode: 0o600,
      onMessage: this.tree.handler,
      onConnectionClosed: this.opts.afterClient && (() => this.opts.afterClient!()),
      sender: BUS_NAME,
    };
  }

  /** The listening socket's fd, to hand to the next image on a re-exec; undefined when not serving. */
  fd(): number | undefined {
    return this.server?.fd;
  }

  /** Stops serving and removes the socket. */
  close(): void {
    for (const off of this.listeners.splice(0)) off();
    this.server?.close();
    this.server = undefined;
  }

  // Signals

  private follow(): void {
    const ev = this.manager.events;
    const on = <A extends unknown[]>(name: string, fn: (...a: A) => void) => {
      ev.on(name as never, fn as never);
      this.listeners.push(() => ev.off(name as never, fn as never));
    };
    on('unit-new', (u: Unit) => this.signal(ROOT, MANAGER_IFACE, 'UnitNew', 'so', () => [u.id, unitObjectPath(u.id)]));
    on('unit-removed', (u: Unit) => this.signal(ROOT, MANAGER_IFACE, 'UnitRemoved', 'so', () => [u.id, unitObjectPath(u.id)]));
    on('job-new', (j: Job) => {
      const id = j.id;
      const unit = j.unit.id;
      this.signal(ROOT, MANAGER_IFACE, 'JobNew', 'uos', () => [id, jobObjectPath(id), unit]);
      this.unitChanged(j.unit);
    });
    on('job-changed', (j: Job) => this.propertiesChanged(jobObjectPath(j.id), JOB_IFACE, ['State']));
    on('job-removed', (j: Job, result: JobResult) => {
      const id = j.id;
      const unit = j.unit.id;
      this.signal(ROOT, MANAGER_IFACE, 'JobRemoved', 'uoss', () => [id, jobObjectPath(id), unit, result]);
      this.unitChanged(j.unit);
    });
    on('unit-state', (u: Unit, oldState: string, newState: string) => {
      this.unitChanged(u);
      // NFailedUnits is the one Manager property systemd announces.
      if ((oldState === 'failed') !== (newState === 'failed')) this.propertiesChanged(ROOT, MANAGER_IFACE, ['NFailedUnits']);
    });
  }

  /**
   * Queues, once per turn however often it changed, systemd's change signal of a unit: a
   * PropertiesChanged of its type's interface, then one of org.freedesktop.systemd1.Unit (the
   * order systemd promises; a unit's first announcement is UnitNew, not this), each with the properties systemd announces on change and naming
   * those it only invalidates (Conditions, ExecStart…). Nothing once the unit is gone: looking up
   * its path would load it again.
   */
  private unitChanged(u: Unit): void {
    if (!this.server || this.server.connections.size === 0 || this.dirtyUnits.has(u)) return;
    this.dirtyUnits.add(u);
    this.defer(() => {
      this.dirtyUnits.delete(u);
      if (this.manager.getUnit(u.id) !== u) return;
      const objPath = unitObjectPath(u.id);
      const connections = [...this.ready()];
      if (connections.length === 0) return;
      // One computation of the unit's properties, and one body per interface, for every connection.
      const props = this.unitProperties(u);
      for (const iface of props.interfaces()) {
        const emits = busPropertyEmits[iface];
        if (!emits) continue;
        const values = new Map<string, Variant>();
        props.valuesInto(iface, values, changeSets.get(iface));
        // In the order of systemd's table.
        const changed = new Map<string, Variant>();
        for (const n of emits.changed) {
          const v = values.get(n);
          if (v) changed.set(n, v);
        }
        // All of them, as systemd names every Exec*= of the interface, set or not.
        const invalidated = [...emits.invalidated];
        if (changed.size + invalidated.length === 0) continue;
        for (const c of connections) c.emitSignal(objPath, PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as', [iface, changed, invalidated]);
      }
    });
  }

  /** Queues a signal to every connection; the body is computed when sent. */
  private signal(objPath: string, iface: string, member: string, sig: string, body: () => unknown[]): void {
    if (!this.server || this.server.connections.size === 0) return;
    this.defer(() => {
      const b = body();
      for (const c of this.ready()) c.emitSignal(objPath, iface, member, sig, b);
    });
  }

  /** Queues PropertiesChanged of some properties of an object (skipped when the object is gone). */
  private propertiesChanged(objPath: string, iface: string, names: string[], exists: () => boolean = () => true): void {
    if (!this.server || this.server.connections.size === 0) return;
    this.defer(() => {
      if (!exists()) return;
      for (const c of this.ready()) {
        try {
          const spec = this.tree.lookup(objPath)?.[iface];
          const present = names.filter((n) => spec?.properties?.[n]);
          if (present.length > 0) this.tree.emitPropertiesChanged(c, objPath, iface, present);
        } catch {
          // The unit or job went away meanwhile: nothing to tell.
        }
      }
    });
  }

  /**
   * The connections signals go to: open ones whose handshake is done. As systemd's private bus,
   * a client still authenticating gets none (it has asked for nothing yet).
   */
  private ready(): DbusConnection[] {
    return [...(this.server?.connections ?? [])].filter((c) => !c.closed && c.isAuthenticated);
  }

  private defer(fn: () => void): void {
    this.pending.push(fn);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const f of this.pending.splice(0)) {
        try {
          f();
        } catch (e) {
          this.opts.logger?.log({ level: 'warning', message: `D-Bus signal failed: ${(e as Error).message}` });
        }
      }
    });
  }

  // Helpers

  /** Refuses a state change to a peer that is neither root nor the manager's uid. */
  private authorize(ctx: CallContext): void {
    const peer = ctx.connection.peer;
    if (mayChangeState(peer?.uid, this.opts.ownerUid)) return;
    // Said in the log, as the control socket does: a refusal must name whom it refused.
    const who = peer ? `pid ${peer.pid} uid ${peer.uid}` : 'a peer without credentials';
    this.opts.logger?.log({ level: 'notice', message: `D-Bus: ${ctx.message.member ?? 'a call'} refused for ${who} (not privileged).` });
    throw new DbusError('org.freedesktop.DBus.Error.AccessDenied', 'Access denied');
  }

  /** A method spec whose handler's ManagerErrors become systemd's D-Bus errors; `mutates` requires the right to change state. */
  /** Halt()… as systemd's method_halt(): system managers only, acted on after the reply. */
  private endBy(objective: 'halt' | 'poweroff' | 'reboot', name: string): void {
    if (this.manager.scope !== 'system') throw new ManagerError('NotSupported', `${name} is only supported for system managers.`);
    if (!this.opts.end) throw new ManagerError('NotSupported', `${name} is not supported by this manager.`);
    const end = this.opts.end;
    setImmediate(() => end(objective));
  }

  private method(inSignature: string, outSignature: string, mutates: boolean, fn: (args: unknown[], ctx: CallContext) => unknown[] | void | Promise<unknown[] | void>) {
    return {
      inSignature,
      outSignature,
      handler: async (args: unknown[], ctx: CallContext) => {
        if (mutates) this.authorize(ctx);
        try {
          return await fn(args, ctx);
        } catch (e) {
          throw toDbusError(e);
        }
      },
    };
  }

  private unitPath(u: Unit): string {
    return unitObjectPath(u.id);
  }

  /** A unit by name for GetUnit: loaded already, else NoSuchUnit. */
  private getUnit(name: string): Unit {
    const u = this.manager.getUnit(unitNameMangle(name));
    if (!u) throw new ManagerError('NoSuchUnit', `Unit ${name} not loaded.`);
    return u;
  }

  private jobRow(j: Job): unknown[] {
    return [j.id, j.unit.id, j.type, j.state, jobObjectPath(j.id), this.unitPath(j.unit)];
  }

  private unitRow(u: Unit): unknown[] {
    const j = u.job;
    return [u.id, u.description, u.loadState, u.activeState(), u.subState(), '', this.unitPath(u), j ? j.id : 0, j ? j.type : '', j ? jobObjectPath(j.id) : '/'];
  }

  /** The units ListUnits* return: loaded ones (not stubs), filtered by state and glob patterns. */
  private listUnits(states: readonly string[], patterns: readonly string[]): unknown[][] {
    const globs = patterns.map(globToRegExp);
    return this.manager
      .allUnits()
      .filter((u) => u.loadState !== 'stub')
      .filter((u) => states.length === 0 || states.includes(u.loadState) || states.includes(u.activeState()) || states.includes(u.subState()))
      .filter((u) => globs.length === 0 || globs.some((g) => g.test(u.id)))
      .map((u) => this.unitRow(u));
  }

  private installChanges(changes: InstallChange[]): unknown[][] {
    return changes.map((c) => [c.type, c.path, c.source ?? '']);
  }

  private enqueue(verb: string) {
    return this.method('ss', 'o', true, ([name, mode]) => {
      const v = verb === 'start' && mode === 'isolate' ? 'isolate' : verb;
      const r = this.ops.enqueue(v, unitNameMangle(String(name)), String(mode));
      return [jobObjectPath(r.job.id)];
    });
  }

  // The Manager object

  private managerInterface(): InterfaceSpec {
    const unitFilesFlags = (args: unknown[]) => ({ runtime: !!args[1], force: !!args[2] });
    const names = (v: unknown) => (v as string[]).map((n) => unitNameMangle(n));
    const methods: InterfaceSpec['methods'] = {
      GetUnit: this.method('s', 'o', false, ([n]) => [this.unitPath(this.getUnit(String(n)))]),
      LoadUnit: this.method('s', 'o', false, ([n]) => [this.unitPath(this.manager.loadUnit(unitNameMangle(String(n))))]),
      GetUnitByPID: this.method('u', 'o', false, ([pid], ctx) => {
        const p = Number(pid) || ctx.connection.peer?.pid || 0;
        const u = this.manager.unitsOfPid(p)[0];
        if (!u) throw new ManagerError('NoSuchUnit', `PID ${p} does not belong to any loaded unit.`);
        return [this.unitPath(u)];
      }),
      GetJob: this.method('u', 'o', false, ([id]) => {
        const j = this.manager.getJob(Number(id));
        if (!j) throw new ManagerError('NoSuchJob', `Job ${id} does not exist.`);
        return [jobObjectPath(j.id)];
      }),
      StartUnit: this.enqueue('start'),
      StopUnit: this.enqueue('stop'),
      ReloadUnit: this.enqueue('reload'),
      RestartUnit: this.enqueue('restart'),
      TryRestartUnit: this.enqueue('try-restart'),
      ReloadOrRestartUnit: this.enqueue('reload-or-restart'),
      ReloadOrTryRestartUnit: this.enqueue('try-reload-or-restart'),
      KillUnit: this.method('ssi', '', true, ([n, whom, sig]) => {
        this.ops.kill([unitNameMangle(String(n))], String(whom) || 'all', Number(sig));
      }),
      ResetFailedUnit: this.method('s', '', true, ([n]) => this.ops.resetFailed([unitNameMangle(String(n))])),
      ResetFailed: this.method('', '', true, () => this.ops.resetFailed([])),
      ListUnits: this.method('', 'a(ssssssouso)', false, () => [this.listUnits([], [])]),
      ListUnitsFiltered: this.method('as', 'a(ssssssouso)', false, ([states]) => [this.listUnits(states as string[], [])]),
      ListUnitsByPatterns: this.method('asas', 'a(ssssssouso)', false, ([states, patterns]) => [this.listUnits(states as string[], patterns as string[])]),
      ListUnitsByNames: this.method('as', 'a(ssssssouso)', false, ([ns]) => {
        const rows: unknown[][] = [];
        for (const n of ns as string[]) {
          try {
            rows.push(this.unitRow(this.manager.loadUnit(unitNameMangle(n))));
          } catch (e) {
            if (!(e instanceof ManagerError)) throw e;
          }
        }
        return [rows];
      }),
      ListJobs: this.method('', 'a(usssoo)', false, () => [this.manager.installedJobs().map((j) => this.jobRow(j))]),
      CancelJob: this.method('u', '', true, ([id]) => this.ops.cancelJob(Number(id))),
      ClearJobs: this.method('', '', true, () => this.ops.clearJobs()),
      // Signals go to every connection already: subscribing changes nothing, as for systemd's private-bus peers.
      Subscribe: this.method('', '', false, () => undefined),
      Unsubscribe: this.method('', '', false, () => undefined),
      Reload: this.method('', '', true, () => {
        this.signal(ROOT, MANAGER_IFACE, 'Reloading', 'b', () => [true]);
        this.ops.reload();
        this.signal(ROOT, MANAGER_IFACE, 'Reloading', 'b', () => [false]);
      }),
      // daemon-reexec: the same operation as the control protocol's, once unitkitd provides it.
      Reexecute: this.method('', '', true, () => {
        if (!this.ops.reexecute) throw new ManagerError('NotSupported', 'Re-executing is not supported by this manager.');
        this.ops.reexecute();
      }),
      // A system unitkitd is a container's init (as emergency actions assume): Exit() and
      // SetExitCode() are allowed there, as systemd allows them in a container — `systemctl exit N`
      // is SetExitCode(N), then exit.target, whose systemd-exit.service ends the manager with N.
      Exit: this.method('', '', true, () => {
        if (!this.opts.exit) throw new ManagerError('NotSupported', 'Exit is not supported by this manager.');
        setImmediate(this.opts.exit);
      }),
      SetExitCode: this.method('y', '', true, ([code]) => {
        this.manager.exitStatus = Number(code) & 0xff;
      }),
      Halt: this.method('', '', true, () => this.endBy('halt', 'Halt')),
      PowerOff: this.method('', '', true, () => this.endBy('poweroff', 'PowerOff')),
      Reboot: this.method('', '', true, () => this.endBy('reboot', 'Reboot')),
      KExec: this.method('', '', true, () => this.endBy('reboot', 'KExec')),
      SetEnvironment: this.method('as', '', true, ([a]) => this.ops.setEnvironment(a as string[])),
      UnsetEnvironment: this.method('as', '', true, ([a]) => this.ops.unsetEnvironment(a as string[])),
      UnsetAndSetEnvironment: this.method('asas', '', true, ([minus, plus]) => this.ops.modifyEnvironment(minus as string[], plus as string[])),
      ListUnitFiles: this.method('', 'a(ss)', false, () => [this.ops.installer().list({ states: [], patterns: [] }).map((f) => [f.path, f.state])]),
      ListUnitFilesByPatterns: this.method('asas', 'a(ss)', false, ([states, patterns]) => [
        this.ops.installer().list({ states: states as string[], patterns: patterns as string[] }).map((f) => [f.path, f.state]),
      ]),
      GetUnitFileState: this.method('s', 's', false, ([n]) => {
        try {
          return [this.ops.installer().state(String(n))];
        } catch (e) {
          const msg = (e as Error).message;
          if (msg.includes('Invalid')) throw new ManagerError('InvalidArgs', msg);
          throw new DbusError('org.freedesktop.DBus.Error.FileNotFound', 'No such file or directory');
        }
      }),
      EnableUnitFiles: this.method('asbb', 'ba(sss)', true, (args) => this.enable(names(args[0]), unitFilesFlags(args))),
      EnableUnitFilesWithFlags: this.method('ast', 'ba(sss)', true, ([n, f]) => this.enable(names(n), bitFlags(f))),
      ReenableUnitFiles: this.method('asbb', 'ba(sss)', true, (args) => {
        const ns = names(args[0]);
        const flags = unitFilesFlags(args);
        const removed = this.ops.install('disable', ns, flags);
        const [carries, added] = this.enable(ns, flags);
        return [carries, [...this.installChanges(removed), ...(added as unknown[][])]];
      }),
      DisableUnitFiles: this.method('asb', 'a(sss)', true, ([n, runtime]) => [this.installChanges(this.ops.install('disable', names(n), { runtime: !!runtime }))]),
      DisableUnitFilesWithFlags: this.method('ast', 'a(sss)', true, ([n, f]) => [this.installChanges(this.ops.install('disable', names(n), bitFlags(f)))]),
      MaskUnitFiles: this.method('asbb', 'a(sss)', true, (args) => [this.installChanges(this.ops.install('mask', names(args[0]), unitFilesFlags(args)))]),
      UnmaskUnitFiles: this.method('asb', 'a(sss)', true, ([n, runtime]) => [this.installChanges(this.ops.install('unmask', names(n), { runtime: !!runtime }))]),
      GetUnitProcesses: this.method('s', 'a(sus)', false, ([n]) => {
        // The root slice (systemctl status without a unit asks for it): every unit's processes.
        if (n === '-.slice' && !this.manager.getUnit('-.slice')) {
          return [this.manager.allUnits().flatMap((x) => this.ops.unitProcesses(x).map(([pid, cmd]) => [`/${x.id}`, pid, cmd]))];
        }
        const u = this.ops.loadedUnit(unitNameMangle(String(n)));
        return [this.ops.unitProcesses(u).map(([pid, cmd]) => ['/', pid, cmd])];
      }),
    };
    // One list per message: GetAll and Get read the same snapshot. A change signal (no message)
    // computes its own.
    const table = busSignatureTables.get(MANAGER_IFACE)!;
    const on = (n: string) => table.has(n);
    let memo: { for: unknown; list: PropertyList } | undefined;
    const listFor = (ctx: CallContext): PropertyList => {
      if (ctx.message && memo?.for === ctx.message) return memo.list;
      const list = this.opts.handler.managerProperties();
      memo = ctx.message ? { for: ctx.message, list } : undefined;
      return list;
    };
    const properties: Record<string, PropertySpec> = {};
    for (const [name] of this.opts.handler.managerProperties()) {
      const sig = table.get(name);
      if (sig && !properties[name])
        properties[name] = { signature: sig, get: (ctx) => { const l = listFor(ctx); return busValueOfName(l, l.findIndex(([n]) => n === name), name, sig); } };
    }
    return {
      methods,
      properties,
      getAll: (ctx, out) => busValuesInto(listFor(ctx), table, on, out),
      signals: {
        UnitNew: { signature: 'so', names: ['id', 'unit'] },
        UnitRemoved: { signature: 'so', names: ['id', 'unit'] },
        JobNew: { signature: 'uos', names: ['id', 'job', 'unit'] },
        JobRemoved: { signature: 'uoss', names: ['id', 'job', 'unit', 'result'] },
        StartupFinished: { signature: 'tttttt', names: ['firmware', 'loader', 'kernel', 'initrd', 'userspace', 'total'] },
        UnitFilesChanged: { signature: '' },
        Reloading: { signature: 'b', names: ['active'] },
      },
    };
  }

  private enable(names: string[], flags: { runtime?: boolean; force?: boolean }): [boolean, unknown[][]] {
    const changes = this.ops.install('enable', names, flags);
    const carries = !(changes.length === 0 && this.ops.noInstallInfo(names));
    return [carries, this.installChanges(changes)];
  }

  /** Emits StartupFinished (userspace and total time in µs), as systemd when the boot's jobs are done. */
  startupFinished(userspaceUsec: number): void {
    const t = BigInt(Math.max(0, Math.round(userspaceUsec)));
    this.signal(ROOT, MANAGER_IFACE, 'StartupFinished', 'tttttt', () => [0n, 0n, 0n, 0n, t, t]);
  }

  // Units

  /**
   * A unit's object. It is built per lookup, that is per message (or per turn's change signals),
   * and cheaply: its property list is computed on first use and serves everything that lookup
   * reads; GetAll converts that list in one pass, and the per-property specs (for Get,
   * PropertiesChanged, introspection) and the methods are made only when asked for.
   */
  private unitObject(objPath: string): ObjectSpec | undefined {
    const label = objPath.slice(UNIT_PREFIX.length + 1);
    if (label.includes('/')) return undefined;
    const name = busLabelUnescape(label);
    if (!name) return undefined;
    let u: Unit;
    try {
      // A path of a unit never loaded loads it (systemctl builds unit paths itself).
      u = this.manager.getUnit(name) ?? this.manager.loadUnit(name);
    } catch {
      return undefined;
    }
    const props = this.unitProperties(u);
    const spec: ObjectSpec = {};
    // systemd lists the type's interface first in GetAll(""): systemctl show prints Type= before Id=.
    for (const iface of props.interfaces()) spec[iface] = props.interfaceSpec(iface, iface === UNIT_IFACE ? () => this.unitMethods(u) : undefined);
    return spec;
  }

  /** A unit's properties for one message or one turn's signals. */
  private unitProperties(u: Unit): UnitBusProperties {
    return new UnitBusProperties(u, (only) => this.manager.properties(u, only), () => (u.job ? [u.job.id, jobObjectPath(u.job.id)] : [0, '/']));
  }

  /** The methods of org.freedesktop.systemd1.Unit on `u`'s object. */
  private unitMethods(u: Unit): NonNullable<InterfaceSpec['methods']> {
    const methods: NonNullable<InterfaceSpec['methods']> = {};
    for (const [m, verb] of [
      ['Start', 'start'], ['Stop', 'stop'], ['Reload', 'reload'], ['Restart', 'restart'], ['TryRestart', 'try-restart'],
      ['ReloadOrRestart', 'reload-or-restart'], ['ReloadOrTryRestart', 'try-reload-or-restart'],
    ] as const) {
      methods[m] = this.method('s', 'o', true, ([mode]) => [jobObjectPath(this.ops.enqueue(verb, u.id, String(mode)).job.id)]);
    }
    methods.Kill = this.method('si', '', true, ([whom, sig]) => this.ops.kill([u.id], String(whom) || 'all', Number(sig)));
    methods.ResetFailed = this.method('', '', true, () => this.ops.resetFailed([u.id]));
    methods.GetProcesses = this.method('', 'a(sus)', false, () => [this.ops.unitProcesses(u).map(([pid, cmd]) => ['/', pid, cmd])]);
    return methods;
  }

  // Jobs

  private jobObject(objPath: string): ObjectSpec | undefined {
    const id = objPath.slice(JOB_PREFIX.length + 1);
    if (!/^\d+$/.test(id)) return undefined;
    const j = this.manager.getJob(Number(id));
    if (!j) return undefined;
    return {
      [JOB_IFACE]: {
        methods: { Cancel: this.method('', '', true, () => this.ops.cancelJob(j.id)) },
        properties: {
          Id: { signature: 'u', get: () => j.id },
          Unit: { signature: '(so)', get: () => [j.unit.id, this.unitPath(j.unit)] },
          JobType: { signature: 's', get: () => j.type },
          State: { signature: 's', get: () => j.state },
          ActivationDetails: { signature: 'a(ss)', get: () => [] },
        },
      },
    };
  }
}

function bitFlags(f: unknown): { runtime: boolean; force: boolean } {
  const n = BigInt(f as bigint | number);
  return { runtime: (n & 1n) !== 0n, force: (n & 2n) !== 0n };
}

/** A shell glob (`*`, `?`, `[…]`) as a whole-string RegExp, for ListUnitsByPatterns. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * True when something accepts connections on the socket `file` (a full backlog counts: someone
 * listens). Through the addon: node:net would cost an idle manager ~2 MB for this one probe.
 */
function isLive(file: string): boolean {
  try {
    closeFd(connectUnixStream(file));
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EAGAIN';
  }
}
