/**
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and ConfigurationDirectory=
 * (systemd.exec(5), "Paths"): parsing, where each kind lives for the system and the user manager,
 * creation with its mode and owner before a process runs (systemd's setup_exec_directory()), the
 * $RUNTIME_DIRECTORY… variables, and removal of the runtime ones when the unit stops.
 *
 * systemd creates them in the child between fork and exec; unitkit's child shares the manager's
 * memory until exec and can only make raw syscalls, so the manager creates them just before the
 * spawn and hands a failure to the child, which exits with the kind's status (233, 238…) at that
 * step. The effect on disk and on the process is the same.
 */
import * as fs from 'node:fs';
import { nodeOs } from '@unitkit/unit-file';
import * as path from 'node:path';
import { ValueError, extractWords, WHITESPACE } from '@unitkit/unit-file';

/** The five kinds, in systemd's order (ExecDirectoryType). */
export const EXEC_DIRECTORY_TYPES = ['Runtime', 'State', 'Cache', 'Logs', 'Configuration'] as const;
export type ExecDirectoryType = (typeof EXEC_DIRECTORY_TYPES)[number];

/** One entry: a relative path, and the symlinks ("path:link") pointing at it. */
export interface ExecDirectoryItem {
  path: string;
  symlinks: string[];
}

/** The entries of one kind and their mode. */
export interface ExecDirectory {
  items: ExecDirectoryItem[];
  mode: number;
}

/** RuntimeDirectoryPreserve=. */
export type RuntimeDirectoryPreserve = 'no' | 'yes' | 'restart';

/** The exit status and step name of each kind, as exec_child() fails. */
export const EXEC_DIRECTORY_FAILURE: Record<ExecDirectoryType, { status: number; step: string }> = {
  Runtime: { status: 233, step: 'RUNTIME_DIRECTORY' },
  State: { status: 238, step: 'STATE_DIRECTORY' },
  Cache: { status: 239, step: 'CACHE_DIRECTORY' },
  Logs: { status: 240, step: 'LOGS_DIRECTORY' },
  Configuration: { status: 241, step: 'CONFIGURATION_DIRECTORY' },
};

/** The variable that lists a kind's full paths. */
export const EXEC_DIRECTORY_ENV: Record<ExecDirectoryType, string> = {
  Runtime: 'RUNTIME_DIRECTORY',
  State: 'STATE_DIRECTORY',
  Cache: 'CACHE_DIRECTORY',
  Logs: 'LOGS_DIRECTORY',
  Configuration: 'CONFIGURATION_DIRECTORY',
};

/** An empty set of directories with systemd's default mode 0755. */
export function defaultExecDirectories(): Record<ExecDirectoryType, ExecDirectory> {
  const out = {} as Record<ExecDirectoryType, ExecDirectory>;
  for (const t of EXEC_DIRECTORY_TYPES) out[t] = { items: [], mode: 0o755 };
  return out;
}

/** A normalized relative path: no leading "/", no "." or ".." parts, no empty parts (path_is_normalized()). */
function validRelative(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.endsWith('/')) return false;
  return p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * One assignment of a *Directory= setting: whitespace-separated relative paths, each optionally
 * "path:symlink" (config_parse_exec_directories()). Specifiers are already expanded.
 */
export function parseExecDirectories(kind: ExecDirectoryType, value: string): ExecDirectoryItem[] {
  const out: ExecDirectoryItem[] = [];
  for (const word of extractWords(value, WHITESPACE, { unquote: true })) {
    const colon = word.indexOf(':');
    const p = colon < 0 ? word : word.slice(0, colon);
    const link = colon < 0 ? undefined : word.slice(colon + 1);
    if (!validRelative(p)) throw new ValueError(`${kind}Directory= path is not valid, ignoring assignment: ${word}`);
    if (link !== undefined && !validRelative(link)) throw new ValueError(`${kind}Directory= symlink path is not valid, ignoring assignment: ${word}`);
    const existing = out.find((i) => i.path === p);
    if (existing) {
      if (link) existing.symlinks.push(link);
    } else out.push({ path: p, symlinks: link ? [link] : [] });
  }
  return out;
}

/** RuntimeDirectoryPreserve=: a boolean or "restart". */
export function parseRuntimeDirectoryPreserve(value: string): RuntimeDirectoryPreserve {
  if (value === 'restart') return 'restart';
  const v = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return 'yes';
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return 'no';
  throw new ValueError(`Failed to parse runtime directory preserve mode, ignoring: ${value}`);
}

