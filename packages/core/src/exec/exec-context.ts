/**
 * The execution context of systemd.exec(5): how the processes of a unit that runs processes
 * (service, socket) are set up — environment, working directory, credentials, umask, standard
 * streams, resource limits. Parsed by the table of exec-context-table.ts into a section, read
 * back here as one value; exec-spec.ts turns it into an ExecSpec for each command.
 */
import { defaultSharer, sharedIfEmpty } from './shared-empty.js';
import type { EnvironmentFileSpec } from '@unitkit/unit-file';
import type { RlimitSpec } from '../ports/process-spawner.js';
import { EXEC_DIRECTORY_TYPES, defaultExecDirectories, type ExecDirectory, type ExecDirectoryItem, type ExecDirectoryType, type RuntimeDirectoryPreserve } from './exec-directories.js';
import type { LoadCredential, SetCredential } from './exec-credentials.js';
import { dynamicUserName } from './dynamic-user.js';
import { defaultExecPrivileges, readExecPrivileges, type ExecPrivileges } from './exec-privileges.js';
import { defaultExecSeccomp, readExecSeccomp, type ExecSeccomp } from './exec-seccomp.js';
import { defaultExecTerminal, readExecTerminal, type ExecTerminal } from './exec-terminal.js';
import { readStdinData } from './exec-stdin-data.js';
import { defaultExecLogging, readExecLogging, type ExecLogging } from './exec-logging.js';
import { readExecMiscSettings, type ExecMiscSettings } from './exec-misc-settings.js';
import { defaultSandbox, readSandbox, type SandboxContext } from './exec-sandbox.js';

/** StandardInput=: where fd 0 comes from (`data`: the bytes of StandardInputText=/StandardInputData=). */
export type ExecInput =
  | { kind: 'null' }
  | { kind: 'tty' | 'tty-force' | 'tty-fail' | 'data' }
  | { kind: 'socket' }
  | { kind: 'file'; path: string }
  | { kind: 'fd'; name: string };

/** StandardOutput=/StandardError=: where fd 1 or 2 goes. */
export type ExecOutput =
  | { kind: 'inherit' | 'null' | 'tty' | 'journal' | 'kmsg' | 'journal+console' | 'kmsg+console' | 'syslog' | 'syslog+console' | 'socket' }
  | { kind: 'file' | 'append' | 'truncate'; path: string }
  | { kind: 'fd'; name: string };

/** WorkingDirectory=: a path, or "~" for the user's home; `missingOk` for the "-" prefix. */
export interface WorkingDirectory {
  path: string;
  home: boolean;
  missingOk: boolean;
}

/** systemd.exec(5)'s settings as values. Absent settings have systemd's defaults. */
export interface ExecContext {
  /** Environment= assignments in order ("NAME=value"); later ones win. */
  environment: string[];
  /** EnvironmentFile= entries, read at spawn time. */
  environmentFiles: EnvironmentFileSpec[];
  /** PassEnvironment= names taken from the manager's environment. */
  passEnvironment: string[];
  /** UnsetEnvironment= names or NAME=value assignments removed last. */
  unsetEnvironment: string[];
  workingDirectory?: WorkingDirectory;
  user?: string;
  group?: string;
  supplementaryGroups: string[];
  /** DynamicUser=: a uid from systemd's dynamic range while the unit runs. */
  dynamicUser: boolean;
  /** PAMName=: unitkit opens no PAM sessions, so a command of a unit with it fails at step PAM. */
  pamName?: string;
  /** RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory= with their modes. */
  directories: Record<ExecDirectoryType, ExecDirectory>;
  /** RuntimeDirectoryPreserve=. */
  runtimeDirectoryPreserve: RuntimeDirectoryPreserve;
  /** LoadCredential= and SetCredential=, in order. */
  loadCredentials: LoadCredential[];
  setCredentials: SetCredential[];
  /** UMask=, default 0022. */
  umask: number;
  /** Nice=, when set (else processes keep the manager's level). */
  nice?: number;
  /** IOSchedulingClass=/IOSchedulingPriority= as one value, when either is set. */
  ioScheduling?: IoScheduling;
  stdin: ExecInput;
  /** StandardInputText=/StandardInputData=: what fd 0 reads with StandardInput=data (exec-stdin-data.ts). */
  stdinData: Uint8Array;
  stdout: ExecOutput;
  stderr: ExecOutput;
  /** Whether StandardOutput= was given explicitly (the default follows StandardInput= when not). */
  stdoutExplicit: boolean;
  syslogIdentifier?: string;
  /** SyslogLevel= as a number (6 = info by default). */
  syslogLevel: number;
  /** SyslogFacility=, SyslogLevelPrefix=, LogLevelMax=, LogExtraFields=, LogRateLimit*=, LogNamespace= (exec-logging.ts). */
  logging: ExecLogging;
  /** ExecSearchPath=, TimeoutCleanSec=, RemoveIPC=, the security labels (exec-misc-settings.ts). */
  misc: ExecMiscSettings;
  /** Limit*= by systemd's resource name (NOFILE, CORE…). */
  limits: Partial<Record<string, RlimitSpec>>;
  /** Process attributes and capabilities (OOMScoreAdjust=, CPUAffinity=, CapabilityBoundingSet=…). */
  privileges: ExecPrivileges;
  /** Syscall filtering (SystemCallFilter=, RestrictAddressFamilies=, RestrictNamespaces=…). */
  seccomp: ExecSeccomp;
  /** PrivateTmp=, ProtectSystem=, BindPaths=, PrivateNetwork=… (exec-sandbox.ts). */
  sandbox: SandboxContext;
  /** TTYPath=, TTYReset=…, UtmpIdentifier=/UtmpMode= (exec-terminal.ts). */
  terminal: ExecTerminal;
  /** IgnoreSIGPIPE=: the process starts with SIGPIPE ignored (default true). */
  ignoreSigpipe: boolean;
}

