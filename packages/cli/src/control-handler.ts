/**
 * What the control socket can do: each protocol method as a function of the manager. Input
 * comes from clients and is checked here; errors are ManagerErrors with systemd's D-Bus error
 * names, which unitkitctl maps to systemctl's messages and exit codes.
 */
import type { Job, JobResult, Manager, Unit } from '@unitkit/core';
import { cgroupMountKey, nextElapseKey, nextElapseTextKey, resourceControlKey, trackingKey } from './status-format.js';
import { findCgroup2Location } from '@unitkit/plugin-kill-cgroup';
import { ManagerError, prop, type PropertyList, formatShow, formatPropertyValue, formatTimestamp, unitNameMangle, isValidUnitName } from '@unitkit/core';
import { ManagerOperations } from './manager-operations.js';
import { JobCounters, managerProperties, type ManagerTimestamps } from './manager-properties.js';
import { nextElapse } from './verbs/list-timers.js';
import { configDirs, formatInstallChanges } from '@unitkit/unit-file';
import type { JobOutcome, JobRow, JournalEntry, TimerRow, UnitFileRow, UnitRow } from './control-protocol.js';
import type { Journal } from './journal.js';

/** What a method may stream besides its reply (journal entries of `journal` with follow). */
export interface MethodContext {
  /** Sends an event line to the client; returns false once the client is gone. */
  emit(event: string, data: unknown): boolean;
  /** Registers cleanup for when the client hangs up. */
  onClose(cb: () => void): void;
}

/** Options of {@link ControlHandler}. */
export interface ControlHandlerOptions {
  manager: Manager;
  journal?: Journal;
  /** The unit search path, for enable/disable/mask/unmask/is-enabled. */
  unitPath: string[];
  /** The daemon's state for is-system-running: set by unitkitd as it boots and stops. */
  systemState: () => 'initializing' | 'starting' | 'running' | 'stopping';
  /** The environment that locates the config directories enable/mask write to; process.env by default (tests point it elsewhere). */
  env?: NodeJS.ProcessEnv;
  /**
   * daemon-reexec: serializes the manager and schedules the exec (throws when it cannot; nothing
   * happens then). Without it the method is refused.
   */
  reexecute?: () => void;
  /** The operations to run (shared with the D-Bus API); made from the options above when absent. */
  operations?: ManagerOperations;
  /** The manager's boot timestamps (UserspaceTimestamp…), filled in by unitkitd as it boots. */
  timestamps?: ManagerTimestamps;
  /** The manager's log level, as LogLevel= shows it (default info). */
  logLevel?: string;
}

/** Dependency kinds list-dependencies follows, forwards and backwards, as systemctl does. */
const forwardDeps = ['Requires', 'Requisite', 'Wants', 'ConsistsOf', 'BindsTo', 'Upholds'] as const;
const reverseDeps = ['RequiredBy', 'RequisiteOf', 'WantedBy', 'PartOf', 'BoundBy', 'UpheldBy'] as const;

function invalid(message: string): ManagerError {
  return new ManagerError('InvalidArgs', message);
}

function stringList(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(`${what} must be a list of strings`);
  return v as string[];
}

/** Unit names from a client, mangled as systemctl mangles them ("foo" → "foo.service"). */
function unitNames(v: unknown): string[] {
  return stringList(v, 'units').map((n) => {
    const m = unitNameMangle(n);
    if (!isValidUnitName(m)) throw invalid(`Unit name ${n} is not valid.`);
    return m;
  });
}

/** The protocol methods, bound to one manager. */
export class ControlHandler {
  private readonly manager: Manager;
  /** The operations both doors share. */
  readonly ops: ManagerOperations;
  /** Jobs installed and failed since the manager started (NInstalledJobs, NFailedJobs). */
  readonly jobCounters = new JobCounters();

  constructor(private readonly opts: ControlHandlerOptions) {
    this.manager = opts.manager;
    this.jobCounters.follow(opts.manager);
    this.ops = opts.operations ?? new ManagerOperations({ manager: opts.manager, unitPath: opts.unitPath, env: opts.env });
    if (opts.reexecute) this.ops.reexecute = opts.reexecute;
  }

