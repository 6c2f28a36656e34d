/**
 * Turns one Exec*= command and the unit's execution context into an ExecSpec: the environment
 * systemd gives a process (its build_environment() and the merge in exec_spawn()), `$VAR`
 * expansion of argv, credentials, working directory, umask, limits and the standard streams.
 */
import { existsSync } from 'node:fs';
import { nodeOs } from '@unitkit/unit-file';
import { expandExecEnvironment, readEnvironmentFile, type ExecCommand } from '@unitkit/unit-file';
import type { ExecSpec, NamespaceSpec, StdioSpec } from '../ports/process-spawner.js';
import { ExecExitStatus } from '../ports/process-spawner.js';
import type { CapturedStream, OutputCapture } from '../ports/output-capture.js';
import type { ExecContext, ExecOutput } from './exec-context.js';
import type { UserDatabase, UserRecord } from '../ports/user-database.js';
import type { VolatileMounts } from '../ports/volatile-mounts.js';
import { cleanHome, cleanShell, noUserDatabase, resolveGroup, resolveUser } from './user-database.js';
import { EXEC_DIRECTORY_FAILURE, ExecDirectoryError, errnoText, execDirectoryEnvironment, execDirectoryPrefixes, setupExecDirectories } from './exec-directories.js';
import { CredentialsError, credentialsDirectory, setupCredentials } from './exec-credentials.js';
import { allocateDynamicUser, defaultUnitkitRuntimeDirectory, dynamicUidDirectory, dynamicUserName } from './dynamic-user.js';
import { processDefaults } from './process-defaults.js';
import { buildPrivilegesSpec } from './exec-privileges.js';
import { buildSeccompFilters, seccompAvailable } from './exec-seccomp.js';
import { NamespaceSetupError, prepareNamespace } from './exec-namespace.js';
import { isTerminalInput, terminalPath, terminalType } from './exec-terminal.js';
import { securityLabelWrites } from './exec-security-labels.js';
import { namedStreamFds, streamFdName } from './exec-named-fds.js';

/** systemd's default PATH for processes (DEFAULT_PATH of a merged-usr-less system). */
export const DEFAULT_EXEC_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What buildExecSpec() needs for one command. */
export interface ExecSpecRequest {
  /** The unit's name, for the spec and for captured output. */
  unitName: string;
  command: ExecCommand;
  context: ExecContext;
  /** 'system' or 'user': the user manager runs processes in the user's home by default and sets MANAGERPID. */
  scope: 'system' | 'user';
  /** The manager's environment, the base of every process's environment (PATH is added when missing). */
  managerEnvironment: Readonly<Record<string, string>>;
  /** Variables the unit type sets (MAINPID, NOTIFY_SOCKET, WATCHDOG_USEC, EXIT_CODE…), merged after the base. */
  environment?: Readonly<Record<string, string>>;
  /** INVOCATION_ID=. */
  invocationId?: string;
  /** The manager's pid, for MANAGERPID= in the user scope. */
  managerPid?: number;
  /** Fds placed at 3, 4, … with their names; `passListenFds` makes them LISTEN_FDS. */
  fds?: ReadonlyArray<{ fd: number; name: string }>;
  passListenFds?: boolean;
  /** The connection fd for StandardInput=socket / StandardOutput=socket (Accept=yes). */
  socketFd?: number;
  /**
   * The command does not take StandardInput=tty* as its input (fd 0 is /dev/null; output that
   * inherits still goes to the terminal): ExecStop= and ExecReload= of services, for which systemd
   * does not set EXEC_APPLY_TTY_STDIN.
   */
  noTerminalInput?: boolean;
  /** ExecSpec.cgroupPath, from the unit's scope. */
  cgroupPath?: string;
  /** Where journal/kmsg output goes; without it those streams are inherited from the manager. */
  output?: OutputCapture;
  /** User lookups (NSS through the UserDatabase port); only numeric ids and root resolve without one. */
  users?: UserDatabase;
  /** unitkit's own runtime directory, for DynamicUser= allocations; $XDG_RUNTIME_DIR/unitkit or /run/unitkit by default. */
  runtimeDirectory?: string;
  /** Receives warnings systemd logs while setting up (a configuration directory of another mode). */
  warn?: (message: string) => void;
  /** Mounts the private read-only ramfs of $CREDENTIALS_DIRECTORY; a plain directory without it. */
  mounts?: VolatileMounts;
  /** Receives the notices systemd logs while setting up (a directory migrated into or out of private/). */
  info?: (message: string) => void;
  /** JoinsNamespaceOf=: the units whose private /tmp and /var/tmp this unit's processes share. */
  joinsNamespaceOf?: readonly string[];
}

