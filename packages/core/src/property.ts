/**
 * Property values as `systemctl show` prints them. Every unit type describes its properties with
 * these typed values, and one formatter turns them into systemctl's text, so scripts that parse
 * `show` output work unchanged.
 */
import type { Usec } from './ports/event-loop.js';
import { formatTimeSpan } from '@unitkit/unit-file';

export { formatTimeSpan };

/** One property value, typed the way its D-Bus signature is typed in systemd. */
export type PropertyValue =
  /** A string (D-Bus "s"), printed as is. */
  | { type: 'string'; value: string }
  /** A boolean, printed yes/no. */
  | { type: 'bool'; value: boolean }
  /** A string array, printed space-separated. */
  | { type: 'strv'; value: readonly string[] }
  /** An integer; `Infinity` prints as "infinity" (UINT64_MAX in systemd). */
  | { type: 'int'; value: number }
  /** A time span in µs, printed as systemd's format_timespan does ("1min 30s", "infinity"). */
  | { type: 'usec'; value: Usec }
  /** A wall-clock time in µs since the epoch, printed as "Sat 2026-11-21 01:28:26 UTC"; 0 prints empty. */
  | { type: 'timestamp'; value: Usec }
  /**
   * Text already in its final form (exec command lists, listen addresses…). Its D-Bus value (the
   * signature is systemd's, from bus-property-types.ts) is `bus` when given; `busItem` instead
   * when the property is listed once per element of an array (one Listen= or ExecStart= entry
   * each: the entries' items make up the array). Without either, numbers are read from the text
   * and other types take their empty value.
   */
  | { type: 'raw'; value: string; bus?: unknown; busItem?: unknown }
  /**
   * A value systemctl prints only with --all or when the property is asked for by name, such as
   * "[not set]" or "[unprintable]".
   */
  | { type: 'hidden'; value: string; bus?: unknown };

/** An ordered list of named properties. */
export type PropertyList = Array<[name: string, value: PropertyValue]>;

/** Shorthands that keep property tables readable. */
export const prop = {
  string: (value: string | undefined | null): PropertyValue => ({ type: 'string', value: value ?? '' }),
  bool: (value: boolean): PropertyValue => ({ type: 'bool', value }),
  strv: (value: readonly string[]): PropertyValue => ({ type: 'strv', value }),
  int: (value: number): PropertyValue => ({ type: 'int', value }),
  usec: (value: Usec): PropertyValue => ({ type: 'usec', value }),
  timestamp: (value: Usec): PropertyValue => ({ type: 'timestamp', value }),
  raw: (value: string, bus?: { bus?: unknown; busItem?: unknown }): PropertyValue => ({ type: 'raw', value, ...bus }),
  hidden: (value = '', bus?: unknown): PropertyValue => (bus === undefined ? { type: 'hidden', value } : { type: 'hidden', value, bus }),
};

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * 9999-12-31 00:00:00 UTC: systemd formats nothing from then on (its USEC_TIMESTAMP_FORMATTABLE_MAX
 * is the µs before), and neither do we. A clock moved by a huge timer (WATCHDOG_USEC= near 2^64)
 * must not make `show` throw.
 */
const TIMESTAMP_UNFORMATTABLE: Usec = 253402214400000000;

/**
 * Formats a wall-clock timestamp as systemd does ("Sat 2026-11-21 01:28:26 UTC"), in UTC unless
 * the process has a local zone set through TZ; 0, a missing value and one past year 9999 format empty.
 */
export function formatTimestamp(usec: Usec): string {
  if (!usec || !Number.isFinite(usec) || usec < 0 || usec >= TIMESTAMP_UNFORMATTABLE) return '';
  const d = new Date(Math.floor(usec / 1000));
  const offsetMin = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offsetMin * 60_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const zone = offsetMin === 0 ? 'UTC' : zoneAbbreviation(d);
  return `${weekdays[local.getUTCDay()]} ${local.getUTCFullYear()}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())} ${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())} ${zone}`;
}

function zoneAbbreviation(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** Characters that make shell_maybe_quote() quote a word: shell metacharacters and glob characters. */
const shellNeedsQuotes = new Set('"\\`$*?[\'()<>|&;!');

/**
 * systemd's shell_maybe_quote(): the word as is when the shell would read it unchanged, else in
 * double quotes with `"`, `\`, backquote and `$` escaped. `show` prints each element of a string
 * array this way ("man:one(1)" is quoted, "a.service" is not).
 */
export function shellMaybeQuote(word: string): string {
  let i = 0;
  for (; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c <= 32 || c >= 127 || shellNeedsQuotes.has(word[i]!)) break;
  }
  if (i === word.length) return word;
  return `"${word.slice(0, i)}${word.slice(i).replace(/["\\`$]/g, (m) => `\\${m}`)}"`;
}

/** Formats one property value as `systemctl show` prints it after the `=`. */
export function formatPropertyValue(v: PropertyValue): string {
  switch (v.type) {
    case 'string':
    case 'raw':
    case 'hidden':
      return v.value;
    case 'bool':
      return v.value ? 'yes' : 'no';
    case 'strv':
      return v.value.map(shellMaybeQuote).join(' ');
    case 'int':
      return v.value === Infinity ? 'infinity' : String(v.value);
    case 'usec':
      return formatTimeSpan(v.value);
    case 'timestamp':
      return formatTimestamp(v.value);
  }
}

/**
 * True when `systemctl show` without --all leaves the property out: it skips empty strings, empty
 * arrays and unset timestamps unless they were asked for by name.
 */
export function propertyIsEmpty(v: PropertyValue): boolean {
  switch (v.type) {
    case 'string':
    case 'raw':
      return v.value === '';
    case 'strv':
      return v.value.length === 0;
    case 'timestamp':
      return !v.value;
    case 'hidden':
      return true;
    default:
      return false;
  }
}

/** How `systemctl show` selects and prints properties. */
export interface ShowOptions {
  /** -p/--property: print only these, in the unit's property order, empty ones included. */
  properties?: readonly string[];
  /** --all: print empty and unprintable values too. */
  all?: boolean;
  /** --value: print values without "Name=". */
  value?: boolean;
}

/** The lines `systemctl show` prints for one unit's property list. */
export function formatShow(list: PropertyList, opts: ShowOptions = {}): string[] {
  const wanted = opts.properties && opts.properties.length > 0 ? new Set(opts.properties) : undefined;
  const lines: string[] = [];
  for (const [name, v] of list) {
    if (wanted ? !wanted.has(name) : !opts.all && propertyIsEmpty(v)) continue;
    const text = formatPropertyValue(v);
    lines.push(opts.value ? text : `${name}=${text}`);
  }
  return lines;
}