/** An I/O scheduling class (0 none, 1 realtime, 2 best-effort, 3 idle) and priority (0…7), as ioprio_set(2) takes them. */
export interface IoScheduling {
  class: number;
  priority: number;
}

/** What a process gets when nothing is set: best-effort, priority 4 (systemd's IOPRIO_DEFAULT_CLASS_AND_PRIO). */
export const DEFAULT_IO_SCHEDULING: IoScheduling = { class: 2, priority: 4 };

/** The defaults of an execution context, as systemd's exec_context_init() and the manager defaults set them. */
export function defaultExecContext(): ExecContext {
  // The optional settings are listed too (as undefined): readExecContext() assigns them, and a
  // property added after the literal goes to a separate backing store (~90 B per unit; #19).
  return {
    workingDirectory: undefined,
    user: undefined,
    group: undefined,
    pamName: undefined,
    nice: undefined,
    ioScheduling: undefined,
    syslogIdentifier: undefined,
    environment: [],
    environmentFiles: [],
    passEnvironment: [],
    unsetEnvironment: [],
    supplementaryGroups: [],
    dynamicUser: false,
    directories: defaultExecDirectories(),
    runtimeDirectoryPreserve: 'no',
    loadCredentials: [],
    setCredentials: [],
    umask: 0o022,
    stdin: { kind: 'null' },
    stdinData: new Uint8Array(0),
    stdout: { kind: 'journal' },
    stderr: { kind: 'inherit' },
    stdoutExplicit: false,
    syslogLevel: 6,
    logging: defaultExecLogging(),
    misc: readExecMiscSettings(() => undefined, false),
    limits: {},
    privileges: defaultExecPrivileges(),
    seccomp: defaultExecSeccomp(),
    sandbox: defaultSandbox(),
    terminal: defaultExecTerminal(),
    ignoreSigpipe: true,
  };
}

/**
 * Reads an execution context from a section parsed with {@link execContextTable}'s directives.
 * StandardOutput= defaults to inherit when StandardInput= is a socket, a named fd or a tty and no output was
 * given, as systemd's unit_patch_contexts() does; so are User= and Group= of a DynamicUser= unit
 * without them (named after `unitName`).
 */
