import type { DirectoryCache } from './directory-cache.js';
import { isValidUnitName, unitNamePrefix, unitNameTemplate, unitNameType, UNIT_TYPES } from './unit-name.js';

const TYPE_NAMES = new Set<string>(UNIT_TYPES);

// systemd's unit_file_find_dirs(): the name's own dir, the template's, then each "-" prefix.
function findDirs(cache: DirectoryCache, searchDir: string, name: string, suffix: string, out: string[]): void {
  const path = `${searchDir}/${name}${suffix}`;
  if (cache.isDir(path)) out.push(path);
  if (TYPE_NAMES.has(name)) return;
  if (isValidUnitName(name, { instance: true })) findDirs(cache, searchDir, unitNameTemplate(name), suffix, out);
  const type = unitNameType(name);
  if (!type) return;
  let prefix = unitNamePrefix(name);
  let chopped = false;
  for (;;) {
    const dash = prefix.lastIndexOf('-');
    if (dash <= 0) return;
    if (dash + 1 < prefix.length || chopped) {
      findDirs(cache, searchDir, `${prefix.slice(0, dash)}-.${type}`, suffix, out);
      return;
    }
    // A trailing dash ("foo-bar-.service") is chopped once so we move up to "foo-.service".
    prefix = prefix.slice(0, dash);
    chopped = true;
  }
}

/**
 * The directories that may hold drop-ins (suffix ".d") or dependency symlinks (".wants",
 * ".requires", ".upholds") for a unit, in systemd's order: the primary name across the
 * search path (with its template and "-" prefixes), then each alias, then the type-level
 * directory ("service.d"). Earlier directories win over later ones for the same file name.
 */
export function dropInDirectories(cache: DirectoryCache, searchPath: string[], id: string, aliases: string[], suffix: string): string[] {
  const dirs: string[] = [];
  for (const n of [id, ...aliases]) for (const p of searchPath) findDirs(cache, p, n, suffix, dirs);
  const type = unitNameType(id);
  if (type) for (const p of searchPath) findDirs(cache, p, type, suffix, dirs);
  return [...new Set(dirs)];
}

/**
 * The drop-in files of `dirs`, as systemd's conf_files_list_strv(): files ending in
 * `fileSuffix` (all valid entries when undefined), not hidden, a name in an earlier
 * directory hiding the same name in later ones, sorted by file name.
 */
export function listDropInFiles(cache: DirectoryCache, dirs: string[], fileSuffix: string | undefined): string[] {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    const list = cache.list(dir);
    if (!list) continue;
    for (const [name, kind] of list) {
      if (name.startsWith('.') || byName.has(name)) continue;
      if (kind !== 'file' && kind !== 'symlink') continue;
      if (fileSuffix !== undefined && !name.endsWith(fileSuffix)) continue;
      byName.set(name, `${dir}/${name}`);
    }
  }
  return [...byName.keys()].sort(cmp).map((n) => byName.get(n)!);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
