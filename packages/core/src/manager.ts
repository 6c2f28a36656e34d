/**
 * The Manager: the unit registry with its load queue and aliases, the job engine (install, run,
 * finish), what follows from a unit's state change (jobs finish, BindsTo=, Upholds=,
 * StopWhenUnneeded=, OnFailure=, OnSuccess=, retroactive dependencies), garbage collection, and the
 * routing of pids, timers, fds and notify datagrams to units. It knows no unit type: every type is
 * a contributed {@link UnitType}.
 */
import { inject, injectable, multiInject, optional } from 'inversify';
import { EventEmitter } from 'eventemitter3';
import type { ChildExit, Disposable, FdEvents, TimeChange } from './ports/event-loop.js';
import { EventLoop } from './ports/event-loop.js';
import type { LogLevel } from './ports/logger.js';
import { Logger } from './ports/logger.js';
import type { NotifyDatagram } from './ports/notify-receiver.js';
import { NotifyReceiver } from './ports/notify-receiver.js';
import { ProcessScopes } from './ports/process-scopes.js';
import { Job } from './job.js';
import type { JobMode, JobResult, JobType } from './job-type.js';
import { jobModes, jobTypeAllowsLateMerge, jobTypeCollapse, jobTypeIsConflicting, jobTypeIsSuperset, jobTypeMergeAndCollapse } from './job-type.js';
import { ManagerError } from './manager-error.js';
import type { ManagerEvents } from './manager-events.js';
import { ManagerOptions } from './manager-options.js';
import { Transaction, jobCompare } from './transaction.js';
import { Unit, errorText } from './unit.js';
import type { UnitActiveState } from './unit-active-state.js';
import { isActiveOrActivating, isActiveOrReloading, isInactiveOrDeactivating, isInactiveOrFailed } from './unit-active-state.js';
import type { DirectiveTable, UnitDefinition } from './unit-definition.js';
import { DirectiveTableContribution, UnitDefinitionSource, keptDefinition, notFoundDefinition } from './unit-definition.js';
import type { AtomName, UnitDependency } from './unit-dependency.js';
import { dependencyInverse } from './unit-dependency.js';
import type { ManagerDefaults } from './unit-settings.js';
import { builtinManagerDefaults, readUnitSettings, unitFileDependencies } from './unit-settings.js';
import type { UnitActionResult, UnitNotifyFlags, UnitType } from './unit-type.js';
import { UnitLoadError, UnitLoadExtension, UnitTypeContribution } from './unit-type.js';
import { testConditionList } from './condition.js';
import { parseNotifyMessage } from './notify-message.js';
import { LogRateLimit } from './log-rate-limit.js';
import { actionExitStatus, emergencyActions, runEmergencyAction, type EmergencyAction, type EmergencyActionFlags } from './emergency-action.js';
import { isValidUnitName } from '@unitkit/unit-file';
import type { PropertyList } from './property.js';
import { unitProperties } from './unit-properties.js';
import { ManagerEnvironment } from './manager-environment.js';
import { randomHexId } from './random-id.js';

/** What core's start/stop/reload wrappers return: the type's answer or one of core's own refusals. */
type CoreActionResult = UnitActionResult | 'condition' | 'assert' | 'skipped' | 'invalid' | 'dependency';

/** Options of {@link Manager.addJob}. */
export interface AddJobOptions {
  /** A user asked for it (not a dependency): RefuseManualStart=/RefuseManualStop= apply. */
  manual?: boolean;
}

const queueNames = ['load', 'target-deps', 'gc', 'stop-when-unneeded', 'start-when-upheld', 'stop-when-bound'] as const;
type QueueName = (typeof queueNames)[number];

/** The manager. Created by the container; see createManager(). */
@injectable()
export class Manager {
  /** Typed events: unit state changes, jobs, loads. */
  readonly events = new EventEmitter<ManagerEvents>();
  /** Start-limit defaults in force. */
  readonly defaults: ManagerDefaults;
  /** 'system' or 'user'. */
  readonly scope: 'system' | 'user';
  /** The manager environment: what it started with plus what clients set (set-environment). */
  private readonly env: ManagerEnvironment;
  /** The manager's own runtime directory, when configured (ManagerOptions.runtimeDirectory). */
  readonly runtimeDirectory: string | undefined;
  /**
   * The status the manager exits with when an emergency action ends it (systemd's return_value):
   * set by exit/exit-force from *ActionExitStatus= or the unit's main process, 0 until then.
   */
  exitStatus = 0;

  private readonly types = new Map<string, UnitType>();
  private readonly tables: DirectiveTable[];
  private readonly loadExtensions: UnitLoadExtension[];
  /** Every name (ids and aliases) → its unit. */
  private readonly units = new Map<string, Unit>();
  private readonly jobs = new Map<number, Job>();
  private readonly pidOwners = new Map<number, Set<Unit>>();
  private readonly queues: Record<QueueName, Set<Unit>> = Object.fromEntries(queueNames.map((q) => [q, new Set<Unit>()])) as Record<QueueName, Set<Unit>>;
  private readonly runQueue = new Set<Job>();
  private dispatchScheduled = false;
  private dispatching = false;
  private gcMarker = 0;
  private readonly failedUnits = new Set<Unit>();
  private readonly disposables: Disposable[] = [];
  /** Runtime state of units being re-loaded by reload(), restored after their load. */
  private readonly savedStates = new Map<Unit, Record<string, unknown>>();
  /** Refused notify datagrams are logged at most this often: anyone may send them. */
  private readonly notifyLogLimit = new LogRateLimit();

  constructor(
    @inject(EventLoop) readonly loop: EventLoop,
    @inject(Logger) private readonly logger: Logger,
    @inject(UnitDefinitionSource) private readonly source: UnitDefinitionSource,
    @multiInject(UnitTypeContribution) types: UnitType[],
    @multiInject(DirectiveTableContribution) @optional() tables: DirectiveTable[] | undefined,
    @inject(ManagerOptions) @optional() options: ManagerOptions | undefined,
    @inject(NotifyReceiver) @optional() notify: NotifyReceiver | undefined,
    @inject(ProcessScopes) @optional() readonly processScopes: ProcessScopes | undefined,
    @multiInject(UnitLoadExtension) @optional() loadExtensions: UnitLoadExtension[] | undefined,
  ) {
    this.loadExtensions = loadExtensions ?? [];
    for (const t of types) {
      if (this.types.has(t.suffix)) throw new Error(`Two unit types claim the suffix .${t.suffix}`);
      this.types.set(t.suffix, t);
    }
    this.tables = tables ?? [];
    this.scope = options?.scope ?? 'user';
    this.defaults = { ...builtinManagerDefaults, ...options?.defaults };
    this.env = new ManagerEnvironment(options?.environment ?? {});
    this.runtimeDirectory = options?.runtimeDirectory;
    this.disposables.push(loop.onChildExit((exit) => this.guardEvent(`child ${exit.pid}`, () => this.dispatchChildExit(exit))));
    const timeChange = loop.onTimeChange?.((change) => this.guardEvent(`${change} change`, () => this.dispatchTimeChange(change)));
    if (timeChange) this.disposables.push(timeChange);
    if (notify) {
      this.disposables.push(
        notify.onDatagram((d) => {
          let unused = d.fds;
          try {
            unused = this.dispatchNotify(d);
          } catch (e) {
            // Core's own routing failed (hooks are guarded separately): drop the datagram, not the manager.
            this.log('crit', `Failed to dispatch notification message from PID ${d.pid}: ${errorText(e)}`);
          }
          if (unused.length > 0) notify.closeFds(unused);
        }),
      );
      // Notify before SIGCHLD, as systemd's event priorities: a sender that exited right after its
      // datagram is still a zombie, attributable by its pid (watched or by /proc/PID/cgroup).
      const drain = notify.drain?.bind(notify);
      const hook = drain && loop.onBeforeReap?.(drain);
      if (hook) this.disposables.push(hook);
    }
  }

  /** Stops listening to the loop; units keep their state (for tests and embedding). */
  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ---------------------------------------------------------------------------------------------
  // The manager environment
  // ---------------------------------------------------------------------------------------------

  /**
   * The manager's environment (ConditionEnvironment= and the base environment of every process
   * it starts), read when a process is started, so set-environment applies to later starts.
   */
  get environment(): Readonly<Record<string, string>> {
    return this.env.record();
  }

  /** The environment in systemd's order, as its Environment property and show-environment list it. */
  environmentList(): string[] {
    return this.env.list();
  }