  /** Runs one method. Throws ManagerError for refusals; the server turns anything else into an internal error. */
  async call(method: string, params: Record<string, unknown>, ctx: MethodContext): Promise<unknown> {
    switch (method) {
      case 'hello':
        return { version: 1, scope: this.manager.scope, pid: process.pid };
      case 'is-system-running':
        return { state: this.systemState() };
      case 'enqueue':
        return this.enqueue(params);
      case 'show':
        return this.show(params);
      case 'status':
        return this.status(params);
      case 'list-units':
        return this.listUnits();
      case 'list-jobs':
        return this.listJobs();
      case 'kill':
        return this.kill(params);
      case 'reset-failed':
        return this.resetFailed(params);
      case 'daemon-reload':
        this.ops.reload();
        return {};
      case 'daemon-reexec':
        // The reply goes out before the exec; the connection then ends with the old image.
        if (!this.ops.reexecute) throw new ManagerError('NotSupported', 'This manager cannot reexecute.');
        this.ops.reexecute();
        return {};
      case 'is-enabled':
        return this.isEnabled(params);
      case 'enable':
      case 'disable':
      case 'mask':
      case 'unmask':
        return this.install(method, params);
      case 'journal':
        return this.journal(params, ctx);
      case 'show-environment':
        return { environment: this.manager.environmentList() };
      case 'set-environment':
        this.ops.setEnvironment(stringList(params.assignments, 'assignments'));
        return {};
      case 'unset-environment':
        this.ops.unsetEnvironment(stringList(params.names, 'names'));
        return {};
      case 'list-unit-files':
        return this.listUnitFiles(params);
      case 'list-timers':
        return this.listTimers();
      case 'unit-paths':
        return this.unitPaths();
      default:
        throw new ManagerError('NotSupported', `Unknown method ${method}.`);
    }
  }

  /** running / degraded / starting / stopping, as systemd computes SystemState. */
  systemState(): string {
    const s = this.opts.systemState();
    if (s !== 'running') return s;
    return this.manager.failed().length > 0 ? 'degraded' : 'running';
  }

  private async enqueue(p: Record<string, unknown>): Promise<{ scope: string; jobs: Array<JobOutcome | { unit: string; error: { name: string; message: string } }> }> {
    const verb = String(p.verb ?? '');
    const names = unitNames(p.units);
    const results: Array<{ unit: string; job?: Job; needDaemonReload?: boolean; error?: { name: string; message: string } }> = [];
    for (const name of names) {
      try {
        const r = this.ops.enqueue(verb, name, p.mode === undefined ? 'replace' : String(p.mode));
        results.push({ unit: r.unit.id, job: r.job, needDaemonReload: r.needDaemonReload });
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        // A bad verb or mode refuses the whole call, as before any unit was looked at.
        if (e.errorName === 'InvalidArgs' && /^(Unknown job verb|Job mode)/.test(e.message)) throw e;
        results.push({ unit: name, error: { name: e.errorName, message: e.message } });
      }
    }
    const out: Array<JobOutcome | { unit: string; error: { name: string; message: string } }> = [];
    for (const r of results) {
      if (r.error || !r.job) {
        out.push({ unit: r.unit, error: r.error! });
        continue;
      }
      const reload = r.needDaemonReload ? { needDaemonReload: true } : {};
      if (!p.wait) {
        out.push({ unit: r.unit, id: r.job.id, result: 'queued', ...reload });
        continue;
      }
      const result: JobResult = await r.job.wait();
      out.push({ unit: r.unit, id: r.job.id, result, unitResult: this.unitResult(r.job.unit), ...reload });
    }
    return { scope: this.manager.scope, jobs: out };
  }

  /** The unit's Result property, when its type has one. */
  private unitResult(u: Unit): string | undefined {
    // Result= is a type property: the generic list need not be built.
    const found = (u.type.properties?.(u) ?? []).find(([n]) => n === 'Result');
    return found ? formatPropertyValue(found[1]) : undefined;
  }

  /** `show`: one list of lines per unit; a unit that cannot even be loaded (unknown type) gets `errors[i]`. */
  private show(p: Record<string, unknown>): { scope: string; units: string[][]; errors: Array<{ name: string; message: string } | null> } {
    const props = stringList(p.properties, 'properties');
    const opts = { properties: props.length > 0 ? props : undefined, all: !!p.all, value: !!p.value };
    // Only what -p asks for is computed (a service's ~370 properties for one is most of a show's work).
    const only = opts.properties ? new Set(opts.properties) : undefined;
    const names = unitNames(p.units);
    const scope = this.manager.scope;
    if (names.length === 0) return { scope, units: [formatShow(this.managerProperties(), opts)], errors: [null] };
    const errors: Array<{ name: string; message: string } | null> = [];
    const units = names.map((n) => {
      try {
        const lines = formatShow(this.manager.properties(this.manager.loadUnit(n), only), opts);
        errors.push(null);
        return lines;
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        errors.push({ name: e.errorName, message: e.message });
        return [];
      }
    });
    return { scope, units, errors };
  }

