/**
 * Loads the C addon built by node-gyp at install time and describes its raw surface. Everything
 * else in this package goes through {@link addon}; other packages use the typed wrappers.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { PrivilegesSpec, SeccompFilterSpec } from '@unitkit/core';

/** An address as the C side takes it; see socket-address.ts for the systemd string forms. */
export interface RawAddress {
  family: 'inet' | 'inet6' | 'unix' | 'vsock';
  host?: string;
  port?: number;
  scope?: string;
  path?: string;
  abstract?: boolean;
  cid?: number;
}

/** A socket address as getsockname()/getpeername() report it. */
export interface AddressInfo {
  family: 'inet' | 'inet6' | 'unix' | 'netlink' | 'vsock' | 'unknown';
  /** The address as systemd prints it: `127.0.0.1:80`, `[::1]:80`, `/run/x.sock`, `@name`, `route 1`. */
  text: string;
  host?: string;
  port?: number;
  scopeId?: number;
  path?: string;
  abstract?: boolean;
  protocol?: number;
  groups?: number;
  cid?: number;
}

/** What socketInfo() tells about a socket fd. */
export interface SocketInfo {
  family: number;
  familyName: 'unix' | 'inet' | 'inet6' | 'netlink' | 'vsock' | 'packet' | 'unknown';
  type: number;
  typeName: 'stream' | 'dgram' | 'seqpacket' | 'raw' | 'unknown';
  protocol: number;
  listening: boolean;
}

/** A socket just opened, with the options that could not be applied (systemd only warns about those). */
export interface OpenedSocket {
  fd: number;
  warnings: ErrnoError[];
}

/** Every failure of the addon: an Error whose code is the errno name. */
export interface ErrnoError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
  /** For socket option warnings: the option that failed. */
  option?: string;
}

/** The plan handed to the C spawner (built from an ExecSpec by NativeProcessSpawner). */
export interface RawSpawnPlan {
  path: string;
  argv: string[];
  env: string[];
  /** Variables set to the child's own pid (LISTEN_PID, WATCHDOG_PID, SYSTEMD_EXEC_PID). */
  pidEnv?: string[];
  cwd?: string;
  cwdMissingOk?: boolean;
  uid?: number;
  gid?: number;
  supplementaryGroups?: number[];
  umask?: number;
  newSession?: boolean;
  /** SIGPIPE ignored in the child (IgnoreSIGPIPE=). */
  ignoreSigpipe?: boolean;
  /** setpriority() level (Nice=), as close as permitted. */
  nice?: number;
  /** ioprio_set() value: class << 13 | data (IOSchedulingClass=/IOSchedulingPriority=). */
  ioprio?: number;
  stdin?: RawStdio;
  stdout?: RawStdio;
  stderr?: RawStdio;
  /** TTYReset=, TTYVHangup=, TTYVTDisallocate= for a terminal stdin (csrc/terminal.c). */
  terminalReset?: { reset: boolean; vhangup: boolean; vtDisallocate: boolean; rows?: number; columns?: number };
  fds?: number[];
  rlimits?: { resource: number; soft: number; hard: number }[];
  cgroupPath?: string;
  /** A step the manager already saw fail for this child: it exits with `status` at once. */
  failure?: { step: string; status: number; errno: number };
  /** Process attributes and capabilities (csrc/privileges.c), as ExecSpec.privileges. */
  privileges?: PrivilegesSpec;
  /** Seccomp filters compiled with libseccomp in the parent (csrc/seccomp.c), as ExecSpec.seccomp. */
  seccomp?: SeccompFilterSpec[];
  /** Namespace operations run by the child before the user change (csrc/namespaces.c). */
  namespace?: { ops: RawNamespaceOp[] };
}

/** One namespace operation; `op` is the number of csrc/namespaces.c's enum. */
export interface RawNamespaceOp {
  op: number;
  source?: string;
  target?: string;
  fstype?: string;
  data?: string;
  flags?: number;
  set?: number;
  clear?: number;
  mode?: number;
  dev?: number;
  optional?: boolean;
  bestEffort?: boolean;
  status?: number;
  skipTo?: number;
}

