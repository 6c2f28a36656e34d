/**
 * `systemctl show` properties of an execution context and of exec commands, in systemd's names,
 * order and formats (checked against systemctl show of systemd 252).
 */
import { formatSecurityLabel } from './exec-misc-settings.js';
import { streamFdName } from './exec-named-fds.js';
import { childExitCodeNumber } from '../ports/event-loop.js';
import { nodeOs } from '@unitkit/unit-file';
import type { UnitScope } from '../ports/process-scopes.js';
import type { ExecCommand } from '@unitkit/unit-file';
import { signalName } from '@unitkit/unit-file';
import type { ChildExitCode, Usec } from '../ports/event-loop.js';
import { formatTimestamp, prop, type PropertyList, type PropertyValue } from '../property.js';
import { DEFAULT_IO_SCHEDULING, RLIMIT_NAMES, type ExecContext } from './exec-context.js';
import { EXEC_DIRECTORY_TYPES } from './exec-directories.js';
import { formatBindPath, formatSandboxPath, formatTemporaryFileSystem, sandboxCapabilityDrops, type BindPath, type SandboxContext } from './exec-sandbox.js';
import { managerLimits, processDefaults } from './process-defaults.js';
import { execPrivilegeProperties } from './exec-privileges.js';
import { execSeccompProperties } from './exec-seccomp.js';

/** What happened to the last run of one command (systemd's ExecStatus). Zero pid: never ran. */
export interface ExecStatus {
  pid: number;
  /** Realtime µs of the spawn and the exit; 0 when not yet. */
  startRealtime: Usec;
  exitRealtime: Usec;
  code?: ChildExitCode;
  status: number;
}

/** A status of a command that never ran. */
export const emptyExecStatus = (): ExecStatus => ({ pid: 0, startRealtime: 0, exitRealtime: 0, status: 0 });

const flagNames: Array<[keyof ExecCommand['flags'], string]> = [
  ['ignoreFailure', 'ignore-failure'],
  ['noSetuid', 'no-setuid'],
  ['fullPrivileges', 'privileged'],
  ['ambient', 'ambient'],
  ['noEnvExpand', 'no-env-expand'],
];

/**
 * One command as `show` prints ExecStart= (`ex` false) or ExecStartEx= (`ex` true):
 * `{ path=… ; argv[]=… ; ignore_errors=no ; start_time=[…] ; stop_time=[…] ; pid=… ; code=… ; status=… }`.
 */
export function formatExecCommand(cmd: ExecCommand, st: ExecStatus = emptyExecStatus(), ex = false): string {
  const time = (t: Usec) => `[${t ? formatTimestamp(t) : 'n/a'}]`;
  const flags = ex
    ? `flags=${flagNames.filter(([k]) => cmd.flags[k]).map(([, n]) => n).join(' ')}`
    : `ignore_errors=${cmd.flags.ignoreFailure ? 'yes' : 'no'}`;
  let status: string;
  if (!st.code) status = `${st.status}/0`;
  else if (st.code === 'exited') status = String(st.status);
  else status = `${st.status}/${signalName(st.status).replace(/^SIG/, '')}`;
  return `{ path=${cmd.path} ; argv[]=${cmd.argv.join(' ')} ; ${flags} ; start_time=${time(st.startRealtime)} ; stop_time=${time(st.exitRealtime)} ; pid=${st.pid} ; code=${st.code ?? '(null)'} ; status=${status} }`;
}

/**
 * One command as systemd's D-Bus ExecStart= element `(sasbttttuii)` (`ex` false) or ExecStartEx=
 * `(sasasttttuii)`: path, argv, ignore-errors or flag names, start and exit time (realtime,
 * monotonic — unitkit keeps no monotonic ones: 0), pid, CLD_* code, status.
 */
export function execCommandBusItem(cmd: ExecCommand, st: ExecStatus = emptyExecStatus(), ex = false): unknown[] {
  const flags = ex ? flagNames.filter(([k]) => cmd.flags[k]).map(([, n]) => n) : !!cmd.flags.ignoreFailure;
  return [cmd.path, [...cmd.argv], flags, st.startRealtime || 0, 0, st.exitRealtime || 0, 0, st.pid, (st.code ? childExitCodeNumber[st.code] : 0), st.status];
}

