/**
 * End to end: the real `systemctl --user` (systemd 252) drives a real unitkitd over systemd's
 * D-Bus API on $XDG_RUNTIME_DIR/systemd/private, and busctl introspects it. Skipped, saying why,
 * where systemctl or busctl is missing.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '@unitkit/dbus';
import { NativeEventLoop } from '@unitkit/native';

const here = path.dirname(fileURLToPath(import.meta.url));
const daemon = path.join(here, 'unitkitd.js');
const ctl = path.join(here, 'unitkitctl.js');

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

describe('systemctl over D-Bus (end to end)', function () {
  this.timeout(30000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let child: ReturnType<typeof spawn> | undefined;
  let stderr = '';

  const sc = (...args: string[]) => {
    const r = spawnSync('systemctl', ['--user', '--no-pager', ...args], { env, encoding: 'utf8', timeout: 20000 });
    return { rc: r.status, out: r.stdout, err: r.stderr };
  };
  const uk = (...args: string[]) => {
    const r = spawnSync(process.execPath, [ctl, '--user', '--no-pager', ...args], { env, encoding: 'utf8', timeout: 20000 });
    return { rc: r.status, out: r.stdout, err: r.stderr };
  };
  const unit = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'units', name), text);
  const waitFor = async (pred: () => boolean, ms = 10000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out; unitkitd said:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async function () {
    if (!has('systemctl')) {
      console.log('    (skipped: systemctl is not installed)');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'systemctl-dbus-'));
    fs.mkdirSync(path.join(dir, 'units'));
    fs.mkdirSync(path.join(dir, 'run'));
    env = {
      ...process.env,
      // The config directory enable writes to is on the unit path, as it is on the default one.
      UNITKIT_UNIT_PATH: `${path.join(dir, 'units')}:${path.join(dir, 'config', 'systemd', 'user')}`,
      UNITKIT_RUNTIME_DIR: path.join(dir, 'run'),
      XDG_RUNTIME_DIR: path.join(dir, 'run'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      SYSTEMD_PAGER: '',
      SYSTEMD_COLORS: '0',
      NO_COLOR: '1',
    };
    unit('default.target', '[Unit]\nDescription=Top\n');
    // What default dependencies name (the user manager's own units are not on this unit path).
    for (const t of ['basic', 'shutdown', 'sockets']) unit(`${t}.target`, `[Unit]\nDescription=${t}\nDefaultDependencies=no\n`);
    unit('sleeper.service', '[Unit]\nDescription=Sleeper\n[Service]\nExecStart=/bin/sleep 1000\nEnvironment=A=1 "B=x y"\n[Install]\nWantedBy=default.target\n');
    unit('fails.service', '[Service]\nType=oneshot\nExecStart=/bin/false\n');
    unit('slow.service', '[Service]\nType=oneshot\nExecStart=/bin/sleep 2\n');
    unit('echo.socket', `[Socket]\nListenStream=${path.join(dir, 'run', 'st.sock')}\nListenDatagram=${path.join(dir, 'run', 'dg.sock')}\n`);
    unit('echo.service', '[Service]\nExecStart=/bin/cat\n');
    unit('late.service', '[Unit]\nDescription=Before\n[Service]\nExecStart=/bin/true\n');
    child = spawn(process.execPath, [daemon, '--user'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => /Startup finished/.test(stderr) && fs.existsSync(path.join(dir, 'run', 'systemd', 'private')));
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('start, is-active, restart, stop', () => {
    expect(sc('start', 'sleeper.service').rc).to.equal(0);
    expect(sc('is-active', 'sleeper.service')).to.include({ rc: 0, out: 'active\n' });
    const pid = sc('show', '-p', 'MainPID', '--value', 'sleeper.service').out.trim();
    expect(Number(pid)).to.be.greaterThan(0);
    expect(sc('restart', 'sleeper').rc).to.equal(0);
    expect(sc('show', '-p', 'MainPID', '--value', 'sleeper.service').out.trim()).to.not.equal(pid);
    expect(sc('stop', 'sleeper.service').rc).to.equal(0);
    expect(sc('is-active', 'sleeper.service')).to.include({ rc: 3, out: 'inactive\n' });
  });

  it('a failing start: systemctl waits for JobRemoved and says why, is-failed, reset-failed', () => {
    const r = sc('start', 'fails.service');
    expect(r.rc).to.equal(1);
    expect(r.err).to.contain('Job for fails.service failed because the control process exited with error code.');
    expect(sc('is-failed', 'fails.service')).to.include({ rc: 0, out: 'failed\n' });
    expect(sc('reset-failed', 'fails.service').rc).to.equal(0);
    expect(sc('is-failed', 'fails.service').rc).to.equal(1);
  });

  it('errors carry systemd\'s names and messages', () => {
    expect(sc('start', 'nope.service')).to.include({ rc: 5, err: 'Failed to start nope.service: Unit nope.service not found.\n' });
    expect(sc('is-active', 'nope.service')).to.include({ rc: 3, out: 'inactive\n' });
  });

  it('show prints, over D-Bus, what unitkitctl show prints (-p, --value, --all, the manager)', () => {
    expect(sc('start', 'sleeper.service', 'echo.socket').rc).to.equal(0);
    const volatile = /^(\w*Timestamp\w*|InvocationID|MemoryCurrent|CPUUsageNSec|TasksCurrent|IO\w+|IP\w+)=/;
    for (const args of [['--all'], [], ['-p', 'ExecStart,Listen,Environment,Names,Job'], ['-p', 'ActiveState', '--value']]) {
      for (const u of ['sleeper.service', 'echo.socket', 'default.target', 'never.service', '']) {
        const a = [...args, ...(u ? [u] : [])];
        const viaBus = sc('show', ...a).out.split('\n').filter((l) => !volatile.test(l));
        const viaCtl = uk('show', ...a).out.split('\n').filter((l) => !volatile.test(l));
        expect(viaBus, `show ${a.join(' ')}`).to.deep.equal(viaCtl);
      }
    }
    const listen = sc('show', '-p', 'Listen', 'echo.socket').out;
    expect(listen).to.match(/^Listen=.*st\.sock \(Stream\)$/m).and.match(/^Listen=.*dg\.sock \(Datagram\)$/m);
    expect(sc('show', '-p', 'Environment', 'sleeper.service').out).to.equal('Environment=A=1 "B=x y"\n');
    expect(sc('stop', 'sleeper.service', 'echo.socket').rc).to.equal(0);
  });

  it('status reads the unit and its processes', () => {
    expect(sc('start', 'sleeper.service').rc).to.equal(0);
    const r = sc('status', 'sleeper.service');
    expect(r.rc).to.equal(0);
    expect(r.out).to.match(/^● sleeper\.service - Sleeper\n/);
    expect(r.out).to.match(/Active: active \(running\) since/);
    expect(r.out).to.match(/Main PID: \d+ \(sleep\)/);
    expect(sc('stop', 'sleeper.service').rc).to.equal(0);
    expect(sc('status', 'sleeper.service').rc).to.equal(3);
  });

  it('list-units and list-jobs; --no-block returns before the job ends', async () => {
    expect(sc('start', 'echo.socket').rc).to.equal(0);
    const l = sc('list-units', '--no-legend', '--state=active', 'echo*');
    expect(l.out).to.match(/^ {2}echo\.socket +loaded active listening echo\.socket\n$/);
    expect(sc('--no-block', 'start', 'slow.service').rc).to.equal(0);
    expect(sc('list-jobs', '--no-legend').out).to.match(/^\d+ slow\.service start (running|waiting)\n$/);
    expect(sc('is-active', 'slow.service').out).to.equal('activating\n');
    await waitFor(() => sc('is-active', 'slow.service').out === 'inactive\n');
    expect(sc('stop', 'echo.socket').rc).to.equal(0);
  });

  it('daemon-reload picks up a changed unit file', () => {
    expect(sc('show', '-p', 'Description', '--value', 'late.service').out).to.equal('Before\n');
    unit('late.service', '[Unit]\nDescription=After\n[Service]\nExecStart=/bin/true\n');
    expect(sc('daemon-reload').rc).to.equal(0);
    expect(sc('show', '-p', 'Description', '--value', 'late.service').out).to.equal('After\n');
  });

  it('a systemctl that connects while signals flow gets its handshake first (no "Access denied" through the fallback bus)', async () => {
    // Units changing state all the time: each change is a signal to every connection. One
    // queued for a client still authenticating used to go out ahead of the SASL "OK"; sd-bus then
    // failed on the private socket and fell back to the session bus, which answered "Access denied".
    unit('flap.service', '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    const flapper = spawn('sh', ['-c', 'for i in $(seq 1 300); do systemctl --user --no-block restart flap.service >/dev/null 2>&1; done'], { env, stdio: 'ignore' });
    try {
      for (let i = 0; i < 15; i++) {
        const r = sc('daemon-reload');
        expect(r.err, `daemon-reload #${i + 1}`).to.equal('');
        expect(r.rc).to.equal(0);
      }
    } finally {
      flapper.kill();
      await new Promise((r) => flapper.once('exit', r));
    }
  });

  it('set-, unset- and show-environment act on the manager\'s environment', () => {
    expect(sc('set-environment', 'BUSAPI_X=1', 'BUSAPI_Y=two words').rc).to.equal(0);
    expect(sc('show-environment').out).to.contain('BUSAPI_X=1\n').and.contain("BUSAPI_Y=$'two words'\n");
    expect(uk('show-environment').out).to.contain('BUSAPI_X=1\n');
    expect(sc('unset-environment', 'BUSAPI_X').rc).to.equal(0);
    expect(sc('show-environment').out).to.not.contain('BUSAPI_X=');
    expect(sc('show', '-p', 'Environment').out).to.contain('BUSAPI_Y=');
    expect(sc('set-environment', 'not valid').rc).to.equal(1);
  });

  it('kill signals the unit\'s processes', async () => {
    expect(sc('start', 'sleeper.service').rc).to.equal(0);
    expect(sc('kill', '-s', 'KILL', 'sleeper.service').rc).to.equal(0);
    await waitFor(() => sc('is-failed', 'sleeper.service').rc === 0);
    expect(sc('show', '-p', 'Result', '--value', 'sleeper.service').out).to.equal('signal\n');
    expect(sc('reset-failed').rc).to.equal(0);
    expect(sc('is-failed', 'sleeper.service').rc).to.equal(1);
  });

  it('enable, is-enabled, disable', () => {
    const e = sc('enable', 'sleeper.service');
    expect(e.rc).to.equal(0);
    expect(e.err).to.match(/^Created symlink .*default\.target\.wants\/sleeper\.service → .*sleeper\.service\.\n$/);
    expect(sc('is-enabled', 'sleeper.service')).to.include({ rc: 0, out: 'enabled\n' });
    const d = sc('disable', 'sleeper.service');
    expect(d.rc).to.equal(0);
    expect(d.err).to.match(/^Removed ".*default\.target\.wants\/sleeper\.service"\.\n$/);
    expect(sc('is-enabled', 'sleeper.service').out).to.equal('disabled\n');
  });

  it('sends PropertiesChanged as systemd: the type\'s interface then Unit, emits-change values, invalidated names', async () => {
    const loop = new NativeEventLoop();
    const client = await connectBus({ address: `unix:path=${path.join(dir, 'run', 'systemd', 'private')}`, loop, hello: false });
    const seen: Array<{ path: string; iface: string; changed: string[]; invalidated: string[] }> = [];
    const jobs: string[] = [];
    try {
      await client.subscribe({}, (m) => {
        if (m.member === 'PropertiesChanged') {
          const [iface, changed, invalidated] = m.body as [string, Map<string, unknown>, string[]];
          seen.push({ path: m.path!, iface, changed: [...changed.keys()], invalidated });
        } else if (m.member === 'JobRemoved') jobs.push(String((m.body as unknown[])[2]));
      }, false);
      // Asynchronously: the signals arrive on this process's loop while systemctl runs.
      const rc = await new Promise((resolve) => spawn('systemctl', ['--user', 'start', 'late.service'], { env, stdio: 'ignore' }).on('exit', resolve));
      expect(rc).to.equal(0);
      // Until the job is gone and the last pair of change signals has come in whole (the two
      // may arrive in separate reads: stopping after the first left an odd one out).
      const mineNow = () => seen.filter((x) => x.path === '/org/freedesktop/systemd1/unit/late_2eservice');
      const end = Date.now() + 5000;
      while (!(jobs.includes('late.service') && mineNow().length % 2 === 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    } finally {
      client.close();
    }
    const mine = seen.filter((x) => x.path === '/org/freedesktop/systemd1/unit/late_2eservice');
    expect(mine.length).to.be.greaterThan(0);
    // Pairs: org.freedesktop.systemd1.Service first, then org.freedesktop.systemd1.Unit.
    for (let i = 0; i < mine.length; i += 2) {
      expect(mine[i]!.iface).to.equal('org.freedesktop.systemd1.Service');
      expect(mine[i + 1]!.iface).to.equal('org.freedesktop.systemd1.Unit');
    }
    const unit = mine.find((x) => x.iface === 'org.freedesktop.systemd1.Unit')!;
    expect(unit.changed).to.include.members(['ActiveState', 'SubState', 'Job', 'ActiveEnterTimestamp', 'InvocationID']);
    expect(unit.changed).to.not.include('Description');
    expect(unit.invalidated).to.deep.equal(['Conditions', 'Asserts']);
    const service = mine.find((x) => x.iface === 'org.freedesktop.systemd1.Service')!;
    expect(service.changed).to.include.members(['MainPID', 'Result', 'ExecMainStartTimestamp']);
    expect(service.invalidated).to.include.members(['ExecStart', 'ExecStartPre']);
  });

  it('busctl introspects the manager object', function () {
    if (!has('busctl')) {
      console.log('    (skipped: busctl is not installed)');
      this.skip();
    }
    const r = spawnSync('busctl', ['--address=unix:path=' + path.join(dir, 'run', 'systemd', 'private'), 'introspect', 'org.freedesktop.systemd1', '/org/freedesktop/systemd1'], { encoding: 'utf8', env, timeout: 20000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^org\.freedesktop\.systemd1\.Manager +interface/m);
    expect(r.stdout).to.match(/^\.StartUnit +method +ss +o /m);
    expect(r.stdout).to.match(/^\.JobRemoved +signal +uoss /m);
    expect(r.stdout).to.match(/^\.NNames +property +u +\d+/m);
  });
});
