/**
 * An in-memory UnitDefinitionSource: unit definitions given as plain objects, so a plugin's tests
 * need no files. Values are given as the directive tables would parse them (time spans in µs,
 * booleans, arrays); a dependency list may also be a space-separated string.
 */
import type { DirectiveTable, UnitDefinition, UnitDefinitionSource } from '@unitkit/core';
import { notFoundDefinition, unitFileDependencyDirectives } from '@unitkit/core';
import { parseUnitText } from '@unitkit/unit-file';

/** Sections of one unit: section name → directive → parsed value. */
export type UnitSpec = Record<string, Record<string, unknown>>;

interface Entry {
  spec: UnitSpec;
  /** Unit-file text, parsed by the real parser with the manager's directive tables at load. */
  text?: string;
  dropIns?: string[];
  aliases: string[];
  loadState: UnitDefinition['loadState'];
  loadError?: string;
  /** When it was (re)defined, on a counter of this source's edits: stamps its definitions as an mtime. */
  version?: number;
}

const listDirectives = new Set<string>([...unitFileDependencyDirectives, 'Documentation']);

/** Unit definitions held in memory. */
export class MemoryUnitSource implements UnitDefinitionSource {
  private readonly entries = new Map<string, Entry>();
  private readonly aliases = new Map<string, string>();
  /** How many times each name was loaded, for tests of caching and reloading. */
  readonly loads = new Map<string, number>();
  private edits = 0;

  private set(name: string, entry: Entry): void {
    entry.version = ++this.edits;
    this.entries.set(name, entry);
  }

  /** Defines (or replaces) a unit. `aliases` are other names that resolve to it, as symlinks do. */
  add(name: string, spec: UnitSpec = {}, opts: { aliases?: string[] } = {}): this {
    this.set(name, { spec, aliases: opts.aliases ?? [], loadState: 'loaded' });
    for (const a of opts.aliases ?? []) this.aliases.set(a, name);
    return this;
  }

  /**
   * Defines a unit by its unit-file text (and drop-in texts), parsed by @unitkit/unit-file with the
   * directive tables of the manager under test — so a plugin's own table is exercised too.
   */
  file(name: string, text: string, dropIns: string[] = []): this {
    this.set(name, { spec: {}, text, dropIns, aliases: [], loadState: 'loaded' });
    return this;
  }

  /** Defines several units at once. */
  addAll(units: Record<string, UnitSpec>): this {
    for (const [name, spec] of Object.entries(units)) this.add(name, spec);
    return this;
  }

  /** Masks a unit, as a symlink to /dev/null does. */
  mask(name: string): this {
    this.set(name, { spec: {}, aliases: [], loadState: 'masked' });
    return this;
  }

  /** Makes a unit fail to load with `loadState` and a message, as a broken unit file does. */
  broken(name: string, message: string, loadState: 'bad-setting' | 'error' = 'bad-setting'): this {
    this.set(name, { spec: {}, aliases: [], loadState, loadError: message });
    return this;
  }

  /** Forgets a unit: it is not-found from then on. */
  remove(name: string): this {
    this.entries.delete(name);
    this.edits++;
    return this;
  }

  /**
   * NeedDaemonReload=: the unit (or the template it came from) was redefined or removed since
   * `def` was loaded — the in-memory counterpart of a unit file edited on disk.
   */
  needsDaemonReload(def: UnitDefinition): boolean {
    if (def.loadState === 'not-found' || def.mtimes?.fragment === undefined) return false;
    const entry = this.entries.get(def.id) ?? this.entries.get(templateOf(def.id) ?? '');
    return entry?.version !== def.mtimes.fragment;
  }

  load(name: string, tables: readonly DirectiveTable[]): UnitDefinition {
    this.loads.set(name, (this.loads.get(name) ?? 0) + 1);
    const id = this.aliases.get(name) ?? name;
    const entry = this.entries.get(id) ?? this.entries.get(templateOf(id) ?? '');
    if (!entry) {
      // Slices and devices load without a unit file, as systemd synthesizes them (and as the real
      // loader does): an empty definition with no fragment path.
      if (!/\.(slice|device)$/.test(id)) return notFoundDefinition(id);
      return { ...notFoundDefinition(id), loadState: 'loaded' };
    }
    const names = [id, ...entry.aliases];
    const mtimes = { fragment: entry.version };
    if (entry.loadState !== 'loaded') {
      return { ...notFoundDefinition(id), names, mtimes, loadState: entry.loadState, loadError: entry.loadError, fragmentPath: entry.loadState === 'masked' ? `/memory/${id}` : undefined };
    }
    const empty = notFoundDefinition(id);
    const fragmentPath = `/memory/${templateOf(id) && !this.entries.has(id) ? templateOf(id) : id}`;
    if (entry.text !== undefined) {
      const parsed = parseUnitText(entry.text, {
        name: id,
        tables: [...tables],
        file: fragmentPath,
        dropIns: (entry.dropIns ?? []).map((text, i) => ({ text, file: `${fragmentPath}.d/${i}.conf` })),
      });
      return {
        ...empty,
        names,
        mtimes,
        loadState: parsed.failure?.state ?? 'loaded',
        loadError: parsed.failure?.message,
        fragmentPath,
        dropInPaths: (entry.dropIns ?? []).map((_t, i) => `${fragmentPath}.d/${i}.conf`),
        sections: parsed.sections,
        diagnostics: parsed.diagnostics,
        assignments: parsed.assignments,
        unitFileState: parsed.sections.has('Install') ? 'disabled' : 'static',
      };
    }
    const sections = new Map<string, Map<string, unknown>>();
    for (const [section, directives] of Object.entries(entry.spec)) {
      const m = new Map<string, unknown>();
      for (const [k, v] of Object.entries(directives)) {
        m.set(k, section === 'Unit' && listDirectives.has(k) && typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v);
      }
      sections.set(section, m);
    }
    const unitFileState = entry.spec.Install ? 'disabled' : 'static';
    return { ...empty, names, mtimes, loadState: 'loaded', unitFileState, fragmentPath, sections };
  }
}

/** "foo@.service" for "foo@bar.service"; undefined for a name without an instance. */
function templateOf(name: string): string | undefined {
  const at = name.indexOf('@');
  const dot = name.lastIndexOf('.');
  if (at < 0 || dot < at || at === dot - 1) return undefined;
  return `${name.slice(0, at + 1)}${name.slice(dot)}`;
}
