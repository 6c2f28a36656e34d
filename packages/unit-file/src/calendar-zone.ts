import { readFileSync, readlinkSync } from 'node:fs';

/**
 * A broken-down time as C's struct tm holds it, with a full year (not years since 1900) and a
 * 0-based month. Fields may be out of range before {@link CalendarZone.makeTime} normalises them,
 * which is how systemd's calendar search steps ("next day" is `mday + 1`).
 */
export interface BrokenDownTime {
  year: number;
  /** 0–11 */
  month: number;
  /** 1–31 */
  mday: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday, as tm_wday. Set by breakDown()/makeTime(). */
  wday?: number;
  /** 1 when daylight saving time is in effect, 0 when not; -1 asks makeTime() to find out. */
  isdst?: number;
}

const MS_PER_HOUR = 3_600_000;
const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 24 * MS_PER_HOUR;

/**
 * The wall clock of one time zone: localtime_r() and mktime() for a named IANA zone, or timegm()
 * and gmtime_r() for UTC. systemd's calendar search runs on these two functions, and its results
 * at daylight-saving changes (a 02:30 that does not exist is skipped, a 02:30 that exists twice
 * elapses once) come from how mktime() normalises: this class reproduces glibc's choices with
 * the zone data of Intl, so no child process with TZ= is needed as systemd forks one.
 */
export class CalendarZone {
  private readonly format?: Intl.DateTimeFormat;
  private readonly weeks = new Map<number, { at: number; before: number; after: number }>();
  private readonly samples = new Map<number, number>();
  private lastOffset?: number;

  private static readonly shared = new Map<string, CalendarZone>();

  /**
   * The one instance for a zone name: building an Intl formatter costs milliseconds, and glibc's
   * mktime() likewise keeps one hint per process across calls.
   */
  static of(name?: string): CalendarZone {
    const key = name ?? 'UTC';
    let zone = CalendarZone.shared.get(key);
    if (!zone) {
      zone = new CalendarZone(name);
      if (CalendarZone.shared.size > 64) CalendarZone.shared.clear();
      CalendarZone.shared.set(key, zone);
    }
    return zone;
  }

  /** `name` undefined or 'UTC' is UTC; anything else an IANA name Intl knows. Throws RangeError for an unknown zone. */
  constructor(readonly name?: string) {
    if (name !== undefined && name !== 'UTC') {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
      });
    }
  }

  /** True for UTC, whose calendar needs no zone data. */
  get utc(): boolean {
    return this.format === undefined;
  }

  /** The zone's offset from UTC in milliseconds at the instant `ms`. */
  offsetAt(ms: number): number {
    if (!this.format) return 0;
    // Intl is asked at the start of each week touched; only a week whose two ends differ is
    // bisected to the minute of its change. A calendar search over decades then costs a few
    // formatToParts() calls per year instead of one per instant it looks at.
    const week = Math.floor(ms / WEEK_MS);
    let change = this.weeks.get(week);
    if (change === undefined) {
      const from = this.sample(week * WEEK_MS);
      const to = this.sample((week + 1) * WEEK_MS);
      if (from === to) {
        change = { at: Infinity, before: from, after: from };
      } else {
        let lo = week * WEEK_MS;
        let hi = (week + 1) * WEEK_MS;
        while (hi - lo > MINUTE_MS) {
          const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
          if (this.rawOffsetAt(mid) === from) lo = mid;
          else hi = mid;
        }
        change = { at: hi, before: from, after: to };
      }
      if (this.weeks.size > 8192) this.weeks.clear();
      this.weeks.set(week, change);
    }
    return ms < change.at ? change.before : change.after;
  }

  private sample(ms: number): number {
    let offset = this.samples.get(ms);
    if (offset === undefined) {
      offset = this.rawOffsetAt(ms);
      if (this.samples.size > 8192) this.samples.clear();
      this.samples.set(ms, offset);
    }
    return offset;
  }

  private rawOffsetAt(ms: number): number {
    const parts = this.format!.formatToParts(new Date(ms));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const wall = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return wall - Math.floor(ms / 1000) * 1000;
  }

  /** localtime_r(): the wall clock at `seconds` since the epoch. */
  breakDown(seconds: number): BrokenDownTime {
    const ms = seconds * 1000;
    const offset = this.offsetAt(ms);
    const d = new Date(ms + offset);
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth(), mday: d.getUTCDate(),
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
      wday: d.getUTCDay(), isdst: this.format && offset > this.kindOffsets(ms)[0] ? 1 : 0,
    };
  }

  /**
   * mktime() (timegm() for UTC): the instant of a wall-clock time whose fields may be out of
   * range, and the normalised fields written back into `tm`. A time in a spring-forward gap moves
   * forward by the gap (02:30 → 03:30), as glibc does with tm_isdst = -1; a time that exists twice
   * is taken with the offset before the change unless `tm.isdst` asks for the other one.
   * Returns seconds since the epoch.
   */
  makeTime(tm: BrokenDownTime): number {
    const wallMs = wallClockMs(tm);
    let offset = 0;
    if (this.format) {
      const isdst = tm.isdst ?? -1;
      const [std, dst] = this.kindOffsets(wallMs);
      if (isdst >= 0 && std !== dst) {
        // An explicit tm_isdst: glibc reads the wall clock with the offset of that kind, even
        // where the other kind is in effect (the result then normalises to another hour).
        offset = isdst > 0 ? dst : std;
      } else {
        const before = this.offsetAt(wallMs - 14 * MS_PER_HOUR);
        const after = this.offsetAt(wallMs + 14 * MS_PER_HOUR);
        const valid = [before, after].filter((o, i, all) => all.indexOf(o) === i && this.offsetAt(wallMs - o) === o);
        if (valid.length === 0) offset = before;
        else if (valid.length === 1) offset = valid[0]!;
        // A time that exists twice: glibc's mktime() starts from the offset of its previous
        // result, so the reading on the side the search came from wins.
        else offset = this.lastOffset !== undefined && valid.includes(this.lastOffset) ? this.lastOffset : before;
      }
    }
    const seconds = Math.floor((wallMs - offset) / 1000);
    Object.assign(tm, this.breakDown(seconds));
    this.lastOffset = this.offsetAt(seconds * 1000);
    return seconds;
  }

  /** The zone's standard and daylight-saving offsets in the year around `ms` (equal where there is no DST). */
  private kindOffsets(ms: number): [number, number] {
    const year = new Date(ms).getUTCFullYear();
    const a = this.offsetAt(Date.UTC(year, 0, 1));
    const b = this.offsetAt(Date.UTC(year, 6, 1));
    return [Math.min(a, b), Math.max(a, b)];
  }
}

