/**
 * `unitkitctl list-unit-files [PATTERN…]`: every unit file on the manager's search path with its
 * enablement state and preset, as systemctl 252 prints them — UNIT FILE / STATE / PRESET, sorted
 * by type suffix then name, "N unit files listed.", exit status 1 when nothing matched.
 */
import type { UnitFileRow } from '../control-protocol.js';
import { ExitStatus } from '../ctl-exit-status.js';
import { outputIsJson } from '../ctl-options.js';
import { formatJson, formatTable } from '../ctl-tables.js';
import type { CtlVerb } from './verb.js';

/** Unit types systemctl knows (`-t help`), in its order. */
export const unitTypeNames = ['service', 'mount', 'swap', 'socket', 'target', 'device', 'automount', 'timer', 'path', 'slice', 'scope'];

/** Load states `--type=` also accepts; systemctl treats them as `--state=` values. */
export const loadStateNames = ['stub', 'loaded', 'not-found', 'bad-setting', 'error', 'merged', 'masked'];

/**
 * Splits `--type=` values as systemctl's parse_argv does: unit types stay types, load states
 * become states; anything else is the error systemctl prints (returned as lines).
 */
export function splitTypeOption(types: readonly string[]): { types: string[]; states: string[]; error?: string[] } {
  const out = { types: [] as string[], states: [] as string[] };
  for (const t of types) {
    if (unitTypeNames.includes(t)) out.types.push(t);
    else if (loadStateNames.includes(t)) out.states.push(t);
    else return { ...out, error: [`Unknown unit type or load state '${t}'.`, 'Use -t help to see a list of allowed values.'] };
  }
  return out;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The suffix from the last dot, as systemctl compares unit file names (strrchr(path, '.')). */
function suffix(p: string): string {
  const name = baseName(p);
  return name.slice(name.lastIndexOf('.'));
}

/** strcasecmp() for ASCII names. */
function caseCompare(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** systemctl's order: by type suffix, then by name, both case-insensitively. */
export function compareUnitFiles(a: UnitFileRow, b: UnitFileRow): number {
  return caseCompare(suffix(a.path), suffix(b.path)) || caseCompare(baseName(a.path), baseName(b.path));
}

/**
 * The list-unit-files table (header, rows and footer as legend allows). Uncoloured: the shared
 * table layout counts escape sequences as width.
 */
export function formatListUnitFiles(files: UnitFileRow[], legend: boolean): string[] {
  const rows = files.map((f) => [baseName(f.path), f.state, f.preset ?? '-']);
  if (!legend) return formatTable(undefined, rows);
  return [...formatTable(['UNIT FILE', 'STATE', 'PRESET'], rows), '', `${files.length} unit files listed.`];
}

/** The verb. */
export const listUnitFiles: CtlVerb = async (c, o, io, colors) => {
  const t = splitTypeOption(o.types);
  if (t.error) {
    for (const l of t.error) io.err(l);
    return ExitStatus.failure;
  }
  const states = [...o.states, ...t.states];
  const { files } = await c.call<{ files: UnitFileRow[] }>('list-unit-files', { states, patterns: o.args });
  const shown = files.filter((f) => t.types.length === 0 || t.types.includes(suffix(f.path).slice(1))).sort(compareUnitFiles);
  // -o json…: systemd's table as JSON, keyed by the column names, null for an empty PRESET.
  const lines = outputIsJson(o.output)
    ? formatJson(shown.map((f) => ({ unit_file: baseName(f.path), state: f.state, preset: f.preset ?? null })), o.output, colors.enabled)
    : formatListUnitFiles(shown, !o.noLegend);
  for (const l of lines) io.out(l);
  return shown.length === 0 ? ExitStatus.failure : 0;
};
