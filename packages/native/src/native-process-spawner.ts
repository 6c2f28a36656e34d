/**
 * The production ProcessSpawner of core: an ExecSpec becomes a plan for the C spawner
 * (csrc/spawn.c), which starts the child with clone(CLONE_VM|CLONE_VFORK) and execve().
 */
import { constants } from 'node:fs';
import type { ExecSpec, Logger, NamespaceOp, NamespaceOpKind, ProcessSpawner, SpawnedProcess, StdioSpec } from '@unitkit/core';
import { addon, type ErrnoError, type RawNamespaceOp, type RawSpawnPlan, type RawStdio } from './addon.js';
import { rlimitResource } from './process-ops.js';
import { closeFd, memfdSealed } from './fd-ops.js';

const fileFlags: Record<'read' | 'write' | 'append' | 'truncate', number> = {
  read: constants.O_RDONLY,
  write: constants.O_WRONLY | constants.O_CREAT,
  append: constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND,
  truncate: constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC,
};

function rawStdio(spec: StdioSpec): RawStdio {
  switch (spec.kind) {
    case 'file':
      return { kind: 'file', path: spec.path, flags: fileFlags[spec.mode] };
    case 'terminal':
      // 'wait' cannot block the vfork child (the manager waits for its exec): it fails as 'try'.
      return spec.acquire ? { kind: 'terminal', path: spec.path, acquire: spec.acquire === 'force' ? 'force' : 'try' } : { kind: 'terminal', path: spec.path };
    case 'data':
      throw new Error('StandardInput=data reaches the plan as a memory file: see NativeProcessSpawner.spawn()');
    default:
      return spec;
  }
}

/** The numbers of csrc/namespaces.c's operations. */
const namespaceOpCodes: Record<NamespaceOpKind, number> = {
  unshare: 0, mkdir: 1, mkfile: 2, mount: 3, 'umount-all': 4, setattr: 5, mknod: 6, symlink: 7, 'loopback-up': 8, 'enter-root': 9, userns: 10, setns: 11,
};

function rawNamespaceOp(o: NamespaceOp): RawNamespaceOp {
  const raw: RawNamespaceOp = { op: namespaceOpCodes[o.op] };
  for (const k of ['source', 'target', 'fstype', 'data', 'flags', 'set', 'clear', 'mode', 'dev', 'optional', 'bestEffort', 'status', 'skipTo'] as const) {
    if (o[k] !== undefined) (raw as unknown as Record<string, unknown>)[k] = o[k];
  }
  return raw;
}

const listenVariables = /^LISTEN_(PID|FDS|FDNAMES)=/;

/**
 * Translates an ExecSpec into the C spawner's plan. Exported for tests and for callers that want to
 * inspect what would be executed; throws before any fork for specs that cannot be expressed.
 */
export function toSpawnPlan(spec: ExecSpec): RawSpawnPlan {
  let env = spec.env;
  const fds = spec.fds ?? [];
  const pidEnv = [...(spec.pidEnvironment ?? [])];
  if (spec.listenFdNames) {
    // Stale values inherited from the manager's own activation must not reach the service.
    env = env.filter((e) => !listenVariables.test(e));
    env.push(`LISTEN_FDS=${fds.length}`, `LISTEN_FDNAMES=${spec.listenFdNames.join(':')}`);
    pidEnv.unshift('LISTEN_PID');
  }
  if (pidEnv.length > 0) env = env.filter((e) => !pidEnv.includes(e.slice(0, e.indexOf('='))));
  const plan: RawSpawnPlan = {
    path: spec.path,
    argv: spec.argv,
    env,
    pidEnv,
    cwdMissingOk: spec.cwdMissingOk ?? false,
    newSession: spec.newSession ?? false,
    ignoreSigpipe: spec.ignoreSigpipe ?? false,
    stdin: rawStdio(spec.stdin),
    stdout: rawStdio(spec.stdout),
    stderr: rawStdio(spec.stderr),
    fds,
  };
  if (spec.terminalReset) plan.terminalReset = { ...spec.terminalReset };
  if (spec.cwd !== undefined) plan.cwd = spec.cwd;
  if (spec.uid !== undefined) plan.uid = spec.uid;
  if (spec.gid !== undefined) plan.gid = spec.gid;
  if (spec.supplementaryGroups !== undefined) plan.supplementaryGroups = spec.supplementaryGroups;
  if (spec.umask !== undefined) plan.umask = spec.umask;
  if (spec.nice !== undefined) plan.nice = spec.nice;
  if (spec.ioSchedulingClass !== undefined) plan.ioprio = (spec.ioSchedulingClass << 13) | (spec.ioSchedulingPriority ?? 4);
  if (spec.cgroupPath !== undefined) plan.cgroupPath = spec.cgroupPath;
  if (spec.failure) plan.failure = { ...spec.failure };
  if (spec.privileges) plan.privileges = spec.privileges;
  if (spec.seccomp && spec.seccomp.length > 0) plan.seccomp = spec.seccomp;
  if (spec.namespace) plan.namespace = { ops: spec.namespace.ops.map(rawNamespaceOp) };
  if (spec.rlimits) {
    plan.rlimits = [];
    for (const [name, limit] of Object.entries(spec.rlimits)) {
      if (!limit) continue;
      const resource = rlimitResource[name];
      if (resource === undefined) throw new Error(`Unknown resource limit '${name}' for ${spec.unit ?? spec.path}`);
      plan.rlimits.push({ resource, soft: limit.soft, hard: limit.hard });
    }
  }
  return plan;
}

