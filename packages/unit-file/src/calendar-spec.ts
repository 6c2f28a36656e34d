import { existsSync, readFileSync } from 'node:fs';
import { localZoneName, zoneAbbreviations } from './calendar-zone.js';
import { ValueError } from './value-error.js';

/**
 * One value of a calendar component: `start`, or `start..stop`, or `start/repeat`, or
 * `start..stop/repeat`. `stop` is -1 when open; `repeat` 0 when there is none. Seconds are held in
 * microseconds (the only fractional component).
 */
export interface CalendarComponent {
  start: number;
  stop: number;
  repeat: number;
}

/**
 * A parsed OnCalendar= expression, systemd.time(7)'s "calendar event": each component a sorted
 * list of values, an empty list meaning `*` (every value). `weekdays` is a bit set, Monday = bit 0,
 * -1 for every day.
 */
export interface CalendarSpec {
  weekdays: number;
  year: CalendarComponent[];
  month: CalendarComponent[];
  day: CalendarComponent[];
  hour: CalendarComponent[];
  minute: CalendarComponent[];
  /** Seconds in microseconds; never empty after parsing (`*` is 0/1s). */
  second: CalendarComponent[];
  /** `~` between month and day: days count from the month's end. */
  endOfMonth: boolean;
  utc: boolean;
  /** 0 or 1 when the local zone's standard or daylight-saving abbreviation ended the text; else -1. */
  dst: number;
  /** An IANA zone name that ended the text ("… Europe/Berlin"). */
  timezone?: string;
}

/** Options for {@link parseCalendarSpec}: the environment that decides the local zone, and where zone files live. */
export interface CalendarParseOptions {
  env?: NodeJS.ProcessEnv;
  zoneinfo?: string;
}

const USEC_PER_SEC = 1_000_000;
const ALL_WEEKDAYS = 127;
/** systemd's bounds: no year before the epoch, and none after 2199 so "*-02-30" ends. */
export const CALENDAR_MIN_YEAR = 1970;
export const CALENDAR_MAX_YEAR = 2199;
/** A limit on the values of one component, as systemd's CALENDARSPEC_COMPONENTS_MAX. */
const COMPONENTS_MAX = 240;

const WEEKDAY_NAMES: [string, number][] = [
  ['monday', 0], ['mon', 0], ['tuesday', 1], ['tue', 1], ['wednesday', 2], ['wed', 2],
  ['thursday', 3], ['thu', 3], ['friday', 4], ['fri', 4], ['saturday', 5], ['sat', 5],
  ['sunday', 6], ['sun', 6],
];
const WEEKDAY_ABBREVIATIONS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const c = (start: number, stop = -1, repeat = 0): CalendarComponent => ({ start, stop, repeat });

/** The shorthands of systemd.time(7) and what they stand for (components not named stay `*`). */
const SHORTHANDS: Record<string, Partial<CalendarSpec>> = {
  minutely: { second: [c(0)] },
  hourly: { minute: [c(0)], second: [c(0)] },
  daily: { hour: [c(0)], minute: [c(0)], second: [c(0)] },
  monthly: { day: [c(1)], hour: [c(0)], minute: [c(0)], second: [c(0)] },
  weekly: { weekdays: 1, hour: [c(0)], minute: [c(0)], second: [c(0)] },
  yearly: { month: [c(1)], day: [c(1)], hour: [c(0)], minute: [c(0)], second: [c(0)] },
  quarterly: { month: [c(1), c(4), c(7), c(10)], day: [c(1)], hour: [c(0)], minute: [c(0)], second: [c(0)] },
  semiannually: { month: [c(1), c(7)], day: [c(1)], hour: [c(0)], minute: [c(0)], second: [c(0)] },
};
SHORTHANDS.annually = SHORTHANDS.yearly!;
SHORTHANDS.anually = SHORTHANDS.yearly!;
SHORTHANDS.biannually = SHORTHANDS.semiannually!;
SHORTHANDS['bi-annually'] = SHORTHANDS.semiannually!;
SHORTHANDS['semi-annually'] = SHORTHANDS.semiannually!;

