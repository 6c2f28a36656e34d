/**
 * @unitkit/plugin-service — the service unit type (systemd.service(5)).
 */
export { serviceModule } from './service-module.js';
export { formatExitStatus, isCleanExit } from '@unitkit/core';
export { ServiceUnitType, type ServiceData, type MainExecStatus, type NotifyState } from './service-unit-type.js';
export { serviceStateTable, type ServiceState } from './service-state.js';
export type { ServiceResult } from './service-result.js';
export {
  serviceSectionTable, readServiceSettings, execCommandLists, DEFAULT_TIMEOUT_USEC, DEFAULT_RESTART_USEC,
  type ServiceSettings, type ServiceType, type RestartPolicy, type NotifyAccess, type ExecCommandList,
} from './service-settings.js';
export { serviceProperties, formatExitStatusSet } from './service-properties.js';
export { ProcessGroupScopes, ProcessGroupScope } from './process-group-scopes.js';
