import { expect } from 'chai';
import type { NotifyDatagram } from '@unitkit/core';
import { FakeEventLoop } from './fake-event-loop.js';
import { FAKE_NOTIFY_ADDRESS, FakeNotifyReceiver, NOTIFY_BUFFER_MAX } from './fake-notify-receiver.js';

describe('FakeNotifyReceiver', () => {
  let loop: FakeEventLoop;
  let notify: FakeNotifyReceiver;
  let got: NotifyDatagram[];
  let log: string[];
  beforeEach(() => {
    loop = new FakeEventLoop();
    notify = new FakeNotifyReceiver(loop);
    got = [];
    log = [];
  });

  it('has a fixed address, or the one given', () => {
    expect(notify.address).to.equal(FAKE_NOTIFY_ADDRESS);
    expect(new FakeNotifyReceiver(loop, '@unitkit/notify').address).to.equal('@unitkit/notify');
  });

  it('delivers a datagram with credentials and fds, then runs deferred work', () => {
    notify.onDatagram((d) => {
      got.push(d);
      loop.defer(() => log.push('deferred'));
    });
    expect(notify.send(1000, 'READY=1\nSTATUS=Serving', { uid: 100, gid: 200, fds: [12] })).to.equal(true);
    expect(got).to.deep.equal([{ pid: 1000, uid: 100, gid: 200, text: 'READY=1\nSTATUS=Serving', fds: [12] }]);
    expect(log).to.deep.equal(['deferred']);
    expect(notify.delivered).to.have.length(1);
  });

  it('defaults uid and gid to 0 and fds to none', () => {
    notify.onDatagram((d) => got.push(d));
    notify.send(7, 'WATCHDOG=1');
    expect(got[0]).to.deep.equal({ pid: 7, uid: 0, gid: 0, text: 'WATCHDOG=1', fds: [] });
  });

  it('drops what the real receiver would drop, without calling the handler', () => {
    notify.onDatagram((d) => got.push(d));
    expect(notify.send(1, '')).to.equal(false);
    expect(notify.send(1, 'X'.repeat(NOTIFY_BUFFER_MAX + 1))).to.equal(false);
    expect(notify.send(1, 'READY=1\0')).to.equal(false);
    expect(notify.send(1, 'X'.repeat(NOTIFY_BUFFER_MAX))).to.equal(true);
    expect(notify.dropped.map((d) => d.reason)).to.deep.equal(['empty', `longer than ${NOTIFY_BUFFER_MAX} bytes`, 'contains a NUL byte']);
    expect(got).to.have.length(1);
  });

  it('throws when nothing listens, and allows one handler at a time', () => {
    expect(() => notify.send(1, 'READY=1')).to.throw(/no onDatagram handler/);
    const handle = notify.onDatagram(() => undefined);
    expect(() => notify.onDatagram(() => undefined)).to.throw().with.property('code', 'EBUSY');
    handle.dispose();
    handle.dispose();
    expect(notify.hasHandler()).to.equal(false);
  });

  it('queues a datagram sent from inside a dispatch until that dispatch is over', () => {
    notify.onDatagram((d) => log.push(`notify ${d.text}`));
    loop.armTimer(loop.now() + 5, () => {
      notify.send(1000, 'READY=1');
      log.push('timer done');
    });
    loop.advance(5);
    expect(log).to.deep.equal(['timer done', 'notify READY=1']);
  });
});
