/**
 * PrivateTmp=: the unit's own /tmp and /var/tmp, made on the host as systemd's setup_tmp_dirs()
 * does — /tmp/systemd-private-<boot id>-<unit>-XXXXXX/tmp (the outer directory 0700, the inner
 * one 1777), the same under /var/tmp — shared by every process of one activation and removed when
 * the unit stops (exec_runtime_unref(…, destroy=true) in service_enter_dead()). Units linked by
 * JoinsNamespaceOf= share one pair, removed when the last of them stops (the shared ExecRuntime).
 *
 * Which unit uses which pair is recorded in files of unitkit's runtime directory
 * (`private-tmp/<unit>`), not in memory: a manager that re-executes itself finds them again, as
 * systemd finds its serialized ExecRuntime.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The two directories a process sees as /tmp and /var/tmp. */
export interface PrivateTmpDirs {
  tmp: string;
  varTmp: string;
}

/** What a unit's record holds: the directories and the outer ones to remove. */
interface Record {
  dirs: PrivateTmpDirs;
  outer: string[];
}

/** The boot id without dashes, as systemd's sd_id128_to_string() prints it; a fixed string when unknown. */
export function bootIdText(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
  } catch {
    return '00000000000000000000000000000000';
  }
}

const recordDir = (runtimeDir: string) => path.join(runtimeDir, 'private-tmp');
const recordFile = (runtimeDir: string, unitName: string) => path.join(recordDir(runtimeDir), unitName);

function readRecord(runtimeDir: string, unitName: string): Record | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(recordFile(runtimeDir, unitName), 'utf8')) as Record;
    return fs.existsSync(r.dirs.tmp) && fs.existsSync(r.dirs.varTmp) ? r : undefined;
  } catch {
    return undefined;
  }
}

function writeRecord(runtimeDir: string, unitName: string, r: Record): void {
  fs.mkdirSync(recordDir(runtimeDir), { recursive: true, mode: 0o700 });
  fs.writeFileSync(recordFile(runtimeDir, unitName), JSON.stringify(r), { mode: 0o600 });
}

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
 * (JoinsNamespaceOf=) that has them. `runtimeDir` is unitkit's runtime directory, where the
 * records are kept. Throws the fs error when they cannot be made.
 */
export function acquirePrivateTmp(runtimeDir: string, unitName: string, roots = { tmp: '/tmp', varTmp: '/var/tmp' }, joins: readonly string[] = []): PrivateTmpDirs {
  const own = readRecord(runtimeDir, unitName);
  if (own) return own.dirs;
  for (const other of joins) {
    const shared = readRecord(runtimeDir, other);
    if (shared) {
      writeRecord(runtimeDir, unitName, shared);
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
  const r: Record = { dirs: { tmp: a.inner, varTmp: b.inner }, outer: [a.outer, b.outer] };
  writeRecord(runtimeDir, unitName, r);
  return r.dirs;
}

/** Removes the private directories of a unit that stopped, unless a unit that joined it still uses them. */
export function releasePrivateTmp(runtimeDir: string, unitName: string): void {
  let r: Record;
  try {
    r = JSON.parse(fs.readFileSync(recordFile(runtimeDir, unitName), 'utf8')) as Record;
  } catch {
    return;
  }
  fs.rmSync(recordFile(runtimeDir, unitName), { force: true });
  let others: string[] = [];
  try {
    others = fs.readdirSync(recordDir(runtimeDir));
  } catch {
    // No records left at all.
  }
  if (others.some((u) => readRecord(runtimeDir, u)?.dirs.tmp === r.dirs.tmp)) return;
  for (const dir of r.outer) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort, as systemd's rm_rf() at this point.
    }
  }
}
