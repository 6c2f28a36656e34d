/**
 * @unitkit/unit-file — unit files, fragments and drop-ins read exactly as systemd 252 reads them.
 * See README.md for the contract with @unitkit/core.
 */
export type {
  Diagnostic, DirectiveSpec, DirectiveTable, LoadState, ParseContext, RawAssignment, SpecifierContext, UnitDefinition, UnitFileState,
} from './types.js';
export { ValueError } from './value-error.js';

export { UnitFileLoader, type UnitFileLoaderOptions } from './unit-file-loader.js';
export { parseUnitText, DirectiveIndex, FragmentParser, type ParseUnitTextOptions, type ParsedUnitFiles } from './fragment-parser.js';
export { lexUnitText, LONG_LINE_MAX, type LexResult, type LexedAssignment, type LexOptions } from './unit-text-lexer.js';
export { searchPath, configDirs } from './search-path.js';
export { dropInDirectories, listDropInFiles } from './drop-ins.js';
export { DirectoryCache } from './directory-cache.js';
export { UnitFileMap, type UnitFileEntry, type ResolvedName } from './unit-file-map.js';
export { UnitFilePresets, presetDirs } from './presets.js';
export { UnitFileInstaller, formatInstallChanges, type UnitFileListEntry, type InstallChange, type InstallFlags, type InstallInfo, type UnitFileInstallerOptions } from './install.js';

export { unitSectionTable, JOB_MODES, EMERGENCY_ACTIONS, parseEmergencyAction } from './unit-section.js';
export { installSectionTable } from './install-section.js';
export { conditionDirectives, parseCondition, CONDITION_KINDS, type Condition } from './conditions.js';
export {
  booleanDirective, enumDirective, modeDirective, pathDirective, signalDirective, sizeDirective, stringDirective,
  timeSpanDirective, unitListDirective, unsignedDirective, wordListDirective, parseAbsolutePath, parseUnitList,
} from './common-parsers.js';

export { parseBoolean } from './parse-boolean.js';
export {
  parseTimeSpan, parseTimeSpanFix0, formatTimeSpan, USEC_PER_SEC, USEC_PER_MSEC, USEC_PER_MINUTE, USEC_PER_HOUR,
  USEC_PER_DAY, USEC_PER_WEEK, USEC_PER_MONTH, USEC_PER_YEAR,
} from './parse-time-span.js';
export { parseSize } from './parse-size.js';
export { parseMode, parseUnsigned } from './parse-mode.js';
export { parseSignal, signalName, SIGNALS, SIGRTMIN, SIGRTMAX } from './signals.js';
export { parseExitStatus, parseExitStatusSet, EXIT_STATUS_NAMES, type ExitStatusSet } from './exit-status.js';
export { parseExecLine, expandExecEnvironment, replaceEnv, type ExecCommand, type ExecFlags } from './exec-command.js';
export {
  parseEnvironmentAssignments, environmentToRecord, isValidEnvAssignment, isValidEnvName, isValidEnvValue,
  mergeEnvironmentAssignments, mergeUniqueWords, parseEnvironmentNames,
} from './environment.js';
export { unitNeedsDaemonReload, fileChangedSince } from './need-daemon-reload.js';
export { parseEnvironmentFileText, readEnvironmentFile, readRegularFile, ENVIRONMENT_FILE_MAX, type EnvironmentFileEntry } from './environment-file.js';
export {
  parseSocketAddress, formatSocketAddress, parseNetlinkAddress, type SocketAddress, type NetlinkAddress,
} from './socket-address.js';
export { ipVersion, isIPv4Address, isIPv6Address } from './ip-address.js';
export { extractFirstWord, extractWords, WHITESPACE, type ExtractFlags, type ExtractResult } from './extract-word.js';
export { cUnescape, cUnescapeOne } from './c-unescape.js';
export { makeSpecifierTable, expandSpecifiers, type SpecifierUnit } from './specifiers.js';
export { systemSpecifierContext, architectureName, currentUser, hostName, kernelRelease, type CurrentUser } from './system-facts.js';
export { nodeOs } from './node-os.js';
export * from './unit-name.js';
export {
  execDirective, environmentDirective, environmentFileDirective, environmentNamesDirective, socketAddressDirective, exitStatusSetDirective, fatalEnum, triggerUnitDirective,
  type EnvironmentFileSpec,
} from './value-directives.js';
export { fnmatch, type FnmatchOptions } from './fnmatch.js';
export { parseCalendarSpec, formatCalendarSpec, isValidTimezone, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, type CalendarSpec, type CalendarComponent, type CalendarParseOptions } from './calendar-spec.js';
export { nextCalendarElapse, calendarZoneOf, type CalendarNextOptions } from './calendar-next.js';
export { CalendarZone, localZoneName, zoneAbbreviations, type BrokenDownTime } from './calendar-zone.js';
