/**
 * The ProcessScopes port of core, implemented with one cgroup v2 directory per unit where the
 * manager can create them, and with process groups plus /proc bookkeeping where it cannot. The
 * backend is chosen once, at the first unit, and logged; `status` shows each scope's description.
 */
import * as path from 'node:path';
import { inject, injectable, optional } from 'inversify';
import type { KillContext, KillOperation, KillWhom, Unit, UnitScope } from '@unitkit/core';
import { EventLoop, Logger, ProcessScopes, ProcessSpawner, killUnitContext, killUnitProcesses } from '@unitkit/core';
import { signalName } from '@unitkit/unit-file';
import { findCgroup2Location, managerSubtreeName, probeWritable, removeCgroupTree, unitCgroupPathOf } from './cgroup-hierarchy.js';
import { stopLeftoverProcesses } from './leftover-processes.js';
import { CgroupUnitScope } from './cgroup-unit-scope.js';
import { KillCgroupOptions, resolveBackendChoice } from './kill-cgroup-options.js';
import { ProcessGroupUnitScope } from './process-group-unit-scope.js';
import { readProcTable, type ProcEntry } from './proc-table.js';
import { processName } from './proc-table.js';


/** The backend in use and why. */
export type ScopeBackendInfo =
  | { backend: 'cgroup'; mountPoint: string; root: string }
  | { backend: 'process-group'; reason: string };

/** Decides the backend for these options on this machine (creates the manager's subtree for cgroup). */
export function selectScopeBackend(options: KillCgroupOptions | undefined): ScopeBackendInfo {
  const choice = resolveBackendChoice(options);
  if (choice === 'process-group') return { backend: 'process-group', reason: 'forced by configuration' };
  const loc = findCgroup2Location();
  let reason: string | undefined;
  let root = '';
  let mountPoint = '';
  if ('reason' in loc) reason = loc.reason;
  else {
    mountPoint = loc.mountPoint;
    root = options?.root ?? path.join(loc.ownDir, managerSubtreeName());
    if (root !== mountPoint && !root.startsWith(mountPoint + '/')) reason = `${root} is not below the cgroup2 mount ${mountPoint}`;
    else reason = probeWritable(root);
  }
  if (reason === undefined) return { backend: 'cgroup', mountPoint, root };
  if (choice === 'cgroup') throw new Error(`The cgroup v2 backend was requested but cannot be used: ${reason}.`);
  return { backend: 'process-group', reason: `no writable cgroup v2: ${reason}` };
}

/** The production ProcessScopes. */
@injectable()
export class KillCgroupProcessScopes implements ProcessScopes {
  private readonly scopes = new Map<Unit, CgroupUnitScope | ProcessGroupUnitScope>();
  private info: ScopeBackendInfo | undefined;
  private exitHook: (() => void) | undefined;

  constructor(
    @inject(EventLoop) private readonly loop: EventLoop,
    @inject(ProcessSpawner) private readonly spawner: ProcessSpawner,
    @inject(KillCgroupOptions) @optional() private readonly options: KillCgroupOptions | undefined,
    @inject(Logger) @optional() private readonly logger: Logger | undefined,
  ) {
    // Before any unit binds a socket or starts a process: what a manager killed before us left.
    if (resolveBackendChoice(options) !== 'process-group' && !options?.root) {
      const loc = findCgroup2Location();
      if (!('reason' in loc)) {
        stopLeftoverProcesses(loc.ownDir, (p, name) =>
          logger?.log({
            level: 'warning',
            unit: p.unit || undefined,
            message: `Found left-over process ${p.pid} (${name}) of unitkitd ${p.managerPid}, which ended without stopping it; killing it.`,
          }),
        );
      }
    }
  }

  /** The backend in use (decided on first call). */
  backend(): ScopeBackendInfo {
    if (!this.info) {
      this.info = selectScopeBackend(this.options);
      if (this.info.backend === 'cgroup') {
        const root = this.info.root;
        // The subtree is ours alone: remove its empty directories when the process ends.
        this.exitHook = () => removeCgroupTree(root);
        process.once('exit', this.exitHook);
        this.logger?.log({ level: 'debug', message: `Using cgroup v2 at ${root} for unit processes.` });
      } else {
        this.logger?.log({ level: 'info', message: `Tracking unit processes by process group: ${this.info.reason}.` });
      }
    }
    return this.info;
  }

