/**
 * The generic properties of every unit, in the order and formats `systemctl show` prints them
 * (the org.freedesktop.systemd1.Unit interface of systemd 252). Type-specific properties come
 * first, from the type's `properties()` hook, as systemctl prints the type's interface first.
 */
import type { Manager } from './manager.js';
import type { ManagerErrorName } from './manager-error.js';
import type { PropertyList, PropertyValue } from './property.js';
import type { ConditionSpec } from './unit-settings.js';
import { prop } from './property.js';
import type { Unit } from './unit.js';
import type { DualTimestamp } from './unit.js';
import { allDependencies } from './unit-dependency.js';

/**
 * The dependency kinds `show` lists in one run (References/ReferencedBy are internal; InSlice is
 * shown as Slice= by the types that have a cgroup, SliceOf after JoinsNamespaceOf= by itself).
 */
const shownDependencies = allDependencies.filter((d) => d !== 'References' && d !== 'ReferencedBy' && d !== 'InSlice' && d !== 'SliceOf');

const loadErrors: Partial<Record<Unit['loadState'], [ManagerErrorName, (u: Unit) => string]>> = {
  'not-found': ['NoSuchUnit', (u) => `Unit ${u.id} not found.`],
  'bad-setting': ['BadUnitSetting', (u) => `Unit ${u.id} has a bad unit file setting.`],
  masked: ['UnitMasked', (u) => `Unit ${u.id} is masked.`],
  error: ['LoadFailed', (u) => `Unit ${u.id} failed to load properly, please adjust/correct and reload service manager: ${u.loadError ?? 'unknown error'}`],
};

/** LoadError= as systemd prints it: the D-Bus error name and message, or empty when loaded. */
export function loadErrorText(u: Unit): string {
  const e = loadErrors[u.loadState];
  return e ? `org.freedesktop.systemd1.${e[0]} "${e[1](u)}"` : '';
}

/**
 * Conditions= / Asserts=: systemctl prints "[unprintable]"; on D-Bus systemd's a(sbbsi) —
 * type, trigger, negate, parameter, state (1 held, -1 failed, 0 not tested) — last one first,
 * as systemd keeps them (each parsed condition is prepended to its list).
 */
function conditionList(prefix: string, list: readonly ConditionSpec[], states: ReadonlyArray<number>): PropertyValue {
  const bus = list.map((c, i) => [`${prefix}${c.kind}`, c.trigger, c.negate, c.param, states[i] ?? 0]).reverse();
  return { type: 'hidden', value: '[unprintable]', bus };
}

function timestamps(name: string, t: DualTimestamp): PropertyList {
  return [
    [`${name}Timestamp`, prop.timestamp(t.realtime)],
    [`${name}TimestampMonotonic`, prop.int(t.monotonic)],
  ];
}

/** The unit-file preset systemd reports when no preset file says otherwise. */
function presetOf(u: Unit, manager: Manager): string {
  const def = u.definition as (Unit['definition'] & { unitFilePreset?: string }) | undefined;
  if (def?.unitFilePreset !== undefined) return def.unitFilePreset;
  // Asked of the unit file whatever the load state (a masked or bad-setting unit has a preset too).
  if (!def?.fragmentPath) return '';
  // systemd 252's default presets: "enable *" for user units, "disable *" for system units.
  return manager.scope === 'user' ? 'enabled' : 'disabled';
}

/**
 * Every property of `u`: the type's, then the generic ones. With `only` (the names a client asked
 * for, as `show -p`), a list that holds at least those: when they are all generic, the type's
 * properties are not computed (for a service, its ~270 properties with the exec context's are
 * most of the work of `show -p ActiveState`; issue #19). No generic name is also a type's.
 */
export function unitProperties(u: Unit, manager: Manager, only?: ReadonlySet<string>): PropertyList {
  const generic = genericProperties(u, manager);
  const typeProperties = u.type.properties?.bind(u.type);
  if (!typeProperties) return generic;
  if (only && onlyGeneric(only, generic)) return generic;
  return [...manager.callHook(u, 'properties', () => typeProperties(u), []), ...generic];
}

/** Whether every name in `only` is one of `generic`'s. */
function onlyGeneric(only: ReadonlySet<string>, generic: PropertyList): boolean {
  let found = 0;
  for (const [name] of generic) if (only.has(name)) found++;
  return found === only.size;
}