  /**
   * Sets variables for processes started from now on (systemd's SetEnvironment). Throws
   * ManagerError InvalidArgs ("Invalid environment assignments") for a bad or repeated name.
   */
  setEnvironment(assignments: readonly string[]): void {
    this.env.set(assignments);
  }

  /**
   * Removes variables clients set (UnsetEnvironment): names, or "NAME=value" to remove only that
   * value. Throws ManagerError InvalidArgs for a bad name.
   */
  unsetEnvironment(namesOrAssignments: readonly string[]): void {
    this.env.unset(namesOrAssignments);
  }

  /** The assignments clients made (set-environment), for a re-exec to carry over. */
  clientEnvironment(): string[] {
    return this.env.clientAssignments();
  }

  /** Unsets `minus` and sets `plus` at once, all checked first (UnsetAndSetEnvironment). */
  modifyEnvironment(minus: readonly string[], plus: readonly string[]): void {
    this.env.modify(minus, plus);
  }

  // ---------------------------------------------------------------------------------------------
  // Registry and loading
  // ---------------------------------------------------------------------------------------------

  /** The unit types this manager knows, by suffix. */
  unitTypes(): ReadonlyMap<string, UnitType> {
    return this.types;
  }

  /** The directive tables of every contributed section, as handed to the definition source. */
  directiveTables(): readonly DirectiveTable[] {
    return this.tables;
  }

  /** The unit with this name or alias, if it is loaded. */
  getUnit(name: string): Unit | undefined {
    return this.units.get(name);
  }

  /** Every unit once (aliases not repeated), in creation order. */
  allUnits(): Unit[] {
    const seen = new Set<Unit>();
    for (const u of this.units.values()) seen.add(u);
    return [...seen];
  }

  /** The units currently in the failed state. */
  failed(): Unit[] {
    return [...this.failedUnits];
  }

  /**
   * Returns the unit `name`, loading it (and, lazily, what it references) if needed. Throws
   * ManagerError InvalidArgs for a name that is not a valid unit name or has an unknown type.
   */
  loadUnit(name: string): Unit {
    const u = this.prepareUnit(name);
    this.dispatchLoadQueue();
    // As systemd's manager_dispatch_load_queue(): once loaded, targets are ordered after what they
    // pull in right away, so a unit loaded on demand (show, status) already shows those After=.
    this.dispatchTargetDepsQueue();
    return u;
  }

  /** Creates a stub for `name` (or returns the existing unit) and queues it for loading. */
  private prepareUnit(name: string): Unit {
    const existing = this.units.get(name);
    if (existing) return existing;
    const type = this.typeOfName(name);
    const u = new Unit(name, type, this);
    this.units.set(name, u);
    this.queues.load.add(u);
    this.events.emit('unit-new', u);
    return u;
  }

  private typeOfName(name: string): UnitType {
    if (!isValidUnitName(name)) throw new ManagerError('InvalidArgs', `Unit name ${name} is not valid.`);
    if (name.includes('@') && name.slice(name.indexOf('@') + 1, name.lastIndexOf('.')) === '') {
      throw new ManagerError('InvalidArgs', `Unit name ${name} is a template; start an instance of it instead.`);
    }
    const suffix = name.slice(name.lastIndexOf('.') + 1);
    const type = this.types.get(suffix);
    if (!type) throw new ManagerError('InvalidArgs', `Unit type ${suffix} is not supported by this manager.`);
    return type;
  }

  private dispatchLoadQueue(): void {
    const q = this.queues.load;
    while (q.size > 0) {
      const u = q.values().next().value as Unit;
      q.delete(u);
      this.loadOne(u);
    }
  }

  private loadOne(u: Unit): void {
    if (u.loadState !== 'stub') return;
    let def: UnitDefinition;
    try {
      def = this.source.load(u.id, this.tables);
    } catch (e) {
      def = { ...notFoundDefinition(u.id), loadState: 'error', loadError: `Failed to load configuration: ${(e as Error).message}` };
    }
    for (const d of def.diagnostics) {
      this.log(d.severity === 'error' ? 'err' : 'warning', `${d.file}:${d.line}: ${d.message}`, u);
    }
    // The file was an alias of another unit: merge into that one.
    if (def.id !== u.id) {
      const target = this.units.get(def.id);
      if (target && target !== u) {
        this.mergeInto(u, target, def);
        return;
      }
      this.units.delete(u.id);
      u.names.delete(u.id);
      u.id = def.id;
    }
    for (const n of def.names) {
      const other = this.units.get(n);
      if (other && other !== u) {
        if (other.loadState === 'stub') this.mergeInto(other, u, def);
        else continue;
      }
      this.units.set(n, u);
      u.names.add(n);
    }
    this.units.set(u.id, u);
    u.names.add(u.id);
    u.definition = keptDefinition(def);
    u.settings = readUnitSettings(def, this.defaults);
    u.applyStartLimitSettings();

    if (u.initError !== undefined) {
      u.loadState = 'error';
      u.loadError = `Unit type failed to initialize the unit: ${u.initError}`;
    } else if (def.loadState !== 'loaded') {
      u.loadState = def.loadState;
      u.loadError = def.loadError;
    } else {
      try {
        for (const [kind, names] of unitFileDependencies(def)) for (const n of names) this.addDependency(u, kind, n, true);
        u.perpetual = false;
        u.cgroupContext = undefined;
        u.type.load(u, def);
        for (const x of this.loadExtensions) x.unitLoaded(u, def);
        u.loadState = 'loaded';
        this.queues['target-deps'].add(u);
        if (u.settings.onFailureJobMode === 'isolate' && u.dependencies('OnFailure').size > 1) {
          throw new UnitLoadError('More than one OnFailure= dependencies specified but OnFailureJobMode=isolate set. Refusing.');
        }
        if (u.settings.onSuccessJobMode === 'isolate' && u.dependencies('OnSuccess').size > 1) {
          throw new UnitLoadError('More than one OnSuccess= dependencies specified but OnSuccessJobMode=isolate set. Refusing.');
        }
        if (u.settings.jobRunningTimeout !== Infinity && u.settings.jobRunningTimeout > u.settings.jobTimeout) {
          u.log('warning', 'JobRunningTimeoutSec= is greater than JobTimeoutSec=, it has no effect.');
        }
      } catch (e) {
        if (e instanceof UnitLoadError) {
          u.loadState = e.loadState;
          u.loadError = e.message;
          u.log('err', e.message);
        } else {
          // A hook that throws anything else is a bug in the type: the unit fails to load, nothing else.
          u.loadState = 'error';
          u.loadError = `Unit type failed to load the unit: ${(e as Error)?.message ?? String(e)}`;
          u.log('crit', `Unit type hook load() failed: ${errorText(e)}`);
        }
      }
    }
    // A reload carries the runtime state over, whatever the new configuration says.
    const saved = this.savedStates.get(u);
    if (saved) {
      this.savedStates.delete(u);
      const type = u.type;
      if (type.deserialize) this.callHook(u, 'deserialize', () => type.deserialize!(u, saved), undefined);
    }
    const done = u.type.done?.bind(u.type);
    if (done && (u.loadState === 'loaded' || saved)) this.callHook(u, 'done', () => done(u), undefined);
    if (u.loadState !== 'loaded') u.log('debug', `Failed to load configuration: ${u.loadState}${u.loadError ? `: ${u.loadError}` : ''}`);
    u.lastActiveState = u.activeState();
    this.queues.gc.add(u);
    this.events.emit('unit-loaded', u);
    this.scheduleDispatch();
  }

  /**
   * daemon-reload: reads every unit's configuration again and rebuilds the dependency graph, keeping
   * each unit's runtime state (its type serializes it before and deserializes it after, as systemd
   * does across a reload) and its installed job. A unit whose file is gone keeps running as
   * not-found; units nothing references any more are collected afterwards.
   */
  reload(): void {
    this.source.invalidate?.();
    const units = this.allUnits().filter((u) => u.loadState !== 'merged');
    for (const u of units) for (const [kind, other] of [...u.allDependencies()]) this.removeEdge(u, kind, other);
    for (const u of units) {
      const type = u.type;
      const state = type.serialize ? this.callHook(u, 'serialize', () => type.serialize!(u), undefined) : undefined;
      if (state) this.savedStates.set(u, state);
      try {
        u.data = type.init(u);
        u.initError = undefined;
      } catch (e) {
        u.initError = (e as Error)?.message ?? String(e);
        this.log('crit', `Unit type hook init() failed: ${errorText(e)}`, u);
      }
      u.loadState = 'stub';
      u.loadError = undefined;
      this.queues.load.add(u);
    }
    this.dispatchLoadQueue();
    for (const u of units) this.queues.gc.add(u);
    this.log('info', 'Reloading finished.');
    this.scheduleDispatch();
  }

