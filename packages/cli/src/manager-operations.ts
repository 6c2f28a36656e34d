/**
 * One layer of manager operations behind every door: the control protocol (unitkitctl) and
 * systemd's D-Bus API (the real systemctl) both call these, so a start, a kill or an enable
 * behaves the same whichever client asked, and one rule decides who may change state.
 */
import type { Job, JobMode, JobType, Manager, Unit } from '@unitkit/core';
import { ManagerError, jobModes } from '@unitkit/core';
import { readFileSync } from 'node:fs';
import { UnitFileInstaller, type InstallChange } from '@unitkit/unit-file';

/** The kill targets systemd knows (KillUnit's `whom`). */
export const killWhoms = ['main', 'control', 'all', 'main-fail', 'control-fail', 'all-fail'] as const;

/** One of {@link killWhoms}. */
export type KillWhom = (typeof killWhoms)[number];

/**
 * Who may change the manager's state through either door: root and the manager's own uid, as
 * systemd's private socket allows. Everyone else may only read.
 */
export function mayChangeState(peerUid: number | undefined, ownerUid: number = process.getuid?.() ?? 0): boolean {
  return peerUid !== undefined && (peerUid === 0 || peerUid === ownerUid);
}

/** The job verbs (systemctl's words) and the job type each enqueues. */
export const jobVerbs: Readonly<Record<string, JobType>> = {
  start: 'start',
  stop: 'stop',
  reload: 'reload',
  restart: 'restart',
  'try-restart': 'try-restart',
  'reload-or-restart': 'restart',
  'try-reload-or-restart': 'try-restart',
  'verify-active': 'verify-active',
  isolate: 'start',
};

/** What {@link ManagerOperations.enqueue} did for one unit. */
export interface Enqueued {
  unit: Unit;
  job: Job;
  /** The unit file changed on disk since it was loaded (systemctl's daemon-reload hint). */
  needDaemonReload: boolean;
}

/** Options of {@link ManagerOperations}. */
export interface ManagerOperationsOptions {
  manager: Manager;
  /** The unit search path, for enable/disable/mask/unmask/is-enabled. */
  unitPath: string[];
  /** The environment that locates the config directories enable/mask write to (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/** The operations, bound to one manager. Each throws ManagerError (systemd's error names) for a refusal. */
export class ManagerOperations {
  readonly manager: Manager;

  /**
   * Set by whoever implements daemon-reexec (unitkitd): Reexecute over D-Bus and the control
   * protocol's daemon-reexec call it. Unset, re-executing is refused as NotSupported.
   */
  reexecute: (() => void) | undefined;

  constructor(private readonly opts: ManagerOperationsOptions) {
    this.manager = opts.manager;
  }

  /** Finds a unit without loading it, as systemd's GetUnit: kill and reset-failed act only on loaded units. */
  loadedUnit(name: string): Unit {
    const u = this.manager.getUnit(name);
    if (!u || (u.loadState === 'not-found' && u.activeState() === 'inactive')) throw new ManagerError('NoSuchUnit', `Unit ${name} not loaded.`);
    return u;
  }

  /** Enqueues the job `verb` (systemctl's word: start, reload-or-restart, isolate…) for the unit `name`. */
  enqueue(verb: string, name: string, modeName = 'replace'): Enqueued {
    let type = jobVerbs[verb];
    if (!type) throw new ManagerError('InvalidArgs', `Unknown job verb ${verb}.`);
    const isolate = verb === 'isolate';
    const mode = (isolate ? 'isolate' : modeName) as JobMode;
    if (!jobModes.includes(mode)) throw new ManagerError('InvalidArgs', `Job mode ${modeName} invalid.`);
    const u = this.manager.loadUnit(name);
    if ((verb === 'reload-or-restart' || verb === 'try-reload-or-restart') && this.manager.canReload(u)) type = verb === 'reload-or-restart' ? 'reload-or-start' : 'try-reload';
    if (type === 'stop' && ['not-found', 'error', 'bad-setting'].includes(u.loadState) && u.activeState() === 'inactive') {
      throw new ManagerError('NoSuchUnit', `Unit ${u.id} not loaded.`);
    }
    if (isolate && !u.settings.allowIsolate && u.loadState === 'loaded') throw new ManagerError('NoIsolation', 'Operation refused, unit may not be isolated.');
    const job = this.manager.addJob(type, u, mode, { manual: true });
    // Asked right after enqueueing, as systemctl does, before a stop can let the unit be collected.
    return { unit: u, job, needDaemonReload: this.manager.unitNeedsDaemonReload(u) };
  }