/** The fields read as if they were UTC, normalised the way mktime() carries overflow. */
function wallClockMs(tm: BrokenDownTime): number {
  const d = new Date(0);
  d.setUTCFullYear(tm.year, tm.month, tm.mday);
  d.setUTCHours(tm.hour, tm.minute, tm.second, 0);
  return d.getTime();
}

/**
 * The name of the local time zone: $TZ (with or without its leading ':') if set, else the zone
 * /etc/localtime links to, else Intl's default. Undefined means UTC.
 */
export function localZoneName(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const tz = env.TZ?.replace(/^:/, '');
  // The link is read rather than asking Intl: its first answer costs tens of milliseconds.
  const name = tz || linkedZone() || Intl.DateTimeFormat().resolvedOptions().timeZone;
  return name === 'UTC' || name === 'Etc/UTC' || name === 'Universal' || name === 'Zulu' || name === 'Etc/Universal' ? 'UTC' : name;
}

/** The zone name /etc/localtime links to (…/zoneinfo/Europe/Berlin → Europe/Berlin), if it is such a link. */
function linkedZone(): string | undefined {
  try {
    const target = readlinkSync('/etc/localtime');
    const at = target.indexOf('zoneinfo/');
    return at >= 0 ? target.slice(at + 'zoneinfo/'.length) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tzname[0] and tzname[1] of a zone as glibc sets them from its TZif file: the abbreviations of
 * the standard and the daylight-saving time types, the later transition winning. Calendar specs
 * may end in either ("… CET", "… CEST"). For a zone without daylight saving both are the same.
 */
export function zoneAbbreviations(zone: string | undefined, zoneinfo = '/usr/share/zoneinfo'): [string, string] {
  if (zone === undefined || zone === 'UTC') return ['UTC', 'UTC'];
  const key = `${zoneinfo}/${zone}`;
  let names = abbreviationCache.get(key);
  if (!names) {
    names = readAbbreviations(zone, zoneinfo);
    if (abbreviationCache.size > 64) abbreviationCache.clear();
    abbreviationCache.set(key, names);
  }
  return names;
}

const abbreviationCache = new Map<string, [string, string]>();

function readAbbreviations(zone: string, zoneinfo: string): [string, string] {
  let data: Buffer;
  try {
    data = readFileSync(`${zoneinfo}/${zone}`);
  } catch {
    return ['', ''];
  }
  if (data.length < 44 || data.toString('latin1', 0, 4) !== 'TZif') return ['', ''];
  const [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = [20, 24, 28, 32, 36, 40].map((o) => data.readUInt32BE(o)) as [number, number, number, number, number, number];
  const transTypes = 44 + timecnt * 4;
  const types = transTypes + timecnt;
  const chars = types + typecnt * 6;
  if (chars + charcnt + leapcnt * 8 + isstdcnt + isutcnt > data.length) return ['', ''];
  const abbrOf = (type: number): [number, string] => {
    const at = types + type * 6;
    const isdst = data[at + 4]!;
    const index = data[at + 5]!;
    const end = data.indexOf(0, chars + index);
    return [isdst, data.toString('latin1', chars + index, end < 0 ? chars + charcnt : end)];
  };
  const names: [string, string] = ['', ''];
  const seen = timecnt > 0 ? Array.from({ length: timecnt }, (_, i) => data[transTypes + i]!) : [0];
  for (const t of seen) {
    if (t >= typecnt) continue;
    const [isdst, abbr] = abbrOf(t);
    names[isdst ? 1 : 0] = abbr;
  }
  if (!names[1]) names[1] = names[0];
  if (!names[0]) names[0] = names[1];
  return names;
}
