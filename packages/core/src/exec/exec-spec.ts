/**
 * Turns one Exec*= command and the unit's execution context into an ExecSpec: the environment
 * systemd gives a process (its build_environment() and the merge in exec_spawn()), `$VAR`
 * expansion of argv, credentials, working directory, umask, limits and the standard streams.
 */
import { existsSync } from 'node:fs';
import { expandExecEnvironment, readEnvironmentFile, type ExecCommand } from '@unitkit/unit-file';
import type { ExecSpec, StdioSpec } from '../ports/process-spawner.js';
import { ExecExitStatus } from '../ports/process-spawner.js';
import type { CapturedStream, OutputCapture } from '../ports/output-capture.js';
import type { ExecContext, ExecOutput } from './exec-context.js';
import { FileUserDatabase, type UserDatabase, type UserRecord } from './user-database.js';
import { processDefaults } from './process-defaults.js';

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
  /** ExecSpec.cgroupPath, from the unit's scope. */
  cgroupPath?: string;
  /** Where journal/kmsg output goes; without it those streams are inherited from the manager. */
  output?: OutputCapture;
  /** User lookups; /etc/passwd and /etc/group by default. */
  users?: UserDatabase;
}

/** A spec ready to spawn, and the captured streams whose `spawned(pid)` must be called after the spawn. */
export interface PreparedExec {
  spec: ExecSpec;
  captured: CapturedStream[];
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

/** Resolves a bare command name through DEFAULT_EXEC_PATH, as systemd does at load time; absolute paths are kept. */
export function resolveExecPath(path: string): string {
  if (path.startsWith('/')) return path;
  for (const dir of DEFAULT_EXEC_PATH.split(':')) {
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
    env.HOME = user.home;
    env.LOGNAME = user.name;
    env.USER = user.name;
    env.SHELL = user.shell;
  }
  if (r.invocationId) env.INVOCATION_ID = r.invocationId;
  if (r.scope === 'user' && r.managerPid) env.MANAGERPID = String(r.managerPid);
  Object.assign(env, r.environment ?? {});
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
  const users = r.users ?? new FileUserDatabase();
  const privileged = r.command.flags.fullPrivileges || r.command.flags.noSetuid;
  let user: UserRecord | undefined;
  let gid: number | undefined;
  let groups: number[] | undefined;
  if (ctx.user !== undefined) {
    user = users.user(ctx.user);
    if (!user) throw new ExecPrepareError(`Failed to determine user credentials: No such process (user '${ctx.user}' not found)`, 'USER', ExecExitStatus.USER);
    gid = user.gid;
  }
  if (ctx.group !== undefined) {
    gid = users.group(ctx.group);
    if (gid === undefined) throw new ExecPrepareError(`Failed to determine group credentials: No such process (group '${ctx.group}' not found)`, 'GROUP', ExecExitStatus.GROUP);
  }
  if (ctx.supplementaryGroups.length > 0) {
    groups = ctx.supplementaryGroups.map((g) => {
      const n = users.group(g);
      if (n === undefined) throw new ExecPrepareError(`Failed to determine supplementary groups: group '${g}' not found`, 'GROUP', ExecExitStatus.GROUP);
      return n;
    });
  }
  const env = buildExecEnvironment(r, user);
  const argv = r.command.flags.noEnvExpand ? [...r.command.argv] : expandExecEnvironment(r.command.argv, env);

  let cwd: string | undefined;
  let cwdMissingOk = false;
  const wd = ctx.workingDirectory;
  if (wd) {
    cwd = wd.home ? (user?.home ?? env.HOME ?? '/') : wd.path;
    cwdMissingOk = wd.missingOk;
  } else if (r.scope === 'user') {
    // The user manager starts processes in the home directory, missing being fine ("!/root" in show).
    cwd = r.managerEnvironment.HOME ?? '/';
    cwdMissingOk = true;
  }

  const identifier = ctx.syslogIdentifier ?? basename(argv[0] ?? r.command.path);
  const socket: StdioSpec | undefined = r.socketFd !== undefined ? { kind: 'fd', fd: r.socketFd } : undefined;
  let stdin: StdioSpec;
  switch (ctx.stdin.kind) {
    case 'socket':
      stdin = socket ?? { kind: 'null' };
      break;
    case 'file':
      stdin = { kind: 'file', path: ctx.stdin.path, mode: 'read' };
      break;
    default:
      stdin = { kind: 'null' };
  }
  const journal = (): StdioSpec => {
    if (!r.output) return { kind: 'inherit' };
    const s = r.output.open(r.unitName, identifier, ctx.syslogLevel);
    captured.push(s);
    return { kind: 'fd', fd: s.fd };
  };
  const mapOutput = (o: ExecOutput, inherited: StdioSpec): StdioSpec => {
    switch (o.kind) {
      case 'inherit':
        return inherited;
      case 'null':
        return { kind: 'null' };
      case 'socket':
        return socket ?? { kind: 'null' };
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
      default:
        // tty and fd:NAME are not supported: the stream is the manager's.
        return { kind: 'inherit' };
    }
  };
  // stdout "inherit" takes stdin when that is a socket (or a tty), the manager's stdout otherwise.
  const stdout = mapOutput(ctx.stdout, ctx.stdin.kind === 'socket' ? stdin : { kind: 'inherit' });
  // stderr shares stdout's stream when it inherits, or when both go to the journal (one stream, as systemd does).
  const sameJournal = isJournal(ctx.stdout) && isJournal(ctx.stderr) && ctx.stdout.kind === ctx.stderr.kind;
  const stderr = sameJournal ? stdout : mapOutput(ctx.stderr, stdout);

  const spec: ExecSpec = {
    path: resolveExecPath(r.command.path),
    argv,
    env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    stdin,
    stdout,
    stderr,
    umask: ctx.umask,
    newSession: true,
    unit: r.unitName,
  };
  if (ctx.nice !== undefined) spec.nice = ctx.nice;
  if (ctx.ioScheduling) {
    spec.ioSchedulingClass = ctx.ioScheduling.class;
    spec.ioSchedulingPriority = ctx.ioScheduling.priority;
  }
  if (cwd !== undefined) {
    spec.cwd = cwd;
    if (cwdMissingOk) spec.cwdMissingOk = true;
  }
  if (!privileged) {
    if (user) spec.uid = user.uid;
    if (gid !== undefined) spec.gid = gid;
    if (groups) spec.supplementaryGroups = groups;
  }
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
  return { spec, captured };
}

function isJournal(o: ExecOutput): boolean {
  return ['journal', 'kmsg', 'syslog', 'journal+console', 'kmsg+console', 'syslog+console'].includes(o.kind);
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}