  /**
   * @internal Manager re-exec (see manager-serialization.ts): creates `name` as a stub whose load
   * restores the runtime state its type saved in the previous process image, as reload() does
   * within one process. `activeState` is the state clients last saw: not a change to react to.
   */
  queueDeserializedUnit(name: string, typeState: Record<string, unknown> | undefined, activeState: UnitActiveState): Unit {
    const u = this.prepareUnit(name);
    if (typeState) this.savedStates.set(u, typeState);
    u.lastActiveState = activeState;
    return u;
  }

  /** @internal Manager re-exec: counts a deserialized unit that is failed among the failed units. */
  noteDeserializedState(u: Unit): void {
    if (u.activeState() === 'failed') this.failedUnits.add(u);
  }

  /**
   * @internal Manager re-exec: installs a job the previous process image had installed, with its id,
   * type and state. A running job completes when its unit reaches the state it waits for; a
   * waiting one is run as ordering allows.
   */
  installDeserializedJob(u: Unit, type: JobType, state: Job['state'], id: number, beginUsec: number, irreversible: boolean, ignoreOrder: boolean): Job | undefined {
    const slot = type === 'nop' ? 'nopJob' : 'job';
    if (u[slot] || this.jobs.has(id)) return undefined;
    const j = new Job(u, type, beginUsec, id);
    j.state = state;
    j.irreversible = irreversible;
    j.ignoreOrder = ignoreOrder;
    j.installed = true;
    u[slot] = j;
    this.jobs.set(j.id, j);
    this.startJobTimer(j, state === 'running');
    this.events.emit('job-new', j);
    if (state === 'waiting') this.addToRunQueue(j);
    return j;
  }

  /** Folds the stub `from` (an alias name) into `to`: its names and any edges point to `to`. */
  private mergeInto(from: Unit, to: Unit, def: UnitDefinition): void {
    for (const [kind, other] of [...from.allDependencies()]) {
      this.removeEdge(from, kind, other);
      if (other !== to) this.addDependency(to, kind, other, false);
    }
    for (const n of from.names) {
      this.units.set(n, to);
      to.names.add(n);
    }
    for (const n of def.names) {
      if (!this.units.has(n)) this.units.set(n, to);
      to.names.add(n);
    }
    from.loadState = 'merged';
    for (const q of Object.values(this.queues)) q.delete(from);
    from.releaseWatches();
  }

  /**
   * Adds the dependency `unit kind other` and its inverse; with `reference`, also References=.
   * Loads `other` lazily. Returns the other unit, or undefined for an invalid name.
   */
  addDependency(unit: Unit, kind: UnitDependency, other: string | Unit, reference = true): Unit | undefined {
    let o: Unit;
    if (typeof other === 'string') {
      try {
        o = this.prepareUnit(other);
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        unit.log('warning', `Failed to add dependency on ${other}, ignoring: ${e.message}`);
        return undefined;
      }
    } else o = other;
    if (o === unit) {
      // systemd ignores self-dependencies for most kinds and warns for the ordering ones.
      if (kind === 'Before' || kind === 'After') unit.log('warning', `Dependency ${kind}=${o.id} is dropped, as it refers to the unit itself.`);
      return o;
    }
    unit.linkDependency(kind, o);
    o.linkDependency(dependencyInverse[kind], unit);
    if (reference) {
      unit.linkDependency('References', o);
      o.linkDependency('ReferencedBy', unit);
    }
    this.scheduleDispatch();
    return o;
  }

