/**
 * The target plugin's ContainerModule: contributes the target unit type.
 */
import { ContainerModule } from 'inversify';
import { UnitTypeContribution } from '@unitkit/core';
import { TargetUnitType } from './target-unit-type.js';

/** Load this module into a manager's container to support .target units. */
export const targetModule = new ContainerModule(({ bind }) => {
  bind(TargetUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(TargetUnitType);
});
