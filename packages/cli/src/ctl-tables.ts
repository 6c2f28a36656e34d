/**
 * The tables systemctl prints: list-units, list-sockets, list-jobs and the list-dependencies
 * tree, with systemctl's column layout, legends and footers.
 */
import { fnmatch } from '@unitkit/unit-file/fnmatch';
import type { JobRow, UnitRow } from './control-protocol.js';
import { outputIsJson } from './ctl-options.js';
import type { Colors } from './terminal-colors.js';

/** Lays out rows in columns separated by one space; the last column is not padded. */
export function formatTable(header: string[] | undefined, rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]?.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return all.map((r) =>
    r
      .map((cell, i) => {
        if (i === r.length - 1) return cell;
        const pad = widths[i]! - [...cell].length;
        return rightAligned.has(i) ? ' '.repeat(pad) + cell : cell + ' '.repeat(pad);
      })
      .join(' ')
      .replace(/\s+$/, ''),
  );
}

/** Unit name patterns as systemctl matches them: fnmatch() without backslash escapes. */
export function globMatch(pattern: string, name: string): boolean {
  return fnmatch(pattern, name, { noEscape: true });
}

function suffixOf(id: string): string {
  return id.slice(id.lastIndexOf('.'));
}

/** systemctl's unit order: by type suffix, then by name, case-insensitively. */
export function compareUnitIds(a: string, b: string): number {
  const s = suffixOf(a).toLowerCase().localeCompare(suffixOf(b).toLowerCase());
  return s !== 0 ? s : a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}

/** Filters of list-units. */
export interface ListUnitsFilter {
  all: boolean;
  states: string[];
  types: string[];
  patterns: string[];
}

/** The units list-units shows, in its order. */
export function selectUnits(units: UnitRow[], f: ListUnitsFilter): UnitRow[] {
  return units
    .filter((u) => u.load !== 'stub')
    .filter((u) => f.states.length === 0 || f.states.some((s) => s === u.load || s === u.active || s === u.sub))
    .filter((u) => f.types.length === 0 || f.types.some((t) => u.id.endsWith(`.${t}`)))
    .filter((u) => f.patterns.length === 0 || f.patterns.some((p) => globMatch(p, u.id)))
    .filter((u) => f.all || f.states.length > 0 || u.active !== 'inactive' || u.job !== undefined)
    .sort((a, b) => compareUnitIds(a.id, b.id));
}

/** How a table is printed: systemctl's --legend/--no-legend, --plain and -o. */
export interface TableStyle {
  legend: boolean;
  /** No bullet column (list-units), no tree glyphs (list-dependencies). */
  plain: boolean;
  /** The -o output mode; the json modes print the table as JSON instead of columns. */
  output: string;
  /** Colour JSON strings (on a terminal, as systemd's JSON_FORMAT_COLOR_AUTO). */
  color?: boolean;
}

/** The default style: a legend, bullets, columns. */
export const defaultTableStyle: TableStyle = { legend: true, plain: false, output: 'short' };

/** A JSON string, its inside green when colouring (systemd colours strings, keys included, so). */
function jsonString(s: string, color: boolean): string {
  const quoted = JSON.stringify(s);
  return color ? `"\x1b[0;32m${quoted.slice(1, -1)}\x1b[0m"` : quoted;
}

/** JSON text, on one line (`pretty` false) or tab-indented with ` : ` as systemd's json-pretty. */
function jsonText(value: unknown, pretty: boolean, color: boolean, depth = 0): string {
  const tabs = pretty ? '\t'.repeat(depth) : '';
  const nl = pretty ? '\n' : '';
  const inner = pretty ? `${tabs}\t` : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => `${inner}${jsonText(v, pretty, color, depth + 1)}`).join(`,${nl}`)}${nl}${tabs}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const sep = pretty ? ' : ' : ':';
    return `{${nl}${entries.map(([k, v]) => `${inner}${jsonString(k, color)}${sep}${jsonText(v, pretty, color, depth + 1)}`).join(`,${nl}`)}${nl}${tabs}}`;
  }
  return typeof value === 'string' ? jsonString(value, color) : JSON.stringify(value);
}

/**
 * A JSON value as systemd's json_variant_dump() prints it for an output mode: `json` one line,
 * `json-pretty` tab-indented with ` : `, `json-seq` after an RS byte (RFC 7464), `json-sse` as a
 * server-sent event (`data: …` and an empty line).
 */
export function formatJson(value: unknown, mode: string, color = false): string[] {
  switch (mode) {
    case 'json-pretty':
      return jsonText(value, true, color).split('\n');
    case 'json-seq':
      return [`\x1e${jsonText(value, false, color)}`];
    case 'json-sse':
      return [`data: ${jsonText(value, false, color)}`, ''];
    default:
      return [jsonText(value, false, color)];
  }
}

/**
 * A table as systemd's table_print_json() does it: an array with one object per row, keyed by
 * the lower-cased column headers.
 */
export function tableAsJson(keys: string[], rows: string[][], mode: string, color = false): string[] {
  return formatJson(rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? '']))), mode, color);
}