/** A spec ready to spawn, and the captured streams whose `spawned(pid)` must be called after the spawn. */
export interface PreparedExec {
  spec: ExecSpec;
  captured: CapturedStream[];
  /**
   * When a step the manager ran for the child failed (`spec.failure` is set): systemd's log line
   * of that step ("Failed to determine user credentials: No such process"), logged before the
   * spawner's "Failed at step USER spawning …".
   */
  failureMessage?: string;
}

/**
 * The command cannot be started at all (an environment file is missing, the user does not
 * exist): systemd fails the spawn and the unit type fails with result `resources`. `step` and
 * `status` are systemd's names for it ("Failed at step USER spawning …").
 */
export class ExecPrepareError extends Error {
  constructor(message: string, readonly step: string, readonly status: number) {
    super(message);
    this.name = 'ExecPrepareError';
  }
}

/**
 * Resolves a bare command name through ExecSearchPath= when the unit sets it, else through
 * DEFAULT_EXEC_PATH as systemd does at load time; absolute paths are kept.
 */
export function resolveExecPath(path: string, searchPath: readonly string[] = []): string {
  if (path.startsWith('/')) return path;
  for (const dir of searchPath.length > 0 ? searchPath : DEFAULT_EXEC_PATH.split(':')) {
    const candidate = `${dir}/${path}`;
    if (existsSync(candidate)) return candidate;
  }
  return path;
}

/**
 * Builds the environment of a process, later entries winning: the manager's environment,
 * systemd's own variables, the unit type's variables, PassEnvironment=, Environment=,
 * EnvironmentFile=; then UnsetEnvironment= removes names (or exact NAME=value pairs).
 * Throws ExecPrepareError when a required environment file cannot be read.
 */
export function buildExecEnvironment(r: ExecSpecRequest, user?: UserRecord): Record<string, string> {
  const env: Record<string, string> = { ...r.managerEnvironment };
  if (env.PATH === undefined) env.PATH = DEFAULT_EXEC_PATH;
  if (user) {
    // Only enlightening values: no HOME of "/", no nologin SHELL (the manager's stay then).
    const home = cleanHome(user.home);
    const shell = cleanShell(user.shell);
    if (home) env.HOME = home;
    env.LOGNAME = user.name;
    env.USER = user.name;
    if (shell) env.SHELL = shell;
  }
  if (r.invocationId) env.INVOCATION_ID = r.invocationId;
  if (r.scope === 'user' && r.managerPid) env.MANAGERPID = String(r.managerPid);
  const term = terminalType(r.context, r.managerEnvironment, r.managerPid === 1);
  if (term) env.TERM = term;
  Object.assign(env, r.environment ?? {});
  // ExecSearchPath= is $PATH too, unless PassEnvironment=/Environment=/EnvironmentFile= set one below.
  if (r.context.misc.execSearchPath.length > 0) env.PATH = r.context.misc.execSearchPath.join(':');
  for (const name of r.context.passEnvironment) {
    const v = r.managerEnvironment[name];
    if (v !== undefined) env[name] = v;
  }
  for (const a of r.context.environment) assign(env, a);
  for (const file of r.context.environmentFiles) {
    let lines: string[];
    try {
      lines = readEnvironmentFile(file);
    } catch (e) {
      throw new ExecPrepareError(`Failed to load environment files: ${(e as Error).message}`, 'ENVIRONMENT', ExecExitStatus.MEMORY);
    }
    for (const a of lines) assign(env, a);
  }
  for (const u of r.context.unsetEnvironment) {
    const eq = u.indexOf('=');
    if (eq < 0) delete env[u];
    else if (env[u.slice(0, eq)] === u.slice(eq + 1)) delete env[u.slice(0, eq)];
  }
  return env;
}