  /** The unit whose scope holds `pid` (NotifyAccess=all routing). */
  private procTable: { at: number; table: ProcEntry[] } | undefined;

  /** One /proc scan serves every fallback scope's periodic check within half a poll interval. */
  private sharedProcTable(): ProcEntry[] {
    const now = this.loop.now();
    const window = (this.options?.pollInterval ?? 100_000) / 2;
    if (!this.procTable || now - this.procTable.at > window) this.procTable = { at: now, table: readProcTable() };
    return this.procTable.table;
  }

  /** Forgets a unit's scope when the manager collects the unit (instances come and go by the thousand). */
  private followRemovals(manager: Unit['manager']): void {
    if (this.followed.has(manager)) return;
    this.followed.add(manager);
    manager.events.on('unit-removed', (u) => {
      const scope = this.scopes.get(u);
      if (!scope) return;
      scope.dispose();
      this.scopes.delete(u);
    });
  }

  private readonly followed = new WeakSet<object>();

  unitOf(pid: number): Unit | undefined {
    // contains() asks /proc about this one pid (zombies included), not the scope's live list. A
    // slice's cgroup contains its units' cgroups: the deepest cgroup that holds the pid owns it.
    let found: [Unit, CgroupUnitScope | ProcessGroupUnitScope] | undefined;
    for (const [unit, scope] of this.scopes) {
      if (!scope.contains(pid)) continue;
      if (!found || scope.controlGroup.length > found[1].controlGroup.length) found = [unit, scope];
    }
    return found?.[0];
  }

  scope(unit: Unit): UnitScope {
    let s = this.scopes.get(unit);
    if (s) {
      if (s instanceof CgroupUnitScope) s.retarget(unitCgroupPathOf(unit));
      return s;
    }
    this.followRemovals(unit.manager);
    const info = this.backend();
    if (info.backend === 'cgroup') {
      s = new CgroupUnitScope(unit, unitCgroupPathOf(unit), {
        loop: this.loop,
        spawner: this.spawner,
        mountPoint: info.mountPoint,
        root: info.root,
      });
    } else {
      s = new ProcessGroupUnitScope(unit, {
        loop: this.loop,
        spawner: this.spawner,
        pollInterval: this.options?.pollInterval ?? 100_000,
        reason: info.reason,
        sharedProcTable: () => this.sharedProcTable(),
      });
    }
    this.scopes.set(unit, s);
    return s;
  }

  killContext(
    unit: Unit,
    context: KillContext,
    operation: KillOperation,
    mainPid: number | undefined,
    controlPid: number | undefined,
    mainPidAlien = false,
  ): boolean {
    const scope = this.scope(unit);
    // The fallback links processes to the unit through their parents: look before the main process
    // dies, since its children are re-parented (and unrecognisable) the moment it does.
    if (scope.backend === 'process-group') scope.pids();
    return killUnitContext({
      scope,
      signal: (pid, sig) => this.spawner.kill(pid, sig),
      context,
      operation,
      mainPid,
      controlPid,
      mainPidAlien,
      // systemd logs each process it has to force at notice level.
      log: (pid, sig) => unit.log('notice', `Killing process ${pid} (${processName(pid)}) with signal ${signalName(sig)}.`),
    });
  }

  kill(unit: Unit, whom: KillWhom, signal: number, mainPid: number | undefined, controlPid: number | undefined): boolean {
    const scope = this.scope(unit);
    if (scope.backend === 'process-group') scope.pids(); // see killContext()
    return killUnitProcesses({ scope, signal: (pid, sig) => this.spawner.kill(pid, sig), whom, sig: signal, mainPid, controlPid });
  }

  /** Stops every watch and timer, removes empty cgroups of the manager's subtree. */
  dispose(): void {
    for (const s of this.scopes.values()) s.dispose();
    this.scopes.clear();
    if (this.info?.backend === 'cgroup') removeCgroupTree(this.info.root);
    if (this.exitHook) process.removeListener('exit', this.exitHook);
    this.exitHook = undefined;
  }
}
