/**
 * Composing a manager: core's module, the ports, and the plugins' modules, in one container.
 */
import { Container, ContainerModule } from 'inversify';
import { Manager } from './manager.js';
import { ManagerOptions } from './manager-options.js';
import { installSectionTable, unitSectionTable } from '@unitkit/unit-file';
import { DirectiveTableContribution } from './unit-definition.js';

/** Core's own bindings: the Manager, one per container, and the [Unit] and [Install] directive tables. */
export const coreModule = new ContainerModule(({ bind }) => {
  bind(Manager).toSelf().inSingletonScope();
  bind(DirectiveTableContribution).toConstantValue(unitSectionTable);
  bind(DirectiveTableContribution).toConstantValue(installSectionTable);
});

/** What createManager() takes. */
export interface CreateManagerOptions {
  /**
   * The modules to compose: one binding each of the ports (EventLoop, Logger, UnitDefinitionSource;
   * ProcessSpawner and NotifyReceiver for types that run processes) and every plugin's module.
   */
  modules: ContainerModule[];
  /** Scope, defaults and environment of the manager. */
  options?: ManagerOptions;
}

/** A composed manager and the container it lives in (for plugins' services, or `rebind` in tests). */
export interface ComposedManager {
  manager: Manager;
  container: Container;
}

/**
 * Builds a manager from modules. Every plugin contributes through multi-injection, so adding a unit
 * type is adding its module here — core is not touched.
 */
export function createManager(opts: CreateManagerOptions): ComposedManager {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(coreModule, ...opts.modules);
  if (opts.options) container.bind(ManagerOptions).toConstantValue(opts.options);
  return { manager: container.get(Manager), container };
}
