import { expect } from 'chai';
import type { ChildExit, FdEvents } from '@unitkit/core';
import { FAKE_MONOTONIC_START, FAKE_REALTIME_START, FakeEventLoop } from './fake-event-loop.js';

describe('FakeEventLoop', () => {
  let loop: FakeEventLoop;
  let log: string[];
  beforeEach(() => {
    loop = new FakeEventLoop();
    log = [];
  });

  describe('clocks', () => {
    it('starts at fixed, non-zero instants', () => {
      expect(loop.now()).to.equal(FAKE_MONOTONIC_START);
      expect(loop.realtime()).to.equal(FAKE_REALTIME_START);
      expect(new Date(loop.realtime() / 1000).toISOString()).to.equal('2026-01-01T00:00:00.000Z');
    });

    it('moves both clocks together', () => {
      loop.advance(2_500_000);
      expect(loop.now()).to.equal(FAKE_MONOTONIC_START + 2_500_000);
      expect(loop.realtime()).to.equal(FAKE_REALTIME_START + 2_500_000);
      loop.advanceTo(FAKE_MONOTONIC_START + 3_000_000);
      expect(loop.realtime()).to.equal(FAKE_REALTIME_START + 3_000_000);
    });

    it('honours custom start values', () => {
      const custom = new FakeEventLoop({ monotonic: 5, realtime: 7 });
      custom.advance(1);
      expect([custom.now(), custom.realtime()]).to.deep.equal([6, 8]);
    });

    it('refuses to go back or forward by nonsense', () => {
      expect(() => loop.advance(-1)).to.throw(RangeError);
      expect(() => loop.advance(Infinity)).to.throw(RangeError);
      expect(() => loop.advance(NaN)).to.throw(RangeError);
      expect(() => loop.advanceTo(loop.now() - 1)).to.throw(RangeError, /never goes back/);
    });
  });

  describe('timers', () => {
    it('fires due timers in time order, with the clock at their due time', () => {
      const t0 = loop.now();
      loop.armTimer(t0 + 300, () => log.push(`c@${loop.now() - t0}`));
      loop.armTimer(t0 + 100, () => log.push(`a@${loop.now() - t0}`));
      loop.armTimer(t0 + 200, () => log.push(`b@${loop.now() - t0}`));
      loop.advance(250);
      expect(log).to.deep.equal(['a@100', 'b@200']);
      expect(loop.now()).to.equal(t0 + 250);
      loop.advance(50);
      expect(log).to.deep.equal(['a@100', 'b@200', 'c@300']);
    });

    it('fires timers due at the same instant in arm order', () => {
      const at = loop.now() + 10;
      for (const name of ['first', 'second', 'third']) loop.armTimer(at, () => log.push(name));
      loop.advance(10);
      expect(log).to.deep.equal(['first', 'second', 'third']);
    });

    it('does not fire a disposed timer; disposing twice is harmless', () => {
      const timer = loop.armTimer(loop.now() + 10, () => log.push('fired'));
      timer.dispose();
      timer.dispose();
      loop.advance(100);
      expect(log).to.deep.equal([]);
      expect(loop.pendingTimers()).to.deep.equal([]);
    });

    it('fires a timer armed in the past asynchronously, at the next dispatch', () => {
      loop.armTimer(loop.now() - 5, () => log.push('late'));
      expect(log).to.deep.equal([]);
      loop.runPending();
      expect(log).to.deep.equal(['late']);
    });

    it('fires timers armed by callbacks when they fall due inside the window', () => {
      const t0 = loop.now();
      loop.armTimer(t0 + 10, () => {
        log.push('outer');
        loop.armTimer(loop.now() + 10, () => log.push(`inner@${loop.now() - t0}`));
        loop.armTimer(loop.now() + 1000, () => log.push('too late'));
      });
      loop.advance(25);
      expect(log).to.deep.equal(['outer', 'inner@20']);
      expect(loop.pendingTimers().map((t) => t.at - t0)).to.deep.equal([1010]);
    });

    it('never fires an infinite timer', () => {
      loop.armTimer(Infinity, () => log.push('never'));
      loop.advance(10 ** 12);
      expect(log).to.deep.equal([]);
      expect(loop.advanceToNextTimer()).to.equal(false);
      expect(() => loop.armTimer(NaN, () => undefined)).to.throw(RangeError);
    });

    it('lists pending timers earliest first, and they can be cancelled from the test', () => {
      const t0 = loop.now();
      loop.armTimer(t0 + 20, () => log.push('b'));
      loop.armTimer(t0 + 10, () => log.push('a'));
      const timers = loop.pendingTimers();
      expect(timers.map((t) => [t.at - t0, t.armedAt])).to.deep.equal([[10, t0], [20, t0]]);
      expect(loop.nextTimerAt()).to.equal(t0 + 10);
      timers[0]!.dispose();
      loop.advance(30);
      expect(log).to.deep.equal(['b']);
    });

    it('advanceToNextTimer() jumps exactly to the next timer', () => {
      const t0 = loop.now();
      loop.armTimer(t0 + 90_000_000, () => log.push('timeout'));
      expect(loop.advanceToNextTimer()).to.equal(true);
      expect(log).to.deep.equal(['timeout']);
      expect(loop.now()).to.equal(t0 + 90_000_000);
      expect(loop.advanceToNextTimer()).to.equal(false);
    });
  });

  describe('deferred work', () => {
    it('runs deferred callbacks in order with runPending(), without moving time', () => {
      const t0 = loop.now();
      loop.defer(() => log.push('1'));
      loop.defer(() => {
        log.push('2');
        loop.defer(() => log.push('3, deferred by 2'));
      });
      expect(loop.pendingDeferred()).to.equal(2);
      loop.runPending();
      expect(log).to.deep.equal(['1', '2', '3, deferred by 2']);
      expect(loop.now()).to.equal(t0);
    });

    it('runs deferred work after each timer, before the next one', () => {
      const at = loop.now() + 10;
      loop.armTimer(at, () => {
        log.push('timer 1');
        loop.defer(() => log.push('deferred by 1'));
      });
      loop.armTimer(at, () => log.push('timer 2'));
      loop.advance(10);
      expect(log).to.deep.equal(['timer 1', 'deferred by 1', 'timer 2']);
    });

    it('detects code that defers forever', () => {
      const small = new FakeEventLoop({ maxIterations: 50 });
      const again = (): void => small.defer(again);
      small.defer(again);
      expect(() => small.runPending()).to.throw(/defers forever/);
    });

    it('refuses to be driven from inside a callback', () => {
      let error: unknown;
      loop.defer(() => {
        try {
          loop.advance(1);
        } catch (e) {
          error = e;
        }
      });
      loop.runPending();
      expect(String(error)).to.match(/inside a loop callback/);
    });

    it('stays usable after a callback throws', () => {
      loop.defer(() => {
        throw new Error('plugin bug');
      });
      loop.defer(() => log.push('after'));
      expect(() => loop.runPending()).to.throw('plugin bug');
      loop.runPending();
      expect(log).to.deep.equal(['after']);
    });
  });

  describe('fd watches', () => {
    it('delivers wanted events to the watch, then runs deferred work', () => {
      const got: FdEvents[] = [];
      const watch = loop.watchFd(7, { readable: true }, (events) => {
        got.push(events);
        loop.defer(() => log.push('accepted'));
      });
      expect(loop.watchOf(7)).to.equal(watch);
      expect(loop.fireFd(7, { readable: true })).to.equal(true);
      expect(got).to.deep.equal([{ readable: true }]);
      expect(log).to.deep.equal(['accepted']);
      expect(loop.watchOf(7)!.deliveries).to.deep.equal([{ readable: true }]);
    });

    it('filters unwanted events but always reports hangup', () => {
      const got: FdEvents[] = [];
      loop.watchFd(7, { readable: true }, (events) => got.push(events));
      expect(loop.fireFd(7, { writable: true })).to.equal(false);
      expect(loop.fireFd(7, { writable: true, hangup: true })).to.equal(true);
      expect(got).to.deep.equal([{ hangup: true }]);
    });

    it('follows update() and dispose()', () => {
      const got: FdEvents[] = [];
      const watch = loop.watchFd(8, { readable: true }, (events) => got.push(events));
      watch.update({ writable: true });
      expect(loop.watchOf(8)!.events).to.deep.equal({ writable: true });
      expect(loop.fireFd(8, { readable: true })).to.equal(false);
      watch.update({});
      expect(loop.fireFd(8, { readable: true })).to.equal(false);
      watch.dispose();
      watch.dispose();
      expect(loop.watchOf(8)).to.equal(undefined);
      expect(loop.fireFd(8, { readable: true, hangup: true })).to.equal(false);
      expect(() => watch.update({ readable: true })).to.throw(/disposed/);
      expect(got).to.deep.equal([]);
    });

    it('allows one watch per fd, like epoll', () => {
      const first = loop.watchFd(9, { readable: true }, () => undefined);
      expect(() => loop.watchFd(9, { readable: true }, () => undefined)).to.throw(/already watched/).with.property('code', 'EEXIST');
      first.dispose();
      loop.watchFd(9, { readable: true }, () => undefined);
      loop.watchFd(3, { readable: true }, () => undefined);
      expect(loop.watches().map((w) => w.fd)).to.deep.equal([3, 9]);
    });
  });

  describe('child exits', () => {
    const exit: ChildExit = { pid: 1234, code: 'exited', status: 0 };

    it('delivers exits to the handler, then deferred work', () => {
      loop.onChildExit((e) => {
        log.push(`exit ${e.pid}`);
        loop.defer(() => log.push('deferred'));
      });
      loop.deliverChildExit(exit);
      expect(log).to.deep.equal(['exit 1234', 'deferred']);
    });

    it('keeps exits like zombies until a handler is installed', () => {
      let reaped = false;
      loop.deliverChildExit(exit, () => (reaped = true));
      expect(reaped).to.equal(false);
      loop.onChildExit((e) => log.push(`exit ${e.pid} reaped=${reaped}`));
      loop.runPending();
      expect(log).to.deep.equal(['exit 1234 reaped=true']);
    });

    it('dispatches exits before timers due at the same instant', () => {
      loop.onChildExit(() => log.push('exit'));
      loop.armTimer(loop.now() + 10, () => log.push('timeout'));
      loop.armTimer(loop.now() + 10, () => loop.queueChildExit(exit));
      loop.armTimer(loop.now() + 10, () => log.push('second timer'));
      loop.advance(10);
      expect(log).to.deep.equal(['timeout', 'exit', 'second timer']);
    });

    it('allows one handler at a time', () => {
      const handle = loop.onChildExit(() => undefined);
      expect(loop.hasChildExitHandler()).to.equal(true);
      expect(() => loop.onChildExit(() => undefined)).to.throw().with.property('code', 'EBUSY');
      handle.dispose();
      handle.dispose();
      expect(loop.hasChildExitHandler()).to.equal(false);
      loop.onChildExit(() => undefined);
    });
  });

  describe('posted events', () => {
    it('dispatches posted events before timers, at the next dispatch', () => {
      loop.armTimer(loop.now(), () => log.push('timer'));
      loop.post(() => log.push('posted'));
      expect(log).to.deep.equal([]);
      loop.runPending();
      expect(log).to.deep.equal(['posted', 'timer']);
    });
  });
});
