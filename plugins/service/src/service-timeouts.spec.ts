import { expect } from 'chai';
import { signals } from '@unitkit/testing';
import { serviceTest, SEC } from './test/service-harness.js';

describe('service: timeouts and stop escalation', () => {
  it('TimeoutStartSec=: start times out, SIGTERM, result timeout', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nTimeoutStartSec=5');
    const job = t.start('a.service');
    const p = t.spawner.last();
    t.loop.advance(5 * SEC);
    expect(t.spawner.signalsTo(p.pid)).to.include(signals.SIGTERM);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
    expect(t.resultOf(job)).to.equal('failed');
    expect(t.logger.find('Start operation timed out. Terminating.')).to.not.equal(undefined);
  });

  it('TimeoutStopSec=: a process that ignores SIGTERM gets SIGKILL, result timeout', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nTimeoutStopSec=3');
    t.start('a.service');
    const p = t.spawner.last().ignore(signals.SIGTERM);
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('deactivating/stop-sigterm');
    t.loop.advance(3 * SEC);
    expect(t.spawner.signalsTo(p.pid)).to.deep.equal([signals.SIGTERM, signals.SIGCONT, signals.SIGKILL]);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
    expect(t.logger.find("State 'stop-sigterm' timed out. Killing.")).to.not.equal(undefined);
  });

  it('a process that survives SIGKILL: "Processes still around after SIGKILL. Ignoring."', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nTimeoutStopSec=3');
    t.start('a.service');
    t.spawner.last().ignore(signals.SIGTERM, signals.SIGKILL);
    t.stop('a.service');
    t.loop.advance(3 * SEC);
    expect(t.state('a.service')).to.equal('deactivating/stop-sigkill');
    t.loop.advance(3 * SEC);
    expect(t.logger.find('Processes still around after SIGKILL. Ignoring.')).to.not.equal(undefined);
    expect(t.state('a.service')).to.equal('deactivating/final-sigterm');
  });

  it('SendSIGKILL=no skips SIGKILL', () => {
    const t = serviceTest();
    t.units.add('a.service', { Unit: { DefaultDependencies: false }, Service: { ExecStart: [{ path: '/bin/d', argv: ['/bin/d'], flags: {} }], SendSIGKILL: false, TimeoutStopSec: 3 * SEC } });
    t.start('a.service');
    const p = t.spawner.last().ignore(signals.SIGTERM);
    t.stop('a.service');
    t.loop.advance(3 * SEC);
    expect(t.logger.find("State 'stop-sigterm' timed out. Skipping SIGKILL.")).to.not.equal(undefined);
    expect(t.spawner.signalsTo(p.pid)).to.not.include(signals.SIGKILL);
  });

  it('KillMode= and KillSignal= from the kill context reach the scope', () => {
    const t = serviceTest();
    t.units.add('a.service', { Unit: { DefaultDependencies: false }, Service: { ExecStart: [{ path: '/bin/d', argv: ['/bin/d'], flags: {} }], KillSignal: signals.SIGINT, KillMode: 'mixed' } });
    t.start('a.service');
    const p = t.spawner.last();
    t.stop('a.service');
    expect(t.spawner.signalsTo(p.pid)[0]).to.equal(signals.SIGINT);
    expect(t.scopes.kills[0]).to.include({ unit: 'a.service', operation: 'terminate', mainPid: p.pid });
    expect(t.prop('a.service', 'KillMode')).to.equal('mixed');
  });

  it('ExecStop= that hangs times out into stop-sigterm', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nExecStop=/bin/stopper\nTimeoutStopSec=2');
    t.start('a.service');
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('deactivating/stop');
    t.loop.advance(2 * SEC);
    expect(t.logger.find('Stopping timed out. Terminating.')).to.not.equal(undefined);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
  });

  it('ExecStopPost= that hangs times out into final-sigterm', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nExecStopPost=/bin/post\nTimeoutStopSec=2');
    t.start('a.service');
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('deactivating/stop-post');
    const post = t.spawner.last().ignore(signals.SIGTERM);
    t.loop.advance(2 * SEC);
    expect(t.state('a.service')).to.equal('deactivating/final-sigterm');
    t.loop.advance(2 * SEC);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(post.alive).to.equal(false);
  });

  it('TimeoutSec=infinity never times out; RuntimeMaxSec= stops a running service with timeout', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d\nTimeoutSec=infinity');
    t.start('a.service');
    t.loop.advance(1000 * SEC);
    expect(t.state('a.service')).to.equal('activating/start');
    t.service('b.service', 'ExecStart=/bin/d\nRuntimeMaxSec=7');
    t.start('b.service');
    t.loop.advance(7 * SEC);
    expect(t.logger.find('Service reached runtime time limit. Stopping.')).to.not.equal(undefined);
    expect(t.state('b.service')).to.equal('failed/failed');
    expect(t.prop('b.service', 'Result')).to.equal('timeout');
  });

  it('RuntimeMaxSec= counts from activation: a reload does not extend it', () => {
    const t = serviceTest();
    t.service('c.service', 'ExecStart=/bin/d\nExecReload=/bin/r\nRuntimeMaxSec=10');
    t.start('c.service');
    t.loop.advance(6 * SEC);
    t.job('reload', 'c.service');
    t.spawner.last().exit(0);
    t.run();
    expect(t.state('c.service')).to.equal('active/running');
    t.loop.advance(4 * SEC);
    expect(t.logger.find('Service reached runtime time limit. Stopping.')).to.not.equal(undefined);
  });

  it('TimeoutAbortSec= bounds the watchdog kill', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nWatchdogSec=1\nTimeoutAbortSec=4\nTimeoutStopSec=100');
    t.start('a.service');
    const p = t.spawner.last().ignore(signals.SIGABRT);
    t.loop.advance(1 * SEC);
    expect(t.state('a.service')).to.equal('deactivating/stop-watchdog');
    expect(t.spawner.signalsTo(p.pid)[0]).to.equal(signals.SIGABRT);
    t.loop.advance(4 * SEC);
    expect(t.state('a.service')).not.to.equal('deactivating/stop-watchdog');
    expect(t.prop('a.service', 'TimeoutAbortUSec')).to.equal('4s');
  });

  it('the start timeout of a start-post process stops the service', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nExecStartPost=/bin/post\nTimeoutStartSec=2');
    t.start('a.service');
    expect(t.state('a.service')).to.equal('activating/start-post');
    t.loop.advance(2 * SEC);
    expect(t.logger.find('Start-post operation timed out. Stopping.')).to.not.equal(undefined);
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
  });

  it('a spawn failure fails with resources', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d');
    t.spawner.failNextSpawn('EAGAIN');
    t.start('a.service');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('resources');
    t.service('b.service', 'ExecStart=/bin/d\nEnvironmentFile=/nonexistent/env');
    t.start('b.service');
    expect(t.prop('b.service', 'Result')).to.equal('resources');
    expect(t.logger.find(/Failed to load environment files/)).to.not.equal(undefined);
  });
});
