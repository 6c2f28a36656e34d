/**
 * The plugin's ContainerModule: the ProcessScopes port and the kill directives of every section
 * that runs processes.
 */
import { ContainerModule } from 'inversify';
import { DirectiveTableContribution, ProcessScopes } from '@unitkit/core';
import { killDirectiveTables } from './kill-directives.js';
import { KillCgroupOptions } from './kill-cgroup-options.js';
import { KillCgroupProcessScopes } from './kill-cgroup-process-scopes.js';

/** Only the directive tables: for a manager whose ProcessScopes comes from elsewhere (the test kit's fake). */
export const killDirectivesModule = new ContainerModule(({ bind }) => {
  for (const t of killDirectiveTables) bind(DirectiveTableContribution).toConstantValue(t);
});

/** The plugin with explicit options (e.g. `{ backend: 'process-group' }` to force the fallback). */
export function createKillCgroupModule(options: KillCgroupOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KillCgroupOptions).toConstantValue(options);
    bind(KillCgroupProcessScopes).toSelf().inSingletonScope();
    bind(ProcessScopes).toService(KillCgroupProcessScopes);
    for (const t of killDirectiveTables) bind(DirectiveTableContribution).toConstantValue(t);
  });
}

/** The plugin with its defaults: backend 'auto' (or UNITKIT_SCOPE_BACKEND). */
export const killCgroupModule = createKillCgroupModule();