/** The generic properties of every unit, in systemctl's order. */
function genericProperties(u: Unit, manager: Manager): PropertyList {
  const s = u.settings;
  const def = u.definition;
  const ids = (units: Iterable<Unit>) => [...units].map((x) => x.id);
  const list: PropertyList = [];
  list.push(['Id', prop.string(u.id)], ['Names', prop.strv([...u.names].sort())], ['Following', prop.string('')]);
  for (const d of shownDependencies) list.push([d, prop.strv(ids(u.dependencies(d)))]);
  list.push(
    ['SliceOf', prop.strv(ids(u.dependencies('SliceOf')))],
    ['RequiresMountsFor', prop.strv(s.requiresMountsFor)],
    ['Documentation', prop.strv(s.documentation)],
    ['Description', prop.string(u.description)],
    ['AccessSELinuxContext', prop.string('')],
    ['LoadState', prop.string(u.loadState)],
    ['ActiveState', prop.string(u.activeState())],
    ['FreezerState', prop.string('running')],
    ['SubState', prop.string(u.subState())],
    ['FragmentPath', prop.string(def?.fragmentPath ?? '')],
    ['SourcePath', prop.string(s.sourcePath ?? def?.sourcePath ?? '')],
    ['DropInPaths', prop.strv(def?.dropInPaths ?? [])],
    ['UnitFileState', prop.string(def?.unitFileState ?? '')],
    ['UnitFilePreset', prop.string(presetOf(u, manager))],
    ...timestamps('StateChange', u.stateChangeTimestamp),
    ...timestamps('InactiveExit', u.inactiveExitTimestamp),
    ...timestamps('ActiveEnter', u.activeEnterTimestamp),
    ...timestamps('ActiveExit', u.activeExitTimestamp),
    ...timestamps('InactiveEnter', u.inactiveEnterTimestamp),
    // As systemd's unit_can_*_refuse_manual(): what a client may ask for, RefuseManual*= included.
    ['CanStart', prop.bool(manager.canStart(u) && !s.refuseManualStart)],
    ['CanStop', prop.bool(manager.canStop(u) && !s.refuseManualStop)],
    ['CanReload', prop.bool(manager.canReload(u))],
    ['CanIsolate', prop.bool(u.loadState === 'loaded' && manager.canStart(u) && s.allowIsolate && !s.refuseManualStart)],
    ['CanClean', prop.strv(u.loadState === 'loaded' ? (u.type.cleanableResources?.(u) ?? []) : [])],
    ['CanFreeze', prop.bool(!!u.type.canFreeze)],
    ['Job', u.job ? prop.int(u.job.id) : prop.hidden('')],
    ['StopWhenUnneeded', prop.bool(s.stopWhenUnneeded)],
    ['RefuseManualStart', prop.bool(s.refuseManualStart)],
    ['RefuseManualStop', prop.bool(s.refuseManualStop)],
    ['AllowIsolate', prop.bool(s.allowIsolate)],
    ['DefaultDependencies', prop.bool(s.defaultDependencies)],
    ['OnSuccessJobMode', prop.string(s.onSuccessJobMode)],
    ['OnFailureJobMode', prop.string(s.onFailureJobMode)],
    ['IgnoreOnIsolate', prop.bool(s.ignoreOnIsolate)],
    ['NeedDaemonReload', prop.bool(manager.unitNeedsDaemonReload(u))],
    ['Markers', prop.strv([])],
    ['JobTimeoutUSec', prop.usec(s.jobTimeout)],
    ['JobRunningTimeoutUSec', prop.usec(s.jobRunningTimeout)],
    ['JobTimeoutAction', prop.string(s.jobTimeoutAction)],
    ['JobTimeoutRebootArgument', prop.string(s.jobTimeoutRebootArgument)],
    ['ConditionResult', prop.bool(u.conditionResult)],
    ['AssertResult', prop.bool(u.assertResult)],
    ...timestamps('Condition', u.conditionTimestamp),
    ...timestamps('Assert', u.assertTimestamp),
    ['Conditions', conditionList('Condition', s.conditions, u.conditionStates)],
    ['Asserts', conditionList('Assert', s.asserts, u.assertStates)],
    ['LoadError', prop.string(loadErrorText(u))],
    ['Transient', prop.bool(false)],
    ['Perpetual', prop.bool(u.perpetual)],
    ['StartLimitIntervalUSec', prop.usec(s.startLimitInterval)],
    ['StartLimitBurst', prop.int(s.startLimitBurst)],
    ['StartLimitAction', prop.string(s.startLimitAction)],
    ['FailureAction', prop.string(s.failureAction)],
    ['FailureActionExitStatus', s.failureActionExitStatus === undefined ? prop.hidden('[not set]') : prop.int(s.failureActionExitStatus)],
    ['SuccessAction', prop.string(s.successAction)],
    ['SuccessActionExitStatus', s.successActionExitStatus === undefined ? prop.hidden('[not set]') : prop.int(s.successActionExitStatus)],
    ['RebootArgument', prop.string(s.rebootArgument)],
    // 16 bytes on D-Bus (ay), printed as hex by systemctl.
    ['InvocationID', prop.raw(u.invocationId, { bus: Buffer.from(u.invocationId, 'hex') })],
    ['CollectMode', prop.string(s.collectMode)],
    ['Refs', prop.strv([])],
    ['ActivationDetails', prop.hidden('[unprintable]')],
  );
  return list;
}
