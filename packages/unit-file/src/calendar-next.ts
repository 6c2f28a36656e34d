import { CALENDAR_MAX_YEAR, type CalendarComponent, type CalendarSpec } from './calendar-spec.js';
import { CalendarZone, localZoneName, type BrokenDownTime } from './calendar-zone.js';

const USEC_PER_SEC = 1_000_000;
/** systemd's MAX_CALENDAR_ITERATIONS. */
const MAX_ITERATIONS = 1000;
/** systemd's USEC_TIMESTAMP_FORMATTABLE_MAX: the end of year 9999 UTC. */
const USEC_TIMESTAMP_FORMATTABLE_MAX = 253_402_214_399_999_999;

/** Options for {@link nextCalendarElapse}: the environment whose $TZ is the local zone. */
export interface CalendarNextOptions {
  env?: NodeJS.ProcessEnv;
}

/** The zone a spec computes in: UTC, its own zone name, or the local zone. */
export function calendarZoneOf(spec: CalendarSpec, options: CalendarNextOptions = {}): CalendarZone {
  if (spec.utc) return CalendarZone.of();
  return CalendarZone.of(spec.timezone ?? localZoneName(options.env));
}

/**
 * The first instant after `afterUsec` (microseconds since the epoch, realtime) at which the
 * calendar event elapses, as systemd 252's calendar_spec_next_usec(); undefined when it never does
 * again (a date in the past, an impossible date such as `*-02-30`, or beyond 2199). The search walks
 * the wall clock of the spec's zone field by field, from the year down to the second, so a time
 * skipped by a daylight-saving change does not elapse that day and one repeated elapses once.
 */
export function nextCalendarElapse(spec: CalendarSpec, afterUsec: number, options: CalendarNextOptions = {}): number | undefined {
  if (afterUsec > USEC_TIMESTAMP_FORMATTABLE_MAX) return undefined;
  const zone = calendarZoneOf(spec, options);
  const usec = afterUsec + 1;
  const tm = zone.breakDown(Math.floor(usec / USEC_PER_SEC));
  const found = findNext(spec, zone, tm, usec % USEC_PER_SEC);
  if (found === undefined) return undefined;
  const seconds = zone.makeTime(tm);
  return seconds * USEC_PER_SEC + found;
}

/**
 * The value of `chain` that is `val` or the next after it: r 0 when `val` itself matches, 1 when a
 * later value was taken, undefined when none is left in this period.
 */
function matchComponent(spec: CalendarSpec, zone: CalendarZone, chain: CalendarComponent[], isDay: boolean, tm: BrokenDownTime, val: number): { r: number; val: number } | undefined {
  if (chain.length === 0) return { r: 0, val };
  let best: number | undefined;
  for (const k of chain) {
    let start = k.start;
    let stop = k.stop;
    if (spec.endOfMonth && isDay) {
      start = endOfMonthDay(zone, tm, start);
      stop = endOfMonthDay(zone, tm, stop);
      if (stop > 0) [start, stop] = [stop, start];
    }
    if (start >= val) {
      if (best === undefined || start < best) best = start;
    } else if (k.repeat > 0) {
      const next = start + k.repeat * Math.ceil((val - start) / k.repeat);
      if ((best === undefined || next < best) && (stop < 0 || next <= stop)) best = next;
    }
  }
  if (best === undefined) return undefined;
  return { r: best !== val ? 1 : 0, val: best };
}

/** The day of the month that is `day` days before the month's end (1 = the last day), -1 if none. */
function endOfMonthDay(zone: CalendarZone, tm: BrokenDownTime, day: number): number {
  const t: BrokenDownTime = { ...tm, month: tm.month + 1, mday: 1 - day };
  zone.makeTime(t);
  return t.month !== tm.month ? -1 : t.mday;
}

/**
 * tm_within_bounds(): 1 if the fields were already normal; 0 if normalising moved them forward
 * (tm updated, with the unit below the one that overflowed reset, so "3-33" → "4-2" does not skip
 * 4-1); -1 past the last year or when normalising would go backward.
 */
