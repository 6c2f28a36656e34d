import type { SpecifierContext } from './types.js';
import {
  unitNameInstance, unitNamePathUnescape, unitNamePrefix, unitNameUnescape, unitNameWithoutSuffix,
} from './unit-name.js';
import { ValueError } from './value-error.js';

/** What specifiers know about the unit being loaded. */
export interface SpecifierUnit {
  /** The unit's name, e.g. "foo@bar.service". */
  name: string;
  /** The fragment path, for nothing but diagnostics. */
  fragmentPath?: string;
}

function lastComponent(prefix: string): string {
  const dash = prefix.lastIndexOf('-');
  return dash < 0 ? prefix : prefix.slice(dash + 1);
}

/**
 * Builds the specifier function for one unit: `%n` → name, `%i` → instance, … as
 * systemd's unit_full_printf() table in unit-printf.c (systemd 252). An unknown
 * specifier throws ValueError; a lone "%" at the end stays.
 */
export function makeSpecifierTable(unit: SpecifierUnit, ctx: SpecifierContext): Record<string, () => string> {
  const name = unit.name;
  const prefix = unitNamePrefix(name);
  const instance = unitNameInstance(name) ?? '';
  const str = (v: string | number | undefined): string => (v === undefined ? '' : String(v));
  return {
    n: () => name,
    N: () => unitNameWithoutSuffix(name),
    p: () => prefix,
    P: () => unitNameUnescape(prefix),
    i: () => instance,
    I: () => unitNameUnescape(instance),
    j: () => lastComponent(prefix),
    J: () => unitNameUnescape(lastComponent(prefix)),
    f: () => unitNamePathUnescape(instance !== '' ? instance : prefix),
    a: () => str(ctx.architecture),
    A: () => str(ctx.imageVersion),
    b: () => str(ctx.bootId),
    B: () => str(ctx.buildId),
    H: () => str(ctx.hostname),
    l: () => str(ctx.hostname).split('.')[0]!,
    m: () => str(ctx.machineId),
    M: () => str(ctx.imageId),
    o: () => str(ctx.osId),
    v: () => str(ctx.kernelRelease),
    w: () => str(ctx.osVersionId),
    W: () => str(ctx.osVariantId),
    u: () => str(ctx.userName),
    U: () => str(ctx.uid),
    g: () => str(ctx.groupName),
    G: () => str(ctx.gid),
    h: () => str(ctx.home),
    s: () => str(ctx.shell),
    t: () => str(ctx.runtimeDir),
    S: () => str(ctx.stateDir),
    C: () => str(ctx.cacheDir),
    L: () => str(ctx.logsDir),
    E: () => str(ctx.configDir),
    T: () => str(ctx.tmpDir),
    V: () => str(ctx.varTmpDir),
    d: () => str(ctx.credentialsDir),
  };
}

/** Expands `%x` specifiers in `text` with a table from {@link makeSpecifierTable}; "%%" is a literal "%". */
export function expandSpecifiers(text: string, table: Record<string, () => string>): string {
  const first = text.indexOf('%');
  if (first < 0) return text;
  let out = text.slice(0, first);
  for (let i = first; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') { out += c; continue; }
    if (i + 1 >= text.length) { out += '%'; break; }
    const s = text[++i]!;
    if (s === '%') { out += '%'; continue; }
    const f = table[s];
    if (!f) throw new ValueError(`Failed to resolve unit specifiers in '${text}': unknown specifier '%${s}'`);
    out += f();
  }
  return out;
}