  /** The org.freedesktop.systemd1.Manager properties unitkit has (systemctl show without a unit; the D-Bus Manager object). */
  managerProperties(): PropertyList {
    return managerProperties({
      manager: this.manager,
      unitPath: this.opts.unitPath,
      systemState: this.systemState(),
      timestamps: this.opts.timestamps ?? {},
      counters: this.jobCounters,
      logLevel: this.opts.logLevel ?? 'info',
    });
  }


  /** What `status` prints of each unit: its properties, its last journal lines and, for units whose processes are not tracked by a cgroup, a note on how they are tracked (never part of `show`). */
  private status(p: Record<string, unknown>): { scope: string; units: Array<{ props: Record<string, string>; journal: JournalEntry[] }> } {
    const lines = typeof p.lines === 'number' && p.lines >= 0 ? Math.min(p.lines, 10000) : 10;
    return {
      scope: this.manager.scope,
      units: unitNames(p.units).map((n) => {
        let u: Unit;
        try {
          u = this.manager.loadUnit(n);
        } catch (e) {
          if (!(e instanceof ManagerError)) throw e;
          return { props: { Id: n, LoadState: 'not-found', ActiveState: 'inactive' }, journal: [] };
        }
        const props: Record<string, string> = {};
        // Repeated properties (one Listen= per socket) are joined with newlines.
        for (const [name, v] of this.manager.properties(u)) props[name] = name in props ? `${props[name]}\n${formatPropertyValue(v)}` : formatPropertyValue(v);
        // Units that run processes (they show Slice=) say how those are tracked when it is not a cgroup.
        if ('Slice' in props && this.manager.processScopes) {
          const scope = this.manager.processScopes.scope(u);
          if (scope.backend !== 'cgroup') props[trackingKey] = scope.description;
          else props[cgroupMountKey] = this.cgroupMount();
          const note = scope.resourceControlNote?.();
          if (note) props[resourceControlKey] = note;
        }
        if (u.id.endsWith('.timer')) {
          const next = this.timerRow(u, this.manager.dualNow()).next;
          props[nextElapseKey] = String(next);
          if (next > 0 && Number.isFinite(next)) props[nextElapseTextKey] = formatTimestamp(next);
        }
        return { props, journal: lines > 0 && this.opts.journal ? this.opts.journal.tail(u.id, lines) : [] };
      }),
    };
  }

  private cgroupMountCache: string | undefined;

  /** Where ControlGroup= paths live, for status's process tree. */
  private cgroupMount(): string {
    if (this.cgroupMountCache === undefined) {
      const loc = findCgroup2Location();
      this.cgroupMountCache = 'mountPoint' in loc ? loc.mountPoint : '/sys/fs/cgroup';
    }
    return this.cgroupMountCache;
  }

  private listUnits(): { units: UnitRow[] } {
    const ids = (u: Unit, kinds: readonly string[]) => [...new Set(kinds.flatMap((k) => [...u.dependencies(k as never)].map((x) => x.id)))];
    const units = this.manager.allUnits().map((u): UnitRow => {
      // Only triggering units (sockets) listen; asking every unit for all its properties would read
      // every cgroup's counters on each list-units.
      const listens = u.type.canTrigger ? (u.type.properties?.(u) ?? []).filter(([n]) => n === 'Listen').map(([, v]) => formatPropertyValue(v)) : [];
      return {
        id: u.id,
        load: u.loadState,
        active: u.activeState(),
        sub: u.subState(),
        description: u.description,
        job: u.job ? { id: u.job.id, type: u.job.type, state: u.job.state } : undefined,
        deps: ids(u, forwardDeps),
        rdeps: ids(u, reverseDeps),
        after: ids(u, ['After']),
        before: ids(u, ['Before']),
        listen: listens.flatMap(parseListen),
        triggers: ids(u, ['Triggers']),
      };
    });
    return { units };
  }

  private listJobs(): { jobs: JobRow[] } {
    return { jobs: this.manager.installedJobs().map((j) => ({ id: j.id, unit: j.unit.id, type: j.type, state: j.state })) };
  }

  private kill(p: Record<string, unknown>): Record<string, never> {
    this.ops.kill(unitNames(p.units), String(p.whom ?? 'all'), Number(p.signal ?? 15));
    return {};
  }

  private resetFailed(p: Record<string, unknown>): Record<string, never> {
    this.ops.resetFailed(unitNames(p.units));
    return {};
  }

  private installer() {
    return this.ops.installer();
  }

