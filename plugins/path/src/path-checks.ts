/**
 * The file system questions a path unit asks when it checks its specs (path_spec_check_good()):
 * does a path exist, does a glob match anything, is a directory empty (hidden and backup files not
 * counted, as dir_is_empty(…, ignore_hidden_or_backup=true)).
 */
import { accessSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { fnmatch } from '@unitkit/unit-file/fnmatch';

/** access(path, F_OK). */
export function pathExists(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

const hasMagic = (s: string) => /[*?[]/.test(s);

/**
 * The first path matching the glob pattern (glob(3) without GLOB_PERIOD: a leading dot must be
 * matched explicitly), or undefined.
 */
export function globFirst(pattern: string): string | undefined {
  const parts = pattern.split('/').filter(Boolean);
  const walk = (dir: string, i: number): string | undefined => {
    if (i === parts.length) return dir;
    const part = parts[i]!;
    const base = dir === '/' ? '' : dir;
    if (!hasMagic(part)) {
      const next = `${base}/${part}`;
      if (i === parts.length - 1 ? !pathExists(next) : !isDirectory(next)) return undefined;
      return walk(next, i + 1);
    }
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return undefined;
    }
    for (const e of entries) {
      if (e.startsWith('.') && !part.startsWith('.')) continue;
      if (!fnmatch(part, e, { period: true })) continue;
      const next = `${base}/${e}`;
      if (i < parts.length - 1 && !isDirectory(next)) continue;
      const found = walk(next, i + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk('/', 0);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const BACKUP_SUFFIXES = ['~', '.rpmnew', '.rpmsave', '.rpmorig', '.dpkg-old', '.dpkg-new', '.dpkg-tmp', '.dpkg-dist', '.dpkg-bak', '.dpkg-backup', '.dpkg-remove', '.ucf-new', '.ucf-old', '.ucf-dist', '.swp', '.bak', '.old', '.new'];

/** Whether a directory has entries other than hidden and backup files; false when it is missing or not a directory. */
export function directoryNotEmpty(path: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // dir_is_empty() failing otherwise counts as "not empty" in path.c; only a missing one is empty.
    return !(code === 'ENOENT' || code === 'ENOTDIR');
  }
  return entries.some((e) => !e.startsWith('.') && !BACKUP_SUFFIXES.some((s) => e.endsWith(s)));
}

/** mkdir -p with `mode` for the directories it creates (MakeDirectory=). Throws an errno error. */
export function makeDirectory(path: string, mode: number): void {
  mkdirSync(path, { recursive: true, mode });
}