/**
 * Where each kind lives (systemd's exec parameters' prefix[]): /run, /var/lib, /var/cache,
 * /var/log, /etc for the system manager; for the user manager $XDG_RUNTIME_DIR, and as systemd 252
 * does, $XDG_CONFIG_HOME (~/.config) for state, $XDG_CACHE_HOME (~/.cache), ~/.config/log and
 * ~/.config. Undefined when the user manager has no $XDG_RUNTIME_DIR.
 */
export function execDirectoryPrefixes(scope: 'system' | 'user', env: Readonly<Record<string, string | undefined>>): Readonly<Record<ExecDirectoryType, string | undefined>> {
  if (scope === 'system') return SYSTEM_PREFIXES;
  // Every unit's load asks; the answer changes only with the manager's environment.
  const m = lastUserPrefixes;
  if (m && m.home === env.HOME && m.config === env.XDG_CONFIG_HOME && m.cache === env.XDG_CACHE_HOME && m.runtime === env.XDG_RUNTIME_DIR) return m.prefixes;
  const prefixes = userPrefixes(env);
  lastUserPrefixes = { home: env.HOME, config: env.XDG_CONFIG_HOME, cache: env.XDG_CACHE_HOME, runtime: env.XDG_RUNTIME_DIR, prefixes };
  return prefixes;
}

const SYSTEM_PREFIXES: Readonly<Record<ExecDirectoryType, string | undefined>> = Object.freeze({ Runtime: '/run', State: '/var/lib', Cache: '/var/cache', Logs: '/var/log', Configuration: '/etc' });

let lastUserPrefixes: { home?: string; config?: string; cache?: string; runtime?: string; prefixes: Readonly<Record<ExecDirectoryType, string | undefined>> } | undefined;

function userPrefixes(env: Readonly<Record<string, string | undefined>>): Readonly<Record<ExecDirectoryType, string | undefined>> {
  const home = env.HOME || nodeOs().homedir();
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return Object.freeze({
    Runtime: env.XDG_RUNTIME_DIR || undefined,
    State: config,
    Cache: env.XDG_CACHE_HOME || path.join(home, '.cache'),
    Logs: path.join(config, 'log'),
    Configuration: config,
  });
}

/** The variables a process gets: RUNTIME_DIRECTORY=/run/a:/run/b… for each kind with entries. */
export function execDirectoryEnvironment(
  dirs: Readonly<Record<ExecDirectoryType, ExecDirectory>>,
  prefixes: Record<ExecDirectoryType, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const t of EXEC_DIRECTORY_TYPES) {
    const prefix = prefixes[t];
    if (!prefix || dirs[t].items.length === 0) continue;
    env[EXEC_DIRECTORY_ENV[t]] = dirs[t].items.map((i) => path.join(prefix, i.path)).join(':');
  }
  return env;
}

/** Why setting up a directory failed: the kind, the errno and systemd's message. */
export class ExecDirectoryError extends Error {
  constructor(message: string, readonly type: ExecDirectoryType, readonly code: string) {
    super(message);
    this.name = 'ExecDirectoryError';
  }
}

/** What {@link setupExecDirectories} needs besides the directories. */
export interface ExecDirectorySetup {
  prefixes: Record<ExecDirectoryType, string | undefined>;
  /** The owner to give them (the system manager chowns to User=/Group=, root when unset); undefined: leave the owner alone. */
  owner?: { uid: number; gid: number };
  /** DynamicUser=: every kind but configuration goes to a private/ subdirectory, with a symlink in the usual place (as systemd 252 does). */
  dynamicUser: boolean;
  /** Logs warnings systemd prints (a configuration directory of another mode). */
  warn?: (message: string) => void;
  /** Logs the notices systemd prints (a directory migrated into or out of private/). */
  info?: (message: string) => void;
}

/**
 * Creates every directory of every kind in systemd's order with its mode and owner
 * (setup_exec_directory()). Throws an ExecDirectoryError at the first failure.
 */
