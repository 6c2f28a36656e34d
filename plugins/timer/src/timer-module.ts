/**
 * The timer plugin's ContainerModule: the timer unit type and its [Timer] directive table.
 */
import { ContainerModule } from 'inversify';
import { DirectiveTableContribution, UnitTypeContribution } from '@unitkit/core';
import { timerSectionTable } from './timer-section-table.js';
import { TimerUnitType } from './timer-unit-type.js';

/** Load this module into a manager's container to support .timer units. It needs only the EventLoop port. */
export const timerModule = new ContainerModule(({ bind }) => {
  bind(TimerUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(TimerUnitType);
  bind(DirectiveTableContribution).toConstantValue(timerSectionTable);
});