function withinBounds(zone: CalendarZone, tm: BrokenDownTime): number {
  if (tm.year > CALENDAR_MAX_YEAR) return -1;
  const t = { ...tm };
  zone.makeTime(t);
  let cmp: number;
  if ((cmp = Math.sign(t.year - tm.year)) !== 0) t.month = 0;
  else if ((cmp = Math.sign(t.month - tm.month)) !== 0) t.mday = 1;
  else if ((cmp = Math.sign(t.mday - tm.mday)) !== 0) t.hour = 0;
  else if ((cmp = Math.sign(t.hour - tm.hour)) !== 0) t.minute = 0;
  else if ((cmp = Math.sign(t.minute - tm.minute)) !== 0) t.second = 0;
  else cmp = Math.sign(t.second - tm.second);
  if (cmp < 0) return -1;
  if (cmp > 0) Object.assign(tm, t);
  return cmp === 0 ? 1 : 0;
}

function matchesWeekday(bits: number, zone: CalendarZone, tm: BrokenDownTime): boolean {
  if (bits < 0 || bits >= 127) return true;
  const t = { ...tm };
  zone.makeTime(t);
  const k = t.wday === 0 ? 6 : t.wday! - 1;
  return (bits & (1 << k)) !== 0;
}

/** Searches forward from `c`; on success `c` holds the wall-clock fields and the microseconds are returned. */
function findNext(spec: CalendarSpec, zone: CalendarZone, c: BrokenDownTime, usec: number): number | undefined {
  let tmUsec = usec;
  const resetFrom = (field: 'month' | 'mday' | 'hour' | 'minute' | 'second'): void => {
    const order = ['month', 'mday', 'hour', 'minute', 'second'] as const;
    for (const f of order.slice(order.indexOf(field))) c[f] = f === 'mday' ? 1 : 0;
    tmUsec = 0;
  };
  // A safety valve as systemd's: a search that does not settle is an error, not a hang.
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    zone.makeTime(c);
    c.isdst = spec.dst;

    let m = matchComponent(spec, zone, spec.year, false, c, c.year);
    if (!m) return undefined;
    c.year = m.val;
    if (m.r > 0) resetFrom('month');
    if (withinBounds(zone, c) <= 0) return undefined;

    m = matchComponent(spec, zone, spec.month, false, c, c.month + 1);
    if (m) {
      c.month = m.val - 1;
      if (m.r > 0) resetFrom('mday');
    }
    let b = m ? withinBounds(zone, c) : -1;
    if (b < 0) {
      c.year++;
      resetFrom('month');
      continue;
    }
    if (b === 0) continue;

    m = matchComponent(spec, zone, spec.day, true, c, c.mday);
    if (m) {
      c.mday = m.val;
      if (m.r > 0) resetFrom('hour');
    }
    b = m ? withinBounds(zone, c) : -1;
    if (b < 0) {
      c.month++;
      resetFrom('mday');
      continue;
    }
    if (b === 0) continue;

    if (!matchesWeekday(spec.weekdays, zone, c)) {
      c.mday++;
      resetFrom('hour');
      continue;
    }

    m = matchComponent(spec, zone, spec.hour, false, c, c.hour);
    if (m) {
      c.hour = m.val;
      if (m.r > 0) resetFrom('minute');
    }
    b = m ? withinBounds(zone, c) : -1;
    if (b < 0) {
      c.mday++;
      resetFrom('hour');
      continue;
    }
    // The hour set may not exist on a daylight-saving change: start again from the normalised time.
    if (b === 0) continue;

    m = matchComponent(spec, zone, spec.minute, false, c, c.minute);
    if (m) {
      c.minute = m.val;
      if (m.r > 0) resetFrom('second');
    }
    b = m ? withinBounds(zone, c) : -1;
    if (b < 0) {
      c.hour++;
      resetFrom('minute');
      continue;
    }
    if (b === 0) continue;

    m = matchComponent(spec, zone, spec.second, false, c, c.second * USEC_PER_SEC + tmUsec);
    if (m) {
      tmUsec = m.val % USEC_PER_SEC;
      c.second = Math.floor(m.val / USEC_PER_SEC);
    }
    b = m ? withinBounds(zone, c) : -1;
    if (b < 0) {
      c.minute++;
      resetFrom('second');
      continue;
    }
    if (b === 0) continue;

    return tmUsec;
  }
  return undefined;
}
