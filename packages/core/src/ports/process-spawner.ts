/**
 * The process spawner port: starts one program exactly as an ExecSpec describes. The production
 * implementation forks and execs through `@unitkit/native`; the fake of `@unitkit/testing` records
 * the spec and lets a test decide when the process exits.
 */
import type { PrivilegesSpec, SeccompFilterSpec } from './process-privileges.js';

/** Where one of the standard streams of a child comes from or goes to. */
export type StdioSpec =
  | { kind: 'null' }
  | { kind: 'inherit' }
  /** An fd of the manager, duplicated onto the stream (a socket for StandardInput=socket, a pipe to the journal…). */
  | { kind: 'fd'; fd: number }
  /** A file opened by the child: 'read' for input, 'write' (no truncation, as file:), 'append', 'truncate'. */
  | { kind: 'file'; path: string; mode: 'read' | 'write' | 'append' | 'truncate' }
  /** Bytes to read (StandardInput=data): the spawner hands the child a sealed memory file holding them. */
  | { kind: 'data'; data: Uint8Array }
  /**
   * A terminal the child opens (StandardInput=tty*, StandardOutput=tty). As stdin it becomes the
   * child's controlling terminal: 'try' fails when another session has it, 'force' takes it away,
   * 'wait' should wait for it (the native spawner cannot block, so it fails as 'try'). As stdout
   * or stderr, the same terminal as an earlier stream is that stream's fd duplicated, another one
   * is opened for writing.
   */
  | { kind: 'terminal'; path: string; acquire?: 'wait' | 'try' | 'force' };

/** TTYReset=, TTYVHangup=, TTYVTDisallocate=: done to the input terminal before the child takes it. */
export interface TerminalResetSpec {
  /** Sane line settings (canonical mode, echo, ^C…), exclusive mode off, queues flushed. */
  reset: boolean;
  /** Hang up the terminal's other users (vhangup) first. */
  vhangup: boolean;
  /** A virtual console /dev/ttyN is deallocated (or cleared when in use). */
  vtDisallocate: boolean;
  /** TTYRows=/TTYColumns=: set on the terminal once taken (TIOCSWINSZ); absent ones are left as they are. */
  rows?: number;
  columns?: number;
}

/** A resource limit, as setrlimit() takes it; `Infinity` is RLIM_INFINITY. */
export interface RlimitSpec {
  soft: number;
  hard: number;
}

/** Everything needed to start one process. */
export interface ExecSpec {
  /** The program to execute (absolute path). */
  path: string;
  /** The full argument vector, argv[0] included. */
  argv: string[];
  /** The complete environment of the child, as KEY=VALUE strings. */
  env: string[];
  /** Working directory; when unset, `/` as systemd does. `missingOk` mirrors the `-` prefix of WorkingDirectory=. */
  cwd?: string;
  cwdMissingOk?: boolean;
  uid?: number;
  gid?: number;
  supplementaryGroups?: number[];
  umask?: number;
  /** Nice= level (-20…19); as close to it as the process may go when lowering is not permitted. */
  nice?: number;
  /** IOSchedulingClass= (0 none, 1 realtime, 2 best-effort, 3 idle) with `ioSchedulingPriority` (0…7). */
  ioSchedulingClass?: number;
  ioSchedulingPriority?: number;
  /** Start a new session (setsid), as systemd does for every service process. */
  newSession?: boolean;
  /** Start with SIGPIPE ignored (IgnoreSIGPIPE=, true for every service by default in systemd). */
  ignoreSigpipe?: boolean;
  stdin: StdioSpec;
  stdout: StdioSpec;
  stderr: StdioSpec;
  /** With a `terminal` stdin: what is done to the terminal before the child takes it. */
  terminalReset?: TerminalResetSpec;
  /**
   * Fds of the manager placed at 3, 4, … in the child with CLOEXEC cleared; every other fd above 2
   * is closed. Used for LISTEN_FDS hand-over and stored fds.
   */
  fds?: number[];
  /**
   * When set, LISTEN_PID (the child's own pid), LISTEN_FDS (the number of `fds`) and
   * LISTEN_FDNAMES (these names joined by ':') are added to the environment in the child.
   */
  listenFdNames?: string[];
  /**
   * Variables to set to the child's own pid, which only the child knows: WATCHDOG_PID,
   * SYSTEMD_EXEC_PID (LISTEN_PID comes with `listenFdNames`). Entries of `env` with these names
   * are replaced.
   */
  pidEnvironment?: string[];
  /** Resource limits by name as systemd spells them: NOFILE, NPROC, CORE, … */
  rlimits?: Partial<Record<string, RlimitSpec>>;
  /** A cgroup directory (absolute path under the cgroup2 mount) the child joins before exec. */
  cgroupPath?: string;
  /**
   * A step of systemd's exec_child() the manager ran on the child's behalf before the spawn and
   * saw fail (User= unknown, a StateDirectory= that cannot be created, credentials…): the child
   * exits with `status` before it execs, and the spawner reports `step` and `errno` (a number of
   * os.constants.errno) as for a failure of its own.
   */
  failure?: { step: string; status: number; errno: number };
  /** Process attributes and capabilities applied in the child (exec-privileges.ts). */
  privileges?: PrivilegesSpec;
  /** Seccomp filters loaded in the child right before execve() (exec-seccomp.ts). */
  seccomp?: SeccompFilterSpec[];
  /**
   * The namespaces and mount sandbox (PrivateTmp=, ProtectSystem=, PrivateNetwork=…) as a flat
   * list of operations the child runs in order where systemd's exec_child() sets up namespaces:
   * after credentials and directories, before the user change. Built by core (namespace-plan.ts).
   */
  namespace?: NamespaceSpec;
  /** Only for diagnostics: the unit this process belongs to. */
  unit?: string;
}