export function readExecContext(section: ReadonlyMap<string, unknown> | undefined, unitName?: string): ExecContext {
  const c = defaultExecContext();
  const get = <T>(k: string): T | undefined => section?.get(k) as T | undefined;
  c.environment = sharedIfEmpty(get<string[]>('Environment') ?? []);
  c.environmentFiles = sharedIfEmpty(get<EnvironmentFileSpec[]>('EnvironmentFile') ?? []);
  c.passEnvironment = sharedIfEmpty(get<string[]>('PassEnvironment') ?? []);
  c.unsetEnvironment = sharedIfEmpty(get<string[]>('UnsetEnvironment') ?? []);
  c.workingDirectory = get<WorkingDirectory>('WorkingDirectory');
  c.user = get<string>('User');
  c.group = get<string>('Group');
  c.supplementaryGroups = sharedIfEmpty(get<string[]>('SupplementaryGroups') ?? []);
  c.dynamicUser = get<boolean>('DynamicUser') ?? false;
  c.pamName = get<string>('PAMName');
  if (c.dynamicUser && unitName !== undefined) {
    // unit_patch_contexts(): the dynamic user is named after the unit, its group after the user.
    c.user ??= dynamicUserName(unitName);
    c.group ??= c.user;
  }
  for (const t of EXEC_DIRECTORY_TYPES) {
    const items = get<ExecDirectoryItem[]>(`${t}Directory`) ?? [];
    // Repeated paths merge their symlinks, as systemd keeps one entry per path.
    const merged: ExecDirectoryItem[] = [];
    for (const i of items) {
      const e = merged.find((m) => m.path === i.path);
      if (e) e.symlinks.push(...i.symlinks.filter((l) => !e.symlinks.includes(l)));
      else merged.push({ path: i.path, symlinks: [...i.symlinks] });
    }
    c.directories[t] = { items: sharedIfEmpty(merged), mode: get<number>(`${t}DirectoryMode`) ?? 0o755 };
  }
  c.runtimeDirectoryPreserve = get<RuntimeDirectoryPreserve>('RuntimeDirectoryPreserve') ?? 'no';
  c.loadCredentials = sharedIfEmpty(get<LoadCredential[]>('LoadCredential') ?? []);
  c.setCredentials = sharedIfEmpty(get<SetCredential[]>('SetCredential') ?? []);
  c.umask = get<number>('UMask') ?? c.umask;
  c.nice = get<number>('Nice');
  c.ioScheduling = ioSchedulingOf(get<number>('IOSchedulingClass'), get<number>('IOSchedulingPriority'));
  c.stdin = get<ExecInput>('StandardInput') ?? c.stdin;
  c.stdinData = readStdinData(get<Uint8Array[]>('StandardInputData'));
  // Data given makes StandardInput=null (the default or explicit) data, as in systemd's parser.
  if (c.stdinData.length > 0 && c.stdin.kind === 'null') c.stdin = { kind: 'data' };
  const out = get<ExecOutput>('StandardOutput');
  c.stdoutExplicit = out !== undefined;
  c.stdout = out ?? (['socket', 'fd', 'tty', 'tty-force', 'tty-fail'].includes(c.stdin.kind) ? { kind: 'inherit' } : c.stdout);
  c.stderr = get<ExecOutput>('StandardError') ?? c.stderr;
  c.syslogIdentifier = get<string>('SyslogIdentifier');
  c.syslogLevel = get<number>('SyslogLevel') ?? c.syslogLevel;
  c.logging = readExecLogging(get);
  c.misc = readExecMiscSettings(get, c.dynamicUser);
  for (const name of RLIMIT_NAMES) {
    const v = get<RlimitSpec>(`Limit${name}`);
    if (v) c.limits[name] = v;
  }
  c.privileges = readExecPrivileges(section);
  c.seccomp = readExecSeccomp(section);
  // unit_patch_contexts(): a dynamic user can neither gain privileges nor create SUID files.
  if (c.dynamicUser) c.privileges.noNewPrivileges = true;
  c.sandbox = readSandbox(get, c.dynamicUser);
  c.terminal = readExecTerminal(get);
  c.ignoreSigpipe = get<boolean>('IgnoreSIGPIPE') ?? true;
  // What the file left at its defaults is the one shared frozen value (issue #19).
  c.directories = share.directories(c.directories);
  c.logging = share.logging(c.logging);
  c.misc = share.misc(c.misc);
  c.limits = share.limits(c.limits);
  c.privileges = share.privileges(c.privileges);
  c.seccomp = share.seccomp(c.seccomp);
  c.sandbox = share.sandbox(c.sandbox);
  c.terminal = share.terminal(c.terminal);
  c.stdin = share.input(c.stdin);
  c.stdinData = share.stdinData(c.stdinData);
  c.stdout = share.output(c.stdout);
  c.stderr = share.output(share.inherit(c.stderr));
  return c;
}

/** The sharers of readExecContext(), one per sub-object kind; each builds its default at first use. */
const share = {
  directories: defaultSharer(defaultExecDirectories),
  logging: defaultSharer(defaultExecLogging),
  misc: defaultSharer(() => readExecMiscSettings(() => undefined, false)),
  limits: defaultSharer((): ExecContext['limits'] => ({})),
  privileges: defaultSharer(defaultExecPrivileges),
  seccomp: defaultSharer(defaultExecSeccomp),
  sandbox: defaultSharer(defaultSandbox),
  terminal: defaultSharer(defaultExecTerminal),
  input: defaultSharer((): ExecInput => ({ kind: 'null' })),
  stdinData: defaultSharer((): Uint8Array => new Uint8Array(0)),
  output: defaultSharer((): ExecOutput => ({ kind: 'journal' })),
  inherit: defaultSharer((): ExecOutput => ({ kind: 'inherit' })),
};

/**
 * IOSchedulingClass= and IOSchedulingPriority= combined as systemd keeps them (one ioprio value
 * starting at best-effort/4, each setting replacing its half); class "none" means the default.
 */
function ioSchedulingOf(cls: number | undefined, priority: number | undefined): IoScheduling | undefined {
  if (cls === undefined && priority === undefined) return undefined;
  const v = { class: cls ?? DEFAULT_IO_SCHEDULING.class, priority: priority ?? DEFAULT_IO_SCHEDULING.priority };
  return v.class === 0 ? { ...DEFAULT_IO_SCHEDULING } : v;
}

/** The resource names of the Limit*= directives, in systemd's order. */
export const RLIMIT_NAMES = [
  'CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NOFILE', 'AS', 'NPROC', 'MEMLOCK', 'LOCKS', 'SIGPENDING', 'MSGQUEUE',
  'NICE', 'RTPRIO', 'RTTIME',
] as const;