/** The list-units output. */
export function formatListUnits(units: UnitRow[], f: ListUnitsFilter, style: TableStyle, c: Colors): string[] {
  const withJobs = units.some((u) => u.job);
  const json = outputIsJson(style.output);
  const rows = units.map((u) => {
    const bad = u.load !== 'loaded' || u.active === 'failed';
    const circle = bad ? c.red('\u25cf') : ' ';
    const cells = [json || style.plain ? u.id : `${circle} ${u.id}`, u.load, u.active, u.sub];
    if (withJobs) cells.push(u.job?.type ?? '');
    cells.push(u.description);
    return cells;
  });
  const keys = ['unit', 'load', 'active', 'sub', ...(withJobs ? ['job'] : []), 'description'];
  const header = [style.plain ? 'UNIT' : '  UNIT', ...keys.slice(1).map((k) => k.toUpperCase())];
  const legend = style.legend;
  if (json) {
    if (!legend) return tableAsJson(keys, rows, style.output, style.color);
  } else if (!legend) return formatTable(undefined, rows);
  const out = json ? tableAsJson(keys, rows, style.output, style.color) : rows.length > 0 ? formatTable(header, rows) : [];
  if (rows.length > 0) {
    out.push('', 'LOAD   = Reflects whether the unit definition was properly loaded.', 'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.', 'SUB    = The low-level unit activation state, values depend on unit type.');
    if (withJobs) out.push('JOB    = Pending job for the unit.');
  }
  const n = rows.length;
  if (f.all || f.states.includes('inactive')) out.push(`${n} loaded units listed.`, "To show all installed unit files use 'unitkitctl list-unit-files'.");
  else if (f.states.length === 0) out.push(`${n} loaded units listed. Pass --all to see loaded but inactive units, too.`, "To show all installed unit files use 'unitkitctl list-unit-files'.");
  else out.push(`${n} loaded units listed.`);
  return out;
}

/** The list-sockets output; `showTypes` adds the TYPE column (--show-types). */
export function formatListSockets(units: UnitRow[], all: boolean, patterns: string[], style: TableStyle, showTypes = false): string[] {
  const legend = style.legend;
  const rows: string[][] = [];
  const sockets = units
    .filter((u) => u.id.endsWith('.socket') && u.load === 'loaded')
    .filter((u) => all || u.active !== 'inactive')
    .filter((u) => patterns.length === 0 || patterns.some((p) => globMatch(p, u.id)));
  const entries: Array<[string, string, string, string]> = [];
  for (const u of sockets) for (const [type, addr] of u.listen) entries.push([addr, type, u.id, u.triggers.join(', ')]);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const e of entries) rows.push(showTypes ? [...e] : [e[0], e[2], e[3]]);
  const keys = showTypes ? ['listen', 'type', 'unit', 'activates'] : ['listen', 'unit', 'activates'];
  const json = outputIsJson(style.output);
  if (!legend) return json ? tableAsJson(keys, rows, style.output, style.color) : formatTable(undefined, rows);
  const out = json ? tableAsJson(keys, rows, style.output, style.color) : rows.length > 0 ? formatTable(keys.map((k) => k.toUpperCase()), rows) : [];
  if (rows.length > 0) out.push('');
  out.push(`${rows.length} sockets listed.`);
  if (!all) out.push('Pass --all to see loaded but inactive sockets, too.');
  return out;
}

/** The list-jobs output. */
export function formatListJobs(jobs: JobRow[], legend: boolean): string[] {
  if (jobs.length === 0) return legend ? ['No jobs running.'] : [];
  // The JOB column is left-aligned, as systemctl 252 prints it.
  const rows = jobs.sort((a, b) => a.id - b.id).map((j) => [String(j.id), j.unit, j.type, j.state]);
  if (!legend) return formatTable(undefined, rows);
  return [...formatTable(['JOB', 'UNIT', 'TYPE', 'STATE'], rows), '', `${jobs.length} jobs listed.`];
}

/** Options of the list-dependencies tree. */
export interface DependencyTreeOptions {
  reverse: boolean;
  after: boolean;
  before: boolean;
  /** Expand every unit, not only targets. */
  all: boolean;
  /** A flat list without bullets and tree glyphs (--plain, -o json). */
  plain?: boolean;
  colors: Colors;
}

/** The list-dependencies tree of one unit. */
export function formatDependencyTree(root: string, units: Map<string, UnitRow>, o: DependencyTreeOptions): string[] {
  const out: string[] = [root];
  const depsOf = (id: string) => {
    const u = units.get(id);
    if (!u) return [];
    const list = o.after ? u.after : o.before ? u.before : o.reverse ? u.rdeps : u.deps;
    // Targets sort after other units, then by name (systemctl's list_dependencies_compare).
    return [...list].sort((a, b) => {
      const ta = a.endsWith('.target') ? 1 : 0;
      const tb = b.endsWith('.target') ? 1 : 0;
      return ta !== tb ? ta - tb : a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
    });
  };
  const bullet = (id: string) => {
    const a = units.get(id)?.active;
    return a === 'active' || a === 'reloading' ? o.colors.green('\u25cf') : a === 'failed' ? o.colors.red('\u25cf') : '\u25cf';
  };
  const walk = (id: string, branches: boolean[], path: Set<string>) => {
    const deps = depsOf(id);
    deps.forEach((d, i) => {
      const last = i === deps.length - 1;
      const prefix = branches.map((b) => (b ? '\u2502 ' : '  ')).join('');
      if (path.has(d)) {
        // The plain list leaves cycles out instead of marking them.
        if (!o.plain) out.push(`  ${prefix}${last ? '\u2514\u2500' : '\u251c\u2500'}...`);
        return;
      }
      out.push(o.plain ? `  ${d}` : `${bullet(d)} ${prefix}${last ? '\u2514\u2500' : '\u251c\u2500'}${d}`);
      if (o.all || d.endsWith('.target')) {
        path.add(d);
        walk(d, [...branches, !last], path);
        path.delete(d);
      }
    });
  };
  walk(root, [], new Set([root]));
  return out;
}
