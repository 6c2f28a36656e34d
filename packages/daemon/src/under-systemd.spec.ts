/**
 * @unitkit/daemon under a real `systemd --user`: a Node service socket-activated by systemd
 * takes its socket with listen(), answers, and reports READY=1 with a status.
 */
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-fixtures/report.mjs');
const systemdBinary = '/usr/lib/systemd/systemd';

/** Why systemd --user cannot run here, or undefined when it can. */
function cannotRunSystemd(): string | undefined {
  if (!fs.existsSync(systemdBinary)) return `${systemdBinary} is not installed`;
  try {
    fs.mkdirSync('/run/systemd/system', { recursive: true });
  } catch (e) {
    return `cannot create /run/systemd/system (${(e as Error).message}); systemd --user refuses to run without it`;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('@unitkit/daemon under systemd --user', function () {
  this.timeout(30000);
  let root: string;
  let systemd: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;

  before(function () {
    const why = cannotRunSystemd();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  afterEach(() => {
    if (systemd?.pid) {
      try {
        process.kill(-systemd.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves on the socket systemd passed and reports READY=1 with its status', async function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-under-systemd-'));
    const units = path.join(root, 'units');
    const run = path.join(root, 'run');
    fs.mkdirSync(units);
    fs.mkdirSync(run, { mode: 0o700 });
    const port = await freePort();
    fs.writeFileSync(path.join(units, 'nodeecho.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\n`);
    fs.writeFileSync(path.join(units, 'nodeecho.service'), `[Service]\nType=notify\nExecStart=${process.execPath} ${fixture} echo\n`);
    env = { ...process.env, XDG_RUNTIME_DIR: run, SYSTEMD_UNIT_PATH: `${units}:`, XDG_CONFIG_HOME: path.join(root, 'config') };
    systemd = spawn(systemdBinary, ['--user'], { env, stdio: 'ignore', detached: true });
    const privateSocket = path.join(run, 'systemd', 'private');
    for (let i = 0; i < 300 && !fs.existsSync(privateSocket); i++) await new Promise((r) => setTimeout(r, 50));
    if (!fs.existsSync(privateSocket)) {
      console.log('      skipped: systemd --user did not come up on this machine');
      this.skip();
    }
    const ctl = (...args: string[]) => execFileSync('systemctl', ['--user', '--no-pager', ...args], { env, encoding: 'utf8' });
    ctl('start', 'nodeecho.socket');
    const reply = await new Promise<string>((resolve, reject) => {
      const c = net.connect(port, '127.0.0.1', () => c.write('hello\n'));
      c.on('data', (d) => {
        resolve(String(d));
        c.destroy();
      });
      c.on('error', reject);
    });
    expect(reply).to.equal('hello\n');
    let status = '';
    for (let i = 0; i < 100 && status !== 'activated'; i++) {
      status = ctl('show', 'nodeecho.service', '-p', 'StatusText', '--value').trim();
      if (status !== 'activated') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).to.equal('activated');
    expect(ctl('show', 'nodeecho.service', '-p', 'ActiveState', '--value').trim()).to.equal('active');
  });
});