/**
 * What a namespace operation does: unshare(flags); mkdir/mkfile (a mount point; existing is
 * fine); mount(source, target, fstype, flags, data); umount-all (detach target and what is stacked
 * on it); setattr (set/clear MOUNT_ATTR_* bits on the one mount at target, or a bind remount with
 * `flags` where mount_setattr() is missing); mknod; symlink (source is the link text);
 * loopback-up ("lo" up); enter-root (target becomes / with MS_MOVE and chroot); userns
 * (unshare(CLONE_NEWUSER), then a helper outside writes `data` as uid_map and `source` as gid_map,
 * "deny" to setgroups first when `flags` has bit 1); setns (join the namespace file `target`, of
 * type `flags`).
 */
export type NamespaceOpKind = 'unshare' | 'mkdir' | 'mkfile' | 'mount' | 'umount-all' | 'setattr' | 'mknod' | 'symlink' | 'loopback-up' | 'enter-root' | 'userns' | 'setns';

/** One operation of a {@link NamespaceSpec}. */
export interface NamespaceOp {
  op: NamespaceOpKind;
  source?: string;
  target?: string;
  fstype?: string;
  data?: string;
  /** unshare(2) CLONE_* flags, mount(2) MS_* flags. */
  flags?: number;
  /** MOUNT_ATTR_* bits for setattr. */
  set?: number;
  clear?: number;
  mode?: number;
  dev?: number;
  /** ENOENT is not an error (the "-" prefix, systemd's optional entries). */
  optional?: boolean;
  /** No error is an error. */
  bestEffort?: boolean;
  /** The exit status when the operation fails; 226/NAMESPACE when unset. */
  status?: number;
  /** unshare only: when the kernel refuses (EPERM, ENOSYS…), skip to this index instead of failing. */
  skipTo?: number;
}

/** The namespace operations of one process. */
export interface NamespaceSpec {
  ops: NamespaceOp[];
}

/**
 * Why a child could not run what it was asked to, reported by the child as systemd's exit
 * statuses (systemd.exec(5), "Process Exit Codes"): the parent sees an ordinary exit with it.
 */
export const ExecExitStatus = {
  CHDIR: 200,
  NICE: 201,
  FDS: 202,
  EXEC: 203,
  MEMORY: 204,
  LIMITS: 205,
  OOM_ADJUST: 206,
  SIGNAL_MASK: 207,
  STDIN: 208,
  STDOUT: 209,
  CHROOT: 210,
  IOPRIO: 211,
  TIMERSLACK: 212,
  SECUREBITS: 213,
  SETSCHEDULER: 214,
  CPUAFFINITY: 215,
  GROUP: 216,
  USER: 217,
  CAPABILITIES: 218,
  CGROUP: 219,
  SETSID: 220,
  CONFIRM: 221,
  STDERR: 222,
  PAM: 224,
  NETWORK: 225,
  NAMESPACE: 226,
  NO_NEW_PRIVILEGES: 227,
  SECCOMP: 228,
  SELINUX_CONTEXT: 229,
  PERSONALITY: 230,
  APPARMOR_PROFILE: 231,
  ADDRESS_FAMILIES: 232,
  RUNTIME_DIRECTORY: 233,
  CHOWN: 235,
  SMACK_PROCESS_LABEL: 236,
  KEYRING: 237,
  STATE_DIRECTORY: 238,
  CACHE_DIRECTORY: 239,
  LOGS_DIRECTORY: 240,
  CONFIGURATION_DIRECTORY: 241,
  NUMA_POLICY: 242,
  CREDENTIALS: 243,
  BPF: 245,
} as const;

/** A spawned process. */
export interface SpawnedProcess {
  pid: number;
  /**
   * Set when the spawner already knows the child failed before exec (it still exits with
   * `status`, e.g. 203 for EXEC, and is reaped as usual): lets the caller log systemd's
   * "Failed at step EXEC spawning …: No such file or directory".
   */
  failure?: { step: string; status: number; code?: string; message?: string };
  /** The kernel refused a namespace and the process runs without it (systemd's containerized fallback). */
  namespaceSkipped?: boolean;
}

/** Token and interface of the process spawner port. */
export const ProcessSpawner = Symbol('ProcessSpawner');
export interface ProcessSpawner {
  /**
   * Forks and execs `spec`. Returns once the child exists; failures inside the child (chdir, exec,
   * setuid…) are not thrown but end the child with the matching ExecExitStatus, as systemd's do.
   * Throws (an Error with an errno `code`) only when no child could be created at all.
   * The child's exit reaches the manager through EventLoop.onChildExit.
   */
  spawn(spec: ExecSpec): SpawnedProcess;
  /** Sends `signal` (a number) to a process; false when it no longer exists (ESRCH). */
  kill(pid: number, signal: number): boolean;
  /** Sends `signal` to a process group; false when it no longer exists. */
  killGroup(pgid: number, signal: number): boolean;
}