class Invalid extends Error {}

/** A cursor over the text, as systemd's parser advances a `const char *`. */
class Cursor {
  constructor(readonly s: string, public i = 0) {}
  get ch(): string {
    return this.s[this.i] ?? '';
  }
  at(k: number): string {
    return this.s[this.i + k] ?? '';
  }
  get done(): boolean {
    return this.i >= this.s.length;
  }
  skipSpaces(): void {
    while (this.ch === ' ') this.i++;
  }
}

/**
 * Parses a calendar event as systemd 252's calendar_spec_from_string(): weekday lists and ranges,
 * `/` repetitions, `~` counting from the month's end, `..` ranges, fractional seconds, the
 * shorthands (minutely … semiannually), `@epoch`, and a trailing `UTC`, local zone abbreviation or
 * IANA zone name. The result is normalised (sorted, duplicates dropped, two-digit years made four)
 * and checked. Throws ValueError for text systemd refuses.
 */
export function parseCalendarSpec(text: string, options: CalendarParseOptions = {}): CalendarSpec {
  const spec: CalendarSpec = { weekdays: -1, year: [], month: [], day: [], hour: [], minute: [], second: [], endOfMonth: false, utc: false, dst: -1 };
  let p = text;
  const lower = p.toLowerCase();
  if (lower.endsWith(' utc')) {
    spec.utc = true;
    p = p.slice(0, -4);
  } else {
    const local = localZoneName(options.env);
    const names = zoneAbbreviations(local, options.zoneinfo);
    let matched = false;
    for (let j = 0; j <= 1; j++) {
      const name = names[j]!;
      if (!name) continue;
      if (!lower.endsWith(name.toLowerCase())) continue;
      const at = p.length - name.length;
      if (at === 0 || p[at - 1] !== ' ') continue;
      spec.dst = j;
      p = p.slice(0, at - 1);
      matched = true;
      break;
    }
    if (!matched) {
      const lastSpace = p.lastIndexOf(' ');
      if (lastSpace >= 0 && isValidTimezone(p.slice(lastSpace + 1), options.zoneinfo)) {
        spec.timezone = p.slice(lastSpace + 1);
        p = p.slice(0, lastSpace);
      }
    }
  }
  if (p === '') throw new ValueError(`Failed to parse calendar specification, ignoring: ${text}`);
  try {
    const shorthand = SHORTHANDS[p.toLowerCase()];
    if (shorthand) {
      Object.assign(spec, structuredClone(shorthand));
    } else {
      const cur = new Cursor(p);
      parseWeekdays(cur, spec);
      if (!parseDate(cur, spec)) parseTime(cur, spec);
      if (!cur.done) throw new Invalid();
    }
    normalize(spec);
    if (!isValid(spec)) throw new Invalid();
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    throw new ValueError(`Failed to parse calendar specification, ignoring: ${text}`);
  }
  return spec;
}

/**
 * Whether `name` is a time zone systemd's timezone_is_valid() accepts: a plain path below the
 * zoneinfo directory naming a TZif file, and one Intl can compute with.
 */
