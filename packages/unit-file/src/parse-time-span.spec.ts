import { expect } from 'chai';
import { formatTimeSpan, parseTimeSpan, parseTimeSpanFix0, USEC_PER_MINUTE, USEC_PER_SEC } from './parse-time-span.js';

describe('parseTimeSpan (systemd parse_sec)', () => {
  const ok: [string, number][] = [
    ['5', 5 * USEC_PER_SEC],
    ['5s', 5 * USEC_PER_SEC],
    [' 5s ', 5 * USEC_PER_SEC],
    ['5 s', 5 * USEC_PER_SEC],
    ['1min 30s', 90 * USEC_PER_SEC],
    ['1min30s', 90 * USEC_PER_SEC],
    ['2.5h', 2.5 * 3600 * USEC_PER_SEC],
    ['.5s', 500_000],
    ['100ms', 100_000],
    ['10us', 10],
    ['10µs', 10],
    ['1w', 7 * 86400 * USEC_PER_SEC],
    ['1y', 31_557_600 * USEC_PER_SEC],
    ['1month', 2_629_800 * USEC_PER_SEC],
    ['1M', 2_629_800 * USEC_PER_SEC],
    ['3m', 3 * USEC_PER_MINUTE],
    ['5 6', 11 * USEC_PER_SEC],
    ['1h 0.5min', 3630 * USEC_PER_SEC],
    ['0', 0],
    ['infinity', Infinity],
    [' infinity ', Infinity],
  ];
  for (const [t, v] of ok) it(`accepts '${t}'`, () => expect(parseTimeSpan(t)).to.equal(v));
  for (const t of ['', 'abc', '-1', '-0', '5x', '3.', '3.sec', '12.34.56', 'infinityx', '1 infinity', '5mo', '1.2.3'])
    it(`refuses '${t}'`, () => expect(() => parseTimeSpan(t)).to.throw());
  it('maps 0 to infinity for fix_0 directives', () => expect(parseTimeSpanFix0('0')).to.equal(Infinity));
  it('formats like format_timespan', () => {
    expect(formatTimeSpan(1_500_000)).to.equal('1.500000s');
    expect(formatTimeSpan(90 * USEC_PER_SEC)).to.equal('1min 30s');
    expect(formatTimeSpan(1250)).to.equal('1.250ms');
    expect(formatTimeSpan(61_500_000)).to.equal('1min 1.500000s');
    expect(formatTimeSpan(3630 * USEC_PER_SEC)).to.equal('1h 30s');
    expect(formatTimeSpan(Infinity)).to.equal('infinity');
    expect(formatTimeSpan(0)).to.equal('0');
  });
});
