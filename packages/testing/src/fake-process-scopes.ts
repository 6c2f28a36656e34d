/**
 * A ProcessScopes over the fake process table: a unit's scope is the processes spawned for it and
 * everything they forked, as a cgroup would hold them. Kills go through the fake spawner, so tests
 * see every signal; the scope reports itself empty when its last process ends.
 */
import type { KillContext, KillOperation, KillWhom, ProcessScopes, Unit, UnitScope } from '@unitkit/core';
import { killUnitContext, killUnitProcesses } from '@unitkit/core';
import type { FakeProcessSpawner } from './fake-process-spawner.js';

/** One unit's fake scope. */
export class FakeUnitScope implements UnitScope {
  readonly backend = 'cgroup' as const;
  readonly controlGroup: string;
  readonly description = 'fake cgroup (unit test)';
  /** Pids added by the unit type, in order. */
  readonly added: number[] = [];
  /** How many times prepare() was called, and release(). */
  prepared = 0;
  released = 0;
  private wasPopulated = false;

  constructor(
    readonly unit: Unit,
    private readonly spawner: FakeProcessSpawner,
  ) {
    this.controlGroup = `/fake.slice/${unit.id}`;
  }

  prepare(): string | undefined {
    this.prepared++;
    return `/sys/fs/cgroup${this.controlGroup}`;
  }

  add(pid: number): void {
    if (!this.added.includes(pid)) this.added.push(pid);
    this.wasPopulated = true;
  }

  pids(): number[] {
    const members = new Set<number>();
    for (const pid of this.added) {
      const p = this.spawner.get(pid);
      if (p?.state === 'running') members.add(pid);
    }
    // Descendants belong to the scope too, wherever they were re-parented.
    let grew = true;
    const all = this.spawner.running();
    const origins = new Set(this.added);
    while (grew) {
      grew = false;
      for (const p of all) {
        if (origins.has(p.pid)) continue;
        if (origins.has(p.forkedFrom)) {
          origins.add(p.pid);
          if (p.state === 'running') members.add(p.pid);
          grew = true;
        }
      }
    }
    return [...members].sort((a, b) => a - b);
  }

  isEmpty(): boolean {
    return this.pids().length === 0;
  }

  signalAll(signal: number, except?: ReadonlySet<number>): number {
    let n = 0;
    for (const pid of this.pids()) {
      if (except?.has(pid)) continue;
      if (this.spawner.kill(pid, signal)) n++;
    }
    return n;
  }

  stats(): { tasks?: number; memory?: number } {
    return { tasks: this.pids().length };
  }

  release(): void {
    this.released++;
    this.added.length = 0;
    this.wasPopulated = false;
  }

  /** @internal Whether the scope just went from populated to empty. */
  checkEmptied(): boolean {
    if (!this.wasPopulated || !this.isEmpty()) return false;
    this.wasPopulated = false;
    return true;
  }
}

/** The fake ProcessScopes. */
export class FakeProcessScopes implements ProcessScopes {
  private readonly scopes = new Map<Unit, FakeUnitScope>();
  /** Every killContext() call, for assertions. */
  readonly kills: Array<{ unit: string; operation: KillOperation; mainPid?: number; controlPid?: number; wait: boolean }> = [];

  constructor(private readonly spawner: FakeProcessSpawner) {
    spawner.onProcessEnd(() => {
      // The process is a zombie now; emptiness is decided once the exit has been handled.
      queueMicrotask(() => this.checkAll());
    });
  }

  scope(unit: Unit): FakeUnitScope {
    let s = this.scopes.get(unit);
    if (!s) this.scopes.set(unit, (s = new FakeUnitScope(unit, this.spawner)));
    return s;
  }

  killContext(unit: Unit, context: KillContext, operation: KillOperation, mainPid: number | undefined, controlPid: number | undefined, mainPidAlien = false): boolean {
    const wait = killUnitContext({
      scope: this.scope(unit),
      signal: (pid, sig) => this.spawner.kill(pid, sig),
      context,
      operation,
      mainPid,
      controlPid,
      mainPidAlien,
    });
    this.kills.push({ unit: unit.id, operation, mainPid, controlPid, wait });
    return wait;
  }

  kill(unit: Unit, whom: KillWhom, signal: number, mainPid: number | undefined, controlPid: number | undefined): boolean {
    return killUnitProcesses({ scope: this.scope(unit), signal: (pid, sig) => this.spawner.kill(pid, sig), whom, sig: signal, mainPid, controlPid });
  }


  /** The unit whose scope holds `pid`. */
  unitOf(pid: number): Unit | undefined {
    for (const s of this.scopes.values()) if (s.pids().includes(pid)) return s.unit;
    return undefined;
  }

  /** Reports scopes that became empty to their units, as the real backends do. */
  checkAll(): void {
    for (const s of this.scopes.values()) if (s.checkEmptied()) s.unit.manager.dispatchScopeEmpty(s.unit);
  }
}