/** What {@link NativeProcessSpawner.spawn} returns: the pid, and why the child gave up if it did. */
export interface NativeSpawnedProcess extends SpawnedProcess {
  /**
   * Set when the child failed before execve(); it still exits with `failure.status` (203/EXEC,
   * 200/CHDIR…) and is reaped as usual. `code` is the errno name, `step` systemd's step name.
   */
  failure?: ErrnoError & { status: number; step: string };
}

/** Options of {@link NativeProcessSpawner}. */
export interface NativeProcessSpawnerOptions {
  /** Receives "Failed at step EXEC spawning …" lines for children that could not exec. */
  logger?: Logger;
}

/**
 * Spawns through the addon. Never uses child_process: the NativeEventLoop reaper collects every
 * child, so exits arrive through EventLoop.onChildExit.
 */
export class NativeProcessSpawner implements ProcessSpawner {
  private readonly logger: Logger | undefined;

  constructor(options: NativeProcessSpawnerOptions = {}) {
    this.logger = options.logger;
  }

  /** See ProcessSpawner.spawn. Throws an ErrnoError (syscall 'clone') only when no child was created. */
  spawn(spec: ExecSpec): NativeSpawnedProcess {
    // StandardInput=data: the bytes go in a sealed memory file the child gets as fd 0.
    const dataFd = spec.stdin.kind === 'data' ? memfdSealed('data-fd', spec.stdin.data) : undefined;
    let result: ReturnType<typeof addon.spawn>;
    try {
      result = addon.spawn(toSpawnPlan(dataFd === undefined ? spec : { ...spec, stdin: { kind: 'fd', fd: dataFd } }));
    } finally {
      if (dataFd !== undefined) closeFd(dataFd);
    }
    const unit = spec.unit ? { unit: spec.unit } : {};
    if (result.namespaceSkipped && this.logger) {
      // systemd says this at debug level; a protection the unit asked for and did not get is said louder here.
      this.logger.log({ level: 'warning', message: 'Failed to set up namespace, assuming containerized execution and ignoring.', ...unit });
    }
    if (result.failure && this.logger) {
      const f = result.failure;
      const why = f.message.replace(/^[A-Z0-9]+: ([^,]*),.*$/s, '$1');
      if (f.namespacePath) {
        const what = f.status === 225 ? 'Failed to set up network namespacing' : 'Failed to set up mount namespacing';
        this.logger.log({ level: 'err', message: `${what}: ${f.namespacePath}: ${why}`, ...unit });
      }
      const record = { level: 'err' as const, message: `Failed at step ${f.step} spawning ${spec.path}: ${why}` };
      this.logger.log(spec.unit ? { ...record, unit: spec.unit } : record);
    }
    return result;
  }

  /** See ProcessSpawner.kill. */
  kill(pid: number, signal: number): boolean {
    return addon.kill(pid, signal);
  }

  /** See ProcessSpawner.killGroup. */
  killGroup(pgid: number, signal: number): boolean {
    return addon.killpg(pgid, signal);
  }
}