export function isValidTimezone(name: string, zoneinfo = '/usr/share/zoneinfo'): boolean {
  if (!name || name.startsWith('/') || name.endsWith('/') || name.includes('//')) return false;
  if (!/^[A-Za-z0-9_+\-/.]+$/.test(name) || name.split('/').some((part) => part === '.' || part === '..')) return false;
  const file = `${zoneinfo}/${name}`;
  try {
    if (!existsSync(file) || readFileSync(file).toString('latin1', 0, 4) !== 'TZif') return false;
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function parseWeekdays(cur: Cursor, spec: CalendarSpec): void {
  let rangeStart = -1;
  let first = true;
  let bits = 0;
  // Lower-cased once: matching at the cursor keeps a long weekday list linear.
  const lower = cur.s.toLowerCase();
  for (;;) {
    const found = WEEKDAY_NAMES.find(([name]) => lower.startsWith(name, cur.i));
    if (!found) {
      if (first) return;
      throw new Invalid();
    }
    const [name, nr] = found;
    if (!['', '-', '.', ',', ' '].includes(cur.at(name.length))) throw new Invalid();
    bits |= 1 << nr;
    if (rangeStart >= 0) {
      if (rangeStart > nr) throw new Invalid();
      for (let j = rangeStart + 1; j < nr; j++) bits |= 1 << j;
    }
    spec.weekdays = bits;
    cur.i += name.length;
    if (cur.done) return;
    if (cur.ch === ' ') {
      cur.skipSpaces();
      return;
    }
    if (cur.ch === '.') {
      if (rangeStart >= 0 || cur.at(1) !== '.') throw new Invalid();
      rangeStart = nr;
      cur.i += 2;
    } else if (cur.ch === '-') {
      // Ranges with "-" are accepted for compatibility.
      if (rangeStart >= 0) throw new Invalid();
      rangeStart = nr;
      cur.i += 1;
    } else if (cur.ch === ',') {
      rangeStart = -1;
      cur.i += 1;
    }
    // A trailing comma is allowed, an open range is not.
    if (cur.done || cur.ch === ' ') {
      cur.skipSpaces();
      if (rangeStart >= 0) throw new Invalid();
      return;
    }
    first = false;
  }
}

/** strtoul() on decimal digits; for seconds also a fraction rounded to microseconds. */
function parseDecimal(cur: Cursor, usec: boolean): number {
  if (!/[0-9]/.test(cur.ch)) throw new Invalid();
  let j = cur.i;
  while (/[0-9]/.test(cur.s[j] ?? '')) j++;
  let value = Number(cur.s.slice(cur.i, j));
  cur.i = j;
  if (usec) {
    value *= USEC_PER_SEC;
    // One "." is a decimal point; ".." separates a range.
    if (cur.ch === '.' && cur.at(1) !== '.') {
      cur.i++;
      let k = cur.i;
      while (/[0-9]/.test(cur.s[k] ?? '')) k++;
      const digits = cur.s.slice(cur.i, k);
      cur.i = k;
      // parse_fractional_part_u(): six digits, rounded up by the seventh when it is 5 or more.
      let frac = Number((digits.slice(0, 6) || '0').padEnd(6, '0'));
      if (digits.length > 6 && digits[6]! >= '5') frac++;
      value += frac;
    }
  }
  if (!Number.isSafeInteger(value) || value > 0x7fffffff) throw new Invalid();
  return value;
}

function parseChain(cur: Cursor, usec: boolean): CalendarComponent[] {
  if (cur.ch === '*') {
    cur.i++;
    return usec ? [c(0, -1, USEC_PER_SEC)] : [];
  }
  const chain: CalendarComponent[] = [];
  for (;;) {
    if (chain.length > COMPONENTS_MAX) throw new Invalid();
    const start = parseDecimal(cur, usec);
    let stop = -1;
    let repeat = 0;
    if (cur.ch === '.' && cur.at(1) === '.') {
      cur.i += 2;
      stop = parseDecimal(cur, usec);
      repeat = usec ? USEC_PER_SEC : 1;
    }
    if (cur.ch === '/') {
      cur.i++;
      repeat = parseDecimal(cur, usec);
      if (repeat === 0) throw new Invalid();
    }
    if (!['', ' ', ',', '-', '~', ':'].includes(cur.ch)) throw new Invalid();
    chain.push(c(start, stop, repeat));
    if (cur.ch !== ',') return chain;
    cur.i++;
  }
}

/** The date part; true when the text was `@epoch`, which has no time part after it. */
function parseDate(cur: Cursor, spec: CalendarSpec): boolean {
  if (cur.done) return false;
  if (cur.ch === '@') {
    cur.i++;
    let j = cur.i;
    while (/[0-9]/.test(cur.s[j] ?? '')) j++;
    if (j === cur.i) throw new Invalid();
    const seconds = Number(cur.s.slice(cur.i, j));
    cur.i = j;
    const d = new Date(seconds * 1000);
    if (Number.isNaN(d.getTime())) throw new Invalid();
    spec.utc = true;
    spec.year = [c(d.getUTCFullYear())];
    spec.month = [c(d.getUTCMonth() + 1)];
    spec.day = [c(d.getUTCDate())];
    spec.hour = [c(d.getUTCHours())];
    spec.minute = [c(d.getUTCMinutes())];
    spec.second = [c(d.getUTCSeconds() * USEC_PER_SEC)];
    return true;
  }
  const t = new Cursor(cur.s, cur.i);
  const first = parseChain(t, false);
  // The end already, or a ':': that was a time, not a date.
  if (t.done || t.ch === ':') return false;
  if (t.ch === '~') spec.endOfMonth = true;
  else if (t.ch !== '-') throw new Invalid();
  t.i++;
  const second = parseChain(t, false);
  if (t.done || t.at(0) === ' ') {
    t.skipSpaces();
    cur.i = t.i;
    spec.month = first;
    spec.day = second;
    return false;
  }
  if (spec.endOfMonth) throw new Invalid();
  if (t.ch === '~') spec.endOfMonth = true;
  else if (t.ch !== '-') throw new Invalid();
  t.i++;
  const third = parseChain(t, false);
  if (!t.done && t.at(0) !== ' ') throw new Invalid();
  t.skipSpaces();
  cur.i = t.i;
  spec.year = first;
  spec.month = second;
  spec.day = third;
  return false;
}

function parseTime(cur: Cursor, spec: CalendarSpec): void {
  // No time at all means 00:00:00.
  if (cur.done) {
    spec.hour = [c(0)];
    spec.minute = [c(0)];
    spec.second = [c(0)];
    return;
  }
  const hour = parseChain(cur, false);
  if (cur.ch !== ':') throw new Invalid();
  cur.i++;
  const minute = parseChain(cur, false);
  let second = [c(0)];
  if (!cur.done) {
    if (cur.ch !== ':') throw new Invalid();
    cur.i++;
    second = parseChain(cur, true);
    if (!cur.done) throw new Invalid();
  }
  spec.hour = hour;
  spec.minute = minute;
  spec.second = second;
}

function normalizeChain(chain: CalendarComponent[]): CalendarComponent[] {
  for (const k of chain) {
    // A range's length becomes a multiple of its repetition.
    if (k.stop > k.start && k.repeat > 0) k.stop -= (k.stop - k.start) % k.repeat;
    // A repetition that cannot trigger even once, or a range of one value, is a plain value.
    if ((k.stop > k.start && k.repeat > 0 && k.start + k.repeat > k.stop) || k.start === k.stop) {
      k.repeat = 0;
      k.stop = -1;
    }
  }
  const sorted = [...chain].sort((a, b) => a.start - b.start || a.stop - b.stop || a.repeat - b.repeat);
  return sorted.filter((k, i) => i === 0 || k.start !== sorted[i - 1]!.start || k.stop !== sorted[i - 1]!.stop || k.repeat !== sorted[i - 1]!.repeat);
}

function normalize(spec: CalendarSpec): void {
  if (spec.timezone === 'UTC') {
    spec.utc = true;
    delete spec.timezone;
  }
  if (spec.weekdays <= 0 || spec.weekdays >= ALL_WEEKDAYS) spec.weekdays = -1;
  if (spec.endOfMonth && spec.day.length === 0) spec.endOfMonth = false;
  // 12 → 2012, 89 → 1989.
  const fixYear = (v: number): number => (v >= 0 && v < 70 ? v + 2000 : v >= 70 && v < 100 ? v + 1900 : v);
  for (const k of spec.year) {
    k.start = fixYear(k.start);
    k.stop = fixYear(k.stop);
  }
  spec.year = normalizeChain(spec.year);
  spec.month = normalizeChain(spec.month);
  spec.day = normalizeChain(spec.day);
  spec.hour = normalizeChain(spec.hour);
  spec.minute = normalizeChain(spec.minute);
  spec.second = normalizeChain(spec.second);
}

function chainValid(chain: CalendarComponent[], from: number, to: number, endOfMonth: boolean): boolean {
  // Nothing more than 28 days from the month's end.
  if (endOfMonth) to -= 3;
  for (const k of chain) {
    if (k.start < from || k.start > to) return false;
    if (k.repeat > to - from) return false;
    if (k.stop >= 0) {
      if (k.stop < from || k.stop > to) return false;
      if (k.start + k.repeat > k.stop) return false;
    } else {
      if (endOfMonth && k.start - k.repeat < from) return false;
      if (!endOfMonth && k.start + k.repeat > to) return false;
    }
  }
  return true;
}

function isValid(spec: CalendarSpec): boolean {
  return spec.weekdays <= ALL_WEEKDAYS
    && chainValid(spec.year, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, false)
    && chainValid(spec.month, 1, 12, false)
    && chainValid(spec.day, 1, 31, spec.endOfMonth)
    && chainValid(spec.hour, 0, 23, false)
    && chainValid(spec.minute, 0, 59, false)
    && chainValid(spec.second, 0, 60 * USEC_PER_SEC - 1, false);
}

function formatWeekdays(bits: number): string {
  const out: string[] = [];
  let x = 0;
  while (x < 7) {
    if (!(bits & (1 << x))) {
      x++;
      continue;
    }
    let y = x;
    while (y + 1 < 7 && bits & (1 << (y + 1))) y++;
    if (y === x) out.push(WEEKDAY_ABBREVIATIONS[x]!);
    else out.push(`${WEEKDAY_ABBREVIATIONS[x]}${y > x + 1 ? '..' : ','}${WEEKDAY_ABBREVIATIONS[y]}`);
    x = y + 1;
  }
  return out.join(',');
}

function formatChain(chain: CalendarComponent[], width: number, usec: boolean): string {
  const d = usec ? USEC_PER_SEC : 1;
  if (chain.length === 0) return '*';
  if (usec && chain.length === 1 && chain[0]!.start === 0 && chain[0]!.repeat === USEC_PER_SEC && chain[0]!.stop < 0) return '*';
  const pad = (v: number): string => String(Math.floor(v / d)).padStart(width, '0');
  const frac = (v: number): string => (v % d > 0 ? `.${String(v % d).padStart(6, '0')}` : '');
  return chain.map((k) => {
    let s = pad(k.start) + frac(k.start);
    if (k.stop > 0) s += `..${pad(k.stop)}`;
    if (k.stop % d > 0) s += `.${String(k.stop % d).padStart(6, '0')}`;
    if (k.repeat > 0 && !(k.stop > 0 && k.repeat === d)) s += `/${Math.floor(k.repeat / d)}`;
    if (k.repeat % d > 0) s += `.${String(k.repeat % d).padStart(6, '0')}`;
    return s;
  }).join(',');
}

/**
 * The normalised form systemd prints (`systemd-analyze calendar`'s "Normalized form", the
 * TimersCalendar= property): `[weekdays ]YYYY-MM-DD HH:MM:SS[ zone]`.
 */
export function formatCalendarSpec(spec: CalendarSpec, options: CalendarParseOptions = {}): string {
  let s = spec.weekdays > 0 && spec.weekdays <= ALL_WEEKDAYS ? `${formatWeekdays(spec.weekdays)} ` : '';
  s += `${formatChain(spec.year, 4, false)}-${formatChain(spec.month, 2, false)}${spec.endOfMonth ? '~' : '-'}${formatChain(spec.day, 2, false)}`;
  s += ` ${formatChain(spec.hour, 2, false)}:${formatChain(spec.minute, 2, false)}:${formatChain(spec.second, 2, true)}`;
  if (spec.utc) s += ' UTC';
  else if (spec.timezone !== undefined) s += ` ${spec.timezone}`;
  else if (spec.dst === 0 || spec.dst === 1) {
    const name = zoneAbbreviations(localZoneName(options.env), options.zoneinfo)[spec.dst];
    if (name) s += ` ${name}`;
  }
  return s;
}