  private removeEdge(u: Unit, kind: UnitDependency, other: Unit): void {
    u.unlinkDependency(kind, other);
    other.unlinkDependency(dependencyInverse[kind], u);
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs
  // ---------------------------------------------------------------------------------------------

  /** The installed jobs, in installation order. */
  installedJobs(): Job[] {
    return [...this.jobs.values()];
  }

  /** The installed job with this id. */
  getJob(id: number): Job | undefined {
    return this.jobs.get(id);
  }

  /**
   * Enqueues a job for `unit` with its dependencies in `mode`, as systemd's manager_add_job(): builds
   * a transaction, checks it and installs it. Returns the installed job (the request's anchor, or an
   * existing job it merged into) — "enqueue and return"; `await job.wait()` for the result.
   * Throws ManagerError when the request is refused; nothing changes then.
   */
  addJob(type: JobType, unitOrName: Unit | string, mode: JobMode = 'replace', opts: AddJobOptions = {}): Job {
    if (!jobModes.includes(mode)) throw new ManagerError('InvalidArgs', `Job mode ${mode} is invalid.`);
    const unit = typeof unitOrName === 'string' ? this.loadUnit(unitOrName) : unitOrName;
    if (mode === 'isolate' && type !== 'start') throw new ManagerError('InvalidArgs', 'Isolate is only valid for start.');
    if (mode === 'isolate' && !unit.settings.allowIsolate) throw new ManagerError('NoIsolation', 'Operation refused, unit may not be isolated.');
    if (mode === 'triggering' && type !== 'stop') throw new ManagerError('InvalidArgs', '--job-mode=triggering is only valid for stop.');
    if (opts.manual) this.checkManual(unit, type);
    unit.log('debug', `Trying to enqueue job ${unit.id}/${type}/${mode}`);
    const collapsed = jobTypeCollapse(type, unit.activeState());
    const tr = new Transaction(this, mode === 'replace-irreversibly');
    tr.addJobAndDependencies(collapsed, unit, undefined, {
      matters: true,
      conflicts: false,
      ignoreRequirements: mode === 'ignore-dependencies' || mode === 'ignore-requirements',
      ignoreOrder: mode === 'ignore-dependencies',
    });
    if (mode === 'isolate') tr.addIsolateJobs();
    if (mode === 'triggering') tr.addTriggeringJobs(unit);
    const job = tr.activate(mode);
    unit.log('debug', `Enqueued job ${unit.id}/${job.type} as ${job.id}`);
    this.scheduleDispatch();
    return job;
  }

  private checkManual(unit: Unit, type: JobType): void {
    const starts = ['start', 'restart', 'try-restart', 'reload-or-start', 'verify-active'].includes(type);
    const stops = ['stop', 'restart', 'try-restart'].includes(type);
    if ((starts && unit.settings.refuseManualStart) || (stops && unit.settings.refuseManualStop)) {
      throw new ManagerError('OnlyByDependency', `Operation refused, unit ${unit.id} may be requested by dependency only (it is configured to refuse manual start/stop).`);
    }
  }

  /** Refuses jobs other than stop for units that did not load, with systemd's messages. */
  validateLoadState(u: Unit): void {
    switch (u.loadState) {
      case 'loaded':
      case 'stub':
      case 'merged':
        return;
      case 'not-found':
        // The file may have appeared since: try once more, as systemd's unit cache retry does.
        if (this.retryLoad(u)) return;
        throw new ManagerError('NoSuchUnit', `Unit ${u.id} not found.`);
      case 'masked':
        throw new ManagerError('UnitMasked', `Unit ${u.id} is masked.`);
      case 'bad-setting':
        throw new ManagerError('BadUnitSetting', `Unit ${u.id} has a bad unit file setting.`);
      case 'error':
        throw new ManagerError('LoadFailed', `Unit ${u.id} failed to load properly, please adjust/correct and reload service manager: ${u.loadError ?? 'unknown error'}`);
    }
  }

  private retryLoad(u: Unit): boolean {
    if (u.job || !isInactiveOrFailed(u.activeState())) return false;
    this.source.invalidate?.();
    u.loadState = 'stub';
    this.loadOne(u);
    this.dispatchLoadQueue();
    const state = u.loadState as Unit['loadState'];
    if (state === 'stub') u.loadState = 'not-found';
    return state === 'loaded';
  }

  /** Whether a job of `type` can be queued for `u` at all (systemd's unit_job_is_applicable). */
  jobIsApplicable(u: Unit, type: JobType): boolean {
    switch (type) {
      case 'verify-active':
      case 'start':
      case 'nop':
        return true;
      case 'stop':
        return !u.perpetual;
      case 'restart':
      case 'try-restart':
        return this.canStart(u) && this.canStop(u);
      case 'reload':
      case 'try-reload':
        return this.canReload(u);
      case 'reload-or-start':
        return this.canReload(u) && this.canStart(u);
    }
  }

  /** Whether the unit is loaded and its type can start it. */
  canStart(u: Unit): boolean {
    return u.loadState === 'loaded' && !!u.type.start;
  }

  /** Whether the unit's type can stop it. */
  canStop(u: Unit): boolean {
    return !u.perpetual && !!u.type.stop;
  }

  /** Whether the unit can take a reload job. */
  canReload(u: Unit): boolean {
    if (u.hasAnyAtom('PropagatesReloadTo')) return true;
    const cr = u.type.canReload;
    if (typeof cr === 'function') return this.callHook(u, 'canReload', () => cr(u), false);
    if (cr !== undefined) return cr;
    return !!u.type.reload;
  }

  /**
   * Installs a job built by a transaction on its unit, merging it into the unit's installed job
   * when they are compatible and cancelling the installed one when they are not.
   * @internal Called by Transaction.
   */
  installJob(j: Job): Job {
    const u = j.unit;
    const slot = j.type === 'nop' ? 'nopJob' : 'job';
    const uj = u[slot];
    if (uj) {
      if (jobTypeIsConflicting(uj.type, j.type)) {
        this.finishJob(uj, 'canceled', false, false);
      } else {
        if (uj.state === 'waiting' || (jobTypeAllowsLateMerge(j.type) && jobTypeIsSuperset(uj.type, j.type))) {
          this.mergeIntoInstalled(uj, j);
          u.log('debug', `Merged ${j} into installed job ${uj} as ${uj.id}`);
          return uj;
        }
        // Already running and not safe to merge into: merge and run it again.
        this.mergeIntoInstalled(uj, j);
        u.log('debug', `Merged into running job, re-running: ${uj} as ${uj.id}`);
        this.setJobState(uj, 'waiting');
        return uj;
      }
    }
    u[slot] = j;
    j.installed = true;
    this.jobs.set(j.id, j);
    u.log('debug', `Installed new job ${j} as ${j.id}`);
    this.startJobTimer(j, false);
    this.events.emit('job-new', j);
    return j;
  }

  private mergeIntoInstalled(uj: Job, j: Job): void {
    if (uj.type !== 'nop') uj.type = jobTypeMergeAndCollapse(uj.type, j.type, uj.unit.activeState()) ?? uj.type;
    uj.irreversible ||= j.irreversible;
    uj.ignoreOrder ||= j.ignoreOrder;
  }

  private setJobState(j: Job, state: Job['state']): void {
    if (j.state === state) return;
    j.state = state;
    this.events.emit('job-changed', j);
  }

  /** @internal Queues an installed job to be run at the next dispatch. */
  addToRunQueue(j: Job): void {
    if (!j.installed) return;
    this.runQueue.add(j);
    this.scheduleDispatch();
  }

  private startJobTimer(j: Job, running: boolean): void {
    const s = j.unit.settings;
    let at: number;
    if (running) {
      if (s.jobRunningTimeout === Infinity) return;
      at = this.loop.now() + s.jobRunningTimeout;
      if (s.jobTimeout !== Infinity && at > j.beginUsec + s.jobTimeout) return;
    } else {
      if (s.jobTimeout === Infinity) return;
      at = j.beginUsec + s.jobTimeout;
    }
    j.timer?.dispose();
    j.timer = this.loop.armTimer(at, () =>
      this.guardEvent(`the timeout of job ${j.id}`, () => {
        j.timer = undefined;
        if (!j.installed) return;
        j.unit.log('warning', `Job ${j} timed out.`);
        this.finishJob(j, 'timeout', true, false);
        this.emergencyAction(j.unit.settings.jobTimeoutAction, { warn: true }, undefined, 'job timed out');
        this.scheduleDispatch();
      }),
    );
  }

  /** Whether no job this one is ordered after (or that must stop first) is still installed. */
  private jobIsRunnable(j: Job): boolean {
    if (j.ignoreOrder || j.type === 'nop') return true;
    for (const atom of ['After', 'Before'] as const) {
      for (const other of j.unit.unitsWithAtom(atom)) {
        if (other.job && jobCompare(j, other.job, atom) > 0) return false;
      }
    }
    return true;
  }

  /**
   * Runs one job; whatever goes wrong while it runs fails that job (and only it) with a log line,
   * so no job is left running with nothing to finish it.
   */
  private runJob(j: Job): void {
    try {
      this.runJobUnguarded(j);
    } catch (e) {
      j.unit.log('crit', `Failed to run job ${j.id} ${j.unit.id}/${j.type}: ${errorText(e)}`);
      if (j.installed && this.jobs.get(j.id) === j) this.finishJob(j, 'failed', true, false);
    }
  }

  private runJobUnguarded(j: Job): void {
    if (j.state !== 'waiting' || !j.installed) return;
    if (!this.jobIsRunnable(j)) return;
    this.startJobTimer(j, true);
    this.setJobState(j, 'running');
    const u = j.unit;
    let r: CoreActionResult;
    switch (j.type) {
      case 'verify-active': {
        const s = u.activeState();
        r = isActiveOrReloading(s) ? 'already' : s === 'activating' ? 'again' : 'skipped';
        break;
      }
      case 'start':
        r = this.unitStart(u);
        if (r === 'skipped') r = 'waiting';
        break;
      case 'stop':
      case 'restart':
        r = this.unitStop(u);
        if (r === 'skipped') r = 'waiting';
        break;
      case 'reload':
        r = this.unitReload(u);
        break;
      case 'nop':
        r = 'already';
        break;
      default:
        throw new Error(`job type ${j.type} cannot run`);
    }
    // The hook may already have finished the job through a state change; systemd then skips the
    // "Starting…" line, as it does for units without an activating phase.
    if (!j.installed || this.jobs.get(j.id) !== j) return;
    if (r === 'started') this.emitStartMessage(j, j.type === 'reload' ? 'reload' : j.type === 'start' ? 'start' : 'stop');
    switch (r) {
      case 'again':
        this.setJobState(j, 'waiting');
        break;
      case 'already':
        this.finishJob(j, 'done', true, true);
        break;
      case 'condition':
        this.finishJob(j, 'done', true, false);
        break;
      case 'skipped':
        this.finishJob(j, 'skipped', true, false);
        break;
      case 'invalid':
        this.finishJob(j, 'invalid', true, false);
        break;
      case 'assert':
        this.finishJob(j, 'assert', true, false);
        break;
      case 'dependency':
        this.finishJob(j, 'dependency', true, false);
        break;
      case 'failed':
        this.finishJob(j, 'failed', true, false);
        break;
      case 'started':
      case 'waiting':
        break;
    }
  }

  private emitStartMessage(j: Job, verb: 'start' | 'stop' | 'reload'): void {
    const what = { start: 'Starting', stop: 'Stopping', reload: 'Reloading' }[verb];
    j.unit.log('info', `${what} ${j.unit.description}...`, { JOB_ID: String(j.id), JOB_TYPE: verb });
  }

  /** systemd's unit_start(): the generic checks, then the type's start. */
  private unitStart(u: Unit): CoreActionResult {
    const state = u.activeState();
    if (isActiveOrReloading(state)) return 'already';
    if (state === 'maintenance') return 'again';
    if (u.loadState !== 'loaded') return 'failed';
    if (state !== 'activating' && !this.testConditions(u)) {
      u.log('debug', 'Starting requested but condition failed. Not starting unit.');
      return 'condition';
    }
    if (state !== 'activating' && !this.testAsserts(u)) {
      u.log('notice', 'Starting requested but asserts failed.');
      return 'assert';
    }
    for (const other of u.unitsWithAtom('CannotBeActiveWithout')) {
      if (!u.hasAtom('After', other)) continue;
      if (!isActiveOrReloading(other.activeState())) {
        u.log('notice', `Bound to unit ${other.id}, but unit isn't active.`);
        return 'dependency';
      }
    }
    if (!u.type.start) return 'skipped';
    if (u.type.startLimited) {
      if (u.startLimit.below(this.loop.now())) {
        u.startLimitHit = false;
      } else {
        u.log('warning', 'Start request repeated too quickly.');
        u.startLimitHit = true;
        const hit = u.type.startLimitHit?.bind(u.type);
        if (hit) this.callHook(u, 'startLimitHit', () => hit(u), undefined);
        this.emergencyAction(u.settings.startLimitAction, { warn: true }, undefined, `unit ${u.id} failed`);
        return 'failed';
      }
    }
    // A new start is a new chance: forget a failure core forced after a hook error.
    u.hookFailed = false;
    const start = u.type.start.bind(u.type);
    return this.callHook<UnitActionResult>(u, 'start', () => start(u), 'failed');
  }

  private unitStop(u: Unit): CoreActionResult {
    if (isInactiveOrFailed(u.activeState())) return 'already';
    const stop = u.type.stop?.bind(u.type);
    if (!stop) return 'skipped';
    return this.callHook<UnitActionResult>(u, 'stop', () => stop(u), 'failed');
  }

  private unitReload(u: Unit): CoreActionResult {
    if (u.loadState !== 'loaded') return 'failed';
    if (!this.canReload(u)) return 'skipped';
    const state = u.activeState();
    if (state === 'reloading') return 'again';
    if (state !== 'active') {
      u.log('warning', 'Unit cannot be reloaded because it is inactive.');
      return 'invalid';
    }
    if (!u.type.reload) {
      // Nothing to do for the unit itself, but the job must finish and propagate.
      this.unitNotify(u, {});
      return 'waiting';
    }
    const reload = u.type.reload.bind(u.type);
    return this.callHook<UnitActionResult>(u, 'reload', () => reload(u), 'failed');
  }

  private testConditions(u: Unit): boolean {
    u.conditionTimestamp = this.dualNow();
    const list = u.settings.conditions;
    if (u.conditionStates.length !== list.length) u.conditionStates = list.map((): 0 => 0);
    const r = testConditionList(list, this.conditionEnvironment(), 'Condition', (d) =>
      u.log('debug', `${d} is not supported by unitkit, treating it as met.`),
      u.conditionStates,
    );
    u.conditionResult = r.passed;
    u.failedCondition = r.failed;
    if (!r.passed) u.log('info', `${r.failed} was not met`);
    return r.passed;
  }

  private testAsserts(u: Unit): boolean {
    u.assertTimestamp = this.dualNow();
    const list = u.settings.asserts;
    if (u.assertStates.length !== list.length) u.assertStates = list.map((): 0 => 0);
    const r = testConditionList(list, this.conditionEnvironment(), 'Assert', undefined, u.assertStates);
    u.assertResult = r.passed;
    if (!r.passed) u.log('err', `${r.failed} failed`);
    return r.passed;
  }

  private conditionEnvironment(): Record<string, string | undefined> {
    return Object.keys(this.environment).length > 0 ? this.environment : process.env;
  }

  /**
   * Finishes a job with `result` (systemd's job_finish_and_invalidate()): logs the outcome, turns a
   * finished restart into a start, uninstalls the job, fails the jobs that depended on it, starts
   * OnFailure= units for timeouts and dependency failures, and wakes the jobs ordered around it.
   * @internal Also called by Transaction when isolating.
   */
  finishJob(j: Job, result: JobResult, recursive: boolean, already: boolean): void {
    const u = j.unit;
    const t = j.type;
    u.log('debug', `Job ${j.id} ${u.id}/${t} finished, result=${result}`);
    if (!already) this.emitDoneMessage(j, result);

    if (result === 'done' && t === 'restart') {
      // The stop half is done; the same job now starts the unit.
      j.type = 'start';
      j.state = 'waiting';
      this.events.emit('job-changed', j);
      this.addToRunQueue(j);
      this.wakeOrderedJobs(u);
      return;
    }

    this.uninstallJob(j);
    j.settle(result);
    this.events.emit('job-removed', j, result);

    if (result !== 'done' && recursive) {
      if (t === 'start' || t === 'verify-active') this.failDependentJobs(u, 'PropagateStartFailure');
      else if (t === 'stop') this.failDependentJobs(u, 'PropagateStopFailure');
    }
    if (t === 'start' && result === 'done' && !isActiveOrReloading(u.activeState())) {
      this.failDependentJobs(u, 'PropagateInactiveStartAsFailure');
    }
    if (result === 'timeout' || result === 'dependency') {
      u.log('notice', `Job ${u.id}/${t} failed with result '${result}'.`, { JOB_TYPE: t, JOB_RESULT: result });
      this.startOnFailureOrSuccess(u, 'OnFailure');
    }
    this.triggerNotify(u);
    this.wakeOrderedJobs(u);
    if (this.jobs.size === 0) this.events.emit('idle');
  }

  private uninstallJob(j: Job): void {
    const u = j.unit;
    if (u.job === j) u.job = undefined;
    if (u.nopJob === j) u.nopJob = undefined;
    j.installed = false;
    j.timer?.dispose();
    j.timer = undefined;
    this.jobs.delete(j.id);
    this.runQueue.delete(j);
    this.queues.gc.add(u);
    this.scheduleDispatch();
  }

  private failDependentJobs(u: Unit, atom: AtomName): void {
    for (const other of u.unitsWithAtom(atom)) {
      const oj = other.job;
      if (!oj || (oj.type !== 'start' && oj.type !== 'verify-active')) continue;
      this.finishJob(oj, 'dependency', true, false);
    }
  }

  private wakeOrderedJobs(u: Unit): void {
    for (const atom of ['After', 'Before'] as const) {
      for (const other of u.unitsWithAtom(atom)) if (other.job) this.addToRunQueue(other.job);
    }
  }

  private emitDoneMessage(j: Job, result: JobResult): void {
    const u = j.unit;
    const d = u.description;
    let msg: string | undefined;
    let level: LogLevel = 'info';
    if (j.type === 'start') {
      if (result === 'done') msg = u.conditionResult || !u.conditionTimestamp.monotonic ? `Started ${d}.` : `Condition check resulted in ${d} being skipped.`;
      else if (result === 'failed') (msg = `Failed to start ${d}.`), (level = 'err');
      else if (result === 'dependency') (msg = `Dependency failed for ${d}.`), (level = 'warning');
      else if (result === 'timeout') (msg = `Timed out starting ${d}.`), (level = 'err');
      else if (result === 'assert') (msg = `Assertion failed for ${d}.`), (level = 'warning');
      else if (result === 'unsupported') (msg = `Starting of ${d} unsupported.`), (level = 'warning');
      else if (result === 'once') (msg = `Unit ${u.id} has been started before and cannot be started again.`), (level = 'err');
    } else if (j.type === 'stop' || j.type === 'restart') {
      if (result === 'done') msg = `Stopped ${d}.`;
      else if (result === 'failed') (msg = `Stopped (with error) ${d}.`), (level = 'err');
      else if (result === 'timeout') (msg = `Timed out stopping ${d}.`), (level = 'err');
    } else if (j.type === 'reload') {
      if (result === 'done') msg = `Reloaded ${d}.`;
      else if (result === 'failed') (msg = `Failed to reload ${d}.`), (level = 'err');
      else if (result === 'timeout') (msg = `Timed out reloading ${d}.`), (level = 'err');
    }
    const formats = u.type.statusMessageFormats;
    const own = j.type === 'start' ? formats?.finishedStartJob?.[result] : j.type === 'stop' ? formats?.finishedStopJob?.[result] : undefined;
    if (own !== undefined) msg = own.replace('%s', d);
    if (msg) u.log(level, msg, { JOB_ID: String(j.id), JOB_TYPE: j.type, JOB_RESULT: result });
  }

  // ---------------------------------------------------------------------------------------------
  // State changes
  // ---------------------------------------------------------------------------------------------

  /**
   * Everything that follows from a unit's state change (systemd's unit_notify()).
   * @internal Unit types call `unit.notifyStateChange()`.
   */
  unitNotify(u: Unit, flags: UnitNotifyFlags): void {
    const os = u.lastActiveState;
    const ns = u.activeState();
    u.lastActiveState = ns;

    const now = this.dualNow();
    u.stateChangeTimestamp = now;
    if (isInactiveOrFailed(os) && !isInactiveOrFailed(ns)) u.inactiveExitTimestamp = now;
    else if (!isInactiveOrFailed(os) && isInactiveOrFailed(ns)) u.inactiveEnterTimestamp = now;
    if (!isActiveOrReloading(os) && isActiveOrReloading(ns)) u.activeEnterTimestamp = now;
    else if (isActiveOrReloading(os) && !isActiveOrReloading(ns)) u.activeExitTimestamp = now;

    if (ns === 'failed') this.failedUnits.add(u);
    else this.failedUnits.delete(u);

    this.events.emit('unit-state', u, os, ns);

    const unexpected = u.job ? this.processJob(u.job, ns, flags) : true;
    if (unexpected) {
      if (isInactiveOrFailed(os) && isActiveOrActivating(ns)) this.retroactivelyStartDependencies(u);
      else if (isActiveOrActivating(os) && isInactiveOrDeactivating(ns)) this.retroactivelyStopDependencies(u);
    }
    if (ns !== os && ns === 'failed' && !flags.willAutoRestart) this.startOnFailureOrSuccess(u, 'OnFailure');
    if (ns === 'inactive' && !['failed', 'inactive', 'maintenance'].includes(os) && !flags.willAutoRestart) {
      this.startOnFailureOrSuccess(u, 'OnSuccess');
    }
    this.triggerNotify(u);

    if (os !== 'failed' && ns === 'failed') {
      const status = actionExitStatus(u.settings.failureActionExitStatus, this.typeExitStatus(u));
      this.emergencyAction(u.settings.failureAction, {}, status, `unit ${u.id} failed`);
    } else if (!isInactiveOrFailed(os) && ns === 'inactive') {
      const status = actionExitStatus(u.settings.successActionExitStatus, this.typeExitStatus(u));
      this.emergencyAction(u.settings.successAction, {}, status, `unit ${u.id} succeeded`);
    }

    if (isInactiveOrFailed(ns)) {
      for (const o of u.unitsWithAtom('AddStopWhenUnneededQueue')) this.queues['stop-when-unneeded'].add(o);
      for (const o of u.unitsWithAtom('AddCannotBeActiveWithoutQueue')) this.queues['stop-when-bound'].add(o);
      this.queues['start-when-upheld'].add(u);
      this.queues.gc.add(u);
    }
    if (isActiveOrReloading(ns)) {
      for (const o of u.unitsWithAtom('AddStartWhenUpheldQueue')) this.queues['start-when-upheld'].add(o);
      this.queues['stop-when-unneeded'].add(u);
      this.queues['stop-when-bound'].add(u);
    }
    this.scheduleDispatch();
  }

  /** systemd's unit_process_job(): does the new state finish or contradict the unit's job? Returns "unexpected". */
  private processJob(j: Job, ns: UnitActiveState, flags: UnitNotifyFlags): boolean {
    let unexpected = false;
    if (j.state === 'waiting') this.addToRunQueue(j);
    switch (j.type) {
      case 'start':
      case 'verify-active':
        if (isActiveOrReloading(ns)) this.finishJob(j, 'done', true, false);
        else if (j.state === 'running' && ns !== 'activating') {
          unexpected = true;
          if (isInactiveOrFailed(ns)) this.finishJob(j, ns === 'failed' ? 'failed' : 'done', true, false);
        }
        break;
      case 'reload':
      case 'reload-or-start':
      case 'try-reload':
        if (j.state === 'running') {
          if (ns === 'active') this.finishJob(j, flags.reloadFailure ? 'failed' : 'done', true, false);
          else if (ns !== 'activating' && ns !== 'reloading') {
            unexpected = true;
            if (isInactiveOrFailed(ns)) this.finishJob(j, ns === 'failed' ? 'failed' : 'done', true, false);
          }
        }
        break;
      case 'stop':
      case 'restart':
      case 'try-restart':
        if (isInactiveOrFailed(ns)) this.finishJob(j, 'done', true, false);
        else if (j.state === 'running' && ns !== 'deactivating') {
          unexpected = true;
          this.finishJob(j, 'failed', true, false);
        }
        break;
      case 'nop':
        break;
    }
    return unexpected;
  }

  /** Enqueues a job core decided on by itself; a refusal is logged (on `about`) and ignored. */
  private tryAddJob(type: JobType, u: Unit, mode: JobMode, why: string, about: Unit = u): void {
    try {
      this.addJob(type, u, mode);
    } catch (e) {
      if (!(e instanceof ManagerError)) throw e;
      about.log('warning', `Failed to enqueue ${why} job, ignoring: ${e.message}`);
    }
  }

  private retroactivelyStartDependencies(u: Unit): void {
    for (const o of u.unitsWithAtom('RetroactiveStartReplace')) {
      if (!u.hasAtom('After', o) && !isActiveOrActivating(o.activeState())) this.tryAddJob('start', o, 'replace', 'retroactive start');
    }
    for (const o of u.unitsWithAtom('RetroactiveStartFail')) {
      if (!u.hasAtom('After', o) && !isActiveOrActivating(o.activeState())) this.tryAddJob('start', o, 'fail', 'retroactive start');
    }
    for (const o of u.unitsWithAtom('RetroactiveStopOnStart')) {
      if (!isInactiveOrDeactivating(o.activeState())) this.tryAddJob('stop', o, 'replace', 'retroactive stop');
    }
  }

  private retroactivelyStopDependencies(u: Unit): void {
    for (const o of u.unitsWithAtom('RetroactiveStopOnStop')) {
      if (!isInactiveOrDeactivating(o.activeState())) this.tryAddJob('stop', o, 'replace', 'retroactive stop');
    }
  }

  private startOnFailureOrSuccess(u: Unit, which: 'OnFailure' | 'OnSuccess'): void {
    const targets = u.unitsWithAtom(which);
    if (targets.length === 0) return;
    u.log('info', `Triggering ${which}= dependencies.`);
    const mode = which === 'OnFailure' ? u.settings.onFailureJobMode : u.settings.onSuccessJobMode;
    for (const o of targets) this.tryAddJob('start', o, mode, `${which}=`, u);
  }

  private triggerNotify(u: Unit): void {
    for (const o of u.unitsWithAtom('TriggeredBy')) {
      const hook = o.type.triggerNotify?.bind(o.type);
      if (hook) this.callHook(o, 'triggerNotify', () => hook(o, u), undefined);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The dispatch loop and its queues
  // ---------------------------------------------------------------------------------------------

  /** Schedules one pass over the manager's queues after the current event. */
  scheduleDispatch(): void {
    if (this.dispatchScheduled || this.dispatching) return;
    this.dispatchScheduled = true;
    this.loop.defer(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  /** Runs the queues until they are all empty: loads, default ordering, BindsTo/Upholds/StopWhenUnneeded, jobs, then GC. */
  dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      this.dispatchRounds();
    } catch (e) {
      // Jobs are guarded one by one (runJob); this is core's own queue work failing. Log it and
      // stop this pass: the next event runs the queues again.
      this.log('crit', `Internal error while dispatching the manager's queues, continuing: ${errorText(e)}`);
    } finally {
      this.dispatching = false;
    }
  }

  private dispatchRounds(): void {
    {
      for (let round = 0; round < 10_000; round++) {
        this.dispatchLoadQueue();
        this.dispatchTargetDepsQueue();
        this.dispatchStartWhenUpheld();
        this.dispatchStopWhenBound();
        this.dispatchStopWhenUnneeded();
        if (this.runQueue.size > 0) {
          const batch = [...this.runQueue];
          this.runQueue.clear();
          for (const j of batch) this.runJob(j);
          continue;
        }
        if (this.queues.load.size || this.queues['target-deps'].size || this.queues['start-when-upheld'].size || this.queues['stop-when-bound'].size || this.queues['stop-when-unneeded'].size) continue;
        this.dispatchGcQueue();
        if (this.runQueue.size === 0 && this.queues.load.size === 0) break;
      }
    }
  }

  /**
   * Orders targets after the units they pull in, and after the units that say they are wanted by
   * them, when both sides have DefaultDependencies=yes (systemd's target-deps queue).
   */
  private dispatchTargetDepsQueue(): void {
    const q = this.queues['target-deps'];
    while (q.size > 0) {
      const u = q.values().next().value as Unit;
      q.delete(u);
      if (u.loadState !== 'loaded') continue;
      for (const target of u.unitsWithAtom('DefaultTargetDependencies')) this.addDefaultTargetDependency(u, target);
      if (u.type.orderedAfterDependencies) {
        for (const o of u.unitsWithAtom('AddDefaultTargetDependencyQueue')) this.addDefaultTargetDependency(o, u);
      }
    }
  }

  private addDefaultTargetDependency(u: Unit, target: Unit): void {
    if (!target.type.orderedAfterDependencies) return;
    if (u.loadState !== 'loaded' || target.loadState !== 'loaded') return;
    if (!u.settings.defaultDependencies || !target.settings.defaultDependencies) return;
    // Never create a loop against an ordering the user configured.
    if (target.hasDependency('Before', u)) return;
    if (target.hasDependency('After', u)) return;
    this.addDependency(target, 'After', u, false);
  }

  private dispatchStartWhenUpheld(): void {
    const q = this.queues['start-when-upheld'];
    for (const u of [...q]) {
      q.delete(u);
      if (!isInactiveOrFailed(u.activeState()) || u.job) continue;
      const culprit = u.unitsWithAtom('StartSteadily').find((o) => !o.job && isActiveOrReloading(o.activeState()));
      if (!culprit) continue;
      if (!u.autoStartStopLimit.below(this.loop.now())) {
        u.log('warning', `Unit needs to be started because active unit ${culprit.id} upholds it, but not starting since we tried this too often recently.`);
        continue;
      }
      u.log('info', `Unit needs to be started because active unit ${culprit.id} upholds it.`);
      this.tryAddJob('start', u, 'fail', 'uphold');
    }
  }

  private dispatchStopWhenBound(): void {
    const q = this.queues['stop-when-bound'];
    for (const u of [...q]) {
      q.delete(u);
      if (u.job || !isActiveOrReloading(u.activeState())) continue;
      const culprit = u.unitsWithAtom('CannotBeActiveWithout').find((o) => !o.job && isInactiveOrFailed(o.activeState()));
      if (!culprit) continue;
      if (!u.autoStartStopLimit.below(this.loop.now())) {
        u.log('warning', `Unit needs to stop because bound to inactive unit ${culprit.id}, but not stopping since we tried this too often recently.`);
        continue;
      }
      u.log('info', `Unit is bound to inactive unit ${culprit.id}. Stopping, too.`);
      this.tryAddJob('stop', u, 'replace', 'stop');
    }
  }

  private dispatchStopWhenUnneeded(): void {
    const q = this.queues['stop-when-unneeded'];
    for (const u of [...q]) {
      q.delete(u);
      if (!this.unitIsUnneeded(u)) continue;
      if (!u.autoStartStopLimit.below(this.loop.now())) {
        u.log('warning', 'Unit not needed anymore, but not stopping since we tried this too often recently.');
        continue;
      }
      u.log('info', 'Unit not needed anymore. Stopping.');
      this.tryAddJob('stop', u, 'fail', 'stop');
    }
  }

  private unitIsUnneeded(u: Unit): boolean {
    if (!u.settings.stopWhenUnneeded) return false;
    if (u.activeState() !== 'active') return false;
    if (u.job) return false;
    for (const o of u.unitsWithAtom('PinsStopWhenUnneeded')) {
      if (o.job) return false;
      if (!isInactiveOrFailed(o.activeState())) return false;
      if (this.typeWillRestart(o)) return false;
    }
    return true;
  }

  // --- garbage collection ---

  /** Whether a unit is ready to be dropped, references aside (systemd's unit_may_gc()). */
  private unitMayGc(u: Unit): boolean {
    if (u.perpetual) return false;
    if (u.job || u.nopJob) return false;
    if (u.refs > 0) return false;
    if (u.loadState === 'stub') return false;
    const s = u.activeState();
    if (u.settings.collectMode === 'inactive' ? s !== 'inactive' : !isInactiveOrFailed(s)) return false;
    for (const which of ['OnFailure', 'OnSuccess'] as const) {
      if (u.unitsWithAtom(which).some((o) => o.job)) return false;
    }
    const mayGc = u.type.mayGc?.bind(u.type);
    if (mayGc && !this.callHook(u, 'mayGc', () => mayGc(u), true)) return false;
    return true;
  }

  private dispatchGcQueue(): void {
    const q = this.queues.gc;
    if (q.size === 0) return;
    this.gcMarker += 4;
    const m = this.gcMarker;
    const collect: Unit[] = [];
    while (q.size > 0) {
      const u = q.values().next().value as Unit;
      q.delete(u);
      if (u.loadState === 'merged') continue;
      this.gcSweep(u, m);
      if (u.gcMark === m + GcOffset.Bad || u.gcMark === m + GcOffset.Unsure) {
        u.gcMark = m + GcOffset.Bad;
        collect.push(u);
      }
    }
    for (const u of collect) this.freeUnit(u);
  }

  private gcSweep(u: Unit, m: number): void {
    const off = u.gcMark - m;
    if (off === GcOffset.Good || off === GcOffset.Bad || off === GcOffset.Unsure || off === GcOffset.InPath) return;
    if (!this.unitMayGc(u)) {
      u.gcMark = m + GcOffset.Good;
      return;
    }
    u.gcMark = m + GcOffset.InPath;
    let isBad = true;
    for (const other of u.dependencies('ReferencedBy')) {
      this.gcSweep(other, m);
      if (other.gcMark === m + GcOffset.Good) {
        u.gcMark = m + GcOffset.Good;
        return;
      }
      if (other.gcMark !== m + GcOffset.Bad) isBad = false;
    }
    if (isBad) {
      u.gcMark = m + GcOffset.Bad;
      return;
    }
    // Nothing certain yet (a reference cycle): decide when the queue is drained.
    u.gcMark = m + GcOffset.Unsure;
  }

  /** Drops a unit: removes its edges, names and watches. Units it referenced are checked for GC next. */
  private freeUnit(u: Unit): void {
    u.log('debug', 'Collecting.');
    for (const [kind, other] of [...u.allDependencies()]) {
      this.removeEdge(u, kind, other);
      this.queues.gc.add(other);
    }
    u.releaseWatches();
    for (const n of u.names) if (this.units.get(n) === u) this.units.delete(n);
    for (const q of Object.values(this.queues)) q.delete(u);
    this.failedUnits.delete(u);
    this.events.emit('unit-removed', u);
  }

  // ---------------------------------------------------------------------------------------------
  // Routing of pids, timers, fds and notify datagrams
  // ---------------------------------------------------------------------------------------------

  /** @internal */
  watchPid(u: Unit, pid: number): void {
    let set = this.pidOwners.get(pid);
    if (!set) this.pidOwners.set(pid, (set = new Set()));
    set.add(u);
  }

  /** @internal */
  unwatchPid(u: Unit, pid: number): void {
    const set = this.pidOwners.get(pid);
    if (!set) return;
    set.delete(u);
    if (set.size === 0) this.pidOwners.delete(pid);
  }

  /** The units watching `pid`. */
  unitsOfPid(pid: number): Unit[] {
    return [...(this.pidOwners.get(pid) ?? [])];
  }

  private dispatchChildExit(exit: ChildExit): void {
    const owners = this.unitsOfPid(exit.pid);
    if (owners.length === 0) {
      this.log('debug', `Child ${exit.pid} belongs to no unit (${exit.code}, status ${exit.status}).`);
      return;
    }
    for (const u of owners) {
      // The pid is gone: stop routing it before the type looks at it, so a re-used pid is not confused.
      u.unwatchPid(exit.pid);
      u.deliverExit(exit);
    }
    this.scheduleDispatch();
  }

  /**
   * Relays "the unit's process scope is empty" from the ProcessScopes port to the unit's type.
   * Called by the kill-mode plugin.
   */
  dispatchScopeEmpty(u: Unit): void {
    const hook = u.type.scopeEmpty?.bind(u.type);
    if (hook) this.callHook(u, 'scopeEmpty', () => hook(u), undefined);
    this.scheduleDispatch();
  }

  /** @internal */
  /** The wall clock was set or the time zone changed: every unit whose type cares is told. */
  private dispatchTimeChange(change: TimeChange): void {
    this.log('debug', change === 'clock' ? 'Time has been changed' : 'Timezone has been changed');
    for (const u of this.units.values()) {
      if (u.loadState !== 'loaded') continue;
      const hook = change === 'clock' ? u.type.timeChange : u.type.timezoneChange;
      if (hook) this.callHook(u, change === 'clock' ? 'timeChange' : 'timezoneChange', () => hook.call(u.type, u), undefined);
    }
  }

  dispatchTimer(u: Unit, key: string): void {
    const hook = u.type.timerEvent?.bind(u.type);
    if (hook) this.callHook(u, 'timerEvent', () => hook(u, key), undefined);
    this.scheduleDispatch();
  }

  /** @internal */
  dispatchFd(u: Unit, fd: number, events: FdEvents): void {
    const hook = u.type.fdEvent?.bind(u.type);
    if (hook) this.callHook(u, 'fdEvent', () => hook(u, fd, events), undefined);
    this.scheduleDispatch();
  }

  /**
   * Routes a notify datagram to the unit(s) that watch its sender's pid. Datagrams that do not parse
   * or come from no known pid are refused, logged and their fds closed by the caller.
   */
  private dispatchNotify(d: NotifyDatagram): number[] {
    const parsed = parseNotifyMessage(d.text);
    if (!parsed.ok) {
      this.logNotifyRefusal(`Received invalid notification message from PID ${d.pid}, ignoring: ${parsed.error}`);
      return d.fds;
    }
    let owners = this.unitsOfPid(d.pid);
    if (owners.length === 0) {
      // A process no unit watches, e.g. a child of the main process: its unit is the one whose scope holds it.
      const byScope = this.processScopes?.unitOf?.(d.pid);
      if (byScope) owners = [byScope];
    }
    const handlers = owners.filter((u) => u.type.notifyMessage);
    if (handlers.length === 0) {
      this.logNotifyRefusal(`Cannot find unit for notify message of PID ${d.pid}, ignoring.`);
      return d.fds;
    }
    // The fds go to the first handler, which owns them from then on (it closes them even when it throws).
    handlers.forEach((u, i) => {
      const hook = u.type.notifyMessage!.bind(u.type);
      this.callHook(u, 'notifyMessage', () => hook(u, { pid: d.pid, uid: d.uid, gid: d.gid }, parsed.fields, i === 0 ? d.fds : []), undefined);
    });
    this.scheduleDispatch();
    return [];
  }

  private logNotifyRefusal(message: string): void {
    const suffix = this.notifyLogLimit.admit(this.loop.now());
    if (suffix !== undefined) this.log('warning', message + suffix);
  }

  // ---------------------------------------------------------------------------------------------
  // The hook guard: a unit type that throws fails its unit, not the manager
  // ---------------------------------------------------------------------------------------------

  /**
   * Calls one of `u`'s type hooks (or a port callback on its behalf). What it throws is caught and
   * handed to {@link hookError}; `fallback` is returned then. Every vtable call core makes goes
   * through here, so a manager composed without process-wide exception handlers survives a broken
   * type.
   */
  callHook<T>(u: Unit, hook: string, call: () => T, fallback: T): T {
    try {
      return call();
    } catch (e) {
      this.hookError(u, hook, e);
      return fallback;
    }
  }

  /**
   * A hook of `u`'s type threw: logs it at crit with the stack, fails the unit's job and puts the
   * unit into its failed state with result 'resources' — through the type's enterFailedState()
   * when it has one, otherwise (or when that throws too, or leaves the unit elsewhere) by marking
   * the unit failed in core. The manager goes on. An error while the unit is already being failed
   * is only logged. A broken activeState()/subState() cannot be asked anything, so the unit is
   * marked failed at once and the rest happens from the event loop (the caller may be in the middle
   * of a state change of that very unit).
   * @internal
   */
  hookError(u: Unit, hook: string, e: unknown): void {
    this.log('crit', `Unit type hook ${hook}() failed: ${errorText(e)}`, u);
    if (u.failingAfterHook) return;
    if (hook === 'activeState' || hook === 'subState') {
      if (u.hookFailed) return;
      u.hookFailed = true;
      this.loop.defer(() => this.guardEvent(`failing ${u.id}`, () => this.failUnitAfterHookError(u, false)));
      return;
    }
    this.failUnitAfterHookError(u, true);
  }

  private failUnitAfterHookError(u: Unit, askType: boolean): void {
    u.failingAfterHook = true;
    try {
      const j = u.job;
      if (j?.installed && this.jobs.get(j.id) === j) this.finishJob(j, 'failed', true, false);
      let entered = false;
      const enter = askType && !u.hookFailed ? u.type.enterFailedState?.bind(u.type) : undefined;
      if (enter) {
        try {
          enter(u, 'resources');
          entered = u.activeState() === 'failed';
        } catch (e2) {
          this.log('crit', `Unit type hook enterFailedState() failed too, marking the unit failed: ${errorText(e2)}`, u);
        }
      }
      if (!entered) {
        u.hookFailed = true;
        if (u.lastActiveState !== 'failed') this.unitNotify(u, {});
      }
    } finally {
      u.failingAfterHook = false;
    }
    this.scheduleDispatch();
  }

  /** Runs an event callback of the manager's own (a port called it); what it throws is logged, never raised into the port. */
  private guardEvent(what: string, call: () => void): void {
    try {
      call();
    } catch (e) {
      this.log('crit', `Internal error while handling ${what}, continuing: ${errorText(e)}`);
    }
  }

  /** The type's exitStatus(), guarded. */
  private typeExitStatus(u: Unit): number | 'abnormal' | undefined {
    const hook = u.type.exitStatus?.bind(u.type);
    return hook ? this.callHook(u, 'exitStatus', () => hook(u), undefined) : undefined;
  }

  /** The type's willRestart(), guarded. */
  private typeWillRestart(u: Unit): boolean {
    const hook = u.type.willRestart?.bind(u.type);
    return hook ? this.callHook(u, 'willRestart', () => hook(u), false) : false;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations for clients
  // ---------------------------------------------------------------------------------------------

  /**
   * Holds a reference on a unit so garbage collection keeps it while it is inactive — what a client
   * that follows a unit does (systemd's bus tracking). Balance with unref().
   */
  ref(u: Unit): Unit {
    u.refs++;
    return u;
  }

  /** Drops a reference taken with ref(); the unit may be collected afterwards. */
  unref(u: Unit): void {
    if (u.refs > 0) u.refs--;
    this.queues.gc.add(u);
    this.scheduleDispatch();
  }

  /** `reset-failed`: forgets failures (one unit, or every failed unit) and resets start limits. */
  resetFailed(unit?: Unit): void {
    const units = unit ? [unit] : this.allUnits();
    for (const u of units) {
      u.hookFailed = false;
      const hook = u.type.resetFailed?.bind(u.type);
      if (hook) this.callHook(u, 'resetFailed', () => hook(u), undefined);
      u.startLimit.reset();
      u.startLimitHit = false;
      if (u.activeState() !== u.lastActiveState) u.notifyStateChange();
      this.queues.gc.add(u);
    }
    this.scheduleDispatch();
  }

  /**
   * Every property of a unit as `systemctl show` lists them: the type's, then the generic ones.
   * `only`: the names the caller will pick (`show -p`); the list may then leave others out.
   */
  properties(u: Unit, only?: ReadonlySet<string>): PropertyList {
    return unitProperties(u, this, only);
  }

  /**
   * NeedDaemonReload=: whether the files a unit was loaded from changed on disk since, as the
   * definition source tells (systemctl warns about it on status and job verbs).
   */
  unitNeedsDaemonReload(u: Unit): boolean {
    if (!u.definition || !this.source.needsDaemonReload) return false;
    try {
      return this.source.needsDaemonReload(u.definition);
    } catch {
      return false;
    }
  }

  /** A fresh invocation id for a unit that is starting (INVOCATION_ID=). */
  acquireInvocationId(u: Unit): string {
    u.invocationId = randomHexId();
    return u.invocationId;
  }

  /** Both clocks now. */
  dualNow(): { realtime: number; monotonic: number } {
    return { realtime: this.loop.realtime(), monotonic: this.loop.now() };
  }

  /**
   * Carries out an emergency action (SuccessAction=, FailureAction=, StartLimitAction=,
   * JobTimeoutAction=): starts exit.target and the like, or asks the program running the manager
   * to end it through the `objective` event. `exitStatus` becomes {@link exitStatus} for exit and
   * exit-force. An unknown action name is logged and ignored.
   */
  emergencyAction(action: string, flags: EmergencyActionFlags, exitStatus: number | undefined, reason: string): void {
    if (!(emergencyActions as readonly string[]).includes(action)) {
      this.log('warning', `Unknown emergency action '${action}', ignoring.`);
      return;
    }
    runEmergencyAction(this, action as EmergencyAction, flags, exitStatus, reason);
  }

  /** Logs a message, about a unit when one is given. */
  log(level: LogLevel, message: string, unit?: Unit, fields?: Record<string, string>): void {
    if (!this.logger.enabled(level)) return;
    this.logger.log({ level, message, unit: unit?.id, fields });
  }
}

const GcOffset = { InPath: 0, Unsure: 1, Good: 2, Bad: 3 } as const;
