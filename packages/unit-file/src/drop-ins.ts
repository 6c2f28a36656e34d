import type { DirectoryCache } from './directory-cache.js';
import { isValidUnitName, unitNamePrefix, unitNameTemplate, unitNameType, UNIT_TYPES } from './unit-name.js';

const TYPE_NAMES = new Set<string>(UNIT_TYPES);

// systemd's unit_file_find_dirs(): the name's own dir, the template's, then each "-" prefix.
// The candidate names depend on the name alone: made once, then looked up in each search
// directory's cached listing (a directory that does not exist is skipped whole). Per search
// directory and name this was ~12 name parses, which made them hot enough at start-up for the
// optimizing compiler to run (and to page in its ~7 MB) before the manager did anything else.
function candidateNames(name: string, out: string[]): void {
  out.push(name);
  if (TYPE_NAMES.has(name)) return;
  if (isValidUnitName(name, { instance: true })) candidateNames(unitNameTemplate(name), out);
  const type = unitNameType(name);
  if (!type) return;
  let prefix = unitNamePrefix(name);
  let chopped = false;
  for (;;) {
    const dash = prefix.lastIndexOf('-');
    if (dash <= 0) return;
    if (dash + 1 < prefix.length || chopped) {
      candidateNames(`${prefix.slice(0, dash)}-.${type}`, out);
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
  const type = unitNameType(id);
  const groups: string[][] = [];
  for (const n of [id, ...aliases]) {
    const names: string[] = [];
    candidateNames(n, names);
    groups.push(names);
  }
  if (type) groups.push([type]);
  for (const names of groups)
    for (const p of searchPath) {
      const listing = cache.list(p);
      if (!listing) continue;
      for (const n of names) {
        const entry = n + suffix;
        const kind = listing.get(entry);
        if (kind === 'dir' || (kind === 'symlink' && cache.isDir(`${p}/${entry}`))) dirs.push(`${p}/${entry}`);
      }
    }
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
