/**
 * The socket plugin's ContainerModule: the socket unit type and its [Socket] directive table.
 */
import { ContainerModule } from 'inversify';
import { DirectiveTableContribution, UnitTypeContribution } from '@unitkit/core';
import { socketSectionTable } from './socket-section-table.js';
import { SocketUnitType } from './socket-unit-type.js';

/**
 * Load this module into a manager's container to support .socket units. It needs the
 * SocketBackend and ProcessSpawner ports (and uses ProcessScopes when bound); the kill settings of
 * [Socket] (KillMode=…) come from the kill-mode plugin's table.
 */
export const socketModule = new ContainerModule(({ bind }) => {
  bind(SocketUnitType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(SocketUnitType);
  bind(DirectiveTableContribution).toConstantValue(socketSectionTable);
});