function assign(env: Record<string, string>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
}

/**
 * Builds the ExecSpec of one command. The `+` and `!` prefixes run it without User=/Group=;
 * `:` leaves `$VAR` alone; argv[0] comes from the command (the `@` prefix was applied by the parser).
 * Journal-bound streams are opened on `output` here: call `spawned(pid)` on each of
 * `captured` after the spawn.
 */
export function buildExecSpec(r: ExecSpecRequest): PreparedExec {
  const captured: CapturedStream[] = [];
  try {
    return buildExecSpecInto(r, captured);
  } catch (e) {
    // Streams opened before the failure would leak their pipes.
    for (const c of captured) c.abort();
    throw e;
  }
}

function buildExecSpecInto(r: ExecSpecRequest, captured: CapturedStream[]): PreparedExec {
  const ctx = r.context;
  const plan = prepareChildSteps(r);
  const { user } = plan;
  const env = buildExecEnvironment(r, user);
  Object.assign(env, plan.environment);
  if (plan.dynamicName) {
    env.USER = plan.dynamicName;
    env.LOGNAME = plan.dynamicName;
  }
  const argv = r.command.flags.noEnvExpand ? [...r.command.argv] : expandExecEnvironment(r.command.argv, env);

  let cwd: string | undefined;
  let cwdMissingOk = false;
  const wd = ctx.workingDirectory;
  if (wd) {
    cwd = wd.home ? ((user ? cleanHome(user.home) : undefined) ?? env.HOME ?? '/') : wd.path;
    cwdMissingOk = wd.missingOk;
  } else if (r.scope === 'user') {
    // The user manager starts processes in the home directory, missing being fine ("!/root" in show).
    cwd = r.managerEnvironment.HOME ?? '/';
    cwdMissingOk = true;
  }

  const identifier = ctx.syslogIdentifier ?? basename(argv[0] ?? r.command.path);
  const socket: StdioSpec | undefined = r.socketFd !== undefined ? { kind: 'fd', fd: r.socketFd } : undefined;
  // StandardInput/Output/Error=fd:NAME: among the fds this process is handed (exec-named-fds.ts).
  const wanted = [ctx.stdin, ctx.stdout, ctx.stderr].map((st, i) => (st.kind === 'fd' ? streamFdName(st, i as 0 | 1 | 2) : undefined)) as [string | undefined, string | undefined, string | undefined];
  const named = wanted.some((w) => w !== undefined) ? namedStreamFds(wanted, r.fds ?? []) : [undefined, undefined, undefined];
  if (!named) throw new Error('Failed to load a named file descriptor: No such file or directory');
  const namedFd = (i: 0 | 1 | 2): StdioSpec => ({ kind: 'fd', fd: named[i]! });
  const ttyPath = terminalPath(ctx.terminal);
  const ttyInput = isTerminalInput(ctx.stdin);
  let stdin: StdioSpec;
  switch (ctx.stdin.kind) {
    case 'socket':
      stdin = socket ?? { kind: 'null' };
      break;
    case 'file':
      stdin = { kind: 'file', path: ctx.stdin.path, mode: 'read' };
      break;
    case 'fd':
      stdin = namedFd(0);
      break;
    case 'data':
      stdin = ctx.stdinData.length > 0 ? { kind: 'data', data: ctx.stdinData } : { kind: 'null' };
      break;
    case 'tty':
    case 'tty-force':
    case 'tty-fail':
      // ExecStop=/ExecReload= of a service do not take the terminal (systemd's EXEC_APPLY_TTY_STDIN).
      stdin = r.noTerminalInput ? { kind: 'null' } : { kind: 'terminal', path: ttyPath, acquire: ctx.stdin.kind === 'tty-force' ? 'force' : ctx.stdin.kind === 'tty-fail' ? 'try' : 'wait' };
      break;
    default:
      stdin = { kind: 'null' };
  }
  const journal = (): StdioSpec => {
    if (!r.output) return { kind: 'inherit' };
    const l = ctx.logging;
    const s = r.output.open(r.unitName, identifier, ctx.syslogLevel, {
      levelPrefix: l.levelPrefix,
      ...(l.levelMax !== undefined ? { levelMax: l.levelMax } : {}),
      ...(l.rateLimitIntervalUsec > 0 && l.rateLimitBurst > 0 ? { rateLimit: { intervalUsec: l.rateLimitIntervalUsec, burst: l.rateLimitBurst } } : {}),
    });
    captured.push(s);
    return { kind: 'fd', fd: s.fd };
  };
  const mapOutput = (o: ExecOutput, inherited: StdioSpec, stream: 1 | 2): StdioSpec => {
    switch (o.kind) {
      case 'fd':
        return namedFd(stream);
      case 'inherit':
        return inherited;
      case 'null':
        return { kind: 'null' };
      case 'socket':
        return socket ?? { kind: 'null' };
      case 'tty':
        // The child duplicates fd 0 when it is this terminal, else opens it for writing.
        return { kind: 'terminal', path: ttyPath };
      case 'file':
        return { kind: 'file', path: o.path, mode: 'write' };
      case 'append':
        return { kind: 'file', path: o.path, mode: 'append' };
      case 'truncate':
        return { kind: 'file', path: o.path, mode: 'truncate' };
      case 'journal':
      case 'kmsg':
      case 'syslog':
      case 'journal+console':
      case 'kmsg+console':
      case 'syslog+console':
        return journal();
    }
  };
  // stdout "inherit" takes stdin when that is a socket, a named fd or a terminal (also when this command did
  // not take the terminal as its input: it still writes to it), the manager's stdout otherwise.
  const inheritedOut: StdioSpec = ctx.stdin.kind === 'socket' || ctx.stdin.kind === 'fd' ? stdin : ttyInput ? { kind: 'terminal', path: ttyPath } : { kind: 'inherit' };
  const stdout = mapOutput(ctx.stdout, inheritedOut, 1);
  // stderr shares stdout's stream when it inherits, or when both go to the journal (one stream, as systemd does).
  const sameJournal = isJournal(ctx.stdout) && isJournal(ctx.stderr) && ctx.stdout.kind === ctx.stderr.kind;
  const stderr = sameJournal ? stdout : mapOutput(ctx.stderr, stdout, 2);

  const spec: ExecSpec = {
    path: resolveExecPath(r.command.path, ctx.misc.execSearchPath),
    argv,
    env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    stdin,
    stdout,
    stderr,
    umask: ctx.umask,
    newSession: true,
    ignoreSigpipe: ctx.ignoreSigpipe,
    unit: r.unitName,
  };
  const t = ctx.terminal;
  if (stdin.kind === 'terminal' && (t.ttyReset || t.ttyVHangup || t.ttyVTDisallocate || t.ttyRows !== undefined || t.ttyColumns !== undefined)) {
    spec.terminalReset = { reset: t.ttyReset, vhangup: t.ttyVHangup, vtDisallocate: t.ttyVTDisallocate };
    if (t.ttyRows !== undefined) spec.terminalReset.rows = t.ttyRows;
    if (t.ttyColumns !== undefined) spec.terminalReset.columns = t.ttyColumns;
  }
  if (ctx.nice !== undefined) spec.nice = ctx.nice;
  if (ctx.ioScheduling) {
    spec.ioSchedulingClass = ctx.ioScheduling.class;
    spec.ioSchedulingPriority = ctx.ioScheduling.priority;
  }
  if (cwd !== undefined) {
    spec.cwd = cwd;
    if (cwdMissingOk) spec.cwdMissingOk = true;
  }
  if (!(r.command.flags.fullPrivileges || r.command.flags.noSetuid)) {
    if (plan.uid !== undefined) spec.uid = plan.uid;
    if (plan.gid !== undefined) spec.gid = plan.gid;
    if (plan.groups) spec.supplementaryGroups = plan.groups;
  }
  if (plan.failure) spec.failure = plan.failure;
  else if (plan.namespace) spec.namespace = plan.namespace;
  // Process attributes, capabilities and syscall filters: applied by the spawner in the child, at
  // exec_child()'s places (attributes before the user change, NoNewPrivileges= last).
  const sandboxed = !r.command.flags.fullPrivileges;
  let seccomp = sandboxed ? buildSeccompFilters(ctx.seccomp, { personality: ctx.privileges.personality, dynamicUser: ctx.dynamicUser }) : [];
  if (seccomp.length > 0 && !seccompAvailable()) {
    for (const what of new Set(seccomp.map((f) => f.what))) r.warn?.(`SECCOMP features not detected in the kernel, skipping ${what}`);
    seccomp = [];
  }
  const privileges = buildPrivilegesSpec(ctx.privileges, {
    scope: r.scope, invocationId: r.invocationId, fullPrivileges: !sandboxed, seccomp: seccomp.length > 0,
  });
  const labels = sandboxed ? securityLabelWrites(ctx.misc) : [];
  if (privileges || labels.length > 0) spec.privileges = { ...privileges, ...(labels.length > 0 ? { securityLabels: labels } : {}) };
  if (seccomp.length > 0) spec.seccomp = seccomp;
  const rlimits = { ...ctx.limits };
  // systemd hands services a soft NOFILE of 1024 (DefaultLimitNOFILESoft) whatever it raised its
  // own to, so select()-based programs keep working; Node raised ours at start-up.
  // processDefaults() already holds the lowered value that show prints.
  const inheritedNoFile = processDefaults().limits.NOFILE;
  if (!rlimits.NOFILE && inheritedNoFile) rlimits.NOFILE = { ...inheritedNoFile };
  if (Object.keys(rlimits).length > 0) spec.rlimits = rlimits;
  if (r.fds && r.fds.length > 0) {
    spec.fds = r.fds.map((f) => f.fd);
    if (r.passListenFds) spec.listenFdNames = r.fds.map((f) => f.name);
  }
  if (r.cgroupPath) spec.cgroupPath = r.cgroupPath;
  // Only the child knows its pid; the spawner fills it in (systemd sets it for every process it starts).
  spec.pidEnvironment = ['SYSTEMD_EXEC_PID'];
  return plan.message !== undefined ? { spec, captured, failureMessage: plan.message } : { spec, captured };
}

