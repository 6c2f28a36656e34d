import { expect } from 'chai';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { signals } from '@unitkit/testing';
import { serviceTest, SEC } from './test/service-harness.js';
import { fakeSocketModule } from './test/fake-socket-type.js';

describe('service: Type=dbus and BusName=', () => {
  it('Type= defaults to dbus with BusName=; only Type=dbus requires and follows dbus.socket', () => {
    const t = serviceTest([fakeSocketModule]);
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    t.service('b.service', 'Type=simple\nBusName=org.example.B\nExecStart=/bin/b');
    expect([t.prop('a.service', 'Type'), t.prop('a.service', 'BusName'), t.prop('a.service', 'Requires'), t.prop('a.service', 'After')])
      .to.deep.equal(['dbus', 'org.example.A', 'dbus.socket', 'dbus.socket']);
    expect([t.prop('b.service', 'Type'), t.prop('b.service', 'BusName'), t.prop('b.service', 'Requires'), t.prop('b.service', 'After')])
      .to.deep.equal(['simple', 'org.example.B', '', '']);
    expect(t.bus.watchedNames().sort()).to.deep.equal(['org.example.A', 'org.example.B']);
  });

  it('an invalid BusName= is ignored with a warning, and Type=dbus without one is refused', () => {
    const t = serviceTest();
    t.service('a.service', 'Type=dbus\nBusName=not valid!\nExecStart=/bin/a');
    expect(t.unit('a.service').loadState).to.equal('bad-setting');
    expect(t.prop('a.service', 'BusName')).to.equal('');
    expect(t.logger.find('Invalid bus name, ignoring: not valid!')).to.not.equal(undefined);
    expect(t.unit('a.service').loadError).to.contain('no D-Bus service name has been specified');
  });

  it('two services with one bus name: the second is refused', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    t.unit('a.service');
    t.service('b.service', 'BusName=org.example.A\nExecStart=/bin/b');
    expect(t.unit('b.service').loadError).to.contain('Two services allocated for the same bus name org.example.A, refusing operation.');
    expect(t.unit('a.service').loadState).to.equal('loaded');
  });

  it('start waits in start until the name is taken, then runs ExecStartPost= and is running', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a\nExecStartPost=/bin/post');
    const job = t.start('a.service');
    expect(t.state('a.service')).to.equal('activating/start');
    expect(t.prop('a.service', 'MainPID')).to.equal(String(t.spawner.last().pid));
    t.bus.setOwner('org.example.A', ':1.7');
    t.run();
    expect(t.state('a.service')).to.equal('activating/start-post');
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.resultOf(job)).to.equal('done');
    expect(t.logger.find('D-Bus name org.example.A now owned by :1.7')).to.not.equal(undefined);
  });

  it('the start times out when the name never appears', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a\nTimeoutStartSec=5');
    const job = t.start('a.service');
    t.loop.advance(5 * SEC);
    expect(t.spawner.signalsTo(t.spawner.last().pid)).to.include(signals.SIGTERM);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
    expect(t.resultOf(job)).to.equal('failed');
  });

  it('a name owned before the start changes nothing: no owner change, so the start times out, as systemd 252', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a\nTimeoutStartSec=5');
    t.bus.setOwner('org.example.A', ':1.3');
    t.run();
    t.start('a.service');
    t.run();
    expect(t.state('a.service')).to.equal('activating/start');
    t.loop.advance(5 * SEC);
    expect(t.prop('a.service', 'Result')).to.equal('timeout');
  });

  it('the name released while running stops the service with success (enterRunning finds it not good)', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    t.start('a.service');
    t.bus.setOwner('org.example.A', ':1.7');
    t.run();
    expect(t.state('a.service')).to.equal('active/running');
    const main = t.spawner.last().ignore(signals.SIGTERM);
    t.bus.setOwner('org.example.A', null);
    t.run();
    expect(t.state('a.service')).to.equal('deactivating/stop-sigterm');
    main.kill(signals.SIGTERM);
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.prop('a.service', 'Result')).to.equal('success');
  });

  it('with RemainAfterExit=yes the name released leaves it exited', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a\nRemainAfterExit=yes');
    t.start('a.service');
    t.bus.setOwner('org.example.A', ':1.7');
    t.run();
    t.bus.setOwner('org.example.A', null);
    t.run();
    expect(t.state('a.service')).to.equal('active/exited');
  });

  it('a main process exiting in start without the name stops the service', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    t.start('a.service');
    t.spawner.last().exit(0);
    expect(t.state('a.service')).to.equal('inactive/dead');
    t.start('a.service');
    t.spawner.last().exit(1);
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.prop('a.service', 'Result')).to.equal('exit-code');
  });

  it('a bus that goes away changes nothing; the next bus says who owns the name', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    t.start('a.service');
    t.bus.setOwner('org.example.A', ':1.7');
    t.run();
    t.bus.disconnect();
    t.run();
    expect(t.state('a.service')).to.equal('active/running');
    t.bus.connect();
    t.run();
    expect(t.state('a.service')).to.equal('inactive/dead');
  });

  it('other types with BusName= learn their main pid from the owner', async () => {
    const t = serviceTest();
    t.service('a.service', 'Type=forking\nBusName=org.example.A\nExecStart=/bin/a\nGuessMainPID=no');
    t.start('a.service');
    const control = t.spawner.last();
    const daemon = control.fork();
    control.exit(0);
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.prop('a.service', 'MainPID')).to.equal('0');
    t.bus.setOwner('org.example.A', ':1.9', daemon.pid);
    t.run();
    await new Promise((r) => setImmediate(r));
    expect(t.prop('a.service', 'MainPID')).to.equal(String(daemon.pid));
  });

  it('a reload keeps the owner and the watch; a removed unit frees its name', () => {
    const t = serviceTest();
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    t.start('a.service');
    t.bus.setOwner('org.example.A', ':1.7');
    t.run();
    t.manager.reload();
    t.run();
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.bus.watchedNames()).to.deep.equal(['org.example.A']);
  });

  it('without a bus port Type=dbus is refused with the reason; BusName= on other types is fine', () => {
    const t = serviceTest([], { bus: false });
    t.service('a.service', 'BusName=org.example.A\nExecStart=/bin/a');
    expect(t.unit('a.service').loadError).to.contain('Type=dbus needs a bus to watch BusName= on');
    t.service('b.service', 'Type=simple\nBusName=org.example.B\nExecStart=/bin/b');
    expect(t.unit('b.service').loadState).to.equal('loaded');
  });
});

