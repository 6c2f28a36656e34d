export { pathModule } from './path-module.js';
export { PathUnitType, type PathData, type PathSpec } from './path-unit-type.js';
export { pathSectionTable, readPathSettings, simplifyPath, type PathType, type PathSettings, type PathSpecSetting } from './path-section-table.js';
export { pathStateTable, type PathState, type PathResult } from './path-state.js';
export { globFirst, directoryNotEmpty } from './path-checks.js';
