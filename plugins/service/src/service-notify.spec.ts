import { expect } from 'chai';
import { serviceTest, SEC } from './test/service-harness.js';
import { fakeSocketFds, fakeSocketModule } from './test/fake-socket-type.js';

describe('service: sd_notify', () => {
  it('NotifyAccess=none refuses, main accepts only the main pid, exec also the control pid', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nNotifyAccess=none');
    t.start('a.service');
    t.notify.send(t.spawner.last().pid, 'STATUS=hi');
    expect(t.prop('a.service', 'StatusText')).to.equal('');
    expect(t.logger.find(/but reception is disabled/)).to.not.equal(undefined);

    t.service('b.service', 'Type=notify\nExecStart=/bin/d\nExecStartPost=/bin/post');
    t.start('b.service');
    const main = t.spawner.last();
    t.notify.send(main.pid, 'READY=1');
    const post = t.spawner.last();
    t.notify.send(post.pid, 'STATUS=from post');
    expect(t.prop('b.service', 'StatusText')).to.equal('');
    expect(t.logger.find(/reception only permitted for main PID \d+/)).to.not.equal(undefined);

    t.service('c.service', 'Type=notify\nNotifyAccess=exec\nExecStart=/bin/d\nExecStartPost=/bin/post');
    t.start('c.service');
    t.notify.send(t.spawner.last().pid, 'READY=1');
    t.notify.send(t.spawner.last().pid, 'STATUS=from post');
    expect(t.prop('c.service', 'StatusText')).to.equal('from post');
  });

  it('NotifyAccess=all accepts a process the main process forked, routed by its scope', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nNotifyAccess=all\nExecStart=/bin/d');
    t.start('a.service');
    const child = t.spawner.last().fork();
    t.notify.send(child.pid, 'READY=1\nSTATUS=from child');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'StatusText')).to.equal('from child');
  });

  it('STATUS=, ERRNO=, and an empty STATUS= clears', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, 'READY=1\nSTATUS=serving\nERRNO=5');
    expect(t.prop('a.service', 'StatusText')).to.equal('serving');
    expect(t.prop('a.service', 'StatusErrno')).to.equal('5');
    expect(t.svc('a.service').type.statusText!(t.svc('a.service'))).to.equal('serving');
    t.notify.send(p.pid, 'STATUS=');
    expect(t.prop('a.service', 'StatusText')).to.equal('');
  });

  it('RELOADING=1 while running is a reload on the service\'s initiative; READY=1 ends it', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, 'READY=1');
    t.notify.send(p.pid, 'RELOADING=1');
    expect(t.state('a.service')).to.equal('reloading/reload');
    t.notify.send(p.pid, 'READY=1');
    expect(t.state('a.service')).to.equal('active/running');
  });

  it('STOPPING=1 moves to stop-sigterm; the exit then stops the unit without a signal', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, 'READY=1');
    t.notify.send(p.pid, 'STOPPING=1');
    expect(t.state('a.service')).to.equal('deactivating/stop-sigterm');
    p.exit(0);
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.spawner.signalsTo(p.pid)).to.deep.equal([]);
  });

  it('MAINPID= names a new main process', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last();
    const child = p.fork();
    t.notify.send(p.pid, `MAINPID=${child.pid}\nREADY=1`);
    expect(t.data('a.service').mainPid).to.equal(child.pid);
    expect(t.state('a.service')).to.equal('active/running');
    t.notify.send(child.pid, 'MAINPID=999999');
    expect(t.logger.find('New main PID 999999 does not exist or is a zombie.')).to.not.equal(undefined);
    expect(t.data('a.service').mainPid).to.equal(child.pid);
  });

  it('numbers out of their C range are refused, not rounded (found by the fuzzer: kill() of MAINPID=4294967296 threw)', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nWatchdogSec=10');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, 'READY=1\nMAINPID=4294967296\nERRNO=2147483648\nEXTEND_TIMEOUT_USEC=18446744073709551616\nWATCHDOG_USEC=99999999999999999999999');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.data('a.service').mainPid).to.equal(p.pid);
    expect(t.logger.find('Failed to parse MAINPID= field in notification message, ignoring: 4294967296')).to.not.equal(undefined);
    expect(t.logger.find("Failed to parse ERRNO= field value '2147483648' in notification message: Numerical result out of range")).to.not.equal(undefined);
    expect(t.logger.find('Failed to parse EXTEND_TIMEOUT_USEC=18446744073709551616')).to.not.equal(undefined);
    expect(t.logger.find('Failed to parse WATCHDOG_USEC=99999999999999999999999')).to.not.equal(undefined);
    expect(t.prop('a.service', 'WatchdogUSec')).to.equal('10s');
    t.notify.send(p.pid, 'MAINPID=2147483648\nWATCHDOG_USEC=18446744073709551615');
    expect(t.logger.find('Failed to parse MAINPID= field in notification message, ignoring: 2147483648')).to.not.equal(undefined);
    expect(t.logger.find('Failed to parse WATCHDOG_USEC=18446744073709551615')).to.equal(undefined);
    // The watchdog now fires in half a million years: show still formats every timestamp.
    t.loop.advanceToNextTimer();
    expect(t.loop.realtime()).to.be.greaterThan(253402214400000000);
    expect(t.prop('a.service', 'ExecMainExitTimestamp')).to.equal('');
    expect(t.prop('a.service', 'ExecStart')).to.match(/stop_time=\[\]/);
  });

  it('EXTEND_TIMEOUT_USEC= pushes the start timeout', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nTimeoutStartSec=5');
    t.start('a.service');
    const p = t.spawner.last();
    t.loop.advance(4 * SEC);
    t.notify.send(p.pid, `EXTEND_TIMEOUT_USEC=${10 * SEC}`);
    t.loop.advance(9 * SEC);
    expect(t.state('a.service')).to.equal('activating/start');
    t.loop.advance(1 * SEC);
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
  });

  it('WatchdogSec=: WATCHDOG_USEC passed, WATCHDOG=1 keeps it alive, a missed ping kills with SIGABRT and result watchdog', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nWatchdogSec=3');
    t.start('a.service');
    const p = t.spawner.last();
    expect(p.spec!.env).to.include(`WATCHDOG_USEC=${3 * SEC}`);
    expect(p.environment()).to.include({ WATCHDOG_PID: String(p.pid), SYSTEMD_EXEC_PID: String(p.pid) });
    t.notify.send(p.pid, 'READY=1');
    t.loop.advance(2 * SEC);
    t.notify.send(p.pid, 'WATCHDOG=1');
    t.loop.advance(2 * SEC);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'WatchdogUSec')).to.equal('3s');
    t.loop.advance(1 * SEC);
    expect(t.logger.find('Watchdog timeout (limit 3s)!')).to.not.equal(undefined);
    expect(t.spawner.signalsTo(p.pid)[0]).to.equal(6);
    expect(t.prop('a.service', 'Result')).to.equal('watchdog');
  });

  it('WATCHDOG_USEC= overrides WatchdogSec=; WATCHDOG=trigger fires at once', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nWatchdogSec=3');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, `READY=1\nWATCHDOG_USEC=${10 * SEC}`);
    t.loop.advance(9 * SEC);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'WatchdogUSec')).to.equal('10s');
    t.notify.send(p.pid, 'WATCHDOG=trigger');
    expect(t.prop('a.service', 'Result')).to.equal('watchdog');
  });

  it('FDSTORE=1 keeps fds up to FileDescriptorStoreMax= and hands them back on restart with their names; FDSTOREREMOVE=1 drops them', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nFileDescriptorStoreMax=2\nRestart=always\nRestartSec=1');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, 'READY=1\nFDSTORE=1\nFDNAME=db', { fds: [40, 41, 42] });
    expect(t.prop('a.service', 'NFileDescriptorStore')).to.equal('2');
    expect(t.fds.closed).to.deep.equal([42]);
    expect(t.logger.find(/more fds than FileDescriptorStoreMax=2/)).to.not.equal(undefined);
    p.exit(1);
    t.loop.advance(1 * SEC);
    const q = t.spawner.last();
    expect(q).to.not.equal(p);
    expect(q.spec!.fds).to.deep.equal([40, 41]);
    expect(q.spec!.listenFdNames).to.deep.equal(['db', 'db']);
    expect(q.environment().LISTEN_FDS).to.equal('2');
    t.notify.send(q.pid, 'FDSTOREREMOVE=1\nFDNAME=db');
    expect(t.prop('a.service', 'NFileDescriptorStore')).to.equal('0');
    expect(t.fds.closed).to.deep.equal([42, 40, 41]);
  });

  it('fds without FDSTORE=1 are closed', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    t.notify.send(t.spawner.last().pid, 'READY=1', { fds: [50] });
    expect(t.fds.closed).to.deep.equal([50]);
  });

  it('passes the fds of triggering units in order with their names, and an accepted connection as fd 3', () => {
    const t = serviceTest([fakeSocketModule]);
    fakeSocketFds.set('x.socket', [{ fd: 7, name: 'web' }, { fd: 8, name: 'admin' }]);
    fakeSocketFds.set('y.socket', [{ fd: 9, name: 'y' }]);
    t.units.add('x.socket', { Unit: { DefaultDependencies: false } }).add('y.socket', { Unit: { DefaultDependencies: false } });
    t.service('a.service', 'ExecStart=/bin/d\nSockets=x.socket y.socket');
    t.unit('a.service');
    const other = t.unit('x.socket');
    expect([...other.dependencies('Triggers')].map((u) => u.id)).to.deep.equal(['a.service']);
    t.start('a.service');
    const p = t.spawner.last();
    expect(p.spec!.fds).to.deep.equal([7, 8, 9]);
    expect(t.state('x.socket')).to.equal('active/listening');
    expect(p.environment()).to.include({ LISTEN_FDS: '3', LISTEN_FDNAMES: 'web:admin:y', LISTEN_PID: String(p.pid) });

    t.service('c@.service', 'ExecStart=/bin/handler\nStandardInput=socket');
    const inst = t.svc('c@1.service');
    expect(inst.type.acceptConnection!(inst, { fd: 33, family: 'inet6', remote: '[::ffff:10.0.0.7]:5555', local: '[::ffff:127.0.0.1]:80' }, other)).to.equal(true);
    t.start('c@1.service');
    const h = t.spawner.last();
    expect(h.environment()).to.include({ REMOTE_ADDR: '10.0.0.7', REMOTE_PORT: '5555' });
    expect(h.spec!.fds).to.deep.equal([33]);
    expect(h.spec!.listenFdNames).to.deep.equal(['connection']);
    expect([h.spec!.stdin, h.spec!.stdout]).to.deep.equal([{ kind: 'fd', fd: 33 }, { kind: 'fd', fd: 33 }]);
    h.exit(0);
    expect(t.fds.closed).to.include(33);
  });
});
