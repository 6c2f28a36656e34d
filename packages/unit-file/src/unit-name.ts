import * as nodePath from 'node:path';
import { ValueError } from './value-error.js';

/** The unit types systemd 252 knows, by suffix. */
export const UNIT_TYPES = ['service', 'mount', 'swap', 'socket', 'target', 'device', 'automount', 'timer', 'path', 'slice', 'scope'] as const;
/** One of {@link UNIT_TYPES}. */
export type UnitType = (typeof UNIT_TYPES)[number];

/** systemd's UNIT_NAME_MAX (including the terminating NUL). */
export const UNIT_NAME_MAX = 256;

/**
 * A unit type suffix. unitkit accepts any lowercase word, not only systemd's eleven, because a
 * composed manager may add unit types; the manager refuses suffixes it has no type for.
 */
const TYPE_SUFFIX = /^[a-z][a-z0-9]*$/;
/** Suffixes of the directories that sit beside unit files; never a unit type. */
const DIRECTORY_SUFFIXES = new Set(['d', 'wants', 'requires', 'upholds']);
const isTypeSuffix = (t: string): boolean => TYPE_SUFFIX.test(t) && !DIRECTORY_SUFFIXES.has(t);
const VALID_CHAR = /[A-Za-z0-9:\-_.\\]/;
const VALID_CHAR_WITH_AT = /^[A-Za-z0-9:\-_.\\@]*$/;

/** Which forms {@link isValidUnitName} accepts. */
export interface UnitNameForms { plain?: boolean; instance?: boolean; template?: boolean }

/**
 * True when `name` is a valid unit name of one of the given forms (all three when
 * omitted): "foo.service" (plain), "foo@bar.service" (instance), "foo@.service" (template).
 */
export function isValidUnitName(name: string, forms: UnitNameForms = { plain: true, instance: true, template: true }): boolean {
  if (!name || name.length >= UNIT_NAME_MAX) return false;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return false;
  if (!isTypeSuffix(name.slice(dot + 1))) return false;
  const stem = name.slice(0, dot);
  if (!VALID_CHAR_WITH_AT.test(stem)) return false;
  const at = stem.indexOf('@');
  if (at === 0) return false;
  if (at < 0) return !!forms.plain;
  if (at === stem.length - 1) return !!forms.template;
  return !!forms.instance;
}

/** The type suffix of a unit name ("service"), or undefined when it has none. */
export function unitNameType(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const t = name.slice(dot + 1);
  return isTypeSuffix(t) ? t : undefined;
}

/** The prefix: "foo" for "foo@bar.service" and for "foo.service". */
export function unitNamePrefix(name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  const at = stem.indexOf('@');
  return at < 0 ? stem : stem.slice(0, at);
}

/** The instance ("bar" for "foo@bar.service"; "" for a template), undefined for a plain name. */
export function unitNameInstance(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  const at = stem.indexOf('@');
  return at < 0 ? undefined : stem.slice(at + 1);
}

/** "foo@.service" for "foo@bar.service"; throws for a name with no instance part. */
export function unitNameTemplate(name: string): string {
  const at = name.indexOf('@');
  const dot = name.lastIndexOf('.');
  if (at < 0 || dot < at) throw new ValueError(`'${name}' is not an instance or template name`);
  return name.slice(0, at + 1) + name.slice(dot);
}

/** "foo@bar.service" from the template "foo@.service" and instance "bar". */
export function unitNameReplaceInstance(template: string, instance: string): string {
  const at = template.indexOf('@');
  const dot = template.lastIndexOf('.');
  if (at < 0 || dot < at) throw new ValueError(`'${template}' is not a template name`);
  return template.slice(0, at + 1) + instance + template.slice(dot);
}

