/**
 * PrivateTmp=: the unit's own /tmp and /var/tmp, made on the host as systemd's setup_tmp_dirs()
 * does — /tmp/systemd-private-<boot id>-<unit>-XXXXXX/tmp (the outer directory 0700, the inner
 * one 1777), the same under /var/tmp — shared by every process of one activation and removed when
 * the unit stops (exec_runtime_unref(…, destroy=true) in service_enter_dead()). Units linked by
 * JoinsNamespaceOf= share one pair, removed when the last of them stops (the shared ExecRuntime).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The two directories a process sees as /tmp and /var/tmp. */
export interface PrivateTmpDirs {
  tmp: string;
  varTmp: string;
}

/** One pair of directories and the units using it. */
interface Shared {
  outer: string[];
  dirs: PrivateTmpDirs;
  users: Set<string>;
}

/** The directories of the units that have them now, by owner key. */
const live = new Map<string, Shared>();

/** The boot id without dashes, as systemd's sd_id128_to_string() prints it; a fixed string when unknown. */
export function bootIdText(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
  } catch {
    return '00000000000000000000000000000000';
  }
}

const keyOf = (owner: string, unitName: string) => `${owner}\0${unitName}`;

function makeOne(prefix: string, unitName: string): { outer: string; inner: string } {
  fs.mkdirSync(prefix, { recursive: true, mode: 0o1777 });
  const outer = fs.mkdtempSync(path.join(prefix, `systemd-private-${bootIdText()}-${unitName}-`));
  fs.chmodSync(outer, 0o700);
  const inner = path.join(outer, 'tmp');
  fs.mkdirSync(inner);
  // mkdir() goes through the umask: the sticky, world-writable mode is set afterwards.
  fs.chmodSync(inner, 0o1777);
  return { outer, inner };
}

/**
 * The private directories of `unitName`, made on first use, or those of a unit of `joins`
 * (JoinsNamespaceOf=) that has them. `owner` tells managers in one process apart (their runtime
 * directory). Throws the fs error when they cannot be made.
 */
export function acquirePrivateTmp(owner: string, unitName: string, roots = { tmp: '/tmp', varTmp: '/var/tmp' }, joins: readonly string[] = []): PrivateTmpDirs {
  const key = keyOf(owner, unitName);
  const usable = (s: Shared | undefined): s is Shared => !!s && fs.existsSync(s.dirs.tmp) && fs.existsSync(s.dirs.varTmp);
  const known = live.get(key);
  if (usable(known)) return known.dirs;
  for (const other of joins) {
    const shared = live.get(keyOf(owner, other));
    if (usable(shared)) {
      shared.users.add(key);
      live.set(key, shared);
      return shared.dirs;
    }
  }
  const a = makeOne(roots.tmp, unitName);
  let b;
  try {
    b = makeOne(roots.varTmp, unitName);
  } catch (e) {
    fs.rmSync(a.outer, { recursive: true, force: true });
    throw e;
  }
  const dirs = { tmp: a.inner, varTmp: b.inner };
  live.set(key, { outer: [a.outer, b.outer], dirs, users: new Set([key]) });
  return dirs;
}

/** Removes the private directories of a unit that stopped; nothing when it has none. */
export function releasePrivateTmp(owner: string, unitName: string): void {
  const key = keyOf(owner, unitName);
  const known = live.get(key);
  if (!known) return;
  live.delete(key);
  known.users.delete(key);
  // Another unit that joined this one's namespace still uses them.
  if (known.users.size > 0) return;
  for (const dir of known.outer) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort, as systemd's rm_rf() at this point.
    }
  }
}