describe("service: the machine's shipped units with BusName=", () => {
  it('every unit file under /usr/lib/systemd/user and /lib/systemd/system with BusName= or Type=dbus loads', function () {
    const files: string[] = [];
    for (const dir of ['/usr/lib/systemd/user', '/lib/systemd/system']) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (!n.endsWith('.service') || n.includes('@')) continue;
        const file = join(dir, n);
        try {
          // Symlinks are aliases (dbus-org.freedesktop.hostname1.service): the same unit, not a second one.
          if (!lstatSync(file).isFile()) continue;
          if (/^(Type=dbus|BusName=)/m.test(readFileSync(file, 'utf8'))) files.push(file);
        } catch {
          // unreadable: not ours to judge
        }
      }
    }
    if (files.length === 0) {
      console.log('    (skipped: no shipped unit has BusName= or Type=dbus here)');
      this.skip();
    }
    const t = serviceTest([fakeSocketModule]);
    const refused: string[] = [];
    for (const file of files) {
      const name = `shipped-${file.split('/').pop()}`;
      t.units.file(name, readFileSync(file, 'utf8'));
      const u = t.unit(name);
      if (u.loadState !== 'loaded') refused.push(`${file}: ${u.loadState} ${u.loadError ?? ''}`);
    }
    expect(refused).to.deep.equal([]);
    expect(files.some((f) => /^Type=dbus/m.test(readFileSync(f, 'utf8')))).to.equal(true);
  });
});
