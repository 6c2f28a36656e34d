/**
 * Which processes a service may claim as its main process (issue 14, item 1): PIDFile=, MAINPID=
 * and GuessMainPID= follow systemd's service_is_suitable_main_pid() and service_load_pid_file().
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Unit } from '@unitkit/core';
import { parsePid } from './notify-numbers.js';
import { serviceTest, SEC } from './test/service-harness.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe('service: processes a unit may claim', () => {
  it('parsePid() takes decimal pids that fit pid_t, as systemd\'s parse_pid()', () => {
    expect(parsePid('42')).to.equal(42);
    expect(parsePid('2147483647')).to.equal(2147483647);
    for (const bad of ['2147483648', '99999999999', '0', '', '-1', '+1', '42 ', '4x', '0x10', '1e3', '1.5']) expect(parsePid(bad), bad).to.equal(undefined);
  });

  it('MAINPID= refuses pid 1, the manager, out-of-range values, and a foreign process from a non-root sender', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nNotifyAccess=all\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last();
    const foreign = t.spawner.adopt();
    t.notify.send(p.pid, 'MAINPID=1', { uid: 0 });
    t.notify.send(p.pid, `MAINPID=${process.pid}`, { uid: 0 });
    t.notify.send(p.pid, 'MAINPID=99999999999', { uid: 0 });
    t.notify.send(p.pid, `MAINPID=${foreign.pid}\nREADY=1`, { uid: 1000 });
    expect(t.logger.find('a.service: New main PID 1 is the manager, refusing.')).to.not.equal(undefined);
    expect(t.logger.find(`a.service: New main PID ${process.pid} is the manager, refusing.`)).to.not.equal(undefined);
    expect(t.logger.find('a.service: Failed to parse MAINPID= field in notification message, ignoring: 99999999999')).to.not.equal(undefined);
    expect(t.logger.find(`a.service: New main PID ${foreign.pid} does not belong to service, refusing.`)).to.not.equal(undefined);
    expect(t.data('a.service').mainPid).to.equal(p.pid);
    expect(t.state('a.service')).to.equal('active/running');
  });

  it('MAINPID= of a foreign process from root is supervised as alien: never moved into the scope, signalled on stop', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nNotifyAccess=all\nExecStart=/bin/d\nTimeoutStopSec=30');
    t.start('a.service');
    const p = t.spawner.last();
    const foreign = t.spawner.adopt();
    t.notify.send(p.pid, `MAINPID=${foreign.pid}\nREADY=1`, { uid: 0 });
    const d = t.data('a.service');
    expect(d.mainPid).to.equal(foreign.pid);
    expect(d.mainPidAlien).to.equal(true);
    expect(t.logger.find(`Supervising process ${foreign.pid} which is not our child.`)?.level).to.equal('warning');
    const scope = t.scopes.scope(t.unit('a.service') as Unit);
    expect(scope.pids()).to.not.include(foreign.pid);
    const job = t.stop('a.service');
    t.loop.advance(1 * SEC);
    expect(t.resultOf(job)).to.equal('done');
    expect(t.prop('a.service', 'Result')).to.equal('success');
    expect(t.spawner.signalsTo(foreign.pid)).to.include(15);
  });

  it('an alien main pid that outlives SIGTERM is waited for until TimeoutStopSec=, then killed, as systemd does', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nNotifyAccess=all\nExecStart=/bin/d\nTimeoutStopSec=5');
    t.start('a.service');
    const p = t.spawner.last();
    const foreign = t.spawner.adopt().ignore(15);
    t.notify.send(p.pid, `MAINPID=${foreign.pid}\nREADY=1`, { uid: 0 });
    const job = t.stop('a.service');
    t.loop.advance(4 * SEC);
    expect(t.resultOf(job)).to.equal(undefined);
    t.loop.advance(2 * SEC);
    expect(t.resultOf(job)).to.equal('done');
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
    expect(t.spawner.signalsTo(foreign.pid)).to.include(9);
  });

  it('PIDFile= naming a foreign process: refused unless the file is owned by root, then Result=protocol', function () {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const pidFile = join(dir, 'd.pid');
    const t = serviceTest();
    t.service('a.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=/usr/sbin/daemon`);
    const foreign = t.spawner.adopt();
    writeFileSync(pidFile, `${foreign.pid}\n`);
    if (isRoot) chownSync(pidFile, NOBODY, NOBODY);
    t.start('a.service');
    t.spawner.last().exit(0);
    t.run();
    expect(t.logger.find(`a.service: New main PID ${foreign.pid} does not belong to service, and PID file is not owned by root. Refusing.`)?.level).to.equal('err');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('protocol');
    expect(foreign.state).to.equal('running');
    expect(t.spawner.signalsTo(foreign.pid)).to.deep.equal([]);

    if (!isRoot) {
      console.log('      (root-owned PID file part skipped: needs root to own the file)');
      return;
    }
    chownSync(pidFile, 0, 0);
    t.manager.resetFailed(t.unit('a.service'));
    t.start('a.service');
    t.spawner.last().exit(0);
    t.run();
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.data('a.service').mainPid).to.equal(foreign.pid);
    expect(t.data('a.service').mainPidAlien).to.equal(true);
  });

  it('PIDFile= naming pid 1, a huge number, or too large a file is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const pidFile = join(dir, 'd.pid');
    const t = serviceTest();
    t.service('a.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=/usr/sbin/daemon`);
    for (const [text, message] of [
      ['1\n', 'New main PID 1 is the manager, refusing.'],
      ['99999999999\n', `Failed to parse PID from file ${pidFile}: Numerical result out of range`],
      ['x'.repeat(10000), `Can't open PID file ${pidFile} (yet?) after start: File too large`],
    ] as const) {
      writeFileSync(pidFile, text);
      t.manager.resetFailed(t.unit('a.service'));
      t.start('a.service');
      t.spawner.last().exit(0);
      t.run();
      expect(t.logger.find(message), message).to.not.equal(undefined);
      expect(t.state('a.service')).to.equal('failed/failed');
      expect(t.prop('a.service', 'Result')).to.equal('protocol');
    }
  });

  it('a PIDFile= that is a FIFO is not waited on (read non-blocking, regular files only)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const pidFile = join(dir, 'd.pid');
    execFileSync('mkfifo', [pidFile]);
    const t = serviceTest();
    t.service('a.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=/usr/sbin/daemon`);
    t.start('a.service');
    t.spawner.last().exit(0);
    t.run();
    expect(t.logger.find(`Can't open PID file ${pidFile} (yet?) after start: File descriptor in bad state`)).to.not.equal(undefined);
    expect(t.prop('a.service', 'Result')).to.equal('protocol');
  });

  it('a flood of bad MAINPID= is logged at most 10 times per 10 s, then with a count of what was suppressed', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last();
    t.notify.send(p.pid, 'READY=1');
    for (let i = 0; i < 500; i++) t.notify.send(p.pid, 'MAINPID=99999999999', { fds: [1000 + i] });
    expect(t.logger.filter(/a\.service: (Failed to parse MAINPID=|Got extra auxiliary fds)/).length).to.equal(10);
    expect(t.notify.closedFds.length + t.fds.closed.length).to.equal(500);
    t.loop.advance(11 * SEC);
    t.notify.send(p.pid, 'MAINPID=abc');
    expect(t.logger.find(/ignoring: abc \(990 similar messages suppressed\)/)).to.not.equal(undefined);
  });
});
