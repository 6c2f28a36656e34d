/** Process-level calls: signals, pidfds, prctl and resource limits. */
import { addon, type CapturedRun } from './addon.js';

/** kill(): false when the process no longer exists (ESRCH). Refuses pid ≤ 0 with EINVAL. */
export function killProcess(pid: number, signal: number): boolean {
  return addon.kill(pid, signal);
}

/** killpg(): false when the group no longer exists. */
export function killProcessGroup(pgid: number, signal: number): boolean {
  return addon.killpg(pgid, signal);
}

/** pidfd_open(): a CLOEXEC pidfd that keeps naming this process even after its pid is reused. */
export function pidfdOpen(pid: number): number {
  return addon.pidfdOpen(pid);
}

/** pidfd_send_signal(): false when the process has exited. */
export function pidfdSendSignal(pidfd: number, signal: number): boolean {
  return addon.pidfdSendSignal(pidfd, signal);
}

/** prctl() with one integer argument; returns prctl's result. */
export function prctl(option: number, arg2 = 0): number {
  return addon.prctl(option, arg2);
}

/** Some prctl options by name. */
export const prctlOption = {
  PR_SET_PDEATHSIG: 1,
  PR_GET_PDEATHSIG: 2,
  PR_GET_DUMPABLE: 3,
  PR_SET_DUMPABLE: 4,
  PR_SET_NAME: 15,
  PR_SET_CHILD_SUBREAPER: 36,
  PR_GET_CHILD_SUBREAPER: 37,
  PR_SET_NO_NEW_PRIVS: 38,
} as const;

/** Makes this process a child subreaper (orphaned descendants are re-parented to it), or stops it. */
export function setChildSubreaper(on: boolean): void {
  addon.prctl(prctlOption.PR_SET_CHILD_SUBREAPER, on ? 1 : 0);
}

/** Whether this process is a child subreaper. */
export function isChildSubreaper(): boolean {
  return addon.getChildSubreaper();
}

/** RLIMIT_* numbers on Linux by the names systemd uses in Limit*= (LimitNOFILE= → NOFILE). */
export const rlimitResource: Readonly<Record<string, number>> = {
  CPU: 0,
  FSIZE: 1,
  DATA: 2,
  STACK: 3,
  CORE: 4,
  RSS: 5,
  NPROC: 6,
  NOFILE: 7,
  MEMLOCK: 8,
  AS: 9,
  LOCKS: 10,
  SIGPENDING: 11,
  MSGQUEUE: 12,
  NICE: 13,
  RTPRIO: 14,
  RTTIME: 15,
};

function resourceNumber(resource: string | number): number {
  const n = typeof resource === 'number' ? resource : rlimitResource[resource];
  if (n === undefined) throw new Error(`Unknown resource limit '${resource}'`);
  return n;
}

/** getrlimit() by name or number; `Infinity` is RLIM_INFINITY. */
export function getResourceLimit(resource: string | number): { soft: number; hard: number } {
  return addon.getrlimit(resourceNumber(resource));
}

/** setrlimit() by name or number; `Infinity` is RLIM_INFINITY. */
export function setResourceLimit(resource: string | number, soft: number, hard: number): void {
  addon.setrlimit(resourceNumber(resource), soft, hard);
}

/**
 * Caps glibc's malloc arenas for the rest of the process (mallopt(M_ARENA_MAX)); false where the C
 * library has no such setting. unitkitd calls it at start: V8's helper threads otherwise each grow
 * an arena of their own (issue #19).
 */
export function limitMallocArenas(arenas: number): boolean {
  return addon.limitMallocArenas(arenas);
}

/**
 * Hands the free pages inside glibc's malloc heaps back to the kernel (malloc_trim(0)); false where
 * nothing was released or the C library has no such call. unitkitd calls it once start-up has
 * finished and after each compaction of its heap: what V8's parser and compiler freed stays
 * resident otherwise (issue #19).
 */
export function trimMalloc(): boolean {
  return addon.trimMalloc();
}

/**
 * Runs a short helper program to its end, synchronously: stdin on /dev/null, stdout captured,
 * stderr inherited, killed (SIGKILL) after `timeoutMs` or beyond `maxBytes` of output. For work
 * done before the event loop turns (the user manager's environment generators): node:child_process
 * would stay loaded in the manager for good, ~2.4 MB (issue #19). `env` is `NAME=value` strings.
 * Throws an errno error when the program cannot be started.
 */
export function runCaptured(path: string, argv: readonly string[], env: readonly string[], options: { timeoutMs?: number; maxBytes?: number } = {}): CapturedRun {
  return addon.runCaptured(path, [...argv], [...env], options.timeoutMs ?? 5000, options.maxBytes ?? 1024 * 1024);
}

/** CLOCK_MONOTONIC in microseconds. */
export function monotonicUsec(): number {
  return addon.monotonicUsec();
}

/** CLOCK_REALTIME in microseconds. */
export function realtimeUsec(): number {
  return addon.realtimeUsec();
}
