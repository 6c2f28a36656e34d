import { expect } from 'chai';
import { signals } from '@unitkit/testing';
import { serviceTest, SEC } from './test/service-harness.js';

type Ending = 'clean' | 'exit' | 'signal' | 'dump' | 'timeout' | 'watchdog';

/** Whether Restart=policy restarts after each kind of ending (systemd.service(5)'s table). */
const table: Record<string, Ending[]> = {
  no: [],
  always: ['clean', 'exit', 'signal', 'dump', 'timeout', 'watchdog'],
  'on-success': ['clean'],
  'on-failure': ['exit', 'signal', 'dump', 'timeout', 'watchdog'],
  'on-abnormal': ['signal', 'dump', 'timeout', 'watchdog'],
  'on-abort': ['signal', 'dump'],
  'on-watchdog': ['watchdog'],
};

function end(how: Ending, restart: string) {
  const t = serviceTest();
  t.service('a.service', `ExecStart=/bin/d\nRestart=${restart}\nRestartSec=5\nRuntimeMaxSec=10\nWatchdogSec=20`);
  t.start('a.service');
  const p = t.spawner.last();
  switch (how) {
    case 'clean': p.exit(0); break;
    case 'exit': p.exit(1); break;
    case 'signal': p.kill(signals.SIGKILL); break;
    case 'dump': p.kill(signals.SIGABRT, { dumped: true }); break;
    case 'timeout': t.loop.advance(10 * SEC); break;
    case 'watchdog': t.notify.send(p.pid, 'WATCHDOG=trigger'); break;
  }
  return t;
}

describe('service: Restart=', () => {
  for (const [policy, restarts] of Object.entries(table)) {
    for (const how of ['clean', 'exit', 'signal', 'dump', 'timeout', 'watchdog'] as Ending[]) {
      const yes = restarts.includes(how);
      it(`Restart=${policy} ${yes ? 'restarts' : 'does not restart'} after ${how}`, () => {
        const t = end(how, policy);
        expect(t.state('a.service')).to.equal(yes ? 'activating/auto-restart' : how === 'clean' ? 'inactive/dead' : 'failed/failed');
      });
    }
  }

  it('waits RestartSec=, queues a restart job, counts NRestarts, and a manual stop/start resets the counter', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=always\nRestartSec=5');
    t.start('a.service');
    t.spawner.last().exit(1);
    expect(t.state('a.service')).to.equal('activating/auto-restart');
    expect(t.svc('a.service').type.willRestart!(t.svc('a.service'))).to.equal(true);
    t.loop.advance(5 * SEC - 1);
    expect(t.state('a.service')).to.equal('activating/auto-restart');
    t.loop.advance(1);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'NRestarts')).to.equal('1');
    expect(t.logger.find('Scheduled restart job, restart counter is at 1.')).to.not.equal(undefined);
    expect(t.logger.find('Service RestartSec=5s expired, scheduling restart.')).to.not.equal(undefined);
    t.spawner.last().exit(1);
    t.loop.advance(5 * SEC);
    expect(t.prop('a.service', 'NRestarts')).to.equal('2');
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.spawner.running().length).to.equal(0);
    t.start('a.service');
    expect(t.prop('a.service', 'NRestarts')).to.equal('0');
  });

  it('a manual restart flushes NRestarts, as systemd 252 shows it (checked on systemd --user)', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=on-failure\nRestartSec=100ms');
    t.start('a.service');
    t.spawner.last().kill(9);
    t.run();
    t.loop.advance(SEC);
    expect(t.prop('a.service', 'NRestarts')).to.equal('1');
    t.job('restart', 'a.service');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'NRestarts')).to.equal('0');
  });

  it('a manual stop does not restart, even with Restart=always', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=always');
    t.start('a.service');
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('inactive/dead');
    t.loop.advance(10 * SEC);
    expect(t.state('a.service')).to.equal('inactive/dead');
  });

  it('a stop during auto-restart ends in dead', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=always\nRestartSec=5');
    t.start('a.service');
    t.spawner.last().exit(1);
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('inactive/dead');
    t.loop.advance(10 * SEC);
    expect(t.state('a.service')).to.equal('inactive/dead');
  });

  it('RestartPreventExitStatus= and RestartForceExitStatus=', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=on-failure\nRestartPreventExitStatus=3 SIGUSR2');
    t.start('a.service');
    t.spawner.last().exit(3);
    expect(t.state('a.service')).to.equal('failed/failed');
    t.service('b.service', 'ExecStart=/bin/d\nRestart=no\nRestartForceExitStatus=7');
    t.start('b.service');
    t.spawner.last().exit(7);
    expect(t.state('b.service')).to.equal('activating/auto-restart');
  });

  // systemd 252: the start limit refuses the restart of a crashing service, but the first failure
  // wins — Result= stays exit-code (oracle: a Restart=always loop of `exit 3`).
  it('hits the start limit after StartLimitBurst= restarts and keeps the first failure as the result', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=always\nRestartSec=0', 'DefaultDependencies=no\nStartLimitBurst=3\nStartLimitIntervalSec=100');
    t.start('a.service');
    for (let i = 0; i < 5; i++) {
      if (t.state('a.service') !== 'active/running') break;
      t.spawner.last().exit(3);
      t.loop.advance(1);
    }
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.logger.find(/Start request repeated too quickly/)).to.not.equal(undefined);
    expect(t.prop('a.service', 'Result')).to.equal('exit-code');
    expect(t.prop('a.service', 'NRestarts')).to.equal('3');
    expect(t.prop('a.service', 'ExecMainStatus')).to.equal('3');
    t.manager.resetFailed(t.unit('a.service'));
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.prop('a.service', 'Result')).to.equal('success');
  });

  it('keeps a failed oneshot service\'s result when manual starts hit the start limit', () => {
    const t = serviceTest();
    t.service('m.service', 'Type=oneshot\nExecStart=/bin/false', 'DefaultDependencies=no\nStartLimitBurst=2\nStartLimitIntervalSec=60');
    for (let i = 0; i < 2; i++) {
      t.start('m.service');
      t.spawner.last().exit(5);
    }
    expect(t.prop('m.service', 'Result')).to.equal('exit-code');
    const j = t.start('m.service');
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.unit('m.service').startLimitHit).to.equal(true);
    expect(t.state('m.service')).to.equal('failed/failed');
    expect(t.prop('m.service', 'Result')).to.equal('exit-code');
  });

  it('fails with start-limit-hit when the refused start follows clean runs', () => {
    const t = serviceTest();
    t.service('c.service', 'ExecStart=/bin/d', 'DefaultDependencies=no\nStartLimitBurst=2\nStartLimitIntervalSec=60');
    for (let i = 0; i < 2; i++) {
      t.start('c.service');
      t.stop('c.service');
    }
    expect(t.state('c.service')).to.equal('inactive/dead');
    t.start('c.service');
    expect(t.state('c.service')).to.equal('failed/failed');
    expect(t.prop('c.service', 'Result')).to.equal('start-limit-hit');
    expect(t.logger.find("Failed with result 'start-limit-hit'.")).to.not.equal(undefined);
  });
});