function isJournal(o: ExecOutput): boolean {
  return ['journal', 'kmsg', 'syslog', 'journal+console', 'kmsg+console', 'syslog+console'].includes(o.kind);
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** What the steps the manager runs for the child (credentials, directories…) leave for the spec. */
interface ChildPlan {
  user?: UserRecord;
  /** The DynamicUser= name, set as USER/LOGNAME. */
  dynamicName?: string;
  uid?: number;
  gid?: number;
  groups?: number[];
  /** $RUNTIME_DIRECTORY…, $CREDENTIALS_DIRECTORY. */
  environment: Record<string, string>;
  /** The first step that failed: the child exits with its status there. */
  failure?: { step: string; status: number; errno: number };
  /** The namespace operations (PrivateTmp=, ProtectSystem=, PrivateNetwork=…). */
  namespace?: NamespaceSpec;
}

/** An errno number for a code ('ESRCH' → 3), as the spawner reports failures. */
function errnoNumber(code: string | undefined): number {
  const errno = nodeOs().constants.errno as Record<string, number>;
  return (code ? errno[code] : undefined) ?? errno.EIO!;
}

/**
 * One step of systemd's exec_child() that the manager runs before the spawn, in systemd's order.
 * A step returns normally, or throws a StepFailure: later steps are skipped and the child fails
 * at that step. The sandboxing steps (namespaces, capabilities, seccomp…) slot into this list.
 */
interface ChildStep {
  name: string;
  run(r: ExecSpecRequest, plan: ChildPlan): void;
}

/** A step that failed, with systemd's step name, exit status and the message of its log line. */
export class StepFailure extends Error {
  constructor(message: string, readonly step: string, readonly status: number, readonly code: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

const runtimePrefixOf = (r: ExecSpecRequest): string | undefined => execDirectoryPrefixes(r.scope, r.managerEnvironment).Runtime;

/** The owner systemd gives directories and credentials: the system manager chowns (root when no User=); the user manager never does. */
function ownerOf(r: ExecSpecRequest, plan: ChildPlan): { uid: number; gid: number } | undefined {
  if (r.scope !== 'system') return undefined;
  return { uid: plan.uid ?? 0, gid: plan.gid ?? 0 };
}

/** exec_child()'s steps up to the user change, in systemd's order. */
const CHILD_STEPS: ChildStep[] = [
  {
    // get_fixed_user() / dynamic_creds_realize(): 217/USER.
    name: 'USER',
    run(r, plan) {
      const ctx = r.context;
      const users = r.users ?? noUserDatabase;
      if (ctx.dynamicUser) {
        const name = ctx.user ?? dynamicUserName(r.unitName);
        // A name NSS knows statically is used as it is (systemd: "Dynamic user … already exists").
        const existing = ctx.user !== undefined ? resolveUser(users, ctx.user) : users.userByName(name);
        if (existing) {
          plan.user = existing;
          plan.uid = existing.uid;
          plan.gid = existing.gid;
          return;
        }
        const lockDir = dynamicUidDirectory(r.runtimeDirectory ?? defaultUnitkitRuntimeDirectory(r.scope, r.managerEnvironment));
        let uid: number;
        try {
          uid = allocateDynamicUser(lockDir, name, users);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? 'EBUSY';
          throw new StepFailure(`Failed to update dynamic user credentials: ${errnoText(e as NodeJS.ErrnoException)}`, 'USER', ExecExitStatus.USER, code);
        }
        plan.dynamicName = name;
        plan.uid = uid;
        plan.gid = uid;
        return;
      }
      if (ctx.user === undefined) return;
      let user: UserRecord | undefined;
      try {
        user = resolveUser(users, ctx.user);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new StepFailure(`Failed to determine user credentials: ${errnoText(err)}`, 'USER', ExecExitStatus.USER, err.code ?? 'EIO');
      }
      if (!user) throw new StepFailure('Failed to determine user credentials: No such process', 'USER', ExecExitStatus.USER, 'ESRCH');
      plan.user = user;
      plan.uid = user.uid;
      plan.gid = user.gid;
    },
  },
  {
    // get_fixed_group() and get_supplementary_groups(): 216/GROUP.
    name: 'GROUP',
    run(r, plan) {
      const ctx = r.context;
      const users = r.users ?? noUserDatabase;
      const lookup = (g: string, what: string): number => {
        let found;
        try {
          found = resolveGroup(users, g);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new StepFailure(`${what}: ${errnoText(err)}`, 'GROUP', ExecExitStatus.GROUP, err.code ?? 'EIO');
        }
        if (!found) throw new StepFailure(`${what}: No such process`, 'GROUP', ExecExitStatus.GROUP, 'ESRCH');
        return found.gid;
      };
      if (ctx.group !== undefined && !ctx.dynamicUser) plan.gid = lookup(ctx.group, 'Failed to determine group credentials');
      if (ctx.supplementaryGroups.length > 0) plan.groups = ctx.supplementaryGroups.map((g) => lookup(g, 'Failed to determine supplementary groups'));
    },
  },
  {
    // setup_exec_directory() for each kind: 233, 238, 239, 240, 241.
    name: 'DIRECTORIES',
    run(r, plan) {
      const prefixes = execDirectoryPrefixes(r.scope, r.managerEnvironment);
      Object.assign(plan.environment, execDirectoryEnvironment(r.context.directories, prefixes));
      try {
        setupExecDirectories(r.context.directories, { prefixes, owner: ownerOf(r, plan), dynamicUser: r.context.dynamicUser, warn: r.warn, info: r.info });
      } catch (e) {
        if (!(e instanceof ExecDirectoryError)) throw e;
        const f = EXEC_DIRECTORY_FAILURE[e.type];
        throw new StepFailure(e.message, f.step, f.status, e.code);
      }
    },
  },
  {
    // setup_credentials(): 243/CREDENTIALS.
    name: 'CREDENTIALS',
    run(r, plan) {
      const ctx = r.context;
      if (ctx.loadCredentials.length === 0 && ctx.setCredentials.length === 0) return;
      const prefix = runtimePrefixOf(r);
      if (!prefix) return;
      const dir = credentialsDirectory(prefix, r.unitName);
      plan.environment.CREDENTIALS_DIRECTORY = dir;
      try {
        setupCredentials(dir, ctx.loadCredentials, ctx.setCredentials, r.scope === 'system' ? { uid: plan.uid ?? 0, gid: plan.gid ?? 0 } : undefined, r.managerEnvironment.CREDENTIALS_DIRECTORY, r.mounts);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const message = e instanceof CredentialsError ? e.message : `Failed to set up credentials: ${errnoText(err)}`;
        throw new StepFailure(message, 'CREDENTIALS', ExecExitStatus.CREDENTIALS, (e as CredentialsError).code ?? err.code ?? 'EIO');
      }
    },
  },
  {
    // setup_pam(): 224/PAM. unitkit opens no PAM sessions; a unit that needs one must not run without it.
    name: 'PAM',
    run(r) {
      if (r.context.pamName === undefined) return;
      throw new StepFailure(`PAM sessions are not supported by unitkit (PAMName=${r.context.pamName}): Operation not supported`, 'PAM', ExecExitStatus.PAM, 'EOPNOTSUPP');
    },
  },
  {
    // PrivateNetwork=, PrivateIPC=, setup_namespace(), ProtectHostname=: 225/NETWORK, 226/NAMESPACE.
    // The "+" prefix runs a command without any sandboxing (EXEC_APPLY_SANDBOXING off).
    name: 'NAMESPACE',
    run(r, plan) {
      if (r.command.flags.fullPrivileges) return;
      try {
        const setuid = !r.command.flags.noSetuid;
        plan.namespace = prepareNamespace({ ...r, uid: setuid ? plan.uid : undefined, gid: setuid ? plan.gid : undefined });
      } catch (e) {
        if (!(e instanceof NamespaceSetupError)) throw e;
        throw new StepFailure(e.message, e.status === ExecExitStatus.NAMESPACE ? 'NAMESPACE' : 'NETWORK', e.status, e.code);
      }
    },
  },
];

/**
 * Runs the child steps for one command in order and stops at the first that fails: its status
 * goes to the child in `failure`, its log line in `message` (the caller logs it before the spawn).
 */
function prepareChildSteps(r: ExecSpecRequest): ChildPlan & { message?: string } {
  const plan: ChildPlan & { message?: string } = { environment: {} };
  for (const step of CHILD_STEPS) {
    try {
      step.run(r, plan);
    } catch (e) {
      if (!(e instanceof StepFailure)) throw e;
      plan.failure = { step: e.step, status: e.status, errno: errnoNumber(e.code) };
      plan.message = e.message;
      break;
    }
  }
  return plan;
}

/** The names of the child steps in the order they run, for documentation and tests. */
export const EXEC_CHILD_STEP_NAMES: readonly string[] = CHILD_STEPS.map((s) => s.name);
