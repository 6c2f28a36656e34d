/**
 * The path plugin's ContainerModule: the path unit type and its [Path] directive table.
 */
import { ContainerModule } from 'inversify';
import { DirectiveTableContribution, UnitTypeContribution } from '@unitkit/core';
import { pathSectionTable } from './path-section-table.js';
import { PathUnitType } from './path-unit-type.js';

/** Load this module into a manager's container to support .path units. It needs the Inotify port (without it, starts fail with 'resources'). */
export const pathModule = new ContainerModule(({ bind }) => {
  bind(PathUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(PathUnitType);
  bind(DirectiveTableContribution).toConstantValue(pathSectionTable);
});