export function setupExecDirectories(dirs: Readonly<Record<ExecDirectoryType, ExecDirectory>>, s: ExecDirectorySetup): void {
  for (const t of EXEC_DIRECTORY_TYPES) {
    const prefix = s.prefixes[t];
    if (!prefix) continue;
    for (const item of dirs[t].items) {
      try {
        setupOne(t, prefix, item, dirs[t].mode, s);
      } catch (e) {
        if (e instanceof ExecDirectoryError) throw e;
        const err = e as NodeJS.ErrnoException;
        // Node's recursive mkdir says EEXIST for a file in the way of a parent; mkdir_parents() says ENOTDIR.
        if (err.code === 'EEXIST') err.code = 'ENOTDIR';
        throw new ExecDirectoryError(`Failed to set up special execution directory in ${prefix}: ${errnoText(err)}`, t, err.code ?? 'EIO');
      }
    }
  }
}

function setupOne(t: ExecDirectoryType, prefix: string, item: ExecDirectoryItem, mode: number, s: ExecDirectorySetup): void {
  const p = path.join(prefix, item.path);
  fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
  let target = p;
  if (s.dynamicUser && t !== 'Configuration') {
    // DynamicUser=: the real directory is prefix/private/X (private/ itself 0700, so other users
    // cannot reach a uid that may be recycled); prefix/X is a relative symlink to it.
    const privateRoot = path.join(prefix, 'private');
    fs.mkdirSync(privateRoot, { recursive: true, mode: 0o700 });
    fs.chmodSync(privateRoot, 0o700);
    target = path.join(privateRoot, item.path);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const st = lstat(p);
    if (st && st.isDirectory() && !st.isSymbolicLink() && !lstat(target)) {
      // A directory from before DynamicUser= was turned on moves into private/.
      s.info?.(`Found pre-existing public ${t}Directory= directory ${p}, migrating to ${target}.\nApparently, service previously had DynamicUser= turned off, and has now turned it on.`);
      fs.renameSync(p, target);
    }
    mkdirOrExisting(target, mode);
    const link = path.relative(path.dirname(p), target);
    const current = lstat(p);
    if (!current || !current.isSymbolicLink() || fs.readlinkSync(p) !== link) {
      if (current) fs.rmSync(p, { force: true });
      fs.symlinkSync(link, p);
    }
  } else {
    const st = lstat(p);
    if (st?.isSymbolicLink() && t !== 'Configuration') {
      // A symlink left by an earlier DynamicUser=yes run: move the directory back in place.
      const real = fs.realpathSync(p);
      s.info?.(`Found pre-existing private ${t}Directory= directory ${real}, migrating to ${p}.\nApparently, service previously had DynamicUser= turned on, and has now turned it off.`);
      fs.rmSync(p);
      fs.renameSync(real, p);
    }
    const created = mkdirOrExisting(p, mode);
    if (!created && t === 'Configuration') {
      // The configuration directory keeps its owner and mode: services usually must not write it.
      const cur = fs.statSync(p).mode & 0o7777;
      if (cur !== (mode & 0o7777)) {
        s.warn?.(`ConfigurationDirectory '${item.path}' already exists but the mode is different. (File system: ${cur.toString(8)} ConfigurationDirectoryMode: ${(mode & 0o7777).toString(8)})`);
      }
      linkSymlinks(prefix, item, p);
      return;
    }
  }
  fs.chmodSync(target, mode & 0o7777);
  if (s.owner) chownTree(target, s.owner.uid, s.owner.gid, s.dynamicUser ? 0o1777 : 0o7777);
  linkSymlinks(prefix, item, p);
}

