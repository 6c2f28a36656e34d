/**
 * ApiBus against a real dbus-daemon started with --systemd-activation and a service directory of
 * its own, with a stand-in manager whose dbus.socket and dbus.service say they run. Skipped,
 * saying why, without dbus-daemon.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogRecord, Manager } from '@unitkit/core';
import { ManagerError } from '@unitkit/core';
import { connectBus, DbusError, type BusClient } from '@unitkit/dbus';
import { NativeEventLoop } from '@unitkit/native';
import { ApiBus, SYSTEMD_BUS_NAME } from './api-bus.js';

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) if (fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
  return undefined;
}

async function until(test: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The parts of a Manager ApiBus uses, with dbus.socket/dbus.service in a state the test sets. */
class StandInManager {
  readonly events = new EventEmitter();
  busState = 'running';
  readonly jobs: string[] = [];
  refuse: ManagerError | undefined;
  getUnit(name: string) {
    if (name !== 'dbus.socket' && name !== 'dbus.service') return undefined;
    return { id: name, subState: () => this.busState, activeState: () => (this.busState === 'running' ? 'active' : 'inactive'), job: undefined };
  }
  loadUnit(name: string) {
    return { id: name, settings: { refuseManualStart: name === 'manual-only.service' } };
  }
  addJob(type: string, u: { id: string }) {
    if (this.refuse) throw this.refuse;
    this.jobs.push(`${type} ${u.id}`);
  }
  /** The bus units change state, as unitNotify would tell. */
  setBusState(state: string) {
    this.busState = state;
    this.events.emit('unit-state', this.getUnit('dbus.service'), 'active', 'inactive');
  }
}

describe('ApiBus (against dbus-daemon)', function () {
  this.timeout(20000);
  let dir: string;
  let daemon: ChildProcess | undefined;
  let address: string;
  let loop: NativeEventLoop;
  let bus: ApiBus;
  let manager: StandInManager;
  const logs: LogRecord[] = [];
  const clients: BusClient[] = [];
  const client = async () => {
    const c = await connectBus({ address, loop });
    clients.push(c);
    return c;
  };

  before(async function () {
    const exe = which('dbus-daemon');
    if (!exe) {
      console.log('    (skipped: dbus-daemon is not installed; apt-get install dbus-daemon)');
      return this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-bus-'));
    fs.mkdirSync(path.join(dir, 'services'));
    for (const [name, unit] of [['org.example.Act', 'act.service'], ['org.example.Manual', 'manual-only.service']]) {
      fs.writeFileSync(path.join(dir, 'services', `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=/bin/false\nSystemdService=${unit}\n`);
    }
    address = `unix:path=${path.join(dir, 'bus')}`;
    fs.writeFileSync(path.join(dir, 'bus.conf'), `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>${address}</listen><servicedir>${path.join(dir, 'services')}</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n`);
    daemon = spawn(exe, [`--config-file=${path.join(dir, 'bus.conf')}`, '--nofork', '--nopidfile', '--systemd-activation'], { stdio: 'ignore' });
    await until(() => fs.existsSync(path.join(dir, 'bus')), 'the bus socket');
    loop = new NativeEventLoop({ subreaper: false });
    manager = new StandInManager();
    bus = new ApiBus({ loop, logger: { log: (r) => logs.push(r), enabled: () => true }, address: () => address });
  });

  after(() => {
    bus?.close();
    for (const c of clients) c.close();
    daemon?.kill();
    loop?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('connects when the bus units run, owns org.freedesktop.systemd1, and tells watchers who owns their names', async () => {
    const owners: Array<string | null> = [];
    bus.watch('org.example.W', (o) => owners.push(o));
    expect(() => bus.watch('org.example.W', () => undefined)).to.throw('already watched');
    bus.attach(manager as unknown as Manager);
    await until(() => owners.length === 1, 'the first owner');
    expect(owners).to.deep.equal([null]);
    const other = await client();
    const [owner] = await other.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'GetNameOwner', 's', [SYSTEMD_BUS_NAME]);
    expect(owner).to.equal(bus.uniqueName);
    await other.requestName('org.example.W', 4);
    await until(() => owners.length === 2, 'the name taken');
    expect(owners[1]).to.equal(other.uniqueName);
    expect(await bus.ownerPid('org.example.W')).to.equal(process.pid);
    await other.releaseName('org.example.W');
    await until(() => owners.length === 3, 'the name released');
    expect(owners[2]).to.equal(null);
  });

  it('an ActivationRequest starts the unit named in SystemdService=, and the call reaches the service once it owns the name', async () => {
    const caller = await client();
    const reply = caller.call('org.example.Act', '/', 'org.example.Test', 'Ping');
    await until(() => manager.jobs.length === 1, 'the start job');
    expect(manager.jobs).to.deep.equal(['start act.service']);
    // The "service" comes up and takes its name: dbus-daemon delivers the pending call.
    await connectBus({
      address,
      loop,
      onMethodCall: (m, c) => c.reply(m, 's', ['pong']),
    }).then((svc) => {
      clients.push(svc);
      return svc.requestName('org.example.Act', 4);
    });
    expect(await reply).to.deep.equal(['pong']);
  });

  it("a refused activation goes back to the caller as systemd's error (ActivationFailure)", async () => {
    const caller = await client();
    const refused = await caller.call('org.example.Manual', '/', 'org.example.Test', 'Ping').catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(DbusError).with.property('errorName', 'org.freedesktop.systemd1.OnlyByDependency');
    expect((refused as Error).message).to.equal('Operation refused, manual-only.service may be requested by dependency only (it is configured to refuse manual start/stop).');
  });

  it('disconnects when dbus.service stops, hears nothing meanwhile, and connects again when it runs', async () => {
    const first = bus.uniqueName;
    manager.setBusState('dead');
    expect(bus.connected).to.equal(false);
    const owners: Array<string | null> = [];
    bus.watch('org.example.Later', (o) => owners.push(o));
    const other = await client();
    await other.requestName('org.example.Later', 4);
    await new Promise((r) => setTimeout(r, 50));
    expect(owners).to.deep.equal([]);
    manager.setBusState('running');
    await until(() => owners.length === 1, 'the owner after reconnecting');
    expect(owners).to.deep.equal([other.uniqueName]);
    expect(bus.uniqueName).to.not.equal(first);
    expect(logs.filter((r) => r.level === 'warning' || r.level === 'err')).to.deep.equal([]);
  });
});
