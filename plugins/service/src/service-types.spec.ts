import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signals } from '@unitkit/testing';
import { serviceTest, SEC } from './test/service-harness.js';

describe('service: every Type=', () => {
  it('exec: active once executed; an exec failure stays in start and fails with exit-code 203', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=exec\nExecStart=/bin/sleep 1');
    t.start('a.service');
    expect(t.state('a.service')).to.equal('active/running');
    t.stop('a.service');
    t.service('b.service', 'Type=exec\nExecStart=/nonexistent');
    const spawn = t.spawner.spawn.bind(t.spawner);
    t.spawner.spawn = (spec) => ({ ...spawn(spec), failure: { step: 'EXEC', status: 203, message: 'No such file or directory' } });
    const job = t.start('b.service');
    expect(t.state('b.service')).to.equal('activating/start');
    t.spawner.last().exit(203);
    expect(t.state('b.service')).to.equal('failed/failed');
    expect(t.resultOf(job)).to.equal('failed');
    expect(t.logger.find('Failed at step EXEC spawning /nonexistent: No such file or directory')).to.not.equal(undefined);
    expect(t.logger.find('Main process exited, code=exited, status=203/EXEC')).to.not.equal(undefined);
  });

  it('idle behaves like simple', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=idle\nExecStart=/bin/sleep 1');
    t.start('a.service');
    expect(t.state('a.service')).to.equal('active/running');
  });

  it('oneshot: runs every ExecStart= in turn, the next only after success; the job ends when it does', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=oneshot\nExecStart=/bin/one\nExecStart=/bin/two');
    const job = t.start('a.service');
    expect(t.state('a.service')).to.equal('activating/start');
    t.spawner.last().exit(0);
    expect(t.spawner.last().spec!.path).to.equal('/bin/two');
    expect(t.state('a.service')).to.equal('activating/start');
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.resultOf(job)).to.equal('done');
    expect(t.prop('a.service', 'ExecStart')).to.match(/^\{ path=\/bin\/one ; argv\[\]=\/bin\/one ; ignore_errors=no ; start_time=\[.+\] ; stop_time=\[.+\] ; pid=\d+ ; code=exited ; status=0 \}$/);
  });

  it('oneshot: a failing ExecStart= stops the list; "-" ignores the failure; SIGTERM is not clean', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=oneshot\nExecStart=/bin/one\nExecStart=/bin/two');
    t.start('a.service');
    t.spawner.last().exit(1);
    expect(t.spawner.spawned.length).to.equal(1);
    expect(t.state('a.service')).to.equal('failed/failed');
    t.service('b.service', 'Type=oneshot\nExecStart=-/bin/one\nExecStart=/bin/two');
    t.start('b.service');
    t.spawner.last().exit(1);
    expect(t.spawner.last().spec!.path).to.equal('/bin/two');
    t.spawner.last().exit(0);
    expect(t.state('b.service')).to.equal('inactive/dead');
    t.service('c.service', 'Type=oneshot\nExecStart=/bin/one');
    t.start('c.service');
    t.spawner.last().kill(signals.SIGTERM);
    expect(t.prop('c.service', 'Result')).to.equal('signal');
  });

  it('oneshot with RemainAfterExit=yes stays active/exited, and ExecStop= runs on stop', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/one\nExecStop=/bin/down $MAINPID');
    t.start('a.service');
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('active/exited');
    // Nothing left running: the cgroup is pruned as systemd does on entering exited.
    expect(t.scopes.scope(t.unit('a.service')).released).to.equal(1);
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('deactivating/stop');
    expect(t.spawner.last().spec!.argv).to.deep.equal(['/bin/down']);
    expect(t.spawner.last().spec!.env).to.include.members(['SERVICE_RESULT=success', 'EXIT_CODE=exited', 'EXIT_STATUS=0']);
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('inactive/dead');
  });

  it('forking: the starter is the control process; PIDFile= names the main pid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const pidFile = join(dir, 'd.pid');
    const t = serviceTest();
    t.service('a.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=/usr/sbin/daemon`);
    t.start('a.service');
    const starter = t.spawner.last();
    expect(t.data('a.service').controlPid).to.equal(starter.pid);
    expect(t.state('a.service')).to.equal('activating/start');
    const daemon = starter.fork({ newSession: true });
    writeFileSync(pidFile, `${daemon.pid}\n`);
    starter.exit(0);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.data('a.service').mainPid).to.equal(daemon.pid);
    daemon.exit(1);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('exit-code');
  });

  it('forking: waits for a PID file written late, and fails with protocol when the daemon never writes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const pidFile = join(dir, 'd.pid');
    const t = serviceTest();
    t.service('a.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=/usr/sbin/daemon`);
    t.start('a.service');
    const starter = t.spawner.last();
    const daemon = starter.fork({ newSession: true });
    starter.exit(0);
    expect(t.state('a.service')).to.equal('activating/start');
    writeFileSync(pidFile, `${daemon.pid}`);
    t.loop.advance(200_000);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.data('a.service').mainPid).to.equal(daemon.pid);

    t.service('b.service', `Type=forking\nPIDFile=${join(dir, 'never.pid')}\nExecStart=/usr/sbin/daemon`);
    t.start('b.service');
    const s2 = t.spawner.last();
    const d2 = s2.fork({ newSession: true });
    s2.exit(0);
    d2.exit(0);
    t.loop.advance(200_000);
    expect(t.state('b.service')).to.equal('failed/failed');
    expect(t.prop('b.service', 'Result')).to.equal('protocol');
    expect(t.logger.find('Daemon never wrote its PID file. Failing.')).to.not.equal(undefined);
  });

  it('forking: a PID file naming a pid past pid_t is not a pid (kill() of it would throw)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const pidFile = join(dir, 'd.pid');
    writeFileSync(pidFile, '4294967296\n');
    const t = serviceTest();
    t.service('a.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=/usr/sbin/daemon`);
    t.start('a.service');
    const starter = t.spawner.last();
    const daemon = starter.fork({ newSession: true });
    starter.exit(0);
    expect(t.state('a.service')).to.equal('activating/start');
    expect(t.logger.find(`Failed to parse PID from file ${pidFile}: Numerical result out of range`)).to.not.equal(undefined);
    writeFileSync(pidFile, `${daemon.pid}\n`);
    t.loop.advance(200_000);
    expect(t.data('a.service').mainPid).to.equal(daemon.pid);
  });

  it('forking without PIDFile=: GuessMainPID= takes the one process left', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=forking\nExecStart=/usr/sbin/daemon');
    t.start('a.service');
    const starter = t.spawner.last();
    const daemon = starter.fork({ newSession: true });
    starter.exit(0);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.data('a.service').mainPid).to.equal(daemon.pid);
  });

  it('notify: activating until READY=1, with NOTIFY_SOCKET passed', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    const job = t.start('a.service');
    const p = t.spawner.last();
    expect(p.spec!.env).to.include('NOTIFY_SOCKET=/run/unitkit-test/notify');
    expect(t.state('a.service')).to.equal('activating/start');
    t.loop.advance(2 * SEC);
    t.notify.send(p.pid, 'STATUS=almost\nREADY=1');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.resultOf(job)).to.equal('done');
    expect(t.prop('a.service', 'StatusText')).to.equal('almost');
  });

  it('notify: exiting 0 before READY=1 is a protocol error; failing keeps its exit-code', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify\nExecStart=/bin/d');
    t.start('a.service');
    t.spawner.last().exit(0);
    expect(t.prop('a.service', 'Result')).to.equal('protocol');
    t.service('b.service', 'Type=notify\nExecStart=/bin/d');
    t.start('b.service');
    t.spawner.last().exit(2);
    expect(t.prop('b.service', 'Result')).to.equal('exit-code');
  });

  it('notify-reload: reload sends SIGHUP and waits for RELOADING=1 then READY=1', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=notify-reload\nExecStart=/bin/d');
    t.start('a.service');
    const p = t.spawner.last().ignore(signals.SIGHUP);
    t.notify.send(p.pid, 'READY=1');
    const job = t.job('reload', 'a.service');
    expect(t.spawner.signalsTo(p.pid)).to.deep.equal([signals.SIGHUP]);
    expect(t.state('a.service')).to.equal('reloading/reload-signal');
    t.notify.send(p.pid, 'RELOADING=1');
    expect(t.state('a.service')).to.equal('reloading/reload-notify');
    t.notify.send(p.pid, 'READY=1');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.resultOf(job)).to.equal('done');
  });

  it('ExecReload= runs as the control process with $MAINPID; its failure fails the job but keeps the unit', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/d\nExecReload=/bin/kill -HUP $MAINPID');
    t.start('a.service');
    const main = t.spawner.last();
    const ok = t.job('reload', 'a.service');
    expect(t.state('a.service')).to.equal('reloading/reload');
    expect(t.spawner.last().spec!.argv).to.deep.equal(['/bin/kill', '-HUP', String(main.pid)]);
    t.spawner.last().exit(0);
    expect(t.resultOf(ok)).to.equal('done');
    const bad = t.job('reload', 'a.service');
    t.spawner.last().exit(1);
    expect(t.resultOf(bad)).to.equal('failed');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'ReloadResult')).to.equal('exit-code');
    expect(t.prop('a.service', 'Result')).to.equal('success');
  });

  it('runs ExecCondition=, ExecStartPre=, ExecStartPost=, ExecStopPost= in order; a failure stops the chain', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecCondition=/bin/c\nExecStartPre=/bin/p1\nExecStartPre=/bin/p2\nExecStart=/bin/main\nExecStartPost=/bin/post\nExecStopPost=/bin/sp');
    t.start('a.service');
    const order: string[] = [];
    const step = (state: string) => {
      expect(t.state('a.service')).to.equal(state);
      const p = t.spawner.last();
      order.push(p.spec!.path);
      p.exit(0);
    };
    step('activating/condition');
    step('activating/start-pre');
    step('activating/start-pre');
    expect(t.spawner.last().spec!.path).to.equal('/bin/post');
    step('activating/start-post');
    expect(t.state('a.service')).to.equal('active/running');
    expect(order).to.deep.equal(['/bin/c', '/bin/p1', '/bin/p2', '/bin/post']);
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('deactivating/stop-post');
    expect(t.spawner.last().spec!.env).to.include('SERVICE_RESULT=success');
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('inactive/dead');

    t.service('b.service', 'ExecStartPre=/bin/p1\nExecStartPre=/bin/p2\nExecStart=/bin/main\nExecStopPost=/bin/sp');
    t.start('b.service');
    t.spawner.last().exit(1);
    expect(t.state('b.service')).to.equal('deactivating/stop-post');
    t.spawner.last().exit(0);
    expect(t.state('b.service')).to.equal('failed/failed');
    expect(t.spawner.spawned.filter((p) => p.spec!.unit === 'b.service' && p.spec!.path === '/bin/p2').length).to.equal(0);
    expect(t.logger.find('Control process exited, code=exited, status=1/FAILURE')).to.not.equal(undefined);
  });

  it('ExecCondition= exiting 1…254 skips the unit (dead, exec-condition); 255 fails it', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecCondition=/bin/c\nExecStart=/bin/main');
    t.start('a.service');
    t.spawner.last().exit(1);
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.prop('a.service', 'Result')).to.equal('exec-condition');
    expect(t.logger.find("Skipped due to 'exec-condition'.")).to.not.equal(undefined);
    t.start('a.service');
    t.spawner.last().exit(255);
    expect(t.state('a.service')).to.equal('failed/failed');
  });
});
