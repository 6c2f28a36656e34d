import { expect } from 'chai';
import { mkdtempSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestManager, type TestManager } from '@unitkit/testing';
import { formatShow, type Unit } from '@unitkit/core';
import { serviceModule } from '@unitkit/plugin-service';
import { targetModule } from '@unitkit/plugin-target';
import { timerModule } from './timer-module.js';
import type { TimerData } from './timer-unit-type.js';
import { coalescedWakeup } from './timer-coalesce.js';

const SEC = 1_000_000;
const MIN = 60 * SEC;

describe('TimerUnitType', () => {
  let t: TestManager;

  const make = (files: Record<string, string>, opts: { scope?: 'user' | 'system'; environment?: Record<string, string> } = {}) => {
    t = createTestManager({ modules: [timerModule, serviceModule, targetModule], options: { scope: opts.scope ?? 'user', environment: opts.environment } });
    for (const [name, text] of Object.entries({ 'basic.target': '', ...files })) t.units.file(name, text);
    return t;
  };
  const timer = (name = 'foo.timer') => t.unit(name) as Unit<TimerData>;
  const ids = (us: Iterable<Unit>) => [...us].map((u) => u.id).sort();
  const show = (name: string, ...props: string[]) => formatShow(t.manager.properties(t.unit(name)), { properties: props }).map((l) => `${l}\n`).join('');
  const state = (name: string) => `${t.unit(name).activeState()}/${t.unit(name).subState()}`;
  const oneshot = '[Service]\nType=oneshot\nExecStart=/bin/true\n';
  /** The service's process exits. */
  const finishService = () => {
    t.loop.runPending();
    t.spawner.last().exit(0);
    t.loop.runPending();
  };

  describe('loading', () => {
    it('triggers the service of its name, before it, with the default dependencies of a user timer', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=10s\n', 'foo.service': oneshot });
      expect(ids(timer().dependencies('Triggers'))).to.deep.equal(['foo.service']);
      expect(ids(timer().dependencies('Before'))).to.deep.equal(['foo.service', 'shutdown.target', 'timers.target']);
      expect(ids(timer().dependencies('Conflicts'))).to.deep.equal(['shutdown.target']);
      expect(ids(timer().dependencies('After'))).to.deep.equal([]);
    });

    it('in the system manager also requires sysinit.target, and a calendar timer waits for the clock', () => {
      make({ 'foo.timer': '[Timer]\nOnCalendar=daily\n', 'foo.service': oneshot }, { scope: 'system' });
      expect(ids(timer().dependencies('Requires'))).to.deep.equal(['sysinit.target']);
      expect(ids(timer().dependencies('After'))).to.deep.equal(['sysinit.target', 'time-set.target', 'time-sync.target']);
    });

    it('triggers Unit= and refuses a timer without values', () => {
      make({ 'a.timer': '[Timer]\nOnActiveSec=1\nUnit=b.target\n', 'empty.timer': '[Timer]\nAccuracySec=1s\n' });
      expect(ids(timer('a.timer').dependencies('Triggers'))).to.deep.equal(['b.target']);
      expect(timer('empty.timer').loadState).to.equal('bad-setting');
    });

    it('refuses to start when the unit to trigger is not loaded, as unit_test_trigger_loaded()', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=1s\nUnit=missing.service\n' });
      t.job('start', 'foo.timer');
      expect(state('foo.timer')).to.equal('inactive/dead');
      expect(t.logger.find('Refusing to start, unit missing.service to trigger not loaded.')).to.not.equal(undefined);
    });

    it('resets every value with an empty assignment and ignores what does not parse', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=1\nOnCalendar=\nOnCalendar=bogus\nOnUnitActiveSec=5min\nOnCalendar=Mon 10:00\nOnCalendar=*:0/5\n' });
      expect(show('foo.timer', 'TimersMonotonic', 'TimersCalendar')).to.equal(
        'TimersMonotonic={ OnUnitActiveUSec=5min ; next_elapse=0 }\n'
        + 'TimersCalendar={ OnCalendar=*-*-* *:00/5:00 ; next_elapse=(null) }\n'
        + 'TimersCalendar={ OnCalendar=Mon *-*-* 10:00:00 ; next_elapse=(null) }\n',
      );
    });
  });

  describe('monotonic values', () => {
    it('OnActiveSec= elapses once after the start, triggers the service, then stays elapsed', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=30s\nAccuracySec=1us\n', 'foo.service': oneshot });
      const start = t.loop.now();
      t.job('start', 'foo.timer');
      expect(state('foo.timer')).to.equal('active/waiting');
      expect(timer().data.nextElapseMonotonic).to.equal(start + 30 * SEC);
      t.loop.advance(30 * SEC - 1);
      expect(state('foo.service')).to.equal('inactive/dead');
      t.loop.advance(1);
      t.loop.runPending();
      expect(state('foo.timer')).to.equal('active/running');
      expect(state('foo.service')).to.equal('activating/start');
      finishService();
      expect(state('foo.service')).to.equal('inactive/dead');
      expect(state('foo.timer')).to.equal('active/elapsed');
      expect(show('foo.timer', 'LastTriggerUSecMonotonic')).to.equal(`LastTriggerUSecMonotonic=${start + 30 * SEC}\n`);
    });

    it('with RemainAfterElapse=no goes dead after elapsing', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=1s\nRemainAfterElapse=no\nAccuracySec=1us\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      t.loop.advance(SEC);
      finishService();
      expect(state('foo.timer')).to.equal('inactive/dead');
    });

    it('OnUnitActiveSec= repeats relative to the service\'s last activation', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=10s\nOnUnitActiveSec=1min\nAccuracySec=1us\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      t.loop.advance(10 * SEC);
      const first = t.loop.now();
      finishService();
      expect(state('foo.timer')).to.equal('active/waiting');
      expect(timer().data.nextElapseMonotonic).to.equal(first + MIN);
      t.loop.advance(MIN);
      t.loop.runPending();
      expect(state('foo.service')).to.equal('activating/start');
      finishService();
      expect(timer().data.nextElapseMonotonic).to.equal(first + 2 * MIN);
    });

    it('wakes within AccuracySec= on the coalescing grid', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=90s\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      const due = timer().data.nextElapseMonotonic;
      const armed = t.loop.pendingTimers().map((p) => p.at).filter((at) => at >= due);
      expect(armed.length).to.be.greaterThan(0);
      expect(armed[0]!).to.be.at.most(due + MIN);
    });

    it('a restart re-arms OnActiveSec= but not an OnStartupSec= that already elapsed', () => {
      make({ 'foo.timer': '[Timer]\nOnStartupSec=1s\nOnActiveSec=10s\nAccuracySec=1us\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      t.loop.advance(SEC);
      finishService();
      t.loop.advance(9 * SEC);
      finishService();
      expect(state('foo.timer')).to.equal('active/elapsed');
      t.job('stop', 'foo.timer');
      t.job('start', 'foo.timer');
      expect(state('foo.timer')).to.equal('active/waiting');
      expect(timer().data.nextElapseMonotonic).to.equal(t.loop.now() + 10 * SEC);
      expect(timer().data.values.find((v) => v.base === 'OnStartupSec')!.disabled).to.equal(true);
    });

    it('stop disarms and resets; start again recomputes', () => {
      make({ 'foo.timer': '[Timer]\nOnActiveSec=30s\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      t.job('stop', 'foo.timer');
      expect(state('foo.timer')).to.equal('inactive/dead');
      expect(show('foo.timer', 'NextElapseUSecMonotonic')).to.equal('NextElapseUSecMonotonic=infinity\n');
      t.loop.advance(2 * MIN);
      expect(state('foo.service')).to.equal('inactive/dead');
    });
  });

  describe('calendar values', () => {
    it('elapses at the next calendar time, shows it, and computes the one after', () => {
      make({ 'foo.timer': '[Timer]\nOnCalendar=*-*-* *:00/15:00 UTC\nAccuracySec=1us\n', 'foo.service': oneshot });
      // The fake realtime clock starts at 2026-01-01T00:00:00Z.
      t.job('start', 'foo.timer');
      expect(show('foo.timer', 'NextElapseUSecRealtime')).to.equal('NextElapseUSecRealtime=Thu 2026-01-01 00:15:00 UTC\n');
      t.loop.advance(15 * MIN);
      t.loop.runPending();
      expect(state('foo.timer')).to.equal('active/running');
      finishService();
      expect(show('foo.timer', 'NextElapseUSecRealtime', 'LastTriggerUSec')).to.equal('NextElapseUSecRealtime=Thu 2026-01-01 00:30:00 UTC\nLastTriggerUSec=Thu 2026-01-01 00:15:00 UTC\n');
    });

    it('Persistent= catches up a run missed while it was stopped, from the stamp file', () => {
      const home = mkdtempSync(join(tmpdir(), 'unitkit-timer-'));
      const stamp = join(home, '.local/share/systemd/timers/stamp-foo.timer');
      mkdirSync(join(home, '.local/share/systemd/timers'), { recursive: true });
      writeFileSync(stamp, '');
      // Last run: 2025-12-31 00:00 UTC, so the daily run of 2026-01-01 00:00 was missed.
      const last = Date.UTC(2025, 11, 31) / 1000;
      utimesSync(stamp, last, last);
      make({ 'foo.timer': '[Timer]\nOnCalendar=daily UTC\nPersistent=yes\nAccuracySec=1us\n', 'foo.service': oneshot }, { environment: { HOME: home } });
      t.job('start', 'foo.timer');
      t.loop.runPending();
      t.loop.advance(1);
      t.loop.runPending();
      expect(state('foo.timer')).to.equal('active/running');
      expect(statSync(stamp).mtimeMs).to.be.greaterThan(last * 1000);
    });
  });

  describe('clock and time zone changes', () => {
    it('computes a calendar deadline again when the wall clock is set forward', () => {
      make({ 'foo.timer': '[Timer]\nOnCalendar=*-*-* 12:00:00 UTC\nAccuracySec=1us\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      expect(show('foo.timer', 'NextElapseUSecRealtime')).to.equal('NextElapseUSecRealtime=Thu 2026-01-01 12:00:00 UTC\n');
      // The clock jumps to 11:59:59: one second later the timer elapses, not twelve hours later.
      t.loop.setRealtime(Date.UTC(2026, 0, 1, 11, 59, 59) * 1000);
      t.loop.advance(SEC);
      t.loop.runPending();
      expect(state('foo.timer')).to.equal('active/running');
    });

    it('does not elapse early when the wall clock is set back', () => {
      make({ 'foo.timer': '[Timer]\nOnCalendar=*-*-* 00:10:00 UTC\nAccuracySec=1us\n', 'foo.service': oneshot });
      t.job('start', 'foo.timer');
      t.loop.setRealtime(Date.UTC(2025, 11, 31, 23, 0) * 1000);
      t.loop.advance(10 * MIN);
      t.loop.runPending();
      expect(state('foo.timer')).to.equal('active/waiting');
      expect(show('foo.timer', 'NextElapseUSecRealtime')).to.equal('NextElapseUSecRealtime=Thu 2026-01-01 00:10:00 UTC\n');
    });

    it('OnClockChange= and OnTimezoneChange= trigger the unit', () => {
      make({
        'a.timer': '[Timer]\nOnCalendar=yearly UTC\nOnClockChange=yes\n', 'a.service': oneshot,
        'b.timer': '[Timer]\nOnCalendar=yearly UTC\nOnTimezoneChange=yes\n', 'b.service': oneshot,
      });
      t.job('start', 'a.timer');
      t.job('start', 'b.timer');
      t.loop.changeTimezone();
      expect(state('a.timer')).to.equal('active/waiting');
      expect(state('b.timer')).to.equal('active/running');
      t.loop.setRealtime(t.loop.realtime() + MIN);
      expect(state('a.timer')).to.equal('active/running');
    });

    it('skips a local time the spring-forward change removes (Europe/Berlin, 2026-03-29)', () => {
      const saved = process.env.TZ;
      try {
        process.env.TZ = 'Europe/Berlin';
        t = createTestManager({ modules: [timerModule, serviceModule, targetModule], options: { scope: 'user' }, fakes: { loop: { realtime: Date.UTC(2026, 2, 28, 12) * 1000 } } });
        for (const [name, text] of Object.entries({ 'basic.target': '', 'foo.timer': '[Timer]\nOnCalendar=*-*-* 02:30\nAccuracySec=1us\n', 'foo.service': oneshot })) t.units.file(name, text);
        t.job('start', 'foo.timer');
        // 02:30 does not exist on the 29th: the next elapse is the 30th, 02:30 CEST = 00:30 UTC.
        expect(timer().data.nextElapseRealtime).to.equal(Date.UTC(2026, 2, 30, 0, 30) * 1000);
        t.loop.advance(Date.UTC(2026, 2, 30, 0, 30) * 1000 - t.loop.realtime());
        t.loop.runPending();
        expect(state('foo.timer')).to.equal('active/running');
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    it('follows the new local time zone for a calendar time in local time', () => {
      const saved = process.env.TZ;
      try {
        process.env.TZ = 'UTC';
        make({ 'foo.timer': '[Timer]\nOnCalendar=*-*-* 12:00:00\nAccuracySec=1us\n', 'foo.service': oneshot });
        t.job('start', 'foo.timer');
        expect(show('foo.timer', 'NextElapseUSecRealtime')).to.equal('NextElapseUSecRealtime=Thu 2026-01-01 12:00:00 UTC\n');
        process.env.TZ = 'Asia/Kolkata';
        t.loop.changeTimezone();
        // 12:00 in Kolkata is 06:30 UTC.
        expect(timer().data.nextElapseRealtime).to.equal(Date.UTC(2026, 0, 1, 6, 30) * 1000);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });
  });

  it('coalesces on a minute grid, then finer ones', () => {
    expect(coalescedWakeup(10 * SEC, 10 * SEC + MIN, 0)).to.equal(MIN);
    expect(coalescedWakeup(10 * SEC, 10 * SEC + MIN, 5 * SEC)).to.equal(65 * SEC);
    expect(coalescedWakeup(10 * SEC, 10 * SEC + 1, 0)).to.equal(10 * SEC);
    expect(coalescedWakeup(61 * SEC + 100, 61 * SEC + 500_000, 0)).to.equal(61 * SEC + 250_000);
  });
});
