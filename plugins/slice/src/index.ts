/**
 * @unitkit/plugin-slice — systemd.slice(5) and systemd.resource-control(5): the slice unit type,
 * Slice= and the default slices, and the resource-control directives of every unit with a cgroup.
 */
export { sliceModule } from './slice-module.js';
export { SliceUnitType, type SliceData } from './slice-unit-type.js';
export { sliceStateTable, type SliceState } from './slice-state.js';
export { SliceAssignment, sliceFor } from './slice-assignment.js';
export { ROOT_SLICE, isValidSliceName, sliceParent, sliceChain, sliceDefaultDescription, defaultSliceOf } from './slice-name.js';
export * from './resource-control-directives.js';
export { readCgroupContext } from './cgroup-context-reader.js';
export { sliceProperties } from './slice-properties.js';
export { physicalMemory, physicalMemoryScale, systemTasksMax, systemTasksMaxScale, defaultTasksMax } from './system-limits.js';
