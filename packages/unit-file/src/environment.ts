import { extractFirstWord, WHITESPACE } from './extract-word.js';

/** systemd's env_name_is_valid(): letters, digits and "_", not starting with a digit. */
export function isValidEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** systemd's env_value_is_valid(): no control characters except tab and newline. */
export function isValidEnvValue(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b-\x1f\x7f]/.test(value);
}

/** systemd's env_assignment_is_valid() for a "NAME=value" string. */
export function isValidEnvAssignment(assignment: string): boolean {
  const eq = assignment.indexOf('=');
  return eq > 0 && isValidEnvName(assignment.slice(0, eq)) && isValidEnvValue(assignment.slice(eq + 1));
}

/**
 * Parses an Environment= right-hand side into "NAME=value" strings, as systemd's
 * config_parse_environ(): words with quotes and C escapes, specifiers expanded per word,
 * an invalid assignment skipped with a warning. At a syntax error (unbalanced quote, bad
 * escape) the words before it are kept and the rest of the line is dropped, with a warning.
 */
export function parseEnvironmentAssignments(value: string, expand: (s: string) => string = (s) => s, warn: (m: string) => void = () => {}): string[] {
  const out: string[] = [];
  let p = value;
  for (;;) {
    let r;
    try {
      r = extractFirstWord(p, WHITESPACE, { unquote: true, cunescape: true });
    } catch {
      // Words before the bad one stay (checked against systemd 252); the rest of the line is lost.
      warn(`Invalid syntax, ignoring: ${value}`);
      return out;
    }
    if (r.word === undefined) return out;
    p = r.rest;
    const resolved = expand(r.word);
    if (!isValidEnvAssignment(resolved)) { warn(`Invalid environment assignment, ignoring: ${resolved}`); continue; }
    out.push(resolved);
  }
}

/**
 * Folds "NAME=value" assignments into a record, later ones replacing earlier ones of the
 * same name (systemd's strv_env_replace()).
 */
export function environmentToRecord(assignments: Iterable<string>, into: Record<string, string> = {}): Record<string, string> {
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq > 0) into[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return into;
}

/**
 * Merges Environment= assignments into a list already assigned, as systemd's
 * strv_env_replace_consume() does while parsing: a variable assigned again is replaced where it
 * first appeared, a new one is appended. `show` prints the merged list and processes get it.
 */
export function mergeEnvironmentAssignments(list: string[], items: readonly string[]): void {
  const index = nameIndex(list);
  for (const a of items) {
    const name = a.slice(0, a.indexOf('=') + 1);
    const at = index.get(name);
    if (at !== undefined) list[at] = a;
    else {
      index.set(name, list.length);
      list.push(a);
    }
  }
  indexes.set(list, { index, length: list.length });
}

/** Appends words not already in the list, as systemd's strv_extend_strv(…, filter_duplicates=true). */
export function mergeUniqueWords(list: string[], items: readonly string[]): void {
  const index = nameIndex(list, (w) => w);
  for (const w of items) {
    if (index.has(w)) continue;
    index.set(w, list.length);
    list.push(w);
  }
  indexes.set(list, { index, length: list.length });
}

/**
 * The position of each name ("NAME=" or a whole word) in a list being merged into, kept between
 * the calls for one list: a unit with thousands of Environment= lines merges in linear time instead
 * of scanning the list for every assignment. Rebuilt whenever the list changed behind its back.
 */
const indexes = new WeakMap<string[], { index: Map<string, number>; length: number }>();

function nameIndex(list: string[], key: (x: string) => string = (x) => x.slice(0, x.indexOf('=') + 1)): Map<string, number> {
  const cached = indexes.get(list);
  if (cached && cached.length === list.length) return cached.index;
  const index = new Map<string, number>();
  list.forEach((x, i) => {
    const k = key(x);
    if (!index.has(k)) index.set(k, i);
  });
  return index;
}

/**
 * Parses a PassEnvironment= (names) or UnsetEnvironment= (names or NAME=value assignments)
 * right-hand side as systemd's config_parse_pass_environ()/config_parse_unset_environ(): words
 * with quotes removed (and C escapes for UnsetEnvironment=), specifiers expanded per word, an
 * invalid word skipped with a warning, the rest of the line dropped at a syntax error.
 */
export function parseEnvironmentNames(
  value: string, kind: 'pass' | 'unset', key: string,
  expand: (s: string) => string = (s) => s, warn: (m: string) => void = () => {},
): string[] {
  const out: string[] = [];
  let p = value;
  for (;;) {
    let r;
    try {
      r = extractFirstWord(p, WHITESPACE, { unquote: true, cunescape: kind === 'unset' });
    } catch {
      warn(`Trailing garbage in ${key}, ignoring: ${value}`);
      return out;
    }
    if (r.word === undefined) return out;
    p = r.rest;
    const k = expand(r.word);
    if (kind === 'pass' && !isValidEnvName(k)) { warn(`Invalid environment name for ${key}, ignoring: ${k}`); continue; }
    if (kind === 'unset' && !isValidEnvName(k) && !isValidEnvAssignment(k)) {
      warn(`Invalid environment name or assignment ${key}, ignoring: ${k}`);
      continue;
    }
    out.push(k);
  }
}