/** Unit name without its type suffix, as %N prints it. */
export function unitNameWithoutSuffix(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

function escapeByte(b: number): string {
  return '\\x' + b.toString(16).padStart(2, '0');
}

/**
 * Escapes a string for use in a unit name, as `systemd-escape` does: "/" becomes "-",
 * everything outside [A-Za-z0-9:_.] (and a leading ".") becomes \xNN, byte by byte.
 */
export function unitNameEscape(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (i === 0 && c === '.') out += escapeByte(b);
    else if (c === '/') out += '-';
    else if (b < 0x80 && VALID_CHAR.test(c) && c !== '-' && c !== '\\') out += c;
    else out += escapeByte(b);
  }
  return out;
}

/** Undoes {@link unitNameEscape}: "-" becomes "/", \xNN the byte. Throws on a malformed escape. */
export function unitNameUnescape(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '-') bytes.push(0x2f);
    else if (c === '\\') {
      if (text[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) throw new ValueError(`Invalid escape in unit name part '${text}'`);
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Collapses duplicate slashes and removes "." components and a trailing slash (systemd's path_simplify()). */
export function pathSimplify(path: string): string {
  const abs = path.startsWith('/');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  const joined = parts.join('/');
  const out = abs ? '/' + joined : joined || (path === '' ? '' : '.');
  // The input itself when it was simple already: '/' + joined is a two-part (cons) string that a
  // unit's ExecStart= path or condition kept (~50 B more each; issue #19).
  return out === path ? path : out;
}

/** True when no component of the path is "." or ".." and there are no double slashes (systemd's path_is_normalized()). */
export function isNormalizedPath(path: string): boolean {
  if (path.includes('//')) return false;
  return !path.split('/').some((p) => p === '.' || p === '..');
}

/**
 * `path.resolve(p)`, without its character-by-character normalization when `p` already is an
 * absolute, normalized path, as unit directories and most symlink targets are: the manager's
 * start-up resolved enough of them for that loop to get hot and bring in the optimizing compiler
 * (and its pages of the node binary, ~4 MB) before anything else ran.
 */
export function resolvedPath(p: string): string {
  if (p === '/') return p;
  if (p.charCodeAt(0) === 47 && !p.endsWith('/') && !p.includes('//') && !p.includes('/./') && !p.includes('/../') && !p.endsWith('/.') && !p.endsWith('/..')) return p;
  return nodePath.resolve(p);
}

/** Escapes a file system path for a unit name, as `systemd-escape --path` does ("/" → "-"). */
export function unitNamePathEscape(path: string): string {
  const p = pathSimplify(path);
  if (p.split('/').includes('..')) throw new ValueError(`Path '${path}' is not normalized`);
  if (p === '/' || p === '') return '-';
  return unitNameEscape(p.replace(/^\/+/, '').replace(/\/+$/, ''));
}

/** Undoes {@link unitNamePathEscape}: always returns an absolute path. */
export function unitNamePathUnescape(text: string): string {
  if (text === '') throw new ValueError('Empty path in unit name');
  if (text === '-') return '/';
  const s = unitNameUnescape(text);
  if (!isNormalizedPath(s) || s.startsWith('/')) throw new ValueError(`Escaped path '${text}' is not normalized`);
  return '/' + s;
}

/** Builds a unit name from a path, as `systemd-escape --path --suffix=mount /home` gives "home.mount". */
export function unitNameFromPath(path: string, suffix: string): string {
  return unitNamePathEscape(path) + (suffix.startsWith('.') ? suffix : '.' + suffix);
}

/** True when `name` is a valid instance part ("bar" in "foo@bar.service"). */
export function isValidInstance(instance: string): boolean {
  return instance.length > 0 && VALID_CHAR_WITH_AT.test(instance);
}

/**
 * Turns an arbitrary string into a unit name the way `systemctl start foo` does for a
 * name without a suffix (unit_name_mangle): adds ".service", escapes bad characters.
 */
export function unitNameMangle(name: string, suffix = '.service'): string {
  if (isValidUnitName(name)) return name;
  if (name.startsWith('/')) {
    return unitNamePathEscape(name) + (name.startsWith('/dev/') ? '.device' : '.mount');
  }
  let out = '';
  for (const ch of name) out += /[A-Za-z0-9:\-_.\\@]/.test(ch) ? ch : unitNameEscape(ch);
  return unitNameType(out) ? out : out + suffix;
}
