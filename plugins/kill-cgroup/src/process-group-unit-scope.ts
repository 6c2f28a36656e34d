/**
 * The fallback backend of one unit, for machines where the manager cannot create cgroup v2
 * directories: the unit's processes are the ones it spawned, everything that shares their process
 * group or session, and every descendant seen while its parent was still known — found by scanning
 * /proc. The manager is a child subreaper, so orphans are re-parented to it and reaped, never lost
 * to init; but a process that leaves its session and process group (setsid) and whose parent dies
 * before a scan sees it can no longer be attributed to the unit, and survives a stop.
 */
import { scopeProperties } from './scope-properties.js';
import { signalUntilSettled } from './signal-until-settled.js';
import { unitCgroupRelativePath, unitSliceName } from './cgroup-hierarchy.js';
import type { PropertyList } from '@unitkit/core';
import type { Disposable, EventLoop, ProcessSpawner, Unit, UnitScope, Usec } from '@unitkit/core';
import { readProc, readProcTable, type ProcEntry } from './proc-table.js';
import { resourceControlWrites } from './cgroup-resource-control.js';
import { defaultTasksMax } from './default-tasks-max.js';

/** What a ProcessGroupUnitScope needs from its ProcessScopes. */
export interface ProcessGroupUnitScopeContext {
  loop: EventLoop;
  spawner: ProcessSpawner;
  /** How often /proc is scanned while the unit has processes (adopts new descendants, notices emptiness). */
  pollInterval: Usec;
  /** Why the cgroup backend is not in use, for `status`. */
  reason: string;
  /**
   * A /proc table shared by every scope's periodic check within one poll interval (one scan per
   * tick for all units instead of one per unit). Kills and `show` read a fresh table.
   */
  sharedProcTable?: () => ProcEntry[];
}

/** The text `status` shows for the fallback. */
export function processGroupDescription(reason: string): string {
  return (
    `process groups and subreaper bookkeeping (${reason}): a process that leaves its session and ` +
    `process group and whose parent exits before the manager sees it is not tracked and survives stop; ` +
    `emptiness is noticed by polling /proc, memory is not accounted`
  );
}

/** One unit's processes without a cgroup. */
export class ProcessGroupUnitScope implements UnitScope {
  readonly backend = 'process-group' as const;
  readonly controlGroup = '';
  readonly description: string;
  /** Known members: pid → start time (a reused pid has another start time and is not ours). */
  private readonly members = new Map<number, number>();
  /** Process groups and sessions of the processes the unit spawned (never the manager's own). */
  private readonly groups = new Set<number>();
  private readonly sessions = new Set<number>();
  private populated = false;
  private timer: Disposable | undefined;
  private readonly self = { pid: process.pid, pgid: 0, sid: 0 };

  constructor(
    readonly unit: Unit,
    private readonly ctx: ProcessGroupUnitScopeContext,
  ) {
    this.description = processGroupDescription(ctx.reason);
    const me = readProc(process.pid);
    this.self.pgid = me?.pgid ?? 0;
    this.self.sid = me?.sid ?? 0;
  }

  prepare(): string | undefined {
    return undefined;
  }

  add(pid: number): void {
    const e = readProc(pid);
    if (!e || e.state === 'Z') return;
    this.members.set(pid, e.startTime);
    // A child started without setsid() shares the manager's group: signalling that would hit the manager.
    if (e.pgid !== this.self.pgid) this.groups.add(e.pgid);
    if (e.sid !== this.self.sid) this.sessions.add(e.sid);
    this.populated = true;
    this.arm();
  }

  /** Re-reads /proc: adopts descendants, group and session members; forgets the dead. */
  private scan(table: ProcEntry[] = readProcTable()): ProcEntry[] {
    const byPid = new Map(table.map((p) => [p.pid, p]));
    const live = (p: ProcEntry) => p.state !== 'Z' && p.state !== 'X' && p.pid !== this.self.pid;
    // Forget members that died, or whose pid now names another process.
    for (const [pid, start] of this.members) {
      const p = byPid.get(pid);
      if (!p || !live(p) || p.startTime !== start) this.members.delete(pid);
    }
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of table) {
        if (this.members.has(p.pid) || !live(p)) continue;
        const ours =
          (p.ppid !== this.self.pid && this.members.has(p.ppid)) || this.groups.has(p.pgid) || this.sessions.has(p.sid);
        if (ours) {
          this.members.set(p.pid, p.startTime);
          grew = true;
        }
      }
    }
    return [...this.members.keys()].map((pid) => byPid.get(pid)!).filter(Boolean);
  }

  /**
   * Whether `pid` belongs to the unit by what /proc says now — a known member, a child of one, or in
   * one of its process groups or sessions — counting a zombie too: a process that sent a notify
   * datagram and exited at once is still the unit's until it is reaped (pids() lists the living).
   */
  contains(pid: number): boolean {
    const p = readProc(pid);
    if (!p || p.pid === this.self.pid) return false;
    const start = this.members.get(pid);
    if (start !== undefined) return start === p.startTime;
    return (p.ppid !== this.self.pid && this.members.has(p.ppid)) || this.groups.has(p.pgid) || this.sessions.has(p.sid);
  }

  pids(): number[] {
    return this.scan().map((p) => p.pid).sort((a, b) => a - b);
  }

  isEmpty(): boolean {
    return this.pids().length === 0;
  }

  signalAll(signal: number, except?: ReadonlySet<number>): number {
    return signalUntilSettled(() => this.pids(), (pid, sig) => this.ctx.spawner.kill(pid, sig), signal, except);
  }

  /** Slice= (the slice the unit would have), no ControlGroup=, TasksCurrent= from the tracked processes. */
  properties(active: boolean): PropertyList {
    return scopeProperties(this, { active, slice: this.unit.slice()?.id ?? unitSliceName(unitCgroupRelativePath(this.unit.id, this.unit.manager.scope)) });
  }

  /** Without a cgroup nothing of resource control applies: every setting the unit made is named. */
  resourceControlNote(): string | undefined {
    const c = this.unit.cgroupContext;
    if (!c) return undefined;
    const tasksDefault = this.unit.type.suffix === 'slice' ? Infinity : defaultTasksMax();
    const settings = resourceControlWrites(c, () => 'n/a', tasksDefault).filter((w) => !w.implicit).map((w) => w.setting);
    return settings.length > 0 ? `${settings.join(', ')} not enforced: no cgroup (${this.ctx.reason})` : undefined;
  }

  stats(): { tasks?: number; memory?: number } {
    return { tasks: this.scan().reduce((n, p) => n + (p.threads || 1), 0) };
  }

  release(): void {
    this.timer?.dispose();
    this.timer = undefined;
    this.members.clear();
    this.groups.clear();
    this.sessions.clear();
    this.populated = false;
  }

  /** Stops polling (the manager is going away). */
  dispose(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = this.ctx.loop.armTimer(this.ctx.loop.now() + this.ctx.pollInterval, () => {
      this.timer = undefined;
      this.poll();
    });
  }

  /** The periodic scan: reports emptiness once, keeps polling while processes are left. */
  private poll(): void {
    if (!this.populated) return;
    if (this.scan(this.ctx.sharedProcTable?.()).length === 0) {
      this.populated = false;
      this.groups.clear();
      this.sessions.clear();
      this.unit.manager.dispatchScopeEmpty(this.unit);
      return;
    }
    this.arm();
  }
}
