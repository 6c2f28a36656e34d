/**
 * The service plugin's ContainerModule: the service unit type and its [Service] directive table.
 */
import { ContainerModule } from 'inversify';
import { DirectiveTableContribution, UnitTypeContribution } from '@unitkit/core';
import { ServiceUnitType } from './service-unit-type.js';
import { serviceSectionTable } from './service-settings.js';

/** Load this module into a manager's container to support .service units. */
export const serviceModule = new ContainerModule(({ bind }) => {
  bind(ServiceUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(ServiceUnitType);
  bind(DirectiveTableContribution).toConstantValue(serviceSectionTable());
});
