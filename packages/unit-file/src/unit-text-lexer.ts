import type { Diagnostic } from './types.js';

/** systemd's LONG_LINE_MAX: a line (or joined continuation) longer than this fails the file. */
export const LONG_LINE_MAX = 1024 * 1024;

/** One assignment found by {@link lexUnitText}. `line` is the last physical line of a continuation, as systemd reports it. */
export interface LexedAssignment { section: string; sectionLine: number; key: string; value: string; line: number }

/** The result of lexing one file. `fatal` is set when systemd would refuse the whole file (the unit gets load state `error`). */
export interface LexResult {
  assignments: LexedAssignment[];
  diagnostics: Diagnostic[];
  fatal?: Diagnostic;
}

/** Options of {@link lexUnitText}. */
export interface LexOptions {
  /** Decides whether a section is one the unit may carry; unknown ones warn (unless "X-") and their lines are skipped. All are known when absent. */
  isKnownSection?: (name: string) => boolean;
}

const COMMENT_CHARS = '#;';

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function strip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s[a])) a++;
  while (b > a && isWs(s[b - 1])) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** systemd's string_is_safe(): no control characters, quotes or backslashes. */
function isSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c || c === 0x22 || c === 0x27) return false;
  }
  return true;
}

/**
 * Splits a unit file into section/key/value assignments with the rules of systemd's
 * config_parse(): comments only at the start of a line, backslash continuation (with
 * comment lines inside a continuation skipped), whitespace around "=", the line-length
 * limit. It knows no directive; values are returned raw.
 */
export function lexUnitText(text: string, file: string, opts: LexOptions = {}): LexResult {
  const assignments: LexedAssignment[] = [];
  const diagnostics: Diagnostic[] = [];
  const warn = (line: number, message: string, section?: string): void => {
    diagnostics.push(section === undefined ? { severity: 'warning', file, line, message } : { severity: 'warning', file, line, section, message });
  };
  const fail = (line: number, message: string): LexResult => {
    const d: Diagnostic = { severity: 'error', file, line, message };
    diagnostics.push(d);
    return { assignments, diagnostics, fatal: d };
  };

  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
  // A final newline does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  let section: string | undefined;
  let sectionLine = 0;
  let sectionIgnored = false;
  // A continuation is kept as its parts and joined once: re-slicing one growing string per line
  // made a file of many continuation lines quadratic (200,000 lines took minutes).
  let continuation: string[] | undefined;
  let continuationLength = 0;

  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx]!;
    const lineNo = idx + 1;
    if (raw.length > LONG_LINE_MAX) return fail(lineNo, 'Line too long');

    let k = 0;
    while (k < raw.length && isWs(raw[k])) k++;
    if (k < raw.length && COMMENT_CHARS.includes(raw[k]!)) continue;

    if (continuation !== undefined && continuationLength + raw.length > LONG_LINE_MAX) return fail(lineNo, 'Continuation line too long');

    // An odd run of trailing backslashes continues the line; the backslash becomes a space. The
    // run lies within this physical line: a continuation so far always ends in that space.
    let bs = 0;
    for (let e = raw.length - 1; e >= 0 && raw[e] === '\\'; e--) bs++;
    if (bs % 2 === 1) {
      continuation ??= [];
      continuation.push(raw.slice(0, -1), ' ');
      continuationLength += raw.length;
      continue;
    }
    let p = raw;
    if (continuation !== undefined) {
      continuation.push(raw);
      p = continuation.join('');
      continuation = undefined;
      continuationLength = 0;
    }

    const l = strip(p);
    if (l === '') continue;
    if (l.includes('\uFFFD')) { warn(lineNo, 'Line contains invalid UTF-8, ignoring.', section); continue; }

    if (l[0] === '[') {
      if (l[l.length - 1] !== ']') return fail(lineNo, `Invalid section header '${l}'`);
      const name = l.slice(1, -1);
      if (!isSafe(name)) return fail(lineNo, `Bad characters in section header '${l}'`);
      if (opts.isKnownSection && !opts.isKnownSection(name)) {
        if (!name.startsWith('X-')) warn(lineNo, `Unknown section '${name}'. Ignoring.`);
        section = undefined;
        sectionLine = 0;
        sectionIgnored = true;
      } else {
        section = name;
        sectionLine = lineNo;
        sectionIgnored = false;
      }
      continue;
    }

    if (section === undefined) {
      if (!sectionIgnored) warn(lineNo, 'Assignment outside of section. Ignoring.');
      continue;
    }

    const eq = l.indexOf('=');
    if (eq < 0) { warn(lineNo, "Missing '=', ignoring line.", section); continue; }
    if (eq === 0) { warn(lineNo, "Missing key name before '=', ignoring line.", section); continue; }
    assignments.push({ section, sectionLine, key: strip(l.slice(0, eq)), value: strip(l.slice(eq + 1)), line: lineNo });
  }
  // A continuation running into the end of the file is still parsed, as systemd does.
  if (continuation !== undefined) {
    const l = strip(continuation.join(''));
    if (l !== '' && section !== undefined && l[0] !== '[') {
      const eq = l.indexOf('=');
      if (eq > 0) assignments.push({ section, sectionLine, key: strip(l.slice(0, eq)), value: strip(l.slice(eq + 1)), line: lines.length });
      else warn(lines.length, "Missing '=', ignoring line.", section);
    }
  }
  return { assignments, diagnostics };
}