/** A passwd entry from NSS (getpwnam_r/getpwuid_r). */
export interface RawPasswd {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** A group entry from NSS (getgrnam_r/getgrgid_r). */
export interface RawGroup {
  name: string;
  gid: number;
}

/** One standard stream of a RawSpawnPlan; `flags` are open(2) flags for files. */
export type RawStdio =
  | { kind: 'null' }
  | { kind: 'inherit' }
  | { kind: 'fd'; fd: number }
  | { kind: 'file'; path: string; flags: number }
  | { kind: 'terminal'; path: string; acquire?: 'try' | 'force' };

/** What {@link NativeAddon.runCaptured} returns: how the program ended and what it printed. */
export interface CapturedRun {
  /** Exit status, when it exited. */
  status?: number;
  /** Terminating signal number, when a signal ended it. */
  signal?: number;
  /** Its standard output (at most the asked number of bytes). */
  stdout: Buffer;
  /** It ran past the timeout and was killed. */
  timedOut: boolean;
  /** It printed more than allowed and was killed. */
  overflow: boolean;
}

/** Result of the C spawner; `failure` is set when the child gave up before execve(). */
export interface RawSpawnResult {
  pid: number;
  /** `namespacePath`: the path of the namespace operation that failed. */
  failure?: ErrnoError & { status: number; step: string; namespacePath?: string };
  /** The kernel refused a mount or UTS namespace the plan allowed to go without. */
  namespaceSkipped?: boolean;
}

/** One notify datagram, accepted or refused. */
export type RawNotifyMessage =
  | { text: string; pid: number; uid: number; gid: number; fds: number[]; refused?: undefined }
  | { refused: string; size: number; pid?: number };

/** Opaque handle of an fd watch. */
export type RawWatch = { readonly __watch: unique symbol };
/** An opaque signal watch handle (signals.c). */
export type RawSignalWatch = { readonly __signalWatch: unique symbol };

/** The functions the C addon exports (csrc/*.c). */
export interface NativeAddon {
  /** NSS lookups (csrc/users.c): undefined when unknown, throws an ErrnoError when the lookup failed. */
  getpwnam(name: string): RawPasswd | undefined;
  getpwuid(uid: number): RawPasswd | undefined;
  getgrnam(name: string): RawGroup | undefined;
  getgrgid(gid: number): RawGroup | undefined;
  /** mount(2) and umount2(2) (csrc/mounts.c); throw an ErrnoError. */
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  errnoName(errno: number): string;
  close(fd: number): void;
  dup(fd: number, minFd?: number): number;
  dup3(fd: number, target: number, cloexec?: boolean): number;
  setCloexec(fd: number, on: boolean): void;
  getCloexec(fd: number): boolean;
  setNonblock(fd: number, on: boolean): void;
  read(fd: number, max?: number): Buffer | null;
  write(fd: number, data: Buffer): number | null;
  pipe2(nonblock?: boolean): [number, number];
  memfdSealed(name: string, data: Buffer): number;
  sysvIpcRemove(kind: 0 | 1 | 2, id: number): boolean;
  utmpRecord(r: { type: 'init' | 'login' | 'user' | 'dead'; id: string; pid: number; sid?: number; line?: string; user?: string; exitCode?: number; exitStatus?: number; file?: string; wtmp?: string }): boolean;
  openPty(): { master: number; path: string };
  socketpair(type: number, nonblock?: boolean): [number, number];
  fdType(fd: number): string;
  kill(pid: number, signal: number): boolean;
  killpg(pgid: number, signal: number): boolean;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, signal: number): boolean;
  prctl(option: number, arg2?: number): number;
  getChildSubreaper(): boolean;
  getrlimit(resource: number): { soft: number; hard: number };
  setrlimit(resource: number, soft: number, hard: number): void;
  monotonicUsec(): number;
  realtimeUsec(): number;
  limitMallocArenas(arenas: number): boolean;
  trimMalloc(): boolean;
  runCaptured(path: string, argv: string[], env: string[], timeoutMs: number, maxBytes: number): CapturedRun;
  /** A timerfd that becomes readable when CLOCK_REALTIME is set (TFD_TIMER_CANCEL_ON_SET). */
  clockChangeFd(): number;
  /** inotify_init1(IN_NONBLOCK | IN_CLOEXEC). */
  inotifyInit(): number;
  /** inotify_add_watch(); throws an ErrnoError. */
  inotifyAddWatch(fd: number, path: string, mask: number): number;
  /** Every queued event. */
  inotifyRead(fd: number): Array<{ wd: number; mask: number; name: string }>;
  /** Reads and re-arms the clock-change fd; true if the wall clock was set. */
  clockChangeRearm(fd: number): boolean;
  socketOpen(spec: { type: string; address: RawAddress; options?: object }): OpenedSocket;
  netlinkOpen(spec: { protocol: number; group?: number; options?: object }): OpenedSocket;
  applySocketOptions(fd: number, options: object): ErrnoError[];
  getsockname(fd: number): AddressInfo;
  getpeername(fd: number): AddressInfo;
  socketInfo(fd: number): SocketInfo;
  accept(fd: number): number | null;
  peerCred(fd: number): { pid: number; uid: number; gid: number };
  connect(fd: number, address: RawAddress): void;
  socket(family: number, type: number): number;
  mkdirParents(path: string, mode?: number): void;
  fifoOpen(path: string, options: object): number;
  specialOpen(path: string, writable?: boolean): number;
  mqOpen(name: string, options: object): number;
  setPipeSize(fd: number, size: number): number;
  pollStart(fd: number, events: number, callback: (events: number) => void): RawWatch;
  pollUpdate(watch: RawWatch, events: number): void;
  pollStop(watch: RawWatch): void;
  signalStart(signal: number, callback: (signal: number) => void): RawSignalWatch;
  signalStop(watch: RawSignalWatch): void;
  sigrtmin(): number;
  killAll(signal: number): boolean;
  /** `before`, when given, runs once per wake-up before anything is reaped, while exited children are still zombies. */
  reaperStart(
    callback: (pid: number, code: 'exited' | 'killed' | 'dumped', status: number) => void,
    subreaper?: boolean,
    before?: () => void,
  ): void;
  reaperStop(): void;
  reapNow(): void;
  execKeepFds(path: string, argv: string[], envp: string[], keepFds: number[]): never;
  spawn(plan: RawSpawnPlan): RawSpawnResult;
  notifyOpen(address: RawAddress): number;
  notifyReceive(fd: number): RawNotifyMessage | null;
  sendDatagram(fd: number, address: RawAddress, data: Buffer, fds?: number[]): number;
  sendFds(fd: number, data: Buffer, fds: number[] | null): number | null;
  recvFds(fd: number, max: number): { data: Buffer; fds: number[]; fdsTruncated: boolean } | null;
}