  private isEnabled(p: Record<string, unknown>): { states: Array<{ unit: string; state?: string; error?: string }> } {
    const inst = this.installer();
    return {
      states: unitNames(p.units).map((unit) => {
        try {
          return { unit, state: inst.state(unit) };
        } catch (e) {
          return { unit, error: (e as Error).message.includes('Invalid') ? (e as Error).message : 'No such file or directory' };
        }
      }),
    };
  }

  private install(verb: 'enable' | 'disable' | 'mask' | 'unmask', p: Record<string, unknown>): { changes: string[]; noInstallInfo: boolean } {
    const names = unitNames(p.units);
    const changes = this.ops.install(verb, names, { runtime: !!p.runtime, force: !!p.force });
    const noInstallInfo = verb === 'enable' && changes.length === 0 && this.ops.noInstallInfo(names);
    return { changes: formatInstallChanges(changes), noInstallInfo };
  }

  /**
   * `list-unit-files`: every unit file of the search path with its state, filtered by the manager
   * as ListUnitFilesByPatterns does, and the preset for the states systemctl shows one for.
   */
  private listUnitFiles(p: Record<string, unknown>): { files: UnitFileRow[] } {
    const inst = this.installer();
    const files = inst.list({ states: stringList(p.states, 'states'), patterns: stringList(p.patterns, 'patterns') });
    return {
      files: files.map((f) => ({
        path: f.path,
        state: f.state,
        // systemctl leaves the preset out where it would only confuse (show_preset_for_state()).
        preset: ['alias', 'static', 'generated', 'transient'].includes(f.state) ? undefined : inst.preset(f.name),
      })),
    };
  }

  /**
   * `list-timers`: the loaded .timer units with the properties systemd's timers have
   * (NextElapseUSecRealtime, NextElapseUSecMonotonic, LastTriggerUSec) and what they trigger, for
   * whichever plugin implements the timer type.
   */
  private listTimers(): { timers: TimerRow[] } {
    const now = this.manager.dualNow();
    const timers = this.manager
      .allUnits()
      .filter((u) => u.id.endsWith('.timer') && u.loadState !== 'stub')
      .map((u) => this.timerRow(u, now));
    return { timers };
  }

  /** One timer as list-timers shows it; status takes its next elapse from here too. */
  private timerRow(u: Unit, now: { realtime: number; monotonic: number }): TimerRow {
    const props = new Map(u.type.properties?.(u) ?? []);
    const num = (name: string) => {
      const v = props.get(name);
      return v && (v.type === 'timestamp' || v.type === 'usec' || v.type === 'int') && Number.isFinite(v.value) ? v.value : 0;
    };
    const t = { nextRealtime: num('NextElapseUSecRealtime'), nextMonotonic: num('NextElapseUSecMonotonic') };
    const next = nextElapse(t, now);
    const last = num('LastTriggerUSec');
    return {
      id: u.id,
      load: u.loadState,
      active: u.activeState(),
      sub: u.subState(),
      job: u.job !== undefined,
      ...t,
      next,
      nextText: formatTimestamp(next),
      last,
      lastText: formatTimestamp(last),
      triggers: [...u.dependencies('Triggers' as never)].map((x) => x.id),
    };
  }

  /** Where `edit` writes: the manager's scope, unit search path and configuration directories. */
  private unitPaths(): { scope: string; searchPath: string[]; persistent: string; runtime: string } {
    const dirs = configDirs(this.manager.scope, process.env);
    return { scope: this.manager.scope, searchPath: this.opts.unitPath, persistent: dirs.persistent, runtime: dirs.runtime };
  }

  private journal(p: Record<string, unknown>, ctx: MethodContext): { entries: JournalEntry[] } {
    const journal = this.opts.journal;
    const units = unitNames(p.units);
    const lines = typeof p.lines === 'number' && p.lines >= 0 ? p.lines : undefined;
    if (!journal) return { entries: [] };
    let entries = units.flatMap((u) => journal.tail(u));
    entries.sort((a, b) => a.time - b.time);
    if (lines !== undefined) entries = entries.slice(Math.max(0, entries.length - lines));
    if (p.follow) {
      const wanted = new Set(units);
      const listener = (e: JournalEntry) => {
        if (wanted.has(e.unit)) ctx.emit('journal', e);
      };
      journal.events.on('entry', listener);
      ctx.onClose(() => journal.events.off('entry', listener));
    }
    return { entries };
  }
}

/** Splits Listen= property values ("ADDR (Type)", one per line) into [type, address] pairs. */
export function parseListen(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const m = /^(.*) \((\w+)\)$/.exec(line);
    if (m) out.push([m[2]!, m[1]!]);
  }
  return out;
}
