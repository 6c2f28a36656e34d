import { ValueError } from './value-error.js';

/** Microseconds per unit, as systemd's time-util.h defines them. */
export const USEC_PER_SEC = 1_000_000;
export const USEC_PER_MSEC = 1_000;
export const USEC_PER_MINUTE = 60 * USEC_PER_SEC;
export const USEC_PER_HOUR = 60 * USEC_PER_MINUTE;
export const USEC_PER_DAY = 24 * USEC_PER_HOUR;
export const USEC_PER_WEEK = 7 * USEC_PER_DAY;
export const USEC_PER_MONTH = 2_629_800 * USEC_PER_SEC;
export const USEC_PER_YEAR = 31_557_600 * USEC_PER_SEC;

// Order matters: the first suffix that the text starts with wins, exactly as in
// systemd's table ("months" before "m", "ms" before "m").
const SUFFIXES: [string, number][] = [
  ['seconds', USEC_PER_SEC], ['second', USEC_PER_SEC], ['sec', USEC_PER_SEC], ['s', USEC_PER_SEC],
  ['minutes', USEC_PER_MINUTE], ['minute', USEC_PER_MINUTE], ['min', USEC_PER_MINUTE],
  ['months', USEC_PER_MONTH], ['month', USEC_PER_MONTH], ['M', USEC_PER_MONTH],
  ['msec', USEC_PER_MSEC], ['ms', USEC_PER_MSEC], ['m', USEC_PER_MINUTE],
  ['hours', USEC_PER_HOUR], ['hour', USEC_PER_HOUR], ['hr', USEC_PER_HOUR], ['h', USEC_PER_HOUR],
  ['days', USEC_PER_DAY], ['day', USEC_PER_DAY], ['d', USEC_PER_DAY],
  ['weeks', USEC_PER_WEEK], ['week', USEC_PER_WEEK], ['w', USEC_PER_WEEK],
  ['years', USEC_PER_YEAR], ['year', USEC_PER_YEAR], ['y', USEC_PER_YEAR],
  ['usec', 1], ['us', 1], ['\u03bcs', 1], ['\u00b5s', 1],
];

/** systemd's USEC_INFINITY is 2^64-1; anything that reaches it is out of range. */
const USEC_LIMIT = 2 ** 64 - 1;
const WS = /[ \t\n\r]/;

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.test(s[i]!)) i++;
  return i;
}

/**
 * Parses a time span into microseconds with systemd's parse_time(): "5", "1min 30s",
 * "2.5h", "1y 2months", "infinity" (→ Infinity). `defaultUnit` is the multiplier of a
 * bare number (seconds for parse_sec()). Throws ValueError.
 */
export function parseTimeSpan(text: string, defaultUnit: number = USEC_PER_SEC): number {
  const bad = (why = 'Invalid time span'): never => { throw new ValueError(`${why}: '${text}'`); };
  let p = skipWs(text, 0);
  if (text.startsWith('infinity', p)) {
    if (skipWs(text, p + 8) !== text.length) bad();
    return Infinity;
  }
  let usec = 0;
  let something = false;
  for (;;) {
    p = skipWs(text, p);
    if (p >= text.length) {
      if (!something) bad();
      break;
    }
    if (text[p] === '-') bad('Negative time span');
    const m = /^\+?[0-9]*/.exec(text.slice(p))!;
    let e = p + m[0].length;
    const digits = m[0].replace('+', '');
    const whole = digits === '' ? 0 : Number(digits);
    let fracStart = -1;
    if (text[e] === '.') {
      fracStart = e + 1;
      e = fracStart;
      while (e < text.length && text[e]! >= '0' && text[e]! <= '9') e++;
    } else if (digits === '') bad();
    const afterNumber = e;
    const q = skipWs(text, e);
    let multiplier = defaultUnit;
    let s = q;
    for (const [suffix, mult] of SUFFIXES) {
      if (text.startsWith(suffix, q)) { multiplier = mult; s = q + suffix.length; break; }
    }
    // Refuses "12.34.56" but accepts "12.34 .56".
    if (s === afterNumber && s < text.length) bad();
    p = s;
    usec += whole * multiplier;
    if (fracStart >= 0) {
      if (afterNumber === fracStart) bad();
      let f = multiplier / 10;
      for (let b = fracStart; b < afterNumber; b++, f = Math.floor(f / 10)) usec += Number(text[b]) * Math.floor(f);
    }
    if (usec >= USEC_LIMIT) bad('Time span out of range');
    something = true;
  }
  return usec;
}

/** parse_sec() for directives where systemd maps 0 to "no limit" (parse_sec_fix_0): "0" → Infinity. */
export function parseTimeSpanFix0(text: string): number {
  const v = parseTimeSpan(text);
  return v === 0 ? Infinity : v;
}

/**
 * Formats microseconds as systemd's format_timespan(t, accuracy): the largest units first,
 * separated by spaces; below one minute a remainder is written as a decimal fraction of the unit,
 * with as many digits as the unit has below `accuracy` ("1min 30s", "1.500000s", "infinity").
 * `systemctl show` passes 0; `status` passes a second or a millisecond.
 */
export function formatTimeSpan(usec: number, accuracy = 0): string {
  if (usec === Infinity || usec >= Number.MAX_SAFE_INTEGER) return 'infinity';
  if (usec <= 0) return '0';
  const table: [string, number][] = [
    ['y', USEC_PER_YEAR], ['month', USEC_PER_MONTH], ['w', USEC_PER_WEEK], ['d', USEC_PER_DAY],
    ['h', USEC_PER_HOUR], ['min', USEC_PER_MINUTE], ['s', USEC_PER_SEC], ['ms', USEC_PER_MSEC], ['us', 1],
  ];
  const parts: string[] = [];
  let t = Math.floor(usec);
  for (const [name, unit] of table) {
    if (t <= 0) break;
    if (t < accuracy && parts.length > 0) break;
    if (t < unit) continue;
    const a = Math.floor(t / unit);
    let b = t % unit;
    if (t < USEC_PER_MINUTE && b > 0) {
      let digits = 0;
      for (let cc = unit; cc > 1; cc = Math.floor(cc / 10)) digits++;
      for (let cc = accuracy; cc > 1; cc = Math.floor(cc / 10)) {
        b = Math.floor(b / 10);
        digits--;
      }
      if (digits > 0) {
        parts.push(`${a}.${String(b).padStart(digits, '0')}${name}`);
        t = 0;
        continue;
      }
    }
    parts.push(`${a}${name}`);
    t = b;
  }
  return parts.join(' ');
}
