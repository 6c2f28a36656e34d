/**
 * The [Service] section: its directive table (systemd.service(5) plus the execution context of
 * systemd.exec(5) from core) and the settings read from it, with systemd's defaults and the
 * rules that derive one setting from another (default Type=, NotifyAccess=, timeouts).
 */
import type { DirectiveSpec, DirectiveTable, ExecContext, KillContext } from '@unitkit/core';
import { defaultSharer, execContextDirectives, readExecContext, readKillContext, sharedIfEmpty } from '@unitkit/core';
import {
  booleanDirective, enumDirective, execDirective, exitStatusSetDirective, parseEmergencyAction, pathDirective, stringDirective, timeSpanDirective,
  unitListDirective, unsignedDirective, type ExecCommand, type ExitStatusSet,
  ValueError,
} from '@unitkit/unit-file';

/** Type=. `dbus` needs a bus (the BusNameWatcher port) to see BusName= taken. */
export type ServiceType = 'simple' | 'exec' | 'forking' | 'oneshot' | 'dbus' | 'notify' | 'notify-reload' | 'idle';
/** Restart=. */
export type RestartPolicy = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';
/** NotifyAccess=. */
export type NotifyAccess = 'none' | 'main' | 'exec' | 'all';

/** The Exec*= lists of a service, in the order systemd lists them. */
export const execCommandLists = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;
/** One of the Exec*= lists. */
export type ExecCommandList = (typeof execCommandLists)[number];

const serviceTypes: ServiceType[] = ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle'];
const restartPolicies: RestartPolicy[] = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'];
const notifyAccesses: NotifyAccess[] = ['none', 'main', 'exec', 'all'];

/** One element of a well-known bus name (the D-Bus specification; digits may not lead). */
const BUS_NAME_ELEMENT = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
/** One element of a unique name (`:1.42`): digits may lead. */
const UNIQUE_NAME_ELEMENT = /^[A-Za-z0-9_-]+$/;

/** sd_bus_service_name_is_valid(): a well-known or unique bus name of at most 255 bytes. */
export function isValidBusServiceName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const unique = name.startsWith(':');
  const parts = (unique ? name.slice(1) : name).split('.');
  return parts.length >= 2 && parts.every((p) => (unique ? UNIQUE_NAME_ELEMENT : BUS_NAME_ELEMENT).test(p));
}

/** BusName=: an invalid name is ignored with systemd's warning (config_parse_bus_name()). */
function busNameDirective(): DirectiveSpec<string> {
  return {
    kind: 'scalar',
    parse: (v: string) => {
      if (!isValidBusServiceName(v)) throw new ValueError(`Invalid bus name, ignoring: ${v}`);
      return v;
    },
  } as DirectiveSpec<string>;
}

/** The [Service] directive table, for `service` units. */
export function serviceSectionTable(): DirectiveTable {
  const directives: Record<string, DirectiveSpec> = {
    Type: enumDirective(serviceTypes),
    ExitType: enumDirective(['main', 'cgroup']),
    Restart: enumDirective(restartPolicies),
    RestartSec: timeSpanDirective(),
    TimeoutSec: timeSpanDirective({ fix0: true }),
    TimeoutStartSec: timeSpanDirective({ fix0: true }),
    TimeoutStopSec: timeSpanDirective({ fix0: true }),
    TimeoutAbortSec: timeSpanDirective({ fix0: true }),
    TimeoutStartFailureMode: enumDirective(['terminate', 'abort', 'kill']),
    TimeoutStopFailureMode: enumDirective(['terminate', 'abort', 'kill']),
    RuntimeMaxSec: timeSpanDirective(),
    WatchdogSec: timeSpanDirective(),
    RemainAfterExit: booleanDirective(),
    GuessMainPID: booleanDirective(),
    PIDFile: pathDirective(),
    BusName: busNameDirective(),
    NotifyAccess: enumDirective(notifyAccesses),
    FileDescriptorStoreMax: unsignedDirective(),
    SuccessExitStatus: exitStatusSetDirective(),
    RestartPreventExitStatus: exitStatusSetDirective(),
    RestartForceExitStatus: exitStatusSetDirective(),
    RootDirectoryStartOnly: booleanDirective(),
    Sockets: unitListDirective(),
    // [Unit] settings systemd 252 still accepts here, for compatibility.
    StartLimitInterval: timeSpanDirective({ canonical: 'StartLimitIntervalSec', section: 'Unit' }),
    StartLimitBurst: unsignedDirective(undefined, { section: 'Unit' }),
    StartLimitAction: { kind: 'scalar', parse: parseEmergencyAction, section: 'Unit' },
    FailureAction: { kind: 'scalar', parse: parseEmergencyAction, section: 'Unit' },
    RebootArgument: stringDirective({ section: 'Unit' }),
    ...execContextDirectives(),
  };
  for (const l of execCommandLists) directives[l] = execDirective();
  return { section: 'Service', unitTypes: ['service'], directives };
}

