/**
 * The slice plugin's ContainerModule: the slice unit type, the resource-control directives of every
 * section with a cgroup ([Service], [Socket], [Slice]…), and the load extension that puts each such
 * unit into its slice.
 */
import { ContainerModule } from 'inversify';
import { DirectiveTableContribution, UnitLoadExtension, UnitTypeContribution } from '@unitkit/core';
import { resourceControlTables } from './resource-control-directives.js';
import { SliceAssignment } from './slice-assignment.js';
import { SliceUnitType } from './slice-unit-type.js';

/** Load this module into a manager's container to support .slice units, Slice= and resource control. */
export const sliceModule = new ContainerModule(({ bind }) => {
  bind(SliceUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(SliceUnitType);
  bind(SliceAssignment).toSelf().inSingletonScope();
  bind(UnitLoadExtension).toService(SliceAssignment);
  for (const t of resourceControlTables) bind(DirectiveTableContribution).toConstantValue(t);
});
