import { expect } from 'chai';
import { signals } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { serviceTest, SEC } from './test/service-harness.js';
import { fakeSocketModule } from './test/fake-socket-type.js';

describe('service: Type=simple and the basic lifecycle', () => {
  it('starts, runs, and stops with SIGTERM', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/sleep 100');
    const job = t.start('a.service');
    expect(t.resultOf(job)).to.equal('done');
    expect(t.state('a.service')).to.equal('active/running');
    const p = t.spawner.last();
    expect(p.spec!.argv).to.deep.equal(['/bin/sleep', '100']);
    expect(t.data('a.service').mainPid).to.equal(p.pid);
    expect(t.prop('a.service', 'MainPID')).to.equal(String(p.pid));
    const stop = t.stop('a.service');
    expect(t.spawner.signalsTo(p.pid)).to.include(signals.SIGTERM);
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.resultOf(stop)).to.equal('done');
    expect(t.logger.find('Deactivated successfully.')).to.not.equal(undefined);
    expect(t.prop('a.service', 'Result')).to.equal('success');
  });

  it('fails with exit-code when the main process exits non-zero, and logs it the systemd way', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/false');
    t.start('a.service');
    t.spawner.last().exit(3);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('exit-code');
    expect(t.logger.find('Main process exited, code=exited, status=3/NOTIMPLEMENTED')).to.not.equal(undefined);
    expect(t.logger.find("Failed with result 'exit-code'.")).to.not.equal(undefined);
    expect(t.prop('a.service', 'ExecMainCode')).to.equal('1');
    expect(t.prop('a.service', 'ExecMainStatus')).to.equal('3');
  });

  it('treats a clean exit of the main process as success (dead)', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/true');
    t.start('a.service');
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('inactive/dead');
  });

  it('counts SIGTERM as clean for daemons, and SuccessExitStatus= statuses and signals', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/x\nSuccessExitStatus=42 SIGUSR1');
    t.start('a.service');
    t.spawner.last().exit(42);
    expect(t.state('a.service')).to.equal('inactive/dead');
    t.start('a.service');
    t.spawner.last().kill(signals.SIGUSR1);
    expect(t.state('a.service')).to.equal('inactive/dead');
    t.start('a.service');
    t.spawner.last().kill(signals.SIGTERM);
    expect(t.state('a.service')).to.equal('inactive/dead');
    t.start('a.service');
    t.spawner.last().kill(signals.SIGKILL);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('signal');
    t.manager.resetFailed(t.unit('a.service'));
    t.start('a.service');
    t.spawner.last().kill(signals.SIGSEGV, { dumped: true });
    expect(t.prop('a.service', 'Result')).to.equal('core-dump');
  });

  it('spawns in a new session with the unit environment and the scope cgroup', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/echo $FOO ${BAR}\nEnvironment=FOO=a BAR=b');
    t.start('a.service');
    const spec = t.spawner.last().spec!;
    expect(spec.argv).to.deep.equal(['/bin/echo', 'a', 'b']);
    expect(spec.newSession).to.equal(true);
    expect(spec.cgroupPath).to.equal('/sys/fs/cgroup/fake.slice/a.service');
    expect(spec.env.find((e) => e.startsWith('INVOCATION_ID='))).to.match(/^INVOCATION_ID=[0-9a-f]{32}$/);
    expect(spec.env.some((e) => e.startsWith('NOTIFY_SOCKET='))).to.equal(false);
    expect(t.scopes.scope(t.unit('a.service')).added).to.deep.equal([t.spawner.last().pid]);
  });

  it('refuses bad configurations at load with a clear message', () => {
    const t = serviceTest();
    t.service('dbus.service', 'Type=dbus\nExecStart=/bin/x');
    expect(t.unit('dbus.service').loadState).to.equal('bad-setting');
    expect(t.unit('dbus.service').loadError).to.contain('Service is of type D-Bus but no D-Bus service name has been specified. Refusing.');
    t.service('two.service', 'ExecStart=/bin/a\nExecStart=/bin/b');
    expect(t.unit('two.service').loadError).to.contain('more than one ExecStart=');
    t.service('none.service', 'Type=simple\nExecStop=/bin/a');
    expect(t.unit('none.service').loadError).to.contain('no ExecStart=');
    t.service('empty.service', 'Environment=A=1');
    expect(t.unit('empty.service').loadError).to.contain('no ExecStart=, ExecStop=, or SuccessAction=');
    t.service('os.service', 'Type=oneshot\nRestart=always\nExecStart=/bin/a');
    expect(t.unit('os.service').loadError).to.contain('Restart=');
  });

  it('adds the default dependencies of a user service', () => {
    const t = serviceTest([targetModule]);
    t.units.file('d.service', '[Service]\nExecStart=/bin/x\n');
    const u = t.unit('d.service');
    const names = (k: Parameters<typeof u.dependencies>[0]) => [...u.dependencies(k)].map((x) => x.id).sort();
    expect(names('Requires')).to.deep.equal(['basic.target']);
    expect(names('After')).to.deep.equal(['basic.target']);
    expect(names('Conflicts')).to.deep.equal(['shutdown.target']);
    expect(names('Before')).to.deep.equal(['shutdown.target']);
  });

  it('derives the default Type= and timeouts', () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/x');
    expect(t.prop('a.service', 'Type')).to.equal('simple');
    expect(t.prop('a.service', 'TimeoutStartUSec')).to.equal('1min 30s');
    t.service('o.service', 'RemainAfterExit=yes');
    expect(t.prop('o.service', 'Type')).to.equal('oneshot');
    expect(t.prop('o.service', 'TimeoutStartUSec')).to.equal('infinity');
    t.service('n.service', 'Type=notify\nExecStart=/bin/x\nTimeoutSec=5');
    expect(t.prop('n.service', 'NotifyAccess')).to.equal('main');
    expect(t.prop('n.service', 'TimeoutStopUSec')).to.equal('5s');
    t.service('w.service', 'ExecStart=/bin/x\nWatchdogSec=3\nTimeoutStartSec=0');
    expect(t.prop('w.service', 'NotifyAccess')).to.equal('main');
    expect(t.prop('w.service', 'TimeoutStartUSec')).to.equal('infinity');
    void SEC;
  });
});

