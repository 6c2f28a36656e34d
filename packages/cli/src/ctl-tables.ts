/**
 * The tables systemctl prints: list-units, list-sockets, list-jobs and the list-dependencies
 * tree, with systemctl's column layout, legends and footers.
 */
import type { JobRow, UnitRow } from './control-protocol.js';
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

/** fnmatch() for unit name patterns (*, ?, [...]). */
export function globMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(name);
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

/** The list-units output. */
export function formatListUnits(units: UnitRow[], f: ListUnitsFilter, legend: boolean, c: Colors): string[] {
  const withJobs = units.some((u) => u.job);
  const rows = units.map((u) => {
    const bad = u.load !== 'loaded' || u.active === 'failed';
    const circle = bad ? c.red('\u25cf') : ' ';
    const cells = [`${circle} ${u.id}`, u.load, u.active, u.sub];
    if (withJobs) cells.push(u.job?.type ?? '');
    cells.push(u.description);
    return cells;
  });
  const header = ['  UNIT', 'LOAD', 'ACTIVE', 'SUB', ...(withJobs ? ['JOB'] : []), 'DESCRIPTION'];
  if (!legend) return formatTable(undefined, rows);
  const out = rows.length > 0 ? formatTable(header, rows) : [];
  if (rows.length > 0) {
    out.push('', 'LOAD   = Reflects whether the unit definition was properly loaded.', 'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.', 'SUB    = The low-level unit activation state, values depend on unit type.');
    if (withJobs) out.push('JOB    = Pending job for the unit.');
  }
  const n = rows.length;
  if (f.all || f.states.includes('inactive')) out.push(`${n} loaded units listed.`, "To show all installed unit files use 'systemctl list-unit-files'.");
  else if (f.states.length === 0) out.push(`${n} loaded units listed. Pass --all to see loaded but inactive units, too.`, "To show all installed unit files use 'systemctl list-unit-files'.");
  else out.push(`${n} loaded units listed.`);
  return out;
}

/** The list-sockets output. */
export function formatListSockets(units: UnitRow[], all: boolean, patterns: string[], legend: boolean): string[] {
  const rows: string[][] = [];
  const sockets = units
    .filter((u) => u.id.endsWith('.socket') && u.load === 'loaded')
    .filter((u) => all || u.active !== 'inactive')
    .filter((u) => patterns.length === 0 || patterns.some((p) => globMatch(p, u.id)));
  const entries: Array<[string, string, string]> = [];
  for (const u of sockets) for (const [, addr] of u.listen) entries.push([addr, u.id, u.triggers.join(', ')]);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const e of entries) rows.push([...e]);
  if (!legend) return formatTable(undefined, rows);
  const out = rows.length > 0 ? formatTable(['LISTEN', 'UNIT', 'ACTIVATES'], rows) : [];
  if (rows.length > 0) out.push('');
  out.push(`${rows.length} sockets listed.`);
  if (!all) out.push('Pass --all to see loaded but inactive sockets, too.');
  return out;
}

/** The list-jobs output. */
export function formatListJobs(jobs: JobRow[], legend: boolean): string[] {
  if (jobs.length === 0) return legend ? ['No jobs running.'] : [];
  const rows = jobs.sort((a, b) => a.id - b.id).map((j) => [String(j.id), j.unit, j.type, j.state]);
  if (!legend) return formatTable(undefined, rows, new Set([0]));
  return [...formatTable(['JOB', 'UNIT', 'TYPE', 'STATE'], rows, new Set([0])), '', `${jobs.length} jobs listed.`];
}

/** Options of the list-dependencies tree. */
export interface DependencyTreeOptions {
  reverse: boolean;
  after: boolean;
  before: boolean;
  /** Expand every unit, not only targets. */
  all: boolean;
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
        out.push(`  ${prefix}${last ? '\u2514\u2500' : '\u251c\u2500'}...`);
        return;
      }
      out.push(`${bullet(d)} ${prefix}${last ? '\u2514\u2500' : '\u251c\u2500'}${d}`);
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
