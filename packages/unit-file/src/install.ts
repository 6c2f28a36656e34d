import { mkdirSync, readlinkSync, lstatSync, symlinkSync, unlinkSync, readdirSync, readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { DirectoryCache } from './directory-cache.js';
import { installSectionTable } from './install-section.js';
import { configDirs, searchPath as defaultSearchPath } from './search-path.js';
import { expandSpecifiers, makeSpecifierTable } from './specifiers.js';
import { systemSpecifierContext } from './system-facts.js';
import type { Diagnostic, ParseContext, SpecifierContext, UnitFileState } from './types.js';
import { UnitFileMap, type UnitFileEntry } from './unit-file-map.js';
import {
  isValidUnitName, resolvedPath, unitNameInstance, unitNameReplaceInstance, unitNameTemplate, unitNameType,
} from './unit-name.js';
import { lexUnitText } from './unit-text-lexer.js';
import { UnitFilePresets, presetDirs } from './presets.js';
import { fnmatch } from './fnmatch.js';
import { ValueError } from './value-error.js';

/** The [Install] section of one unit file, specifiers expanded. */
export interface InstallInfo {
  name: string;
  path: string;
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  also: string[];
  defaultInstance?: string;
  diagnostics: Diagnostic[];
}

/** One change made on disk, as systemctl reports it. */
export interface InstallChange {
  type: 'symlink' | 'unlink';
  /** The link created or removed (under the root). */
  path: string;
  /** For 'symlink': what it points to. */
  source?: string;
}

/** Options of {@link UnitFileInstaller}. */
export interface UnitFileInstallerOptions {
  scope: 'system' | 'user';
  /** Directories as systemd names them (not prefixed by root); defaults to {@link defaultSearchPath}. */
  searchPath?: string[];
  /** Operate on another root, like `systemctl --root=DIR`. */
  root?: string;
  env?: NodeJS.ProcessEnv;
  specifiers?: SpecifierContext;
  /** Where enable/mask write; defaults to {@link configDirs}. */
  configDirs?: { persistent: string; runtime: string };
  /**
   * Directory listings and the name → file map of a {@link UnitFileLoader} over the same search
   * path (no root), used instead of a second copy of each: a manager's loader and installer each
   * kept one, ~90 bytes per unit file (issue #19). `changed` is called after the installer wrote
   * to the disk, for the loader to drop them.
   */
  shared?: { cache: DirectoryCache; unitFiles(): UnitFileMap; changed(): void };
}

/** One row of {@link UnitFileInstaller.list}. */
export interface UnitFileListEntry {
  name: string;
  /** Where it was found (the symlink itself for aliases and masks). */
  path: string;
  state: UnitFileState;
}

/** Flags of enable/disable/mask/unmask. */
export interface InstallFlags { runtime?: boolean; force?: boolean }

const DEP_DIR = /\.(wants|requires|upholds)$/;

/**
 * What `systemctl enable/disable/mask/unmask/is-enabled` do to unit files on disk, after
 * systemd's install.c: symlinks from [Install] WantedBy=/RequiredBy=/Alias=/Also=, masks
 * to /dev/null, and the unit file states.
 */
export class UnitFileInstaller {
  private readonly root: string;
  private readonly dirs: string[];
  private readonly config: { persistent: string; runtime: string };
  private readonly cache: DirectoryCache;
  private map?: UnitFileMap;
  private links?: { dir: string; depDir?: string; name: string; path: string; target: string }[];
  private readonly specifiers: SpecifierContext;
  private presets?: UnitFilePresets;

  constructor(private readonly opts: UnitFileInstallerOptions) {
    this.root = opts.root ? nodePath.resolve(opts.root) : '';
    const env = opts.env ?? process.env;
    this.dirs = opts.searchPath ?? defaultSearchPath(opts.scope, env);
    this.config = opts.configDirs ?? configDirs(opts.scope, env);
    this.specifiers = opts.specifiers ?? systemSpecifierContext(opts.scope, {}, env);
    this.cache = opts.shared?.cache ?? new DirectoryCache();
  }

  private r(p: string): string {
    return this.root + p;
  }

  private unroot(p: string): string {
    return this.root && p.startsWith(this.root) ? p.slice(this.root.length) || '/' : p;
  }

  /** Forget cached directory listings (done after every change; shared ones are the loader's to drop). */
  refresh(): void {
    if (!this.opts.shared) this.cache.clear();
    this.map = undefined;
    this.links = undefined;
  }

  /** After writing to the disk: nothing cached may be used again, here or in the loader that shares it. */
  private changed(): void {
    this.refresh();
    this.opts.shared?.changed();
  }

  private unitMap(): UnitFileMap {
    if (this.opts.shared) return this.opts.shared.unitFiles();
    this.map ??= new UnitFileMap(this.dirs.map((d) => this.r(d)), this.cache, this.root);
    return this.map;
  }

  /** Every symlink in the search path's top level and its .wants/.requires/.upholds directories. */
  private allLinks(): { dir: string; depDir?: string; name: string; path: string; target: string }[] {
    if (this.links) return this.links;
    const out: { dir: string; depDir?: string; name: string; path: string; target: string }[] = [];
    for (const d of this.dirs) {
      const dir = this.r(d);
      const list = this.cache.list(dir);
      if (!list) continue;
      for (const [name, kind] of list) {
        if (kind === 'symlink') {
          const t = this.cache.readlink(`${dir}/${name}`);
          if (t !== undefined) out.push({ dir: d, name, path: `${dir}/${name}`, target: this.resolveTarget(dir, t) });
        } else if (kind === 'dir' && DEP_DIR.test(name)) {
          const sub = this.cache.list(`${dir}/${name}`);
          for (const [n, k] of sub ?? []) {
            if (k !== 'symlink') continue;
            const t = this.cache.readlink(`${dir}/${name}/${n}`);
            if (t !== undefined) out.push({ dir: d, depDir: name, name: n, path: `${dir}/${name}/${n}`, target: this.resolveTarget(`${dir}/${name}`, t) });
          }
        }
      }
    }
    this.links = out;
    return out;
  }

  // Link targets are reported without the root, as systemd writes them.
  private resolveTarget(dir: string, raw: string): string {
    return raw.startsWith('/') ? resolvedPath(raw) : this.unroot(nodePath.resolve(dir, raw));
  }

  /** Reads the [Install] section of the unit file `name` resolves to. Throws when there is none. */
  installInfo(name: string): InstallInfo {
    const { entry } = this.find(name);
    return this.readInstall(entry, name);
  }

  private find(name: string): { entry: UnitFileEntry; id: string } {
    if (!isValidUnitName(name)) throw new ValueError(`Invalid unit name '${name}'.`);
    const res = this.unitMap().resolve(name);
    let entry = res.entry;
    if (!entry && isValidUnitName(name, { template: true })) {
      const e = this.unitMap().entries.get(name);
      if (e && e.kind !== 'alias') entry = e;
    }
    if (!entry) throw new ValueError(`Unit file ${name} does not exist.`);
    return { entry, id: res.id };
  }

  private readInstall(entry: UnitFileEntry, name: string, known?: string): InstallInfo {
    const info: InstallInfo = { name, path: entry.path, wantedBy: [], requiredBy: [], alias: [], also: [], diagnostics: [] };
    if (entry.kind === 'masked') return info;
    let text: string;
    try {
      text = known ?? readFileSync(entry.path, 'utf8');
    } catch {
      return info;
    }
    const lexed = lexUnitText(text, entry.path);
    const table = makeSpecifierTable({ name }, this.specifiers);
    for (const a of lexed.assignments) {
      if (a.section !== 'Install') continue;
      const spec = installSectionTable.directives[a.key];
      if (!spec) continue;
      const ctx: ParseContext = {
        unit: name, file: entry.path, line: a.line, section: 'Install', key: a.key, scope: this.opts.scope,
        expand: (s) => expandSpecifiers(s, table),
        warn: (m) => info.diagnostics.push({ severity: 'warning', file: entry.path, line: a.line, section: 'Install', key: a.key, message: m }),
      };
      if (a.value === '') {
        if (a.key === 'DefaultInstance') delete info.defaultInstance;
        else if (a.key === 'WantedBy') info.wantedBy = [];
        else if (a.key === 'RequiredBy') info.requiredBy = [];
        else if (a.key === 'Alias') info.alias = [];
        else if (a.key === 'Also') info.also = [];
        continue;
      }
      try {
        const v = spec.parse(a.value, ctx);
        if (a.key === 'DefaultInstance') info.defaultInstance = v as string;
        else if (a.key === 'WantedBy') info.wantedBy.push(...(v as string[]));
        else if (a.key === 'RequiredBy') info.requiredBy.push(...(v as string[]));
        else if (a.key === 'Alias') info.alias.push(...(v as string[]));
        else if (a.key === 'Also') info.also.push(...(v as string[]));
      } catch (e) {
        ctx.warn((e as Error).message);
      }
    }
    return info;
  }

  private isRuntimeDir(dir: string): boolean {
    return dir.startsWith('/run/') || (this.opts.scope === 'user' && !!this.opts.env?.XDG_RUNTIME_DIR && dir.startsWith(this.opts.env.XDG_RUNTIME_DIR));
  }

  /**
   * The unit file state `systemctl is-enabled` prints. Throws ValueError when there is no
   * unit file of that name ("No such file or directory"). `fragment` is the file's text when the
   * caller has just read it (a unit's load), so it is not read twice.
   */
  state(name: string, fragment?: { path: string; text: string }): UnitFileState {
    const { entry } = this.find(name);
    if (entry.kind === 'masked') return this.isRuntimeDir(entry.dir.slice(this.root.length)) ? 'masked-runtime' : 'masked';
    const fragmentName = nodePath.basename(entry.path);
    if (name !== entry.name && !isValidUnitName(name, { instance: true })) return 'alias';
    const dir = entry.dir.slice(this.root.length);
    if (/\/generator(\.early|\.late)?$/.test(dir)) return 'generated';
    if (dir.endsWith('/transient')) return 'transient';
    const info = this.readInstall(entry, name, fragment?.path === entry.path ? fragment.text : undefined);
    const fragmentIndex = this.dirs.indexOf(dir);
    const templ = isValidUnitName(fragmentName, { template: true });
    const instance = unitNameInstance(name);
    const aliasNames = new Set(info.alias.map((a) => (instance && isValidUnitName(a, { template: true }) ? unitNameReplaceInstance(a, instance) : a)));
    let enabledRuntime = false, enabledElsewhere = false, linkedRuntime = false, linked = false, indirect = false;
    for (const l of this.allLinks()) {
      const idx = this.dirs.indexOf(l.dir);
      // Links at or below the unit file's own directory are vendor defaults, not enablement —
      // except in the configuration directories, which say "enabled" wherever they sit in the
      // search path (a unit path given with a trailing ':' puts them after the unit's own).
      const configDir = l.dir === this.config.persistent || l.dir === this.config.runtime;
      if (fragmentIndex >= 0 && idx >= fragmentIndex && !configDir) continue;
      const destMatches = nodePath.basename(l.target) === fragmentName || l.target === this.unroot(entry.path);
      if (!destMatches) continue;
      let nameMatches: boolean;
      if (l.depDir) {
        nameMatches = templ ? (instance ? l.name === name : unitNameTemplate(l.name) === fragmentName || l.name === fragmentName) : l.name === fragmentName;
      } else if (l.name === fragmentName || l.name === name) {
        if (l.dir === this.config.persistent) linked = true;
        else if (this.isRuntimeDir(l.dir)) linkedRuntime = true;
        continue;
      } else nameMatches = aliasNames.has(l.name);
      if (!nameMatches) {
        // Other instances of the same template say nothing about this instance.
        if (!(l.depDir && templ && instance)) indirect = true;
        continue;
      }
      if (l.dir === this.config.persistent) return 'enabled';
      if (this.isRuntimeDir(l.dir)) enabledRuntime = true;
      else enabledElsewhere = true;
    }
    if (enabledRuntime) return 'enabled-runtime';
    if (enabledElsewhere) return 'enabled';
    if (linkedRuntime) return 'linked-runtime';
    if (linked) return 'linked';
    if (indirect) return 'indirect';
    if (info.wantedBy.length || info.requiredBy.length || info.alias.length) return 'disabled';
    if (info.also.length) return 'indirect';
    return 'static';
  }

  /**
   * Every unit file of the search path with its state, as systemd's unit_file_get_list() finds
   * them for `systemctl list-unit-files`: regular files and symlinks with a valid unit name at
   * the top of each directory, the first directory holding a name winning; a name whose state
   * cannot be determined is 'bad'. `patterns` (fnmatch) and `states` filter, as the manager does.
   */
  list(filter: { states?: readonly string[]; patterns?: readonly string[] } = {}): UnitFileListEntry[] {
    const out = new Map<string, UnitFileListEntry>();
    const patterns = filter.patterns ?? [];
    const states = filter.states ?? [];
    for (const d of this.dirs) {
      const list = this.cache.list(this.r(d));
      if (!list) continue;
      for (const [name, kind] of list) {
        if (!isValidUnitName(name)) continue;
        if (patterns.length > 0 && !patterns.some((p) => fnmatch(p, name, { noEscape: true }))) continue;
        if (out.has(name) || (kind !== 'file' && kind !== 'symlink')) continue;
        let state: UnitFileState;
        try {
          state = this.state(name);
        } catch {
          state = 'bad';
        }
        if (states.length > 0 && !states.includes(state)) continue;
        out.set(name, { name, path: `${d}/${name}`, state });
      }
    }
    return [...out.values()];
  }

  /** The preset of `name` ('enabled' or 'disabled'), from the scope's *.preset files. */
  preset(name: string): 'enabled' | 'disabled' {
    this.presets ??= new UnitFilePresets(presetDirs(this.opts.scope).map((d) => this.r(d)));
    return this.presets.query(name);
  }

  private makeLink(path: string, source: string, force: boolean, changes: InstallChange[]): void {
    const real = this.r(path);
    let existing: string | undefined;
    try {
      if (lstatSync(real).isSymbolicLink()) existing = readlinkSync(real);
      else throw new ValueError(`Failed to create symlink: file ${real} already exists and is not a symlink.`);
    } catch (e) {
      if (e instanceof ValueError) throw e;
    }
    if (existing === source) return;
    if (existing !== undefined) {
      if (!force) throw new ValueError(`Failed to create symlink: ${real} already exists and is a symlink to ${existing}. Use --force to replace it.`);
      unlinkSync(real);
      changes.push({ type: 'unlink', path: real });
    }
    mkdirSync(nodePath.dirname(real), { recursive: true });
    symlinkSync(source, real);
    changes.push({ type: 'symlink', path: real, source });
  }

  /** `systemctl enable`: creates the [Install] symlinks of each unit (and its Also= units). */
  enable(names: string[], flags: InstallFlags = {}): InstallChange[] {
    const changes: InstallChange[] = [];
    const config = flags.runtime ? this.config.runtime : this.config.persistent;
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const { entry } = this.find(name);
      if (entry.kind === 'masked') throw new ValueError(`Unit file ${name} is masked.`);
      const info = this.readInstall(entry, name);
      const source = this.unroot(entry.path);
      const fragmentName = entry.name;
      let linkName = fragmentName;
      if (isValidUnitName(fragmentName, { template: true })) {
        const inst = unitNameInstance(name) || info.defaultInstance;
        linkName = inst ? unitNameReplaceInstance(fragmentName, inst) : fragmentName;
      }
      const canWant = !isValidUnitName(linkName, { template: true });
      for (const a of info.alias) {
        if (unitNameType(a) !== unitNameType(fragmentName)) throw new ValueError(`Invalid unit alias ${a} for ${fragmentName}: the type suffix must stay the same.`);
        this.makeLink(`${config}/${a}`, source, !!flags.force, changes);
      }
      if (canWant) {
        for (const w of info.wantedBy) this.makeLink(`${config}/${w}.wants/${linkName}`, source, !!flags.force, changes);
        for (const w of info.requiredBy) this.makeLink(`${config}/${w}.requires/${linkName}`, source, !!flags.force, changes);
      }
      for (const a of info.also) visit(a);
    };
    for (const n of names) visit(n);
    this.changed();
    return changes;
  }

  /** `systemctl disable`: removes every symlink to each unit (and its Also= units) from the config directory. */
  disable(names: string[], flags: InstallFlags = {}): InstallChange[] {
    const config = flags.runtime ? this.config.runtime : this.config.persistent;
    const remove = new Set<string>();
    const targets = new Set<string>();
    const visit = (name: string): void => {
      if (remove.has(name)) return;
      remove.add(name);
      try {
        const { entry } = this.find(name);
        if (entry.kind === 'masked') return;
        // Disabling one instance removes only that instance's links.
        if (!isValidUnitName(name, { instance: true })) targets.add(entry.name);
        const info = this.readInstall(entry, name);
        for (const a of info.alias) remove.add(a);
        for (const a of info.also) visit(a);
      } catch {
        // Disabling a unit whose file is gone still removes its dangling links.
      }
    };
    for (const n of names) visit(n);
    const changes: InstallChange[] = [];
    const matches = (linkName: string, target: string): boolean => {
      if (target === '/dev/null') return false;
      const base = nodePath.basename(target);
      if (remove.has(linkName) || targets.has(base) || remove.has(base)) return true;
      const inst = isValidUnitName(linkName, { instance: true });
      return inst && remove.has(unitNameTemplate(linkName));
    };
    const scan = (dir: string, depth: number): void => {
      let list;
      try {
        list = readdirSync(this.r(dir), { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of list) {
        const p = `${dir}/${d.name}`;
        if (d.isSymbolicLink()) {
          const t = readlinkSync(this.r(p));
          if (matches(d.name, t)) {
            unlinkSync(this.r(p));
            changes.push({ type: 'unlink', path: this.r(p) });
          }
        } else if (d.isDirectory() && depth === 0 && DEP_DIR.test(d.name)) scan(p, 1);
      }
    };
    scan(config, 0);
    this.changed();
    return changes;
  }

  /** `systemctl mask`: links each name to /dev/null in the config directory. */
  mask(names: string[], flags: InstallFlags = {}): InstallChange[] {
    const config = flags.runtime ? this.config.runtime : this.config.persistent;
    const changes: InstallChange[] = [];
    for (const n of names) {
      if (!isValidUnitName(n)) throw new ValueError(`Invalid unit name '${n}'.`);
      this.makeLink(`${config}/${n}`, '/dev/null', !!flags.force, changes);
    }
    this.changed();
    return changes;
  }

  /** `systemctl unmask`: removes /dev/null links of each name from the config directory (both, unless runtime). */
  unmask(names: string[], flags: InstallFlags = {}): InstallChange[] {
    const dirs = flags.runtime ? [this.config.runtime] : [this.config.persistent, this.config.runtime];
    const changes: InstallChange[] = [];
    for (const n of names) {
      for (const d of dirs) {
        const real = this.r(`${d}/${n}`);
        try {
          if (lstatSync(real).isSymbolicLink() && readlinkSync(real) === '/dev/null') {
            unlinkSync(real);
            changes.push({ type: 'unlink', path: real });
          }
        } catch {
          // Not there: nothing to unmask.
        }
      }
    }
    this.changed();
    return changes;
  }
}

/** Formats changes the way systemctl prints them ("Created symlink A → B.", "Removed \"A\"."). */
export function formatInstallChanges(changes: InstallChange[]): string[] {
  return changes.map((c) => (c.type === 'symlink' ? `Created symlink ${c.path} \u2192 ${c.source}.` : `Removed "${c.path}".`));
}