/**
 * This package's root. Found through module resolution when this file is bundled into another
 * (unitkitd is one esbuild bundle in packages/cli/dist: its import.meta.url is the bundle's), else
 * from this file's own place in dist/.
 */
function findPackageRoot(): string {
  const own = join(dirname(fileURLToPath(import.meta.url)), '..');
  if (existsSync(join(own, 'binding.gyp'))) return own;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@unitkit/native')), '..');
  } catch {
    return own;
  }
}
const packageRoot = findPackageRoot();
/** Where node-gyp puts the addon. */
export const addonPath = join(packageRoot, 'build', 'Release', 'unitkit_native.node');
/** Where node-gyp puts unitkitd-launcher (csrc/launcher), the program behind @unitkit/cli's bin/unitkitd. */
export const launcherPath = join(packageRoot, 'build', 'Release', 'unitkitd-launcher');

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(
      `@unitkit/native: the C addon is not built (${addonPath} is missing). It is compiled by ` +
        'node-gyp when the package is installed; run `npm rebuild @unitkit/native` at the repository ' +
        'root (or `npx node-gyp rebuild` in packages/native). It needs a C compiler, make, python3 and ' +
        "Node's headers (nodedir or the node-gyp header cache); if npm skipped install scripts, see the " +
        'package README about allowScripts.',
    );
  }
  return createRequire(import.meta.url)(addonPath) as NativeAddon;
}

/** The loaded addon. Importing this package fails with a clear message when it was not built. */
export const addon: NativeAddon = load();
