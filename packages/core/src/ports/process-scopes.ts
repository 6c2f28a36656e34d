/**
 * The process-tracking port: where a unit's processes live and how they are ended. The
 * kill-mode plugin implements it (one cgroup v2 directory per unit where the manager can write
 * one, process groups and subreaper bookkeeping where it cannot); unit types that run processes
 * (service, socket) use it and never signal process trees themselves.
 */
import type { KillContext, KillOperation } from '../kill-context.js';
import type { KillWhom, Unit } from '../index.js';
import type { PropertyList } from '../property.js';

/** One unit's processes. Obtained from ProcessScopes.scope(); lives as long as the unit. */
export interface UnitScope {
  /** 'cgroup' (one cgroup v2 directory) or 'process-group' (the fallback). */
  readonly backend: 'cgroup' | 'process-group';
  /** The ControlGroup= property: "/app.slice/foo.service" relative to the manager's hierarchy, '' for the fallback. */
  readonly controlGroup: string;
  /**
   * Makes the scope ready for a new process (creates the cgroup directory) and returns the absolute
   * cgroup directory the child must join before exec (ExecSpec.cgroupPath), or undefined.
   */
  prepare(): string | undefined;
  /**
   * Optional. Delegate=: the processes run as `uid`/`gid`, so the unit's cgroup is handed to them
   * (systemd chowns the directory and its cgroup.procs, cgroup.subtree_control, cgroup.threads).
   * Called after prepare() with the ids the spawned process gets; does nothing without Delegate=.
   */
  delegateTo?(uid: number, gid: number): void;
  /** Records a process spawned for the unit (the fallback tracks it and its process group). */
  add(pid: number): void;
  /** The unit's live processes (cgroup.procs, or the tracked ones), sorted. */
  pids(): number[];
  /** True when none of the unit's processes is left. */
  isEmpty(): boolean;
  /** Sends `signal` to every process of the unit except `except`; returns how many were signalled. */
  signalAll(signal: number, except?: ReadonlySet<number>): number;
  /**
   * TasksCurrent=, MemoryCurrent=, CPUUsageNSec= (ns) and the IO counters (bytes and operations)
   * where the backend knows them.
   */
  stats(): { tasks?: number; memory?: number; cpuNsec?: number; io?: { rbytes: number; wbytes: number; rios: number; wios: number } };
  /**
   * Optional. One sentence for `status` when some of the unit's resource-control settings
   * (`unit.cgroupContext`) are kept but not applied — the controller is not available to the
   * manager, or there is no cgroup at all — naming them and why; undefined when all apply.
   */
  resourceControlNote?(): string | undefined;
  /**
   * Optional. The scope's properties for `show` (Slice=, ControlGroup=, ControlGroupId=,
   * MemoryCurrent=, TasksCurrent=…), which unit types print right after their Exec*= lines, as
   * systemd does. `active` is whether the unit is running (counters are "[not set]" otherwise).
   */
  properties?(active: boolean): PropertyList;
  /** The unit is inactive and empty: remove the cgroup directory, forget tracked pids. */
  release(): void;
  /** One sentence for `status`: which backend is active and what it cannot guarantee. */
  readonly description: string;
}

/**
 * Token and interface of the process-tracking port. When a scope that had processes becomes empty
 * (cgroup.events "populated 0", or the last tracked process reaped), the implementation calls
 * `unit.manager.dispatchScopeEmpty(unit)`, which reaches the type as UnitType.scopeEmpty().
 */
export const ProcessScopes = Symbol('ProcessScopes');
export interface ProcessScopes {
  /** The scope of `unit`, created on first use. */
  scope(unit: Unit): UnitScope;
  /**
   * systemd's unit_kill_context(): sends what `operation` calls for to the processes KillMode=
   * selects — the main and control process, and the rest of the scope for control-group (and,
   * for 'kill', mixed) — with SIGCONT after a terminating signal and SIGHUP if SendSIGHUP=yes.
   * `mainPidAlien` marks a main process that is not our child (its exit will not be seen).
   * Returns true when the caller should wait for processes to go away (its stop timer), false when
   * nothing was left to signal. Implementations normally delegate to core's killUnitContext().
   */
  killContext(
    unit: Unit,
    context: KillContext,
    operation: KillOperation,
    mainPid: number | undefined,
    controlPid: number | undefined,
    mainPidAlien?: boolean,
  ): boolean;
  /**
   * `systemctl kill`: sends `signal` to the main process, the control process or all of the unit's
   * processes. Returns false when the chosen processes did not exist (the `-fail` variants make
   * that an error for the caller).
   */
  kill(unit: Unit, whom: KillWhom, signal: number, mainPid: number | undefined, controlPid: number | undefined): boolean;
  /**
   * Optional. The unit whose scope holds `pid`, if any — how core routes a notify datagram from a
   * process no unit watches (NotifyAccess=all), as systemd looks a pid up by its cgroup.
   */
  unitOf?(pid: number): Unit | undefined;
}
