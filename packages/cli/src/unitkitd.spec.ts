/**
 * unitkitd as a real process: it starts its default target from real unit files, and stops
 * everything and exits 0 on SIGTERM.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const daemon = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'unitkitd.js');

function runDaemon(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [daemon, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const waitFor = (re: RegExp, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stderr:\n${err}`)), ms);
      const check = () => {
        if (re.test(err)) {
          clearTimeout(t);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, waitFor, exited, stderr: () => err };
}

describe('unitkitd', function () {
  this.timeout(15000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkitd-'));
    fs.mkdirSync(path.join(dir, 'units'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts default.target from the unit path, keeps running with a broken unit, exits 0 on SIGTERM', async () => {
    fs.writeFileSync(path.join(dir, 'units', 'default.target'), '[Unit]\nDescription=Top\nWants=a.target broken.target\n');
    fs.writeFileSync(path.join(dir, 'units', 'a.target'), '[Unit]\nDescription=A\n');
    fs.writeFileSync(path.join(dir, 'units', 'broken.target'), '[Unit\n');
    const d = runDaemon(['--user'], { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') });
    await d.waitFor(/default\.target: Started Top\./);
    expect(d.stderr()).to.match(/a\.target: Started A\./);
    expect(d.stderr()).to.match(/broken\.target:1/);
    expect(fs.statSync(path.join(dir, 'run', 'notify')).isSocket()).to.equal(true);
    d.child.kill('SIGTERM');
    expect(await d.exited).to.equal(0);
    expect(d.stderr()).to.match(/default\.target: Stopped Top\./);
    expect(d.stderr()).to.match(/All units stopped\. Exiting\./);
  });

  it('a SIGTERM during start-up is kept (not the default action) and acted on once the start jobs are queued: their units stop, exit 0', async () => {
    fs.writeFileSync(path.join(dir, 'units', 'default.target'), '[Unit]\nDescription=Top\nWants=slow.service\n');
    fs.writeFileSync(path.join(dir, 'units', 'slow.service'), '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n');
    const d = runDaemon(['--user'], { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') });
    // The first line comes before the sockets are bound and the units started.
    await d.waitFor(/unitkitd running in user mode/);
    d.child.kill('SIGTERM');
    // A manager that missed the signal must not outlive the test.
    const guard = setTimeout(() => d.child.kill('SIGKILL'), 10000);
    expect(await d.exited).to.equal(0);
    clearTimeout(guard);
    expect(d.stderr()).to.match(/Received SIGTERM, stopping all units\./);
    expect(d.stderr()).to.match(/All units stopped\. Exiting\./);
    expect(d.stderr()).to.match(/slow\.service: Stopped/);
  });

  it('says so and keeps running when the default unit does not exist', async () => {
    const d = runDaemon(['--user', '--unit=nope.target'], { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') });
    await d.waitFor(/Failed to start nope\.target: Unit nope\.target not found\./);
    d.child.kill('SIGINT');
    expect(await d.exited).to.equal(0);
  });

  it('with neither a unit path nor a runtime dir runs only the bundled examples, inside its own runtime directory', async function () {
    // The examples listen on fixed loopback ports (npm start prints them): skip when they are taken.
    for (const port of [7777, 7778]) {
      const free = await new Promise<boolean>((resolve) => {
        const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
      });
      if (!free) {
        console.log(`      skipped: 127.0.0.1:${port}, which the examples listen on, is in use`);
        return this.skip();
      }
    }
    const xdg = path.join(dir, 'xdg');
    fs.mkdirSync(xdg);
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: xdg, HOME: dir };
    delete env.UNITKIT_UNIT_PATH;
    delete env.UNITKIT_RUNTIME_DIR;
    const d = runDaemon(['--user'], env);
    try {
      await d.waitFor(/Startup finished/, 10000);
      const rt = path.join(xdg, 'unitkit');
      // %t of the examples is the manager's runtime directory, not the session's.
      expect(fs.statSync(path.join(rt, 'unitkit-rpc.sock')).isSocket()).to.equal(true);
      expect(fs.readdirSync(xdg)).to.deep.equal(['unitkit']);
      expect(d.stderr()).to.include(`unit path ${path.join(rt, 'examples')}\n`);
      expect(d.stderr()).not.to.match(/sockets\.target|dbus|gpg-agent/);
      // The quick start's first command: the echo service starts on the first connection (its
      // default dependencies need the examples' own basic.target).
      const reply = await new Promise<string>((resolve, reject) => {
        const c = net.connect(7777, '127.0.0.1', () => c.write('hello\n'));
        c.setTimeout(8000, () => c.destroy(new Error('no answer from the echo example')));
        c.on('data', (b) => {
          resolve(String(b));
          c.destroy();
        });
        c.on('error', reject);
      });
      expect(reply).to.equal('hello\n');
    } finally {
      d.child.kill('SIGTERM');
      expect(await d.exited).to.equal(0);
    }
  });

  it('a Type=notify service running as another user (User=nobody) reaches the notify socket', async function () {
    if (process.getuid?.() !== 0) {
      console.log('      skipped: needs root to run a service as nobody');
      return this.skip();
    }
    fs.chmodSync(dir, 0o755);
    const ready = `import os, socket, time\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.connect(os.environ['NOTIFY_SOCKET'])\ns.send(b'READY=1')\ntime.sleep(60)\n`;
    fs.writeFileSync(path.join(dir, 'ready.py'), ready, { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'units', 'default.target'), '[Unit]\nDescription=Top\nWants=n.service\n');
    fs.writeFileSync(path.join(dir, 'units', 'n.service'), `[Unit]\nDescription=Notifier\n[Service]\nType=notify\nUser=nobody\nExecStart=/usr/bin/python3 ${dir}/ready.py\n`);
    const d = runDaemon(['--system'], { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') });
    try {
      await d.waitFor(/n\.service: Started Notifier\./, 10000);
      expect(fs.statSync(path.join(dir, 'run')).mode & 0o777).to.equal(0o755);
      expect(fs.statSync(path.join(dir, 'run', 'private')).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.join(dir, 'run', 'journal')).mode & 0o777).to.equal(0o700);
    } finally {
      d.child.kill('SIGTERM');
      expect(await d.exited).to.equal(0);
    }
  });

  it('after a SIGKILL, the next unitkitd stops what the dead one left running, and binds the same sockets', async function () {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    fs.writeFileSync(path.join(dir, 'units', 'default.target'), '[Unit]\nDescription=Top\nWants=l.socket l.service\n');
    fs.writeFileSync(path.join(dir, 'units', 'l.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    // The service keeps the listening fd it was handed: an orphan of it keeps the port bound.
    const marker = `1000.${process.pid}${Date.now() % 100000}`;
    fs.writeFileSync(path.join(dir, 'units', 'l.service'), `[Unit]\nRequires=l.socket\n[Service]\nExecStart=/bin/sleep ${marker}\n`);
    const orphans = () =>
      fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (() => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') === `/bin/sleep\0${marker}\0` && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
        } catch {
          return false;
        }
      })());
    const env = { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') };
    const first = runDaemon(['--user'], env);
    await first.waitFor(/Startup finished/);
    if (!/Using cgroup v2/.test(first.stderr()) && /Tracking unit processes by process group: (.*)\./.test(first.stderr())) {
      first.child.kill('SIGTERM');
      await first.exited;
      console.log(`      skipped: no writable cgroup v2 to find the dead manager's processes in (${/Tracking unit processes by process group: (.*)\./.exec(first.stderr())![1]})`);
      return this.skip();
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const [orphan] = orphans();
    expect(orphan, 'the service outlives its SIGKILLed manager').to.not.equal(undefined);
    const second = runDaemon(['--user'], env);
    try {
      await second.waitFor(/Startup finished/);
      // Any manager starting in this cgroup may be the one that finds it (tests run side by side).
      if (/Found left-over/.test(second.stderr())) {
        expect(second.stderr()).to.match(new RegExp(`l\\.service: Found left-over process ${orphan} \\(sleep\\) of unitkitd \\d+, which ended without stopping it; killing it\\.`));
      }
      expect(orphans().filter((p) => p === orphan)).to.deep.equal([]);
      expect(second.stderr()).not.to.match(/Address already in use/);
      expect(second.stderr()).to.match(/l\.service: Started l\.service\./);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).to.equal(0);
    }
  });

  // systemd --user exits 7 here (`echo $?`): FailureAction=exit starts exit.target, whose
  // systemd-exit.service (SuccessAction=exit-force) ends the manager with FailureActionExitStatus=.
  it('FailureAction=exit with FailureActionExitStatus=: exits through exit.target with that status', async function () {
    if (!fs.existsSync('/usr/lib/systemd/user/exit.target')) {
      console.log("      skipped: systemd's user units (/usr/lib/systemd/user/exit.target) are not installed");
      return this.skip();
    }
    fs.writeFileSync(path.join(dir, 'units', 'boom.service'), '[Unit]\nDefaultDependencies=no\nFailureAction=exit\nFailureActionExitStatus=7\n[Service]\nType=oneshot\nExecStart=/bin/false\n');
    // A trailing ':' appends the default user search path, where exit.target and systemd-exit.service live.
    const d = runDaemon(['--user', '--unit=boom.service'], { ...process.env, UNITKIT_UNIT_PATH: `${path.join(dir, 'units')}:`, UNITKIT_RUNTIME_DIR: path.join(dir, 'run'), XDG_RUNTIME_DIR: dir });
    expect(await d.exited).to.equal(7);
    expect(d.stderr()).to.match(/systemd-exit\.service: /);
  });

  it('FailureAction=exit-force exits at once with the main process\'s exit status, killing what still runs', async () => {
    const pidFile = path.join(dir, 'sleeper.pid');
    fs.writeFileSync(path.join(dir, 'units', 'sleeper.service'), `[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sh -c 'echo $$$$ > ${pidFile}; exec sleep 1000'\n`);
    fs.writeFileSync(path.join(dir, 'units', 'boom.service'), '[Unit]\nDefaultDependencies=no\nWants=sleeper.service\nFailureAction=exit-force\n[Service]\nExecStart=/bin/sh -c "sleep 0.5; exit 5"\n');
    const d = runDaemon(['--user', '--unit=boom.service'], { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') });
    expect(await d.exited).to.equal(5);
    const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
    const alive = () => {
      try {
        return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${sleeper}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive()).to.equal(false);
  });

  it('SuccessAction=exit without an exit.target on the unit path: stops every unit, then exits with the status', async () => {
    fs.writeFileSync(path.join(dir, 'units', 'default.target'), '[Unit]\nDescription=Top\nWants=once.service\n');
    fs.writeFileSync(path.join(dir, 'units', 'once.service'), '[Unit]\nDefaultDependencies=no\nSuccessAction=exit\nSuccessActionExitStatus=3\n[Service]\nType=oneshot\nExecStart=/bin/true\n');
    const d = runDaemon(['--user'], { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run') });
    expect(await d.exited).to.equal(3);
    expect(d.stderr()).to.match(/Failed to enqueue exit\.target job: /);
    expect(d.stderr()).to.match(/default\.target: Stopped Top\./);
    expect(d.stderr()).to.match(/All units stopped\. Exiting\./);
  });

  it('exits 2 with a message on a bad option', async () => {
    const d = runDaemon(['--frobnicate'], process.env);
    expect(await d.exited).to.equal(2);
    expect(d.stderr()).to.match(/Unknown option --frobnicate/);
  });
});