/** systemd's DefaultTimeoutStartSec=/DefaultTimeoutStopSec= (90 s) and DefaultRestartSec= (100 ms). */
export const DEFAULT_TIMEOUT_USEC = 90_000_000;
export const DEFAULT_RESTART_USEC = 100_000;

/** A service's settings as values. */
export interface ServiceSettings {
  type: ServiceType;
  /** Whether Type= was given (the default depends on ExecStart=). */
  typeExplicit: boolean;
  exitType: 'main' | 'cgroup';
  restart: RestartPolicy;
  restartUsec: number;
  timeoutStartUsec: number;
  timeoutStopUsec: number;
  timeoutAbortUsec: number;
  /** Whether TimeoutAbortSec= was set (it follows TimeoutStopSec= otherwise). */
  timeoutAbortSet: boolean;
  runtimeMaxUsec: number;
  watchdogUsec: number;
  remainAfterExit: boolean;
  guessMainPid: boolean;
  pidFile?: string;
  busName?: string;
  notifyAccess: NotifyAccess;
  fdStoreMax: number;
  successExitStatus: ExitStatusSet;
  restartPreventExitStatus: ExitStatusSet;
  restartForceExitStatus: ExitStatusSet;
  sockets: string[];
  exec: Record<ExecCommandList, ExecCommand[]>;
  context: ExecContext;
  kill: KillContext;
}

/** An unset exit status set is the one shared frozen empty set (most units set none of the three). */
const shareExitStatusSet = defaultSharer((): ExitStatusSet => ({ statuses: [], signals: [] }));
/** KillMode= & co. left at their defaults: one shared frozen value. */
const shareKillContext = defaultSharer(() => readKillContext(undefined));

const mergeSets = (sets: ExitStatusSet[] | undefined): ExitStatusSet => shareExitStatusSet({
  statuses: [...new Set((sets ?? []).flatMap((s) => s.statuses))],
  signals: [...new Set((sets ?? []).flatMap((s) => s.signals))],
});

/** Reads the settings of a [Service] section, applying systemd's derived defaults (service_add_extras()). */
export function readServiceSettings(section: ReadonlyMap<string, unknown> | undefined, unitName?: string): ServiceSettings {
  const get = <T>(k: string): T | undefined => section?.get(k) as T | undefined;
  const exec = Object.fromEntries(execCommandLists.map((l) => [l, sharedIfEmpty(get<ExecCommand[]>(l) ?? [])])) as Record<ExecCommandList, ExecCommand[]>;
  const explicitType = get<ServiceType>('Type');
  const busName = get<string>('BusName');
  // No Type=: dbus with BusName= (even without ExecStart=, which is then refused), simple with
  // ExecStart=, oneshot otherwise — service_add_extras(), checked against systemd 252.
  const type: ServiceType = explicitType ?? (busName ? 'dbus' : exec.ExecStart.length > 0 ? 'simple' : 'oneshot');
  const timeoutSec = get<number>('TimeoutSec');
  // A oneshot service has no start timeout unless one is given.
  const timeoutStartUsec = get<number>('TimeoutStartSec') ?? timeoutSec ?? (type === 'oneshot' ? Infinity : DEFAULT_TIMEOUT_USEC);
  const timeoutStopUsec = get<number>('TimeoutStopSec') ?? timeoutSec ?? DEFAULT_TIMEOUT_USEC;
  const watchdogUsec = get<number>('WatchdogSec') ?? 0;
  const fdStoreMax = get<number>('FileDescriptorStoreMax') ?? 0;
  const notifyAccessSet = get<NotifyAccess>('NotifyAccess');
  const notifyAccess: NotifyAccess = notifyAccessSet
    ?? (type === 'notify' || type === 'notify-reload' || watchdogUsec > 0 || fdStoreMax > 0 ? 'main' : 'none');
  return {
    type,
    typeExplicit: explicitType !== undefined,
    exitType: get('ExitType') ?? 'main',
    restart: get('Restart') ?? 'no',
    restartUsec: get('RestartSec') ?? DEFAULT_RESTART_USEC,
    timeoutStartUsec,
    timeoutStopUsec,
    timeoutAbortUsec: get<number>('TimeoutAbortSec') ?? timeoutStopUsec,
    timeoutAbortSet: get<number>('TimeoutAbortSec') !== undefined,
    runtimeMaxUsec: get<number>('RuntimeMaxSec') ?? Infinity,
    watchdogUsec,
    remainAfterExit: get('RemainAfterExit') ?? false,
    guessMainPid: get('GuessMainPID') ?? true,
    pidFile: get('PIDFile'),
    busName,
    notifyAccess,
    fdStoreMax,
    successExitStatus: mergeSets(get('SuccessExitStatus')),
    restartPreventExitStatus: mergeSets(get('RestartPreventExitStatus')),
    restartForceExitStatus: mergeSets(get('RestartForceExitStatus')),
    sockets: sharedIfEmpty(get<string[]>('Sockets') ?? []),
    exec,
    context: readExecContext(section, unitName),
    kill: shareKillContext(readKillContext(section)),
  };
}