// Values checked against `systemctl --user show` of systemd 252 for the same units.
describe('service: show before the first start and for units that never loaded', () => {
  it('WatchdogUSec= is infinity until the first start, then WatchdogSec=', () => {
    const t = serviceTest();
    t.service('w.service', 'ExecStart=/bin/sleep 100\nWatchdogSec=7');
    t.service('n.service', 'ExecStart=/bin/sleep 100');
    expect(t.prop('w.service', 'WatchdogUSec')).to.equal('infinity');
    t.start('w.service');
    t.start('n.service');
    expect(t.prop('w.service', 'WatchdogUSec')).to.equal('7s');
    expect(t.prop('n.service', 'WatchdogUSec')).to.equal('0');
  });

  it('a not-found service shows service_init()\'s values: no Type=, no OOMPolicy=, the default start timeout', () => {
    const t = serviceTest();
    expect(['Type', 'OOMPolicy', 'TimeoutStartUSec', 'StandardOutput', 'WorkingDirectory'].map((p) => t.prop('nope.service', p)))
      .to.deep.equal(['', '', '1min 30s', 'inherit', '']);
  });

  it('a refused service keeps its dependencies (added before verification); SuccessAction= allows no ExecStart=', () => {
    const t = serviceTest([targetModule, fakeSocketModule]);
    t.service('bus.service', 'BusName=org.example.A', '');
    expect(t.prop('bus.service', 'LoadState')).to.equal('bad-setting');
    expect(t.prop('bus.service', 'Requires')?.split(' ').sort()).to.deep.equal(['basic.target', 'dbus.socket']);
    t.units.file('exit.service', '[Unit]\nSuccessAction=exit-force\nDefaultDependencies=no\n[Service]\n');
    expect([t.prop('exit.service', 'LoadState'), t.prop('exit.service', 'Type'), t.prop('exit.service', 'TimeoutStartUSec')])
      .to.deep.equal(['loaded', 'oneshot', 'infinity']);
  });
});
