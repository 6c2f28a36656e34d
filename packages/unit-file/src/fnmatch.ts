/**
 * fnmatch(3) as glibc implements it for the patterns unit files and clients hand to systemd:
 * ConditionHost= (case-folded), the components of *Glob= paths, and unit name patterns of
 * systemctl's list verbs. A pattern is never an error: a malformed bracket expression or a
 * reversed range (`[z-a]`) simply matches nothing there, as glibc's does, instead of throwing the
 * way a translated RegExp would.
 */

/** Options of {@link fnmatch}, after fnmatch(3)'s flags. */
export interface FnmatchOptions {
  /** FNM_NOESCAPE: a backslash is an ordinary character. */
  noEscape?: boolean;
  /** FNM_CASEFOLD: letters match regardless of case. */
  caseFold?: boolean;
  /** FNM_PERIOD: a leading `.` is matched only by a literal `.` (as glob() does per path component). */
  period?: boolean;
}

const classes: Record<string, (c: string) => boolean> = {
  alnum: (c) => /^[A-Za-z0-9]$/.test(c),
  alpha: (c) => /^[A-Za-z]$/.test(c),
  blank: (c) => c === ' ' || c === '\t',
  cntrl: (c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f,
  digit: (c) => c >= '0' && c <= '9',
  graph: (c) => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) < 0x7f,
  lower: (c) => c >= 'a' && c <= 'z',
  print: (c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f,
  punct: (c) => /^[!-/:-@[-`{-~]$/.test(c),
  space: (c) => /^[ \t\n\v\f\r]$/.test(c),
  upper: (c) => c >= 'A' && c <= 'Z',
  xdigit: (c) => /^[0-9A-Fa-f]$/.test(c),
};

/**
 * Matches a bracket expression starting at `pattern[start] === '['` against `c`. Returns the index
 * after the closing `]` and whether `c` matched, or undefined when the expression is not closed
 * (then the `[` is an ordinary character).
 */
function matchBracket(pattern: string, start: number, c: string, o: FnmatchOptions): { next: number; matched: boolean } | undefined {
  let i = start + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  let matched = false;
  let first = true;
  const fold = (s: string) => (o.caseFold ? s.toLowerCase() : s);
  const cc = fold(c);
  while (i < pattern.length) {
    let ch = pattern[i]!;
    if (ch === ']' && !first) return { next: i + 1, matched: matched !== negate };
    first = false;
    if (ch === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2);
      if (end < 0) return undefined;
      const test = classes[pattern.slice(i + 2, end)];
      // An unknown class makes the whole pattern invalid in glibc: it matches nothing.
      if (!test) return { next: pattern.length, matched: false };
      if (test(c) || (o.caseFold && (test(c.toLowerCase()) || test(c.toUpperCase())))) matched = true;
      i = end + 2;
      continue;
    }
    if (ch === '\\' && !o.noEscape && i + 1 < pattern.length) ch = pattern[++i]!;
    i++;
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      let hi = pattern[i + 1]!;
      i += 2;
      if (hi === '\\' && !o.noEscape && i < pattern.length) hi = pattern[i++]!;
      // A reversed range contains nothing.
      if (fold(ch) <= cc && cc <= fold(hi)) matched = true;
      else if (ch <= c && c <= hi) matched = true;
      continue;
    }
    if (fold(ch) === cc) matched = true;
  }
  return undefined;
}

/** Whether `text` matches the shell pattern `pattern` (`*`, `?`, `[…]`, `\`), as fnmatch(3). */
export function fnmatch(pattern: string, text: string, options: FnmatchOptions = {}): boolean {
  const o = options;
  const eq = (a: string, b: string) => (o.caseFold ? a.toLowerCase() === b.toLowerCase() : a === b);
  let p = 0;
  let t = 0;
  // Backtracking to the last `*` is enough for fnmatch: linear in practice, never exponential.
  let starP = -1;
  let starT = -1;
  while (t < text.length) {
    const leadingPeriod = o.period && t === 0 && text[0] === '.';
    if (p < pattern.length) {
      const ch = pattern[p]!;
      if (ch === '*' && !leadingPeriod) {
        while (pattern[p] === '*') p++;
        starP = p;
        starT = t;
        continue;
      }
      if (ch === '?' && !leadingPeriod) {
        p++;
        t++;
        continue;
      }
      if (ch === '[' && !leadingPeriod) {
        const b = matchBracket(pattern, p, text[t]!, o);
        if (b === undefined) {
          if (text[t] === '[') {
            p++;
            t++;
            continue;
          }
        } else if (b.matched) {
          p = b.next;
          t++;
          continue;
        }
      } else if (ch === '\\' && !o.noEscape && p + 1 < pattern.length) {
        if (eq(pattern[p + 1]!, text[t]!)) {
          p += 2;
          t++;
          continue;
        }
      } else if (ch !== '*' && ch !== '?' && ch !== '[' && eq(ch, text[t]!)) {
        p++;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    t = ++starT;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
