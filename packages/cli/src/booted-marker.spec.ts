import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBootedMarker } from './booted-marker.js';

describe('booted marker (/run/systemd/system)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'booted-marker-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and its parents, mode 0755, and leaves an existing one alone', () => {
    const marker = path.join(dir, 'systemd', 'system');
    expect(createBootedMarker(marker)).to.equal(undefined);
    expect(fs.statSync(marker).isDirectory()).to.equal(true);
    expect(fs.statSync(marker).mode & 0o777).to.equal(0o755 & ~process.umask());
    expect(createBootedMarker(marker)).to.equal(undefined);
  });

  it('reports, without throwing, a marker it cannot create', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    expect(createBootedMarker(path.join(file, 'system'))).to.be.a('string');
    expect(createBootedMarker(file)).to.be.a('string');
  });
});

describe('unitkitd --system as PID 1 of its namespace (end to end)', function () {
  this.timeout(30000);
  const here = path.dirname(fileURLToPath(import.meta.url));
  let dir: string;
  let child: ReturnType<typeof spawn> | undefined;
  let log = '';

  before(function () {
    const missing = ['unshare', 'nsenter', 'systemctl'].find((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status !== 0);
    if (missing || process.getuid?.() !== 0) {
      console.log(`    (skipped: ${missing ? `${missing} is not installed` : 'needs root for mount and pid namespaces'})`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'machine-manager-'));
    const unit = (n: string, t: string) => fs.writeFileSync(path.join(dir, n), t);
    for (const t of ['default', 'sysinit', 'basic', 'shutdown']) unit(`${t}.target`, `[Unit]\nDescription=${t}\nDefaultDependencies=no\n`);
    unit('hello.service', '[Service]\nExecStart=/bin/sleep 1000\n');
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    child = undefined;
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts unitkitd as PID 1 of new pid and mount namespaces with a /run of its own; returns its host pid. */
  async function boot(scopeArgs: string[]): Promise<number> {
    log = '';
    const script = `mount -t proc proc /proc && mount -t tmpfs tmpfs /run && exec "${process.execPath}" "${path.join(here, 'unitkitd.js')}" ${scopeArgs.join(' ')} --unit-path=${dir} --runtime-dir=/run/unitkit`;
    child = spawn('unshare', ['--mount', '--pid', '--fork', '--kill-child', 'sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_RUNTIME_DIR: '/run/user-test' } });
    child.stderr!.on('data', (d) => (log += d));
    const end = Date.now() + 15000;
    for (;;) {
      if (/Startup finished/.test(log)) break;
      if (Date.now() > end || child.exitCode !== null) throw new Error(`unitkitd did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // unshare forks: the namespace's PID 1 is its child; find it by its NSpid.
    const pids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
    const init = pids.find((p) => /NSpid:\s+\d+\s+1\b/.test(fs.readFileSync(`/proc/${p}/status`, 'utf8')));
    if (!init) throw new Error(`no PID 1 among ${pids.join(',')}`);
    return init;
  }

  const inside = (pid: number, cmd: string) => spawnSync('nsenter', ['-t', String(pid), '-m', '-p', 'sh', '-c', cmd], { encoding: 'utf8', timeout: 20000 });

  it('creates /run/systemd/system, so the real systemctl (system mode) drives it', async () => {
    const pid = await boot(['--system']);
    expect(inside(pid, 'test -d /run/systemd/system && echo yes').stdout).to.equal('yes\n');
    expect(inside(pid, 'systemctl is-system-running').stdout).to.equal('running\n');
    expect(inside(pid, 'systemctl start hello.service').status).to.equal(0);
    expect(inside(pid, 'systemctl is-active hello.service').stdout).to.equal('active\n');
  });

  it('never in --user mode, even as PID 1', async () => {
    const pid = await boot(['--user']);
    expect(inside(pid, 'test -e /run/systemd/system && echo yes || echo no').stdout).to.equal('no\n');
  });
});
