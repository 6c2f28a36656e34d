import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { formatCalendarSpec, parseCalendarSpec } from './calendar-spec.js';
import { nextCalendarElapse } from './calendar-next.js';

/**
 * Differential tests of the calendar grammar and the next-elapse search against the machine's own
 * `systemd-analyze calendar --iterations=N --base-time=@T`: the normalised form, refusals, and each
 * iteration (to the second, which is what systemd-analyze prints) over the examples of
 * systemd.time(7) and a few hundred generated expressions, in several zones and around
 * daylight-saving changes.
 */

const ITERATIONS = 5;
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
/** Base times: the European spring-forward, the hour Berlin repeats, New York's fall-back, a leap year. */
const BASES = ['2026-03-28T00:00:00Z', '2026-10-25T01:10:00Z', '2026-11-01T05:10:00Z', '2028-02-28T12:00:00Z'].map((s) => Date.parse(s) / 1000);

const MAN_EXAMPLES = [
  'minutely', 'hourly', 'daily', 'monthly', 'weekly', 'yearly', 'quarterly', 'semiannually', 'annually', 'biannually', 'bi-annually', 'semi-annually',
  'Sat,Thu,Mon..Wed,Sat..Sun', 'Mon,Sun 12-*-* 2,1:23', 'Wed *-1', 'Wed..Wed,Wed *-1', 'Wed, 17:48', 'Wed..Sat,Tue 12-10-15 1:2:3',
  '*-*-7 0:0:0', '10-15', 'monday *-12-* 17:00', 'Mon,Fri *-*-3,1,2 *:30:45', '12,14,13,12:20,10,30', '12..14:10,20,30',
  'mon,fri *-1/2-1,3 *:30:45', '03-05 08:05:40', '08:05:40', '05:40', 'Sat,Sun 12-05 08:05:40', 'Sat,Sun 08:05:40', '2003-03-05 05:40',
  '05:40:23.4200004/3.1700005', '2003-02..04-05', '2003-03-05 05:40 UTC', '2003-03-05', '03-05', 'daily UTC', 'weekly Pacific/Auckland',
  '*:2/3', '*-02~03', '*-05~1/2', '*-05~01..07/1', 'Mon *-05~07/1', '*-*-* 02:30', '*-*-* 02:*:00/20', 'Sun *-*-* 02,03:30',
  '*-02-29', '*-02-30', '2030-*-* 00:00', '@1774656000', 'Fri *-*-13', 'Mon..Fri 9..17:00', '*-*-1,15 12:00 Europe/Berlin',
  '*-*-* *:*:*', '*-*-* *:*:0..59/7.5', 'Mon-Wed *-*-* 06:00', 'Wed-Mon', 'Mon..Wed..Fri', 'Mon..', 'Mon,', '*-*-* 24:00', '*-13-01',
  '1969-01-01', '2200-01-01', '*-*-32', '*:60', 'hourly Europe/Berlin', '*-*-* 12:00 America/New_York', '*-*-* 12:00 Nowhere/Nothing',
  '', ' ', 'daily daily', '12:', ':30', '1-2-3-4', '*-*-* 1:2:3:4', '*/2', '0/0', '*-*-*/2', 'Tue *-*~1',
];

/** A deterministic generator of expressions in the grammar, with the odd invalid one among them. */
function generatedSpecs(count: number): string[] {
  let seed = 0x5eed1234;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]!;
  const pad = (v: number): string => (rnd(2) ? String(v).padStart(2, '0') : String(v));
  const component = (lo: number, hi: number, star = true): string => {
    const kind = rnd(7);
    if (kind === 0 && star) return '*';
    if (kind === 1) {
      const a = lo + rnd(hi - lo + 1);
      return `${pad(a)}..${pad(Math.min(hi, a + rnd(hi - lo + 1)))}`;
    }
    if (kind === 2) return `${pad(lo + rnd(Math.max(1, (hi - lo) / 2)))}/${1 + rnd(Math.max(1, (hi - lo) / 3))}`;
    if (kind === 3) {
      const a = lo + rnd(hi - lo + 1);
      return `${pad(a)}..${pad(Math.min(hi, a + rnd(hi - lo)))}/${1 + rnd(4)}`;
    }
    const n = 1 + rnd(3);
    return Array.from({ length: n }, () => pad(lo + rnd(hi - lo + 1))).join(',');
  };
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'monday', 'Friday'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    if (rnd(3) === 0) s += rnd(2) ? `${pick(days)}..${pick(days)} ` : `${pick(days)},${pick(days)} `;
    const dateKind = rnd(4);
    if (dateKind === 0) s += `${rnd(2) ? '*' : component(2026, 2031, false)}-${component(1, 12)}-${component(1, 31)} `;
    else if (dateKind === 1) s += `${component(1, 12)}${rnd(3) ? '-' : '~'}${component(1, 28)} `;
    else if (dateKind === 2) s += `*-*~${component(1, 7, false)} `;
    const timeKind = rnd(3);
    if (timeKind === 0) s += `${component(0, 23)}:${component(0, 59)}`;
    else if (timeKind === 1) s += `${component(0, 23)}:${component(0, 59)}:${component(0, 59)}${rnd(4) === 0 ? `.${rnd(1000)}` : ''}`;
    s = s.trim();
    if (s === '') s = pick(['hourly', 'daily', '*:0/15']);
    if (rnd(6) === 0) s += pick([' UTC', ' Europe/Berlin', ' America/New_York']);
    out.push(s);
  }
  return out;
}

