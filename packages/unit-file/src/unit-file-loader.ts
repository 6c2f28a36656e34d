import { dropInDirectories, listDropInFiles } from './drop-ins.js';
import { DirectoryCache } from './directory-cache.js';
import { DirectiveIndex, FragmentParser, type FragmentParserOptions } from './fragment-parser.js';
import { UnitFileInstaller } from './install.js';
import { systemSpecifierContext } from './system-facts.js';
import type { DirectiveTable, SpecifierContext, UnitDefinition } from './types.js';
import { UnitFileMap } from './unit-file-map.js';
import { mtimeOf, unitNeedsDaemonReload } from './need-daemon-reload.js';
import {
  isValidUnitName, unitNameInstance, unitNameReplaceInstance, unitNameType,
} from './unit-name.js';

/** Options of {@link UnitFileLoader}. */
export interface UnitFileLoaderOptions {
  /** Directories in precedence order (see {@link searchPath}). */
  searchPath: string[];
  /** Every directive table collected from the plugins; include {@link unitSectionTable} and {@link installSectionTable}. */
  tables: DirectiveTable[];
  scope?: 'system' | 'user';
  /** Facts for specifiers; missing ones are read from the system once. */
  specifiers?: SpecifierContext;
  /**
   * Whether a unit of this name needs a fragment to be `loaded` (otherwise it is `not-found`).
   * Defaults to true except for slices and devices, which systemd synthesizes.
   */
  fragmentRequired?: (name: string) => boolean;
  /** Compute `unitFileState` for each loaded unit (default true). */
  unitFileStates?: boolean;
  /** Environment used for the user scope's config directories (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const OPTIONAL_FRAGMENT = new Set(['slice', 'device']);

/**
 * Turns unit names into {@link UnitDefinition}s by reading the search path the way
 * systemd's load-fragment does: name map with aliases and masks, template fallback for
 * instances, fragment then drop-ins, dependency directories. Directory listings are
 * cached for one pass: call {@link reset} (or make a new loader) on daemon-reload.
 */
export class UnitFileLoader {
  private readonly index: DirectiveIndex;
  private readonly cache = new DirectoryCache();
  private map?: UnitFileMap;
  private installer?: UnitFileInstaller;
  private readonly specifiers: SpecifierContext;
  private readonly scope: 'system' | 'user';

  constructor(private readonly opts: UnitFileLoaderOptions) {
    this.index = new DirectiveIndex(opts.tables);
    this.scope = opts.scope ?? 'system';
    this.specifiers = systemSpecifierContext(this.scope, opts.specifiers ?? {}, opts.env ?? process.env);
  }

  /** Drops cached directory listings so the next load sees the disk as it is now. */
  reset(): void {
    this.cache.clear();
    this.map = undefined;
    this.installer?.refresh();
  }

  /** The name → file map of the current pass. */
  unitFiles(): UnitFileMap {
    this.map ??= new UnitFileMap(this.opts.searchPath, this.cache);
    return this.map;
  }

  /** Names of all unit files (including templates, aliases and masks) in the search path, sorted. */
  listUnitFileNames(): string[] {
    return [...this.unitFiles().entries.keys()].sort();
  }

  /** The installer over the same search path (enable/disable/is-enabled). */
  install(): UnitFileInstaller {
    this.installer ??= new UnitFileInstaller({
      scope: this.scope,
      searchPath: this.opts.searchPath,
      specifiers: this.specifiers,
      env: this.opts.env ?? process.env,
      shared: {
        cache: this.cache,
        unitFiles: () => this.unitFiles(),
        changed: () => {
          this.cache.clear();
          this.map = undefined;
        },
      },
    });
    return this.installer;
  }

