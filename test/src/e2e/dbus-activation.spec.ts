/**
 * End to end: unitkitd runs the distribution's own user bus — /usr/lib/systemd/user/dbus.socket
 * and dbus.service, unchanged — in a runtime directory of its own (never the host's user bus),
 * connects to it as systemd --user does, and:
 * - dbus.socket's `ExecStartPost=systemctl --user set-environment DBUS_SESSION_BUS_ADDRESS=…`
 *   succeeds (the real systemctl, over our private socket);
 * - a Type=dbus service becomes active when its BusName= appears, and stops when it is released;
 * - a bus service file with SystemdService= is started by the first method call to its name, and
 *   an activation whose unit does not exist fails at once with systemd's error;
 * - the Manager's API answers on the bus under org.freedesktop.systemd1.
 * Every step was compared with systemd 252 (`systemd --user` with its own dbus): same results.
 * Skipped, saying why, without dbus-daemon, dbus-send, systemctl or the distribution's units.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixturesDir } from './native-stack.js';

const unitkitd = path.resolve(fixturesDir, '../../packages/cli/dist/unitkitd.js');
const holder = path.join(fixturesDir, 'bus-name-holder.mjs');
const DISTRO_UNITS = '/usr/lib/systemd/user';

function missing(): string | undefined {
  for (const tool of ['dbus-daemon', 'dbus-send', 'systemctl']) {
    if (spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status !== 0) return `${tool} is not installed`;
  }
  for (const u of ['dbus.socket', 'dbus.service']) if (!fs.existsSync(path.join(DISTRO_UNITS, u))) return `${DISTRO_UNITS}/${u} is missing`;
  return undefined;
}

describe('end to end: the user bus, Type=dbus and D-Bus activation (unitkitd)', function () {
  this.timeout(30000);
  let dir: string;
  let run: string;
  let env: NodeJS.ProcessEnv;
  let child: ReturnType<typeof spawn> | undefined;
  let stderr = '';

  const sc = (...args: string[]) => {
    const r = spawnSync('systemctl', ['--user', '--no-pager', ...args], { env, encoding: 'utf8', timeout: 20000 });
    return { rc: r.status, out: r.stdout, err: r.stderr };
  };
  const show = (unit: string, props: string) => sc('show', unit, '-p', props).out.trim().split('\n').sort().join(' ');
  const busSend = (...args: string[]) => {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', ...args], { env, encoding: 'utf8', timeout: 20000 });
    return { rc: r.status, out: r.stdout, err: r.stderr };
  };
  const waitFor = async (pred: () => boolean, what: string, ms = 10000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; unitkitd said:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const unit = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'units', name), text);

  before(async function () {
    const why = missing();
    if (why) {
      console.log(`    (skipped: ${why})`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbus-activation-'));
    run = path.join(dir, 'run');
    fs.mkdirSync(path.join(dir, 'units'));
    fs.mkdirSync(path.join(run, 'dbus-1', 'services'), { recursive: true, mode: 0o700 });
    fs.chmodSync(run, 0o700);
    // The distribution's own bus units, as they are.
    for (const u of ['dbus.socket', 'dbus.service']) fs.symlinkSync(path.join(DISTRO_UNITS, u), path.join(dir, 'units', u));
    unit('default.target', '[Unit]\nDescription=Top\nWants=dbus.socket\n');
    for (const t of ['basic', 'shutdown', 'sockets']) unit(`${t}.target`, `[Unit]\nDescription=${t}\nDefaultDependencies=no\n`);
    unit('hold.service', `[Service]\nType=dbus\nBusName=org.example.Hold\nExecStart=${process.execPath} ${holder} org.example.Hold 300\n`);
    unit('act.service', `[Service]\nBusName=org.example.Act\nExecStart=${process.execPath} ${holder} org.example.Act 300\n`);
    // dbus-daemon's standard session service directories begin with $XDG_RUNTIME_DIR/dbus-1/services.
    const busService = (name: string, unitName: string) =>
      fs.writeFileSync(path.join(run, 'dbus-1', 'services', `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=/bin/false\nSystemdService=${unitName}\n`);
    busService('org.example.Act', 'act.service');
    busService('org.example.Missing', 'missing-xyz.service');
    busService('org.example.Failing', 'failing.service');
    unit('failing.service', '[Service]\nBusName=org.example.Failing\nExecStart=/bin/false\n');
    env = {
      ...process.env,
      UNITKIT_UNIT_PATH: path.join(dir, 'units'),
      UNITKIT_RUNTIME_DIR: run,
      XDG_RUNTIME_DIR: run,
      // Ours, never the host's: dbus-send and the holder find the bus through it.
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${run}/bus`,
      SYSTEMD_PAGER: '',
      SYSTEMD_COLORS: '0',
    };
    // unitkitd itself starts without one, as systemd --user does: dbus.socket tells it.
    const daemonEnv = { ...env };
    delete daemonEnv.DBUS_SESSION_BUS_ADDRESS;
    child = spawn(process.execPath, [unitkitd, '--user', '--log-level=debug'], { env: daemonEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => /Startup finished/.test(stderr) && fs.existsSync(path.join(run, 'systemd', 'private')), 'the startup');
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("dbus.socket listens, and its ExecStartPost=systemctl --user set-environment succeeded", () => {
    expect(show('dbus.socket', 'ActiveState,SubState')).to.equal('ActiveState=active SubState=listening');
    expect(sc('show', 'dbus.socket', '-p', 'ExecStartPost').out).to.match(/systemctl --user set-environment .*code=exited ; status=0 \}/);
    expect(sc('show-environment').out.split('\n')).to.include(`DBUS_SESSION_BUS_ADDRESS=unix:path=${run}/bus`);
  });

  it('a Type=dbus service is active once its name is taken (starting the bus on the way), stays so across daemon-reload and daemon-reexec, and stops when the name is released', async () => {
    const r = sc('start', 'hold.service');
    expect(r.rc, r.err).to.equal(0);
    expect(show('hold.service', 'ActiveState,SubState,Type,BusName')).to.equal('ActiveState=active BusName=org.example.Hold SubState=running Type=dbus');
    expect(sc('show', 'hold.service', '-p', 'Requires', '--value').out.trim().split(' ')).to.include('dbus.socket');
    expect(sc('show', 'hold.service', '-p', 'After', '--value').out.trim().split(' ')).to.include('dbus.socket');
    // The bus came up by socket activation, and unitkitd connected to it.
    expect(show('dbus.service', 'ActiveState,SubState')).to.equal('ActiveState=active SubState=running');
    expect(show('dbus.socket', 'SubState')).to.equal('SubState=running');
    const owner = busSend('--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetNameOwner', 'string:org.example.Hold');
    expect(owner.rc, owner.err).to.equal(0);
    // A reload and a re-exec keep it running: the watch is installed again and the bus says the
    // name is still taken.
    expect(sc('daemon-reload').rc).to.equal(0);
    expect(sc('daemon-reexec').rc).to.equal(0);
    await waitFor(() => (stderr.match(/Successfully connected to API bus/g) ?? []).length >= 2, 'the connection after the re-exec');
    expect(show('hold.service', 'ActiveState,SubState')).to.equal('ActiveState=active SubState=running');
    // Released while running: stopped, with success (systemd 252 does the same).
    expect(sc('kill', '-s', 'USR1', '--kill-whom=main', 'hold.service').rc).to.equal(0);
    await waitFor(() => show('hold.service', 'ActiveState') === 'ActiveState=inactive', 'hold.service to stop');
    expect(show('hold.service', 'Result,SubState')).to.equal('Result=success SubState=dead');
  });

  it('the first method call to a SystemdService= name starts its unit, which answers it', () => {
    const r = busSend('--dest=org.example.Act', '/', 'org.example.Test.Ping');
    expect(r.rc, r.err).to.equal(0);
    expect(r.out).to.contain('string "org.example.Act answers Ping"');
    expect(show('act.service', 'ActiveState,SubState,Type')).to.equal('ActiveState=active SubState=running Type=dbus');
  });

  it("an activation whose unit does not exist fails at once with systemd's error (ActivationFailure)", () => {
    const r = busSend('--dest=org.example.Missing', '/', 'org.example.Test.Ping');
    expect(r.rc).to.not.equal(0);
    expect(r.err.trim()).to.equal('Error org.freedesktop.systemd1.NoSuchUnit: Unit missing-xyz.service not found.');
  });

  it('a unit that starts and fails is not reported: the caller waits for its own timeout, as with systemd 252', () => {
    const r = busSend('--reply-timeout=1500', '--dest=org.example.Failing', '/', 'org.example.Test.Ping');
    expect(r.err).to.match(/^Error org\.freedesktop\.DBus\.Error\.NoReply:/);
    expect(show('failing.service', 'ActiveState,Result')).to.equal('ActiveState=failed Result=exit-code');
  });

  it('unitkitd owns org.freedesktop.systemd1 on the bus and answers the Manager API there', () => {
    const r = busSend('--dest=org.freedesktop.systemd1', '/org/freedesktop/systemd1', 'org.freedesktop.DBus.Properties.Get',
      'string:org.freedesktop.systemd1.Manager', 'string:Version');
    expect(r.rc, r.err).to.equal(0);
    expect(r.out).to.match(/variant\s+string "/);
  });

  it('after dbus.service restarts, unitkitd connects again and activation still works', async () => {
    expect(sc('stop', 'act.service').rc).to.equal(0);
    const before = (stderr.match(/Successfully connected to API bus/g) ?? []).length;
    expect(sc('restart', 'dbus.service').rc).to.equal(0);
    await waitFor(() => (stderr.match(/Successfully connected to API bus/g) ?? []).length > before, 'the next connection');
    const r = busSend('--dest=org.example.Act', '/', 'org.example.Test.Ping');
    expect(r.rc, r.err).to.equal(0);
    expect(r.out).to.contain('org.example.Act answers Ping');
  });
});