interface OracleResult {
  normalized?: string;
  elapses: (number | 'never')[];
}

/** Runs systemd-analyze once for many expressions; an expression it refuses has no entry. */
function askOracle(specs: string[], zone: string, base: number): Map<string, OracleResult> {
  const r = spawnSync('systemd-analyze', ['calendar', `--iterations=${ITERATIONS}`, `--base-time=@${base}`, ...specs], {
    env: { ...process.env, TZ: zone, SYSTEMD_COLORS: '0', LC_ALL: 'C' }, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  const results = new Map<string, OracleResult>();
  let current: OracleResult | undefined;
  let pendingLocal: number | 'never' | undefined;
  let original: string | undefined;
  const flush = (): void => {
    if (current && pendingLocal !== undefined) current.elapses.push(pendingLocal);
    pendingLocal = undefined;
  };
  const parseTime = (text: string): number | 'never' => {
    if (text.trim() === 'never') return 'never';
    const m = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(text);
    return m ? Date.parse(`${m[1]!.replace(' ', 'T')}Z`) / 1000 : NaN;
  };
  for (const line of r.stdout.split('\n')) {
    const [key, ...rest] = line.split(': ');
    const value = rest.join(': ');
    const k = key!.trim();
    // "Original form" is printed only where it differs from the normalised one.
    if (k === 'Original form') {
      flush();
      current = undefined;
      original = value;
    } else if (k === 'Normalized form') {
      flush();
      current = { normalized: value, elapses: [] };
      results.set(original ?? value, current);
      original = undefined;
    } else if ((k === 'Next elapse' || k.startsWith('Iter.')) && current) {
      flush();
      // In UTC these lines are already UTC; elsewhere an "(in UTC)" line follows.
      pendingLocal = zone === 'UTC' || value.trim() === 'never' ? parseTime(value) : undefined;
      if (pendingLocal === undefined) pendingLocal = NaN;
    } else if (k === '(in UTC)' && current) {
      pendingLocal = parseTime(value);
    }
  }
  flush();
  return results;
}

function ours(spec: string, zone: string, base: number): OracleResult | undefined {
  const env = { TZ: zone };
  let parsed;
  try {
    parsed = parseCalendarSpec(spec, { env });
  } catch {
    return undefined;
  }
  const elapses: (number | 'never')[] = [];
  let t = base * 1_000_000;
  for (let i = 0; i < ITERATIONS; i++) {
    const next = nextCalendarElapse(parsed, t, { env });
    if (next === undefined) {
      // systemd-analyze says "never" for the first elapse only; later iterations just end.
      if (i === 0) elapses.push('never');
      break;
    }
    elapses.push(Math.floor(next / 1_000_000));
    t = next;
  }
  return { normalized: formatCalendarSpec(parsed, { env }), elapses };
}

const haveOracle = (() => {
  try {
    execFileSync('systemd-analyze', ['calendar', 'daily'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('calendar events against systemd-analyze calendar', function () {
  this.timeout(120_000);
  before(function () {
    if (!haveOracle) {
      console.log('      (skipped: systemd-analyze is not installed, so there is no oracle to compare with)');
      this.skip();
    }
  });

  const specs = [...MAN_EXAMPLES, ...generatedSpecs(200)];
  for (const zone of ZONES) {
    it(`agrees on ${specs.length} expressions × ${BASES.length} base times in ${zone}`, () => {
      const differences: string[] = [];
      for (const base of BASES) {
        const oracle = askOracle(specs.filter((s) => s.trim() !== ''), zone, base);
        for (const spec of specs) {
          const expected = oracle.get(spec);
          const actual = ours(spec, zone, base);
          const show = (r: OracleResult | undefined): string => (r ? `${r.normalized} → ${r.elapses.join(',')}` : 'refused');
          if (show(expected) !== show(actual)) {
            differences.push(`${JSON.stringify(spec)} @${base}: systemd ${show(expected)} unitkit ${show(actual)}`);
          }
        }
      }
      expect(differences.slice(0, 10), `${differences.length} differences`).to.deep.equal([]);
    });
  }
});
