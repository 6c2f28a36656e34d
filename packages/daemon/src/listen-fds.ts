/**
 * sd_listen_fds(3) for Node: the fds a service manager passed, starting at fd 3, with their names.
 */
import { setCloexec } from '@unitkit/native';

/** The first passed fd, as SD_LISTEN_FDS_START. */
export const SD_LISTEN_FDS_START = 3;

/** Options of listenFds() and listenFdsWithNames(). */
export interface ListenFdsOptions {
  /** Remove LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from the environment afterwards (children then do not see them). */
  unsetEnvironment?: boolean;
  /** The environment to read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Our pid; process.pid by default (tests). */
  pid?: number;
}

/** An inherited fd and the name FileDescriptorName= gave it ("unknown" when none). */
export interface ListenFd {
  fd: number;
  name: string;
}

function parseCount(text: string, what: string): number {
  if (!/^[0-9]+$/.test(text)) throw Object.assign(new Error(`${what}=${text} is not a number`), { code: 'EINVAL' });
  return Number(text);
}

function unset(env: NodeJS.ProcessEnv): void {
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
}

/**
 * How many fds were passed (they are 3 … 3+n-1, now CLOEXEC), or 0 when none were passed to this
 * process — LISTEN_PID unset or naming another process. Throws (code EINVAL) on malformed values,
 * as sd_listen_fds() returns -EINVAL.
 */
export function listenFds(opts: ListenFdsOptions = {}): number {
  return listenFdsWithNames(opts).length;
}

/**
 * The passed fds with their names from LISTEN_FDNAMES (colon-separated, one per fd; "unknown" for
 * each when the variable is missing), as sd_listen_fds_with_names(). Throws (EINVAL) when the
 * number of names does not match.
 */
export function listenFdsWithNames(opts: ListenFdsOptions = {}): ListenFd[] {
  const env = opts.env ?? process.env;
  try {
    const pidText = env.LISTEN_PID;
    if (pidText === undefined) return [];
    if (parseCount(pidText, 'LISTEN_PID') !== (opts.pid ?? process.pid)) return [];
    const countText = env.LISTEN_FDS;
    if (countText === undefined) return [];
    const n = parseCount(countText, 'LISTEN_FDS');
    if (n === 0) return [];
    const names = env.LISTEN_FDNAMES === undefined ? Array<string>(n).fill('unknown') : env.LISTEN_FDNAMES.split(':');
    if (names.length !== n) {
      throw Object.assign(new Error(`LISTEN_FDNAMES has ${names.length} names for ${n} fds`), { code: 'EINVAL' });
    }
    const fds: ListenFd[] = [];
    for (let i = 0; i < n; i++) {
      const fd = SD_LISTEN_FDS_START + i;
      // A passed fd must not leak into processes this service starts.
      setCloexec(fd, true);
      fds.push({ fd, name: names[i]! });
    }
    return fds;
  } finally {
    if (opts.unsetEnvironment) unset(env);
  }
}
