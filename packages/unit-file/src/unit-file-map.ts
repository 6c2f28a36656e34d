import * as nodePath from 'node:path';
import type { DirectoryCache } from './directory-cache.js';
import {
  isValidUnitName, resolvedPath, unitNameInstance, unitNameReplaceInstance, unitNameTemplate, unitNameType,
} from './unit-name.js';

/** One name found at the top level of a search-path directory. */
export interface UnitFileEntry {
  name: string;
  /** The path inside the search directory (the symlink itself for links). */
  path: string;
  /** The search directory it was found in. */
  dir: string;
  /**
   * 'file': a regular file (or a same-name / out-of-search-path symlink, i.e. a linked unit);
   * 'masked': a symlink to /dev/null; 'alias': a symlink to another name inside the search path.
   */
  kind: 'file' | 'masked' | 'alias';
  /** For 'alias': the name it points to. */
  target?: string;
  /** True for a symlink to a file outside the search path (`systemctl link`). */
  linked?: boolean;
}

/** How a requested name resolves: the primary id, its fragment entry and all its names. */
export interface ResolvedName {
  id: string;
  entry?: UnitFileEntry;
  names: string[];
  /** Set when alias resolution went wrong (loop, type mismatch). */
  error?: string;
}

const MAX_ALIAS_HOPS = 16;

/**
 * The name → file map of the whole search path, built once per load pass, like
 * systemd's unit_file_build_name_map(): first directory wins, symlinks are aliases
 * (target inside the search path), masks (/dev/null) or linked files.
 */
export class UnitFileMap {
  readonly entries = new Map<string, UnitFileEntry>();
  /** alias target name → alias names pointing at it (directly or through a chain). */
  private readonly aliasesOf = new Map<string, Set<string>>();

  /**
   * @param searchPath directories as they are on this machine (already prefixed by `root`)
   * @param root an alternative root (`systemctl --root`): absolute symlink targets are read under it
   */
  constructor(readonly searchPath: string[], private readonly cache: DirectoryCache, readonly root = '') {
    const inSearchPath = new Set(searchPath.map(resolvedPath));
    for (const dir of searchPath) {
      const list = cache.list(dir);
      if (!list) continue;
      for (const [name, kind] of list) {
        if (this.entries.has(name) || (kind !== 'file' && kind !== 'symlink')) continue;
        if (!isValidUnitName(name)) continue;
        const path = `${dir}/${name}`;
        if (kind === 'file') { this.entries.set(name, { name, path, dir, kind: 'file' }); continue; }
        const raw = cache.readlink(path);
        if (raw === undefined) continue;
        if (raw === '/dev/null') { this.entries.set(name, { name, path, dir, kind: 'masked' }); continue; }
        const abs = raw.startsWith('/') ? resolvedPath(root + raw) : nodePath.resolve(dir, raw);
        if (abs === '/dev/null') { this.entries.set(name, { name, path, dir, kind: 'masked' }); continue; }
        const base = nodePath.basename(abs);
        if (base !== name && inSearchPath.has(nodePath.dirname(abs)) && isValidUnitName(base)) {
          this.entries.set(name, { name, path, dir, kind: 'alias', target: base });
          continue;
        }
        const e: UnitFileEntry = { name, path, dir, kind: 'file' };
        if (!inSearchPath.has(nodePath.dirname(abs))) e.linked = true;
        this.entries.set(name, e);
      }
    }
    for (const e of this.entries.values()) {
      if (e.kind !== 'alias') continue;
      const final = this.followAliases(e.name).id;
      if (final === e.name) continue;
      let s = this.aliasesOf.get(final);
      if (!s) { s = new Set(); this.aliasesOf.set(final, s); }
      s.add(e.name);
    }
  }

  private followAliases(name: string): { id: string; error?: string } {
    let n = name;
    for (let hops = 0; hops < MAX_ALIAS_HOPS; hops++) {
      const e = this.entries.get(n);
      if (!e || e.kind !== 'alias') return { id: n };
      const t = e.target!;
      if (unitNameType(t) !== unitNameType(n)) return { id: n, error: `Unit file ${e.path} is an alias of ${t} of a different type, ignoring the alias` };
      const nt = isValidUnitName(n, { template: true }), tt = isValidUnitName(t, { template: true });
      if (nt !== tt) return { id: n, error: `Unit file ${e.path} aliases a template and a non-template name, ignoring the alias` };
      n = t;
    }
    return { id: name, error: `Too many levels of symbolic links resolving ${name}` };
  }

  /** Resolves a name (plain or instance) through aliases and template fallback. */
  resolve(name: string): ResolvedName {
    const names = new Set<string>([name]);
    const exact = this.followAliases(name);
    let id = exact.id;
    let entry = this.entries.get(id);
    if (entry?.kind === 'alias') entry = undefined;
    const instance = unitNameInstance(name);
    let templateName: string | undefined;
    if (!entry && instance) {
      const t = this.followAliases(unitNameTemplate(name));
      const te = this.entries.get(t.id);
      if (te && te.kind !== 'alias') {
        entry = te;
        templateName = t.id;
        id = unitNameReplaceInstance(t.id, instance);
      }
    }
    names.add(id);
    for (const a of this.aliasesOf.get(id) ?? []) names.add(a);
    if (templateName && instance) for (const a of this.aliasesOf.get(templateName) ?? []) names.add(unitNameReplaceInstance(a, instance));
    const out: ResolvedName = { id, names: [id, ...[...names].filter((n) => n !== id)] };
    if (entry) out.entry = entry;
    if (exact.error) out.error = exact.error;
    return out;
  }
}
