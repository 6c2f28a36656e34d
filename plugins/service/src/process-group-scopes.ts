/**
 * A minimal ProcessScopes over process groups, used when the composed manager binds none (the
 * kill-mode plugin is not loaded): every process a unit spawns starts its own session, so its
 * process group is its pid, and signalling the group reaches what it forked without leaving the
 * session. It cannot see daemons that start a new session of their own, and it never reports a
 * scope as empty by itself — the honest minimum, not a replacement for the kill-mode plugin.
 */
import type { KillContext, KillOperation, KillWhom, ProcessScopes, ProcessSpawner, Unit, UnitScope } from '@unitkit/core';
import { killUnitContext, killUnitProcesses } from '@unitkit/core';

/** One unit's process groups. */
export class ProcessGroupScope implements UnitScope {
  readonly backend = 'process-group' as const;
  readonly controlGroup = '';
  readonly description = 'process groups of the processes the unit spawned (no kill-mode plugin loaded)';
  private readonly groups = new Set<number>();

  constructor(private readonly spawner: ProcessSpawner) {}

  prepare(): string | undefined {
    return undefined;
  }

  add(pid: number): void {
    this.groups.add(pid);
  }

  /** The group leaders still alive (a probe with signal 0); members of their groups are not listed. */
  pids(): number[] {
    for (const g of [...this.groups]) if (!this.spawner.kill(g, 0) && !this.spawner.killGroup(g, 0)) this.groups.delete(g);
    return [...this.groups].filter((g) => this.spawner.kill(g, 0)).sort((a, b) => a - b);
  }

  isEmpty(): boolean {
    for (const g of [...this.groups]) if (this.spawner.killGroup(g, 0)) return false;
    return true;
  }

  /** Signals every live group; `except` cannot be honoured for group members and only skips dead leaders' bookkeeping. */
  signalAll(signal: number, _except?: ReadonlySet<number>): number {
    let n = 0;
    for (const g of [...this.groups]) {
      if (this.spawner.killGroup(g, signal)) n++;
      else this.groups.delete(g);
    }
    return n;
  }

  stats(): { tasks?: number; memory?: number } {
    return {};
  }

  release(): void {
    this.groups.clear();
  }
}

/** ProcessScopes over process groups (see the file comment). */
export class ProcessGroupScopes implements ProcessScopes {
  private readonly scopes = new Map<Unit, ProcessGroupScope>();

  constructor(private readonly spawner: ProcessSpawner) {}

  scope(unit: Unit): ProcessGroupScope {
    let s = this.scopes.get(unit);
    if (!s) this.scopes.set(unit, (s = new ProcessGroupScope(this.spawner)));
    return s;
  }

  killContext(unit: Unit, context: KillContext, operation: KillOperation, mainPid: number | undefined, controlPid: number | undefined, mainPidAlien = false): boolean {
    return killUnitContext({
      scope: this.scope(unit),
      signal: (pid, sig) => this.spawner.kill(pid, sig),
      context,
      operation,
      mainPid,
      controlPid,
      mainPidAlien,
      log: (pid, sig) => unit.log('notice', `Killing process ${pid} with signal ${sig}.`),
    });
  }

  kill(unit: Unit, whom: KillWhom, signal: number, mainPid: number | undefined, controlPid: number | undefined): boolean {
    return killUnitProcesses({ scope: this.scope(unit), signal: (pid, sig) => this.spawner.kill(pid, sig), whom, sig: signal, mainPid, controlPid });
  }

}