/** Creates `p` with `mode`; false when it already existed as a directory. */
function mkdirOrExisting(p: string, mode: number): boolean {
  try {
    fs.mkdirSync(p, { mode: mode & 0o7777 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (!fs.statSync(p).isDirectory()) throw Object.assign(new Error(`${p} is not a directory`), { code: 'ENOTDIR' });
    return false;
  }
}

/** The "path:link" symlinks: prefix/link → the directory (relative), replaced when they point elsewhere. */
function linkSymlinks(prefix: string, item: ExecDirectoryItem, p: string): void {
  for (const l of item.symlinks) {
    const at = path.join(prefix, l);
    fs.mkdirSync(path.dirname(at), { recursive: true, mode: 0o755 });
    const want = path.relative(path.dirname(at), p);
    const st = lstat(at);
    if (st?.isSymbolicLink() && fs.readlinkSync(at) === want) continue;
    if (st && !st.isSymbolicLink()) continue;
    if (st) fs.rmSync(at);
    fs.symlinkSync(want, at);
  }
}

/**
 * Gives the tree to uid:gid, as path_chown_recursive(): nothing to do when the top already has
 * that owner; `mask` drops setuid/setgid bits for dynamic users.
 */
function chownTree(top: string, uid: number, gid: number, mask: number): void {
  const st = fs.lstatSync(top);
  if (st.uid === uid && st.gid === gid && (st.mode & 0o7777 & ~mask) === 0) return;
  const walk = (p: string): void => {
    const s = fs.lstatSync(p);
    if (s.isSymbolicLink()) {
      fs.lchownSync(p, uid, gid);
      return;
    }
    fs.chownSync(p, uid, gid);
    if ((s.mode & 0o7777 & ~mask) !== 0) fs.chmodSync(p, s.mode & mask);
    if (s.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(top);
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/**
 * systemd's rm_rf(path, REMOVE_ROOT) without REMOVE_PHYSICAL: the contents go only on tmpfs or
 * ramfs (it refuses to empty a directory on a disk file system), then the directory itself goes
 * if it is empty by then. So on a disk-backed runtime directory a nested "a a/b" leaves "a".
 */
function rmRfVolatile(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    fs.rmSync(p, { force: true });
    return;
  }
  let volatile = false;
  try {
    const type = fs.statfsSync(p).type;
    volatile = type === TMPFS_MAGIC || type === RAMFS_MAGIC;
  } catch {
    // Unknown: treat as disk, as systemd would fail the check.
  }
  if (volatile) fs.rmSync(p, { recursive: true, force: true });
  else fs.rmdirSync(p);
}

/**
 * Removes the runtime directories (and their symlinks) of a unit that stopped
 * (exec_context_destroy_runtime_directory()), in their order, as rm_rf() without REMOVE_PHYSICAL
 * does (see rmRfVolatile). Errors are ignored, as systemd only logs them.
 */
export function removeRuntimeDirectories(dirs: Readonly<Record<ExecDirectoryType, ExecDirectory>>, runtimePrefix: string | undefined, dynamicUser = false): void {
  if (!runtimePrefix) return;
  const remove = (p: string, recursive: boolean): void => {
    try {
      if (recursive) rmRfVolatile(p);
      else fs.rmSync(p, { force: true });
    } catch {
      // A path that cannot be removed (a file in the way, EBUSY…) is left, as systemd only logs it.
    }
  };
  for (const item of dirs.Runtime.items) {
    // With DynamicUser= the directory itself is in private/; the usual path is its symlink.
    if (dynamicUser) remove(path.join(runtimePrefix, 'private', item.path), true);
    remove(path.join(runtimePrefix, item.path), true);
    for (const l of item.symlinks) remove(path.join(runtimePrefix, l), false);
  }
}

/** "No such file or directory" for an errno error, as %m prints it. */
export function errnoText(err: NodeJS.ErrnoException): string {
  const texts: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EPERM: 'Operation not permitted',
    ENOTDIR: 'Not a directory',
    EEXIST: 'File exists',
    EROFS: 'Read-only file system',
    ENOSPC: 'No space left on device',
    ESRCH: 'No such process',
    EINVAL: 'Invalid argument',
    ELOOP: 'Too many levels of symbolic links',
  };
  return (err.code && texts[err.code]) ?? err.message;
}

/** systemd's CanClean= names of the kinds a context has directories of, in systemd's order. */
export function cleanableExecResources(dirs: Readonly<Record<ExecDirectoryType, ExecDirectory>>): string[] {
  return EXEC_DIRECTORY_TYPES.filter((t) => dirs[t].items.length > 0).map((t) => t.toLowerCase());
}

/**
 * The paths a unit's directories need mounted (unit_add_exec_dependencies() adds them to
 * RequiresMountsFor=): prefix/path of every entry, for the kinds with a location in this scope.
 */
export function execDirectoryMountPaths(
  dirs: Readonly<Record<ExecDirectoryType, ExecDirectory>>,
  prefixes: Record<ExecDirectoryType, string | undefined>,
): string[] {
  const out: string[] = [];
  for (const t of EXEC_DIRECTORY_TYPES) {
    const prefix = prefixes[t];
    if (prefix) for (const i of dirs[t].items) out.push(path.join(prefix, i.path));
  }
  return out;
}
