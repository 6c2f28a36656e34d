import { extractFirstWord, extractWords, WHITESPACE } from './extract-word.js';
import { parseBoolean } from './parse-boolean.js';
import { parseMode, parseUnsigned } from './parse-mode.js';
import { parseSize } from './parse-size.js';
import { parseTimeSpan, parseTimeSpanFix0 } from './parse-time-span.js';
import { parseSignal } from './signals.js';
import type { DirectiveSpec, ParseContext } from './types.js';
import { isValidUnitName, pathSimplify, unitNameInstance, unitNamePrefix, unitNameReplaceInstance } from './unit-name.js';
import { ValueError } from './value-error.js';

/**
 * Ready-made DirectiveSpecs for the value kinds systemd uses everywhere, so plugins
 * build their tables from one place (the role of config_parse_bool, config_parse_sec… in
 * systemd's conf-parser.c).
 */

/** A boolean (config_parse_bool). */
export const booleanDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<boolean> =>
  ({ kind: 'scalar', parse: (v) => parseBoolean(v), ...extra }) as DirectiveSpec<boolean>;

/** A free string, specifiers expanded (config_parse_unit_string_printf). */
export const stringDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<string> =>
  ({ kind: 'scalar', parse: (v) => v, ...extra }) as DirectiveSpec<string>;

/** A time span in microseconds (config_parse_sec); `fix0` maps 0 to Infinity (config_parse_sec_fix_0). */
export const timeSpanDirective = (opts: { fix0?: boolean } & Partial<DirectiveSpec> = {}): DirectiveSpec<number> => {
  const { fix0, ...extra } = opts;
  return { kind: 'scalar', parse: (v) => (fix0 ? parseTimeSpanFix0(v) : parseTimeSpan(v)), ...extra } as DirectiveSpec<number>;
};

/** An unsigned integer (config_parse_unsigned). */
export const unsignedDirective = (max?: number, extra: Partial<DirectiveSpec> = {}): DirectiveSpec<number> =>
  ({ kind: 'scalar', parse: (v) => parseUnsigned(v, max), ...extra }) as DirectiveSpec<number>;

/** An octal mode (config_parse_mode). */
export const modeDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<number> =>
  ({ kind: 'scalar', parse: (v) => parseMode(v), ...extra }) as DirectiveSpec<number>;

/** A size in bytes, base 1024 (config_parse_iec_size); "infinity" allowed when asked. */
export const sizeDirective = (opts: { infinity?: boolean } & Partial<DirectiveSpec> = {}): DirectiveSpec<number> => {
  const { infinity, ...extra } = opts;
  return { kind: 'scalar', parse: (v) => parseSize(v, 1024, !!infinity), ...extra } as DirectiveSpec<number>;
};

/** A signal number (config_parse_signal). */
export const signalDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<number> =>
  ({ kind: 'scalar', parse: (v) => parseSignal(v), ...extra }) as DirectiveSpec<number>;

/** One of a fixed set of strings (DEFINE_CONFIG_PARSE_ENUM). */
export const enumDirective = <T extends string>(values: readonly T[], extra: Partial<DirectiveSpec> = {}): DirectiveSpec<T> =>
  ({
    kind: 'scalar',
    parse: (v: string) => {
      const i = (values as readonly string[]).indexOf(v);
      if (i < 0) throw new ValueError(`Invalid value '${v}', expected one of: ${values.join(', ')}`);
      // The table's own string, shared by every unit, not a copy from this line.
      return values[i]!;
    },
    ...extra,
  }) as DirectiveSpec<T>;

/** An absolute path, simplified (config_parse_unit_path_printf). */
export const pathDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<string> =>
  ({ kind: 'scalar', parse: (v: string) => parseAbsolutePath(v), ...extra }) as DirectiveSpec<string>;

/** Throws unless `v` is an absolute path without ".." components; returns it simplified. */
export function parseAbsolutePath(v: string): string {
  if (!v.startsWith('/')) throw new ValueError(`Path '${v}' is not absolute`);
  if (v.split('/').includes('..')) throw new ValueError(`Path '${v}' contains '..'`);
  return pathSimplify(v);
}

/**
 * A whitespace-separated list of unit names (config_parse_unit_deps): each word has its
 * specifiers expanded and is validated on its own; a bad word is warned about and skipped
 * while the rest of the line is kept, as systemd does; a template name is instantiated
 * with the unit's instance (or prefix). Empty assignments are ignored
 * (systemd cannot reset dependencies).
 */
export const unitListDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<string> =>
  ({ kind: 'list', noSpecifiers: true, empty: 'ignore', parse: parseUnitList, ...extra }) as DirectiveSpec<string>;

/** The parser behind {@link unitListDirective}. */
export function parseUnitList(value: string, ctx: ParseContext): string[] {
  const out: string[] = [];
  let rest = value;
  for (;;) {
    let r;
    try {
      r = extractFirstWord(rest, WHITESPACE, { retainEscape: true });
    } catch {
      throw new ValueError(`Invalid syntax, ignoring: ${value}`);
    }
    if (r.word === undefined) return out;
    rest = r.rest;
    let name: string;
    try {
      name = ctx.expand(r.word);
    } catch (e) {
      ctx.warn(`Failed to resolve unit specifiers in '${r.word}', ignoring: ${(e as Error).message}`);
      continue;
    }
    // A template dependency is instantiated with this unit's instance, or its prefix (resolve_template()).
    if (isValidUnitName(name, { template: true }) && isValidUnitName(ctx.unit)) {
      name = unitNameReplaceInstance(name, unitNameInstance(ctx.unit) || unitNamePrefix(ctx.unit));
    }
    if (!isValidUnitName(name, { plain: true, instance: true })) {
      ctx.warn(`Failed to add dependency on ${name}, ignoring: Invalid argument`);
      continue;
    }
    out.push(name);
  }
}

/** A whitespace-separated list of words (config_parse_strv), with quotes removed. */
export const wordListDirective = (extra: Partial<DirectiveSpec> = {}): DirectiveSpec<string> =>
  ({ kind: 'list', parse: (v: string) => extractWords(v, WHITESPACE, { unquote: true }), ...extra }) as DirectiveSpec<string>;
