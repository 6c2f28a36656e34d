import { expect } from 'chai';
import { formatCalendarSpec, parseCalendarSpec } from './calendar-spec.js';
import { nextCalendarElapse } from './calendar-next.js';
import { CalendarZone } from './calendar-zone.js';

const UTC = { env: { TZ: 'UTC' } };
const BERLIN = { env: { TZ: 'Europe/Berlin' } };
const normalized = (text: string, options = UTC): string => formatCalendarSpec(parseCalendarSpec(text, options), options);
const iso = (usec: number | undefined): string | undefined => (usec === undefined ? undefined : new Date(usec / 1000).toISOString());

/** The next `n` elapses after `from` (an ISO time), as ISO times. */
function elapses(text: string, from: string, n: number, options = UTC): (string | undefined)[] {
  const spec = parseCalendarSpec(text, options);
  const out: (string | undefined)[] = [];
  let t = Date.parse(from) * 1000;
  for (let i = 0; i < n; i++) {
    const next = nextCalendarElapse(spec, t, options);
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

describe('calendar events (systemd.time(7))', () => {
  it('normalises the examples of systemd.time(7)', () => {
    const examples: [string, string][] = [
      ['Sat,Thu,Mon..Wed,Sat..Sun', 'Mon..Thu,Sat,Sun *-*-* 00:00:00'],
      ['Mon,Sun 12-*-* 2,1:23', 'Mon,Sun 2012-*-* 01,02:23:00'],
      ['Wed *-1', 'Wed *-*-01 00:00:00'],
      ['Wed..Wed,Wed *-1', 'Wed *-*-01 00:00:00'],
      ['Wed, 17:48', 'Wed *-*-* 17:48:00'],
      ['Wed..Sat,Tue 12-10-15 1:2:3', 'Tue..Sat 2012-10-15 01:02:03'],
      ['*-*-7 0:0:0', '*-*-07 00:00:00'],
      ['10-15', '*-10-15 00:00:00'],
      ['monday *-12-* 17:00', 'Mon *-12-* 17:00:00'],
      ['Mon,Fri *-*-3,1,2 *:30:45', 'Mon,Fri *-*-01,02,03 *:30:45'],
      ['12,14,13,12:20,10,30', '*-*-* 12,13,14:10,20,30:00'],
      ['12..14:10,20,30', '*-*-* 12..14:10,20,30:00'],
      ['mon,fri *-1/2-1,3 *:30:45', 'Mon,Fri *-01/2-01,03 *:30:45'],
      ['05:40:23.4200004/3.1700005', '*-*-* 05:40:23.420000/3.170001'],
      ['2003-02..04-05', '2003-02..04-05 00:00:00'],
      ['2003-03-05 05:40 UTC', '2003-03-05 05:40:00 UTC'],
      ['minutely', '*-*-* *:*:00'],
      ['hourly', '*-*-* *:00:00'],
      ['weekly', 'Mon *-*-* 00:00:00'],
      ['quarterly', '*-01,04,07,10-01 00:00:00'],
      ['semiannually', '*-01,07-01 00:00:00'],
      ['weekly Pacific/Auckland', 'Mon *-*-* 00:00:00 Pacific/Auckland'],
      ['*:2/3', '*-*-* *:02/3:00'],
      ['Mon *-05~07/1', 'Mon *-05~07/1 00:00:00'],
      ['2028-*-4..4', '2028-*-04 00:00:00'],
      ['@1774656000', '2026-03-28 00:00:00 UTC'],
    ];
    for (const [text, form] of examples) expect(normalized(text), text).to.equal(form);
  });

  it('refuses what systemd refuses', () => {
    for (const text of ['', 'Mon..', 'Wed-Mon', '*-13-01', '*-*-32', '24:00', '*:60', '1969-01-01', '2200-01-01', '12:', '*/2', '*-*-* 1:2:3:4', 'daily daily', '*-*-* 12:00 Nowhere/Nothing']) {
      expect(() => parseCalendarSpec(text, UTC), JSON.stringify(text)).to.throw(/Failed to parse calendar specification/);
    }
  });

  it('finds the next elapses, counting days from the month\'s end with ~', () => {
    expect(elapses('*-02~01', '2027-01-01T00:00:00Z', 2)).to.deep.equal(['2027-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
    expect(elapses('Fri *-*-13 09:00', '2026-01-01T00:00:00Z', 2)).to.deep.equal(['2026-02-13T09:00:00.000Z', '2026-03-13T09:00:00.000Z']);
    expect(elapses('*-02-30', '2026-01-01T00:00:00Z', 1)).to.deep.equal([undefined]);
    expect(elapses('*:*:0/2.5', '2026-01-01T00:00:00Z', 3)).to.deep.equal(['2026-01-01T00:00:02.500Z', '2026-01-01T00:00:05.000Z', '2026-01-01T00:00:07.500Z']);
  });

  it('skips a time the spring-forward change removes and elapses once in an hour that repeats', () => {
    // 2026-03-29 02:30 does not exist in Berlin; 2026-10-25 02:30 exists twice.
    expect(elapses('*-*-* 02:30', '2026-03-28T00:00:00Z', 2, BERLIN)).to.deep.equal(['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(elapses('*-*-* 02:30', '2026-10-24T12:00:00Z', 2, BERLIN)).to.deep.equal(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    // Coming from the second 02:xx, the second 02:30 is the one that follows.
    expect(elapses('*-*-* 02:30', '2026-10-25T01:10:00Z', 1, BERLIN)).to.deep.equal(['2026-10-25T01:30:00.000Z']);
  });

  it('computes in the zone the expression names, whatever the local zone', () => {
    expect(elapses('*-*-* 12:00 America/New_York', '2026-07-01T00:00:00Z', 1, BERLIN)).to.deep.equal(['2026-07-01T16:00:00.000Z']);
    expect(elapses('daily UTC', '2026-07-01T00:00:00Z', 1, BERLIN)).to.deep.equal(['2026-07-02T00:00:00.000Z']);
  });

  it('reads the local zone abbreviations: CEST pins the offset of summer time', () => {
    expect(normalized('*-*-* 02:30 CEST', BERLIN)).to.equal('*-*-* 02:30:00 CEST');
    expect(elapses('*-*-* 02:30 CEST', '2026-07-25T01:10:00Z', 1, BERLIN)).to.deep.equal(['2026-07-26T00:30:00.000Z']);
    expect(elapses('*-*-* 02:30 CET', '2026-07-25T01:10:00Z', 1, BERLIN)).to.deep.equal([undefined]);
  });

  it('converts like mktime(): a time in a gap moves forward by the gap', () => {
    const berlin = CalendarZone.of('Europe/Berlin');
    const tm = { year: 2026, month: 2, mday: 29, hour: 2, minute: 30, second: 0, isdst: -1 };
    expect(new Date(berlin.makeTime(tm) * 1000).toISOString()).to.equal('2026-03-29T01:30:00.000Z');
    expect(tm.hour).to.equal(3);
  });
});
