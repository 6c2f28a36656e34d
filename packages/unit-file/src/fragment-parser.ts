import { makeSpecifierTable, expandSpecifiers } from './specifiers.js';
import type { Diagnostic, DirectiveSpec, DirectiveTable, ParseContext, RawAssignment, SpecifierContext } from './types.js';
import { lexUnitText } from './unit-text-lexer.js';
import { unitNameType } from './unit-name.js';
import { ValueError } from './value-error.js';
import { detachedString } from './detached-string.js';

/**
 * All directive tables, indexed for lookups by section and key. Build one per loader
 * (it is immutable), not one per unit.
 */
export class DirectiveIndex {
  private readonly bySection = new Map<string, { specs: Map<string, DirectiveSpec>; unitTypes?: Set<string> }>();

  constructor(tables: DirectiveTable[]) {
    for (const t of tables) {
      let entry = this.bySection.get(t.section);
      if (!entry) {
        entry = { specs: new Map() };
        if (t.unitTypes) entry.unitTypes = new Set(t.unitTypes);
        this.bySection.set(t.section, entry);
      } else if (t.unitTypes && entry.unitTypes) for (const u of t.unitTypes) entry.unitTypes.add(u);
      else if (!t.unitTypes) delete entry.unitTypes;
      for (const [k, spec] of Object.entries(t.directives)) entry.specs.set(k, spec);
    }
  }

  /** True when a unit of this type ("service") may carry the section. */
  hasSection(section: string, unitType: string | undefined): boolean {
    const e = this.bySection.get(section);
    if (!e) return false;
    return !e.unitTypes || unitType === undefined || e.unitTypes.has(unitType);
  }

  /** The spec of `section`/`key`, if any table declares it. */
  get(section: string, key: string): DirectiveSpec | undefined {
    return this.bySection.get(section)?.specs.get(key);
  }

  /** Every key of a section sharing a reset group. */
  groupKeys(section: string, group: string): string[] {
    const e = this.bySection.get(section);
    if (!e) return [];
    const out: string[] = [];
    for (const [k, s] of e.specs) if (s.resetGroup === group) out.push(s.canonical ?? k);
    return out;
  }
}

/** Options shared by the fragment parser and the loader. */
export interface FragmentParserOptions {
  /** The unit's name ("foo@bar.service"): specifiers and the allowed sections derive from it. */
  name: string;
  index: DirectiveIndex;
  scope?: 'system' | 'user';
  specifiers?: SpecifierContext;
}

/** What parsing a fragment and its drop-ins produced. */
export interface ParsedUnitFiles {
  sections: Map<string, Map<string, unknown>>;
  diagnostics: Diagnostic[];
  assignments: RawAssignment[];
  /** Set when the unit must not load: 'bad-setting' for a fatal directive, 'error' for a file systemd refuses. */
  failure?: { state: 'bad-setting' | 'error'; message: string };
}

/**
 * Applies files to one unit in order (fragment first, then drop-ins): lexes each,
 * looks directives up, expands specifiers, parses values and merges them by the
 * scalar/list rules — the work of systemd's config_parse() + load-fragment.c.
 */
export class FragmentParser {
  readonly result: ParsedUnitFiles = { sections: new Map(), diagnostics: [], assignments: [] };
  private readonly specTable: Record<string, () => string>;
  private readonly unitType: string | undefined;
  private readonly ctx: ParseContext & { file: string; line: number; section: string; key: string };

  constructor(private readonly opts: FragmentParserOptions) {
    this.specTable = makeSpecifierTable({ name: opts.name }, opts.specifiers ?? {});
    this.unitType = unitNameType(opts.name);
    const self = this;
    this.ctx = {
      unit: opts.name,
      file: '',
      line: 0,
      section: '',
      key: '',
      scope: opts.scope ?? 'system',
      expand: (s: string) => expandSpecifiers(s, self.specTable),
      // An arrow function: parsers receive ctx.warn detached from ctx.
      warn: (message: string) => {
        const c = self.ctx;
        self.result.diagnostics.push({ severity: 'warning', file: c.file, line: c.line, section: c.section, key: c.key, message });
      },
    };
  }