/**
 * The properties of one Exec*= list: `Name=` once per command, then `NameEx=` once per command, as
 * systemctl show prints them. Nothing for an empty list.
 */
export function execCommandProperties(name: string, commands: readonly ExecCommand[], statuses: readonly ExecStatus[] = []): PropertyList {
  const list: PropertyList = [];
  commands.forEach((c, i) => list.push([name, prop.raw(formatExecCommand(c, statuses[i]), { busItem: execCommandBusItem(c, statuses[i]) })]));
  commands.forEach((c, i) => list.push([`${name}Ex`, prop.raw(formatExecCommand(c, statuses[i], true), { busItem: execCommandBusItem(c, statuses[i], true) })]));
  return list;
}

/** Quotes an environment assignment as systemctl show does when it contains whitespace or quotes. */
function quoteAssignment(a: string): string {
  return /[\s"'\\]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a;
}

/**
 * The exec-context properties systemd shows, in systemd's order. Limits not set in the unit are
 * what its processes inherit from the manager. `home` is the user manager's home, its default
 * working directory. `loaded` is false for a unit never loaded from a file (not-found, masked,
 * error): systemd never applied the manager's defaults to its context, so it shows the manager's own
 * limits and no working directory.
 */
export function execContextProperties(c: ExecContext, scope: 'system' | 'user', home?: string, loaded = true): PropertyList {
  const inherited = loaded ? processDefaults() : { ...processDefaults(), limits: managerLimits() };
  const list: PropertyList = [
    ['Environment', prop.raw(c.environment.map(quoteAssignment).join(' '), { bus: [...c.environment] })],
    // One line per file, none without files — even with --all (systemd 252's show).
    ...c.environmentFiles.map((f): [string, PropertyValue] => ['EnvironmentFiles', prop.raw(`${f.path} (ignore_errors=${f.optional ? 'yes' : 'no'})`, { busItem: [f.path, f.optional] })]),
    ['PassEnvironment', prop.strv(c.passEnvironment)],
    ['UnsetEnvironment', prop.strv(c.unsetEnvironment)],
    ['UMask', prop.string(c.umask.toString(8).padStart(4, '0'))],
  ];
  // A limit the unit does not set is the manager's own, which its processes inherit.
  for (const r of RLIMIT_NAMES) {
    const l = c.limits[r] ?? inherited.limits[r];
    if (!l) continue;
    list.push([`Limit${r}`, prop.int(l.hard)], [`Limit${r}Soft`, prop.int(l.soft)]);
  }
  const wd = c.workingDirectory;
  const wdText = wd ? `${wd.missingOk ? '!' : ''}${wd.home ? '~' : wd.path}` : scope === 'user' && loaded ? `!${home ?? '~'}` : '';
  const no = prop.bool(false);
  const sb = c.sandbox;
  list.push(
    ['WorkingDirectory', prop.string(wdText)],
    // Settings unitkit does not implement, shown empty as systemd shows them when unset.
    ['RootDirectory', prop.string(sb.rootDirectory ?? '')],
    ...empty('RootImage', 'RootHash', 'RootHashPath', 'RootHashSignature', 'RootHashSignaturePath', 'RootVerity'),
    ...none('ExtensionDirectories', 'ExtensionImages', 'MountImages'),
    // Scheduling: Nice= and IOScheduling*= as set, else what the process inherits.
    ['OOMScoreAdjust', prop.int(inherited.oomScoreAdjust)],
    ['CoredumpFilter', prop.raw('0x33', { bus: 0x33 })],
    ['Nice', prop.int(c.nice ?? managerNice())],
    ['IOSchedulingClass', prop.int((c.ioScheduling ?? DEFAULT_IO_SCHEDULING).class)],
    ['IOSchedulingPriority', prop.int((c.ioScheduling ?? DEFAULT_IO_SCHEDULING).priority)],
    ['CPUSchedulingPolicy', prop.int(0)],
    ['CPUSchedulingPriority', prop.int(0)],
    ['CPUAffinity', prop.string('')],
    ['CPUAffinityFromNUMA', no],
    ['NUMAPolicy', prop.raw('n/a', { bus: -1 })],
    ['NUMAMask', prop.string('')],
    ['TimerSlackNSec', prop.int(50000)],
    ['CPUSchedulingResetOnFork', no],
    ['NonBlocking', no],
    ['StandardInput', prop.string(c.stdin.kind)],
    ['StandardInputFileDescriptorName', prop.string(c.stdin.kind === 'fd' ? streamFdName(c.stdin, 0) : '')],
    ['StandardInputData', prop.raw(Buffer.from(c.stdinData).toString('base64'), { bus: Buffer.from(c.stdinData) })],
    ['StandardOutput', prop.string(c.stdout.kind)],
    ['StandardOutputFileDescriptorName', prop.string(c.stdout.kind === 'fd' ? streamFdName(c.stdout, 1) : '')],
    ['StandardError', prop.string(c.stderr.kind)],
    ['StandardErrorFileDescriptorName', prop.string(c.stderr.kind === 'fd' ? streamFdName(c.stderr, 2) : '')],
    ['TTYPath', prop.string(c.terminal.ttyPath ?? '')],
    ['TTYReset', prop.bool(c.terminal.ttyReset)],
    ['TTYVHangup', prop.bool(c.terminal.ttyVHangup)],
    ['TTYVTDisallocate', prop.bool(c.terminal.ttyVTDisallocate)],
    // D-Bus "q", which systemctl's printer does not know: "[unprintable]", set or not (unset is UINT16_MAX).
    ['TTYRows', prop.hidden('[unprintable]', c.terminal.ttyRows ?? 65535)],
    ['TTYColumns', prop.hidden('[unprintable]', c.terminal.ttyColumns ?? 65535)],
    ['SyslogPriority', prop.int(c.logging.facility * 8 + c.syslogLevel)],
    ['SyslogIdentifier', prop.string(c.syslogIdentifier)],
    ['SyslogLevelPrefix', prop.bool(c.logging.levelPrefix)],
    ['SyslogLevel', prop.int(c.syslogLevel)],
    ['SyslogFacility', prop.int(c.logging.facility)],
    ['LogLevelMax', prop.int(c.logging.levelMax ?? -1)],
    ['LogRateLimitIntervalUSec', prop.usec(c.logging.rateLimitIntervalUsec)],
    ['LogRateLimitBurst', prop.int(c.logging.rateLimitBurst)],
    ['LogExtraFields', prop.raw(c.logging.extraFields.join(' '), { bus: c.logging.extraFields.map((f) => Buffer.from(f)) })],
    ['LogNamespace', prop.string(c.logging.logNamespace ?? '')],
    ['SecureBits', prop.int(0)],
    ['CapabilityBoundingSet', prop.raw(inherited.capabilityBoundingSet.filter((cap) => !sandboxCapabilityDrops(sb).includes(cap)).join(' '))],
    ['AmbientCapabilities', prop.string('')],
    ['User', prop.string(c.user)],
    ['Group', prop.string(c.group)],
    ['DynamicUser', prop.bool(c.dynamicUser)],
    // DynamicUser= turns on RemoveIPC=, PrivateTmp=, ProtectSystem=strict… (unit_patch_contexts()).
    ['RemoveIPC', prop.bool(c.misc.removeIpc)],
    // Credential lists are a(ss)/a(say), which systemctl show cannot print, set or not.
    ['SetCredential', unprintable],
    ['SetCredentialEncrypted', unprintable],
    ['LoadCredential', unprintable],
    ['LoadCredentialEncrypted', unprintable],
    ['SupplementaryGroups', prop.strv(c.supplementaryGroups)],
    ['PAMName', prop.string(c.pamName ?? '')],
    ['ReadWritePaths', prop.strv(sb.readWritePaths.map(formatSandboxPath))],
    ['ReadOnlyPaths', prop.strv(sb.readOnlyPaths.map(formatSandboxPath))],
    ['InaccessiblePaths', prop.strv(sb.inaccessiblePaths.map(formatSandboxPath))],
    ['ExecPaths', prop.strv(sb.execPaths.map(formatSandboxPath))],
    ['NoExecPaths', prop.strv(sb.noExecPaths.map(formatSandboxPath))],
    ['ExecSearchPath', prop.strv(c.misc.execSearchPath)],
    ['MountFlags', prop.raw(sb.mountFlags ?? '', { bus: mountFlagsBus(sb) })],
    ['PrivateTmp', prop.bool(sb.privateTmp)],
    ['PrivateDevices', prop.bool(sb.privateDevices)],
    ['ProtectClock', prop.bool(sb.protectClock)],
    ['ProtectKernelTunables', prop.bool(sb.protectKernelTunables)],
    ['ProtectKernelModules', prop.bool(sb.protectKernelModules)],
    ['ProtectKernelLogs', prop.bool(sb.protectKernelLogs)],
    ['ProtectControlGroups', prop.bool(sb.protectControlGroups)],
    ['PrivateNetwork', prop.bool(sb.privateNetwork)],
    ['PrivateUsers', prop.bool(sb.privateUsers)],
    ['PrivateMounts', prop.bool(sb.privateMounts)],
    ['PrivateIPC', prop.bool(sb.privateIPC)],
    ['ProtectHome', prop.string(sb.protectHome)],
    ['ProtectSystem', prop.string(sb.protectSystem)],
    ['SameProcessGroup', no],
    ['UtmpIdentifier', prop.string(c.terminal.utmpIdentifier ?? '')],
    ['UtmpMode', prop.string(c.terminal.utmpMode)],
    ...(['SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel'] as const).map((name): PropertyList[number] => {
      const l = c.misc[name === 'SELinuxContext' ? 'selinuxContext' : name === 'AppArmorProfile' ? 'appArmorProfile' : 'smackProcessLabel'];
      return [name, prop.raw(formatSecurityLabel(l), { bus: [l?.ignoreErrors ?? false, l?.label ?? ''] })];
    }),
    ['IgnoreSIGPIPE', prop.bool(c.ignoreSigpipe)],
    ['NoNewPrivileges', prop.bool(c.privileges.noNewPrivileges)],
    ['SystemCallFilter', allowAll],
    ['SystemCallArchitectures', prop.strv([])],
    ['SystemCallErrorNumber', prop.int(2147483646)],
    ['SystemCallLog', allowAll],
    ...empty('Personality'),
    ['LockPersonality', no],
    ['RestrictAddressFamilies', allowAll],
    ...execDirectoryProperties(c),
    ['TimeoutCleanUSec', prop.usec(c.misc.timeoutCleanUsec)],
    ['MemoryDenyWriteExecute', no],
    ['RestrictRealtime', no],
    ['RestrictSUIDSGID', prop.bool(c.dynamicUser)],
    // Unrestricted is every namespace flag (systemd's NAMESPACE_FLAGS_ALL), which systemctl prints as no.
    ['RestrictNamespaces', prop.raw('no', { bus: 0x02000000 + 0x08000000 + 0x40000000 + 0x00020000 + 0x20000000 + 0x10000000 + 0x04000000 })],
    // The items are not kept: without the BPF LSM (unitkit has no BPF programs) systemd 252 drops them too; the list's kind stays.
    ['RestrictFileSystems', c.misc.restrictFileSystemsAllowList ? prop.raw('', { bus: [true, []] }) : allowAll],
    ['BindPaths', bindPathsProperty(sb.bindPaths)],
    ['BindReadOnlyPaths', bindPathsProperty(sb.bindReadOnlyPaths)],
    ['TemporaryFileSystem', prop.raw(sb.temporaryFileSystems.map(formatTemporaryFileSystem).join(' '), { bus: sb.temporaryFileSystems.map((t) => [t.path, t.options]) })],
    ['MountAPIVFS', prop.bool(sb.mountAPIVFS ?? false)],
    ['KeyringMode', prop.string(scope === 'user' ? 'inherit' : 'private')],
    ['ProtectProc', prop.string(sb.protectProc)],
    ['ProcSubset', prop.string(sb.procSubset)],
    ['ProtectHostname', prop.bool(sb.protectHostname)],
    ['NetworkNamespacePath', prop.string(sb.networkNamespacePath ?? '')],
    ['IPCNamespacePath', prop.string(sb.ipcNamespacePath ?? '')],
  );
  // The settings of exec-privileges.ts replace the inherited values above where the unit sets them.
  const own = { ...execPrivilegeProperties(c.privileges, scope, inherited.capabilityBoundingSet.length - 1), ...execSeccompProperties(c.seccomp, c.dynamicUser) };
  for (const entry of list) if (own[entry[0]]) entry[1] = own[entry[0]]!;
  return list;
}

/**
 * RuntimeDirectoryPreserve= and each kind's Symlink= (only when it has symlinks, "path:link"
 * entries separated by spaces), Mode= and list, in systemd 252's order.
 */
function execDirectoryProperties(c: ExecContext): PropertyList {
  const list: PropertyList = [];
  for (const t of EXEC_DIRECTORY_TYPES) {
    const d = c.directories[t];
    const pairs = d.items.flatMap((i) => i.symlinks.map((l) => [i.path, l] as const));
    // On D-Bus an a(sst) of (path, symlink, flags); systemctl prints it as show does, "path:link".
    if (pairs.length > 0) list.push([`${t}DirectorySymlink`, prop.raw(pairs.map(([p, l]) => `${p}:${l}`).join(' '), { bus: pairs.map(([p, l]) => [p, l, 0n]) })]);
    if (t === 'Runtime') list.push(['RuntimeDirectoryPreserve', prop.string(c.runtimeDirectoryPreserve)]);
    list.push([`${t}DirectoryMode`, prop.string(d.mode.toString(8).padStart(4, '0'))], [`${t}Directory`, prop.strv(d.items.map((i) => i.path))]);
  }
  return list;
}

/** MountFlags= on the bus: the MS_* propagation flag, 0 when unset. */
function mountFlagsBus(sb: SandboxContext): number {
  return sb.mountFlags === 'shared' ? 1 << 20 : sb.mountFlags === 'slave' ? 1 << 19 : sb.mountFlags === 'private' ? 1 << 18 : 0;
}

/** BindPaths=/BindReadOnlyPaths=: "-src:dst:rbind" words; a(ssbt) of source, destination, ignore-missing and MS_REC on the bus. */
function bindPathsProperty(list: readonly BindPath[]): PropertyValue {
  return prop.raw(list.map(formatBindPath).join(' '), { bus: list.map((b) => [b.source, b.destination, b.ignoreMissing, b.recursive ? 16384 : 0]) });
}

/** The manager's own nice level, which processes keep when Nice= is not set. */
let cachedNice: number | undefined;

/** The manager's own nice value, which units inherit (read once: a syscall per `show` otherwise). */
function managerNice(): number {
  if (cachedNice === undefined) {
    try {
      cachedNice = nodeOs().getPriority();
    } catch {
      cachedNice = 0;
    }
  }
  return cachedNice;
}

/** Unset string properties, printed empty (with --all or -p only). */
function empty(...names: string[]): PropertyList {
  return names.map((n) => [n, prop.string('')]);
}

/** Unset list properties, printed empty (with --all or -p only). */
function none(...names: string[]): PropertyList {
  return names.map((n) => [n, prop.strv([])]);
}

/** An unset value systemctl cannot print (UINT_MAX, or an empty credential list): "[unprintable]". */
const unprintable = prop.hidden('[unprintable]');
/** An empty deny-list, i.e. everything allowed: systemctl prints "~". */
const allowAll = prop.hidden('~');

const execLine = /^Exec(Condition|StartPre|Start|StartPost|Reload|Stop|StopPre|StopPost)(Ex)?$/;

/**
 * Inserts the process scope's properties (Slice=, ControlGroup=, TasksCurrent=…) where systemd
 * prints its cgroup properties for services and sockets: before the exec context (which starts at
 * Environment=), or else after the last Exec*= line.
 */
export function spliceScopeProperties(list: PropertyList, scope: UnitScope | undefined, active: boolean): PropertyList {
  const extra = scope?.properties?.(active);
  if (!extra || extra.length === 0) return list;
  let at = list.findIndex(([name]) => name === 'Environment');
  if (at < 0) {
    list.forEach(([name], i) => {
      if (execLine.test(name)) at = i + 1;
    });
  }
  const i = at >= 0 ? at : list.length;
  return [...list.slice(0, i), ...extra, ...list.slice(i)];
}