  /** Loads one unit by name ("foo.service", "foo@bar.service", or an alias). Never throws for unit problems. */
  load(name: string): UnitDefinition {
    const def: UnitDefinition = {
      id: name, names: [name], loadState: 'loaded', dropInPaths: [], sections: new Map(), diagnostics: [], assignments: [],
      dependencyDirs: { wants: [], requires: [], upholds: [] },
    };
    if (!isValidUnitName(name, { plain: true, instance: true })) {
      def.loadState = 'error';
      def.loadError = `Unit name ${name} is not valid. Use a name like "foo.service" or "foo@instance.service".`;
      return def;
    }
    const res = this.unitFiles().resolve(name);
    def.id = res.id;
    def.names = res.names;
    const instance = unitNameInstance(res.id);
    if (instance) def.instance = instance;
    if (res.error) def.diagnostics.push({ severity: 'warning', file: res.entry?.path ?? '', line: 0, message: res.error });

    const entry = res.entry;
    if (entry?.kind === 'masked') {
      def.loadState = 'masked';
      // systemd reports the symlink itself as FragmentPath of a masked unit.
      def.fragmentPath = entry.path;
      def.loadError = `Unit ${res.id} is masked.`;
      def.unitFileState = 'masked';
      return def;
    }
    const mtimes: NonNullable<UnitDefinition['mtimes']> = {};
    def.mtimes = mtimes;

    const parserOpts: FragmentParserOptions = { name: res.id, index: this.index, scope: this.scope, specifiers: this.specifiers };
    const parser = new FragmentParser(parserOpts);
    let fragment: { path: string; text: string } | undefined;
    if (entry) {
      def.fragmentPath = entry.path;
      if (isValidUnitName(entry.name, { template: true })) def.template = entry.name;
      let text: string;
      try {
        text = this.cache.read(entry.path);
      } catch (e) {
        def.loadState = 'error';
        def.loadError = `Failed to read ${entry.path}: ${(e as Error).message}`;
        return def;
      }
      mtimes.fragment = mtimeOf(entry.path);
      // An empty file masks the unit, as does a symlink to /dev/null.
      if (text.length === 0) {
        def.loadState = 'masked';
        def.loadError = `Unit ${res.id} is masked.`;
        def.unitFileState = 'masked';
        return def;
      }
      parser.apply(text, entry.path);
      fragment = { path: entry.path, text };
    } else {
      const required = this.opts.fragmentRequired ? this.opts.fragmentRequired(res.id) : !OPTIONAL_FRAGMENT.has(unitNameType(res.id) ?? '');
      if (required) {
        def.loadState = 'not-found';
        def.loadError = `Unit ${name} not found.`;
        return def;
      }
    }

    const aliases = def.names.filter((n) => n !== res.id);
    if (!parser.result.failure) {
      const dirs = dropInDirectories(this.cache, this.opts.searchPath, res.id, aliases, '.d');
      for (const file of listDropInFiles(this.cache, dirs, '.conf')) {
        let text: string;
        try {
          text = this.cache.read(file);
        } catch (e) {
          def.diagnostics.push({ severity: 'warning', file, line: 0, message: `${res.id}: Failed to read drop-in ${file}, ignoring: ${(e as Error).message}` });
          continue;
        }
        def.dropInPaths.push(file);
        // The newest drop-in's time, as systemd's dropin_mtime: any drop-in newer than it changed.
        const t = mtimeOf(file);
        if (t !== undefined && t > (mtimes.dropIns ?? 0)) mtimes.dropIns = t;
        if (!parser.apply(text, file)) break;
      }
    }
    this.addDependencyDirs(def, res.id, aliases, parser);

    def.sections = parser.result.sections;
    // The lists grew by push() line by line, which leaves room for 17 items at the first; units
    // keep many of them (Environment=, ExecStart=…), so each becomes an exact-size copy (#19).
    for (const sec of def.sections.values()) for (const [k, v] of sec) if (Array.isArray(v)) sec.set(k, v.slice());
    def.diagnostics.push(...parser.result.diagnostics);
    def.assignments = parser.result.assignments;
    if (parser.result.failure) {
      def.loadState = parser.result.failure.state;
      def.loadError = parser.result.failure.message;
    }
    const sp = def.sections.get('Unit')?.get('SourcePath');
    if (typeof sp === 'string') {
      def.sourcePath = sp;
      mtimes.source = mtimeOf(sp);
    }
    if (entry && this.opts.unitFileStates !== false) {
      try {
        def.unitFileState = this.install().state(res.id, fragment);
      } catch {
        // A unit without a file has no unit file state.
      }
    }
    return def;
  }

  /**
   * NeedDaemonReload= of a unit this loader loaded: whether its fragment, source file or drop-ins
   * changed on disk since (see {@link unitNeedsDaemonReload}). Drop-in directories are looked up
   * through this pass's cached listings, as systemd looks them up in its unit path cache (a
   * directory created after the last daemon-reload is not noticed), but their files are listed now.
   */
  needsDaemonReload(def: UnitDefinition): boolean {
    let current: string[] = [];
    if (def.loadState === 'loaded') {
      const aliases = def.names.filter((n) => n !== def.id);
      const dirs = dropInDirectories(this.cache, this.opts.searchPath, def.id, aliases, '.d');
      current = listDropInFiles(new DirectoryCache(), dirs, '.conf');
    }
    return unitNeedsDaemonReload(def, current);
  }

  // Symlinks in foo.service.wants/, .requires/, .upholds/ add dependencies (unit_load_dropin()).
  private addDependencyDirs(def: UnitDefinition, id: string, aliases: string[], parser: FragmentParser): void {
    const instance = unitNameInstance(id);
    const kinds: [string, 'wants' | 'requires' | 'upholds', string][] = [
      ['.wants', 'wants', 'Wants'], ['.requires', 'requires', 'Requires'], ['.upholds', 'upholds', 'Upholds'],
    ];
    for (const [suffix, field, key] of kinds) {
      const dirs = dropInDirectories(this.cache, this.opts.searchPath, id, aliases, suffix);
      if (dirs.length === 0) continue;
      for (const file of listDropInFiles(this.cache, dirs, undefined)) {
        let n = file.slice(file.lastIndexOf('/') + 1);
        if (isValidUnitName(n, { template: true })) {
          if (!instance) {
            def.diagnostics.push({ severity: 'warning', file, line: 0, message: `${id}: Cannot add dependency on template unit ${n} from ${file}, ignoring.` });
            continue;
          }
          n = unitNameReplaceInstance(n, instance);
        }
        if (!isValidUnitName(n, { plain: true, instance: true })) continue;
        def.dependencyDirs[field].push(n);
      }
      const deps = def.dependencyDirs[field];
      if (deps.length === 0) continue;
      let sec = parser.result.sections.get('Unit');
      if (!sec) { sec = new Map(); parser.result.sections.set('Unit', sec); }
      const prev = (sec.get(key) as string[] | undefined) ?? [];
      sec.set(key, [...prev, ...deps]);
    }
  }
}

