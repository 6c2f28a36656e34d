import { expect } from 'chai';
import { formatPropertyValue, formatTimeSpan, formatTimestamp, prop, propertyIsEmpty } from './property.js';

describe('property formatting', () => {
  it('formats time spans as systemd-analyze timespan prints them', () => {
    // Pairs checked against `systemd-analyze timespan Nus` on systemd 252.
    const cases: Array<[number, string]> = [
      [0, '0'], [1, '1us'], [100_000, '100ms'], [1_500_000, '1.500000s'], [90_000_000, '1min 30s'],
      [3_600_000_000, '1h'], [86_400_000_000, '1d'], [1000, '1ms'], [1_234_567, '1.234567s'],
      [604_800_000_000, '1w'], [61_000_000, '1min 1s'], [Infinity, 'infinity'],
    ];
    for (const [usec, text] of cases) expect(formatTimeSpan(usec), String(usec)).to.equal(text);
  });

  it('rounds to the accuracy asked for', () => {
    expect(formatTimeSpan(1_234_567, 1_000_000)).to.equal('1s');
    expect(formatTimeSpan(1_500_000, 1000)).to.equal('1.500s');
    expect(formatTimeSpan(90_500_000, 1_000_000)).to.equal('1min 30s');
  });

  it('formats timestamps the systemd way, empty for never', () => {
    const prev = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      expect(formatTimestamp(Date.UTC(2026, 10, 21, 1, 28, 26) * 1000)).to.equal('Sat 2026-11-21 01:28:26 UTC');
      expect(formatTimestamp(0)).to.equal('');
      // Found by the fuzzer: a clock moved by WATCHDOG_USEC=99999999999999999999999 made Date throw.
      expect(formatTimestamp(253402214399000000)).to.equal('Thu 9999-12-30 23:59:59 UTC');
      expect(formatTimestamp(253402214400000000)).to.equal('');
      expect(formatTimestamp(1e23)).to.equal('');
      expect(formatTimestamp(-5)).to.equal('');
    } finally {
      if (prev === undefined) delete process.env.TZ;
      else process.env.TZ = prev;
    }
  });

  it('formats each value type as systemctl show does', () => {
    expect(formatPropertyValue(prop.bool(true))).to.equal('yes');
    expect(formatPropertyValue(prop.bool(false))).to.equal('no');
    expect(formatPropertyValue(prop.strv(['a.service', 'b.service']))).to.equal('a.service b.service');
    expect(formatPropertyValue(prop.int(Infinity))).to.equal('infinity');
    expect(formatPropertyValue(prop.usec(90_000_000))).to.equal('1min 30s');
    expect(formatPropertyValue(prop.string(undefined))).to.equal('');
  });

  it('knows which values show skips without --all', () => {
    expect(propertyIsEmpty(prop.string(''))).to.equal(true);
    expect(propertyIsEmpty(prop.strv([]))).to.equal(true);
    expect(propertyIsEmpty(prop.timestamp(0))).to.equal(true);
    expect(propertyIsEmpty(prop.bool(false))).to.equal(false);
    expect(propertyIsEmpty(prop.int(0))).to.equal(false);
  });
});

describe('shellMaybeQuote', () => {
  it('quotes array elements as systemctl show does', async () => {
    const { shellMaybeQuote } = await import('./property.js');
    expect(shellMaybeQuote('a.service')).to.equal('a.service');
    expect(shellMaybeQuote('man:one(1)')).to.equal('"man:one(1)"');
    expect(shellMaybeQuote('FOO=a b')).to.equal('"FOO=a b"');
    expect(shellMaybeQuote('X=$HOME')).to.equal('"X=\\$HOME"');
    expect(shellMaybeQuote('a"b')).to.equal('"a\\"b"');
    expect(formatPropertyValue(prop.strv(['man:one(1)', 'man:two(2)']))).to.equal('"man:one(1)" "man:two(2)"');
  });
});
