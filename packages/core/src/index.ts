/**
 * @unitkit/core — the unit manager: units, the unit-type vtable, dependencies, jobs and
 * transactions, and the ports through which everything with side effects goes.
 */
import 'reflect-metadata';

export * from './ports/index.js';
export * from './unit-active-state.js';
export * from './unit-dependency.js';
export * from './unit-definition.js';
export * from './unit-settings.js';
export * from './unit-type.js';
export * from './unit.js';
export * from './job.js';
export * from './job-type.js';
export * from './transaction.js';
export * from './manager.js';
export * from './manager-error.js';
export { ManagerEnvironment, isValidEnvironmentName, isValidEnvironmentAssignment, isValidEnvironmentValue } from './manager-environment.js';
export * from './manager-serialization.js';
export * from './manager-events.js';
export * from './emergency-action.js';
export * from './manager-options.js';
export * from './rate-limit.js';
export { randomHexId } from './random-id.js';
export * from './log-rate-limit.js';
export * from './output-line-filter.js';
export * from './condition.js';
export * from './notify-message.js';
export * from './property.js';
export { busPropertyTypes, busPropertyEmits } from './bus-property-types.js';
export * from './kill-context.js';
export * from './cgroup-context.js';
export * from './create-manager.js';
export * from './unit-properties.js';
export * from './unit-file-source.js';
/** Unit names as systemd validates, splits and escapes them (one implementation, in @unitkit/unit-file). */
export {
  isValidUnitName,
  isValidInstance,
  unitNameType,
  unitNamePrefix,
  unitNameInstance,
  unitNameTemplate,
  unitNameReplaceInstance,
  unitNameWithoutSuffix,
  unitNameEscape,
  unitNameUnescape,
  unitNamePathEscape,
  unitNamePathUnescape,
  unitNameFromPath,
  unitNameMangle,
} from '@unitkit/unit-file';
export * from './kill-unit-context.js';
export * from './exec/index.js';
