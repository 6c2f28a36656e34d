/**
 * The generic settings of the [Unit] section that core itself acts on, with systemd's defaults.
 */
import type { Usec } from './ports/event-loop.js';
import type { JobMode } from './job-type.js';
import type { UnitDependency } from './unit-dependency.js';
import type { UnitDefinition } from './unit-definition.js';
import { sharedIfEmpty } from './exec/shared-empty.js';

/** A Condition*= or Assert*= line as the [Unit] table parses it. */
export interface ConditionSpec {
  /** The part after "Condition"/"Assert": PathExists, Host, … */
  kind: string;
  /** A `|` prefix: the unit starts if any triggering condition holds. */
  trigger: boolean;
  /** A `!` prefix. */
  negate: boolean;
  param: string;
}

/** CollectMode=. */
export type CollectMode = 'inactive' | 'inactive-or-failed';

/** The [Unit] settings core uses, resolved to values. */
export interface UnitSettings {
  description: string;
  documentation: string[];
  defaultDependencies: boolean;
  stopWhenUnneeded: boolean;
  refuseManualStart: boolean;
  refuseManualStop: boolean;
  allowIsolate: boolean;
  ignoreOnIsolate: boolean;
  onFailureJobMode: JobMode;
  onSuccessJobMode: JobMode;
  jobTimeout: Usec;
  jobRunningTimeout: Usec;
  startLimitInterval: Usec;
  startLimitBurst: number;
  collectMode: CollectMode;
  conditions: ConditionSpec[];
  asserts: ConditionSpec[];
  sourcePath?: string;
  failureAction: string;
  successAction: string;
  failureActionExitStatus?: number;
  successActionExitStatus?: number;
  startLimitAction: string;
  jobTimeoutAction: string;
  jobTimeoutRebootArgument: string;
  rebootArgument: string;
  requiresMountsFor: string[];
}

/** Manager-wide defaults that [Unit] settings fall back to (systemd's Default*= of system.conf). */
export interface ManagerDefaults {
  startLimitInterval: Usec;
  startLimitBurst: number;
}

/** systemd 252's built-in defaults: 10 s and 5 starts. */
export const builtinManagerDefaults: ManagerDefaults = { startLimitInterval: 10_000_000, startLimitBurst: 5 };

/** The dependency directives of [Unit], in the order systemd applies them. */
export const unitFileDependencyDirectives: readonly UnitDependency[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After',
  'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom',
  'JoinsNamespaceOf',
];

const noSection: ReadonlyMap<string, unknown> = new Map();

/**
 * The dependencies a definition's [Unit] section names, by kind, in the order of
 * unitFileDependencyDirectives. Read from the definition at load, not kept in the settings: the
 * edges are what the unit keeps (a copy of the names was ~0.25 KB of every loaded unit; #19).
 */
export function unitFileDependencies(def: UnitDefinition): Array<[UnitDependency, readonly string[]]> {
  const sec = def.sections.get('Unit');
  const out: Array<[UnitDependency, readonly string[]]> = [];
  if (!sec) return out;
  for (const d of unitFileDependencyDirectives) {
    const v = sec.get(d);
    if (Array.isArray(v) && v.length > 0) out.push([d, v as string[]]);
  }
  return out;
}

/** Reads the generic settings out of a definition's [Unit] section. */
export function readUnitSettings(def: UnitDefinition | undefined, defaults: ManagerDefaults): UnitSettings {
  const sec = def?.sections.get('Unit') ?? noSection;
  const get = <T>(key: string, fallback: T): T => (sec.has(key) && sec.get(key) !== undefined ? (sec.get(key) as T) : fallback);
  let conditions: ConditionSpec[] = [];
  let asserts: ConditionSpec[] = [];
  for (const [key, value] of sec) {
    if (!Array.isArray(value)) continue;
    // concat() sizes the result exactly (push() grows the backing store by half again).
    if (key.startsWith('Condition')) conditions = conditions.concat(value as ConditionSpec[]);
    else if (key.startsWith('Assert')) asserts = asserts.concat(value as ConditionSpec[]);
  }
  return {
    description: get('Description', ''),
    documentation: sharedIfEmpty(get('Documentation', [] as string[])),
    defaultDependencies: get('DefaultDependencies', true),
    stopWhenUnneeded: get('StopWhenUnneeded', false),
    refuseManualStart: get('RefuseManualStart', false),
    refuseManualStop: get('RefuseManualStop', false),
    allowIsolate: get('AllowIsolate', false),
    ignoreOnIsolate: get('IgnoreOnIsolate', false),
    onFailureJobMode: get('OnFailureJobMode', 'replace' as JobMode),
    onSuccessJobMode: get('OnSuccessJobMode', 'fail' as JobMode), // the man page says replace; systemd 252 behaves as fail,
    jobTimeout: get('JobTimeoutSec', Infinity),
    jobRunningTimeout: get('JobRunningTimeoutSec', Infinity),
    startLimitInterval: get('StartLimitIntervalSec', get('StartLimitInterval', defaults.startLimitInterval)),
    startLimitBurst: get('StartLimitBurst', defaults.startLimitBurst),
    collectMode: get('CollectMode', 'inactive' as CollectMode),
    conditions: sharedIfEmpty(conditions),
    asserts: sharedIfEmpty(asserts),
    sourcePath: get<string | undefined>('SourcePath', undefined),
    failureAction: get('FailureAction', 'none'),
    successAction: get('SuccessAction', 'none'),
    failureActionExitStatus: get<number | undefined>('FailureActionExitStatus', undefined),
    successActionExitStatus: get<number | undefined>('SuccessActionExitStatus', undefined),
    startLimitAction: get('StartLimitAction', 'none'),
    jobTimeoutAction: get('JobTimeoutAction', 'none'),
    jobTimeoutRebootArgument: get('JobTimeoutRebootArgument', ''),
    rebootArgument: get('RebootArgument', ''),
    requiresMountsFor: sharedIfEmpty(get('RequiresMountsFor', [] as string[])),
  };
}