  /** Sends `signal` to the processes `whom` of each loaded unit. */
  kill(names: readonly string[], whom: string, signal: number): void {
    if (!(killWhoms as readonly string[]).includes(whom)) throw new ManagerError('InvalidArgs', `Invalid who argument ${whom}`);
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) throw new ManagerError('InvalidArgs', `Signal number out of range.`);
    const units = names.map((n) => this.loadedUnit(n));
    for (const u of units) {
      if (!u.type.kill) throw new ManagerError('NotSupported', `Unit type of ${u.id} does not support killing.`);
      const sent = u.type.kill(u, whom as KillWhom, signal);
      if (!sent && whom.endsWith('-fail')) throw new ManagerError('NoSuchUnit', `No matching processes to kill`);
    }
  }

  /** Resets the failed state of the named loaded units, or of every unit when none is named. */
  resetFailed(names: readonly string[]): void {
    if (names.length === 0) this.manager.resetFailed();
    for (const n of names) this.manager.resetFailed(this.loadedUnit(n));
  }

  /** Reloads every unit file (daemon-reload). */
  reload(): void {
    this.manager.reload();
  }

  /** Cancels the installed job `id`. */
  cancelJob(id: number): void {
    const j = this.manager.getJob(id);
    if (!j) throw new ManagerError('NoSuchJob', `Job ${id} does not exist.`);
    this.manager.finishJob(j, 'canceled', true, false);
  }

  /** Cancels every installed job. */
  clearJobs(): void {
    for (const j of this.manager.installedJobs()) if (j.installed) this.manager.finishJob(j, 'canceled', true, false);
  }

  /** set-environment: "NAME=VALUE" assignments. */
  setEnvironment(assignments: readonly string[]): void {
    this.manager.setEnvironment(assignments);
  }

  /** unset-environment: names, or assignments that must match exactly. */
  unsetEnvironment(names: readonly string[]): void {
    this.manager.unsetEnvironment(names);
  }

  /** UnsetAndSetEnvironment: both at once. */
  modifyEnvironment(minus: readonly string[], plus: readonly string[]): void {
    this.manager.modifyEnvironment(minus, plus);
  }

  /** The installer on this manager's search path and config directories. */
  installer(): UnitFileInstaller {
    return new UnitFileInstaller({ scope: this.manager.scope, searchPath: this.opts.unitPath, env: this.opts.env ?? process.env });
  }

  /** enable/disable/mask/unmask: the symlinks made or removed; bad names and files are InvalidArgs. */
  install(verb: 'enable' | 'disable' | 'mask' | 'unmask', names: readonly string[], flags: { runtime?: boolean; force?: boolean }): InstallChange[] {
    try {
      return this.installer()[verb]([...names], { runtime: !!flags.runtime, force: !!flags.force });
    } catch (e) {
      throw new ManagerError('InvalidArgs', (e as Error).message);
    }
  }

  /** True when enabling `names` changed nothing because none has an [Install] section to act on. */
  noInstallInfo(names: readonly string[]): boolean {
    const inst = this.installer();
    return names.every((n) => {
      try {
        const i = inst.installInfo(n);
        return i.wantedBy.length + i.requiredBy.length + i.alias.length + i.also.length === 0 && !i.defaultInstance;
      } catch {
        return false;
      }
    });
  }

  /** The processes of a unit: [pid, command line] pairs, main process first. */
  unitProcesses(u: Unit): Array<[pid: number, cmdline: string]> {
    const pids = new Set<number>();
    const main = u.type.mainPid?.(u);
    if (main) pids.add(main);
    const scopes = this.manager.processScopes;
    if (scopes && u.activeState() !== 'inactive') for (const p of scopes.scope(u).pids()) pids.add(p);
    return [...pids].map((pid) => [pid, readCmdline(pid)]);
  }
}

/** A process's command line as ps prints it, or empty when it is gone. */
function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0').join(' ');
  } catch {
    return '';
  }
}