  /** Parses one file's text into the unit. Returns false when the file made the unit fail. */
  apply(text: string, file: string): boolean {
    const index = this.opts.index;
    const lexed = lexUnitText(text, file, { isKnownSection: (s) => index.hasSection(s, this.unitType) });
    for (const d of lexed.diagnostics) this.result.diagnostics.push(d);
    if (lexed.fatal) {
      this.fail('error', `${file}:${lexed.fatal.line}: ${lexed.fatal.message}`);
      return false;
    }
    for (const a of lexed.assignments) this.assign(file, a.line, a.section, a.key, a.value);
    return !this.result.failure;
  }

  private fail(state: 'bad-setting' | 'error', message: string): void {
    if (!this.result.failure) this.result.failure = { state, message };
  }

  private assign(file: string, line: number, section: string, key: string, value: string): void {
    const r = this.result;
    r.assignments.push({ file, line, section, key, value });
    const spec = this.opts.index.get(section, key);
    if (!spec) {
      if (!key.startsWith('X-')) {
        r.diagnostics.push({ severity: 'warning', file, line, section, key, message: `Unknown key name '${key}' in section '${section}', ignoring.` });
      }
      return;
    }
    const ctx = this.ctx;
    ctx.file = file;
    ctx.line = line;
    ctx.section = section;
    ctx.key = key;
    if (spec.deprecated) ctx.warn(spec.deprecated);
    const target = spec.canonical ?? key;
    const into = spec.section ?? section;
    let sec = r.sections.get(into);
    if (!sec) { sec = new Map(); r.sections.set(into, sec); }
    const empty = spec.empty ?? 'reset';
    if (value === '' && empty !== 'parse') {
      if (empty === 'ignore') return;
      if (spec.resetGroup) for (const k of this.opts.index.groupKeys(section, spec.resetGroup)) sec.delete(k);
      else sec.delete(target);
      return;
    }
    let parsed: unknown;
    try {
      // Detached: what the parser keeps must not pin the file's whole text (detached-string.ts).
      const v = detachedString(spec.noSpecifiers ? value : ctx.expand(value));
      parsed = spec.parse(v, ctx);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      const fatal = e.fatal ?? !!spec.fatal;
      const reason = e.message;
      r.diagnostics.push({
        severity: fatal ? 'error' : 'warning', file, line, section, key,
        message: fatal
          ? `Invalid value for ${key}=: '${value}' (${reason}). The unit cannot be loaded; fix the value, then reload.`
          : `Invalid value for ${key}=, ignoring: '${value}' (${reason})`,
      });
      if (fatal) this.fail('bad-setting', `${file}:${line}: Invalid value for ${key}=: '${value}' (${reason})`);
      return;
    }
    if (spec.kind === 'list') {
      const items = Array.isArray(parsed) ? parsed : [parsed];
      const prev = sec.get(target) as unknown[] | undefined;
      const list = prev ?? [];
      if (spec.merge) spec.merge(list, items);
      else list.push(...items);
      if (!prev) sec.set(target, list);
    } else sec.set(target, parsed);
  }
}

/** Options of {@link parseUnitText}. */
export interface ParseUnitTextOptions {
  /** Unit name, e.g. "foo@bar.service"; decides specifiers and which sections are allowed. */
  name: string;
  tables: DirectiveTable[];
  /** Reported in diagnostics; defaults to "<name>". */
  file?: string;
  scope?: 'system' | 'user';
  specifiers?: SpecifierContext;
  /** Drop-in texts applied after the fragment, in order. */
  dropIns?: { text: string; file: string }[];
}

/**
 * Parses unit file text (plus optional drop-in texts) without touching the disk —
 * for tests and the test kit. A fatal problem is reported in `failure`.
 */
export function parseUnitText(text: string, opts: ParseUnitTextOptions): ParsedUnitFiles {
  const parserOpts: FragmentParserOptions = { name: opts.name, index: new DirectiveIndex(opts.tables) };
  if (opts.scope) parserOpts.scope = opts.scope;
  if (opts.specifiers) parserOpts.specifiers = opts.specifiers;
  const p = new FragmentParser(parserOpts);
  if (p.apply(text, opts.file ?? opts.name)) {
    for (const d of opts.dropIns ?? []) if (!p.apply(d.text, d.file)) break;
  }
  return p.result;
}
