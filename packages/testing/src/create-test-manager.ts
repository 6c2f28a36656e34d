/**
 * A whole manager on the fakes: core's createManager() with the plugins under test, the fake ports
 * and an in-memory unit source. This is what most plugin tests start from.
 */
import { ContainerModule } from 'inversify';
import type { Container } from 'inversify';
import type { Job, JobMode, JobResult, JobType, Manager, ManagerOptions, Unit } from '@unitkit/core';
import { UnitDefinitionSource, createManager } from '@unitkit/core';
import { createFakes, type CreateFakesOptions, type Fakes } from './create-fakes.js';
import { MemoryUnitSource, type UnitSpec } from './memory-unit-source.js';

/** What createTestManager() takes. */
export interface TestManagerOptions {
  /** The plugins' modules (and any extra bindings). */
  modules?: ContainerModule[];
  /** Units to define up front, by name. */
  units?: Record<string, UnitSpec>;
  /** Manager options (scope, defaults). */
  options?: ManagerOptions;
  /** Options for the fakes. */
  fakes?: CreateFakesOptions;
}

/** A manager on fakes, with shortcuts for the common steps of a test. */
export interface TestManager extends Omit<Fakes, 'module'> {
  manager: Manager;
  container: Container;
  units: MemoryUnitSource;
  /**
   * Loads (if needed) and returns a unit, holding a reference on it so garbage collection keeps it
   * for the rest of the test (use `manager.loadUnit()` to test collection itself).
   */
  unit(name: string): Unit;
  /** Enqueues a job (pinning the unit, as unit() does) and runs pending work; no time passes. */
  job(type: JobType, name: string, mode?: JobMode): Job;
  /** Enqueues a start job and runs pending work; returns the job. */
  start(name: string, mode?: JobMode): Job;
  /** Enqueues a stop job and runs pending work; returns the job. */
  stop(name: string, mode?: JobMode): Job;
  /** The result of a job once it finished, or undefined while it is installed. */
  resultOf(job: Job): JobResult | undefined;
  /** Runs deferred work without moving the clock. */
  run(): void;
  /** "ActiveState/SubState" of a unit, the usual assertion. */
  state(name: string): string;
}

/** Builds a manager with the fakes bound and the given plugins. */
export function createTestManager(opts: TestManagerOptions = {}): TestManager {
  const fakes = createFakes(opts.fakes);
  const units = new MemoryUnitSource().addAll(opts.units ?? {});
  const sourceModule = new ContainerModule(({ bind }) => {
    bind(UnitDefinitionSource).toConstantValue(units);
  });
  const { manager, container } = createManager({
    modules: [fakes.module, sourceModule, ...(opts.modules ?? [])],
    options: opts.options,
  });
  const { module: _module, ...ports } = fakes;
  const pinned = new Set<Unit>();
  const pin = (u: Unit): Unit => {
    if (!pinned.has(u)) {
      pinned.add(u);
      manager.ref(u);
    }
    return u;
  };
  const job = (type: JobType, name: string, mode: JobMode = 'replace'): Job => {
    const j = manager.addJob(type, pin(manager.loadUnit(name)), mode);
    fakes.loop.runPending();
    return j;
  };
  return {
    ...ports,
    manager,
    container,
    units,
    unit: (name) => pin(manager.loadUnit(name)),
    job,
    start: (name, mode) => job('start', name, mode),
    stop: (name, mode) => job('stop', name, mode),
    resultOf: (j) => (j.installed ? undefined : j.result),
    run: () => fakes.loop.runPending(),
    state: (name) => {
      const u = pin(manager.loadUnit(name));
      return `${u.activeState()}/${u.subState()}`;
    },
  };
}
