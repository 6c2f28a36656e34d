/**
 * unitkitd as a container's init, end to end: the entrypoint of examples/container/Dockerfile
 * (the same argv) runs as PID 1 of new pid, mount, network and cgroup namespaces made with
 * unshare — what `docker run` gives it, Docker itself not being on the machines that run these
 * tests. Its /run is a tmpfs of its own, its network namespace has only lo (so 0.0.0.0:8080 is
 * private to it), and its cgroup is either a delegated cgroup v2 (a cgroup namespace with cgroup2
 * mounted at /sys/fs/cgroup, as `--cgroupns=private`) or none writable (a tmpfs there: the
 * process-group fallback). Clients run inside the namespaces through nsenter.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderExampleUnits } from '@unitkit/cli';
import { sigrtmin } from '@unitkit/native';

const here = path.dirname(fileURLToPath(import.meta.url));
const cliDist = path.resolve(here, '../../../packages/cli/dist');
/** What the image's PATH finds as `unitkitd`: the bin shim, through the C launcher when it is built. */
const unitkitd = path.resolve(here, '../../../node_modules/.bin/unitkitd');
const unitkitctl = path.resolve(cliDist, '../bin/unitkitctl.js');
const dockerfile = fs.readFileSync(path.resolve(here, '../../../examples/container/Dockerfile'), 'utf8');
/** The Dockerfile's ENTRYPOINT arguments, read from it: the test runs what the image runs. */
const entrypointArgs: string[] = (() => {
  const m = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
  const argv = m ? (JSON.parse(m[1]!) as string[]) : [];
  if (argv[0] !== 'unitkitd') throw new Error(`examples/container/Dockerfile: no ENTRYPOINT ["unitkitd", …] (${m?.[0]})`);
  return argv.slice(1);
})();
/** The image's ENV UNITKIT_EXAMPLES_HOST. */
const examplesHost = /^ENV UNITKIT_EXAMPLES_HOST=(\S+)$/m.exec(dockerfile)?.[1] ?? '127.0.0.1';

/** A booted container. */
interface Container {
  /** PID 1's pid on the host. */
  pid: number;
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Why these tests cannot run here, or undefined. */
function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for pid, mount, network and cgroup namespaces';
  for (const [tool, arg] of [['unshare', '--version'], ['nsenter', '--version'], ['ip', '-V'], ['python3', '--version']] as const) {
    if (spawnSync(tool, [arg], { stdio: 'ignore' }).status !== 0) return `${tool} is not installed`;
  }
  const probe = spawnSync('unshare', ['--mount', '--pid', '--net', '--cgroup', '--fork', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `unshare cannot create the namespaces here: ${probe.stderr.trim()}`;
  if (!fs.readFileSync('/proc/filesystems', 'utf8').includes('cgroup2')) return 'the kernel has no cgroup2';
  return undefined;
}

describe("end to end: unitkitd as a container's init (PID 1 of new namespaces)", function () {
  this.timeout(90000);
  let dir: string;
  let container: Container | undefined;

  before(function () {
    const missing = missingPrerequisite();
    if (missing) {
      console.log(`    (skipped: ${missing})`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-init-'));
  });

  afterEach(async function () {
    // What PID 1 said, when a test failed: the only view into the namespaces afterwards.
    if (this.currentTest?.state === 'failed' && container) console.log(`unitkitd's stderr:\n${container.err()}\nstdout:\n${container.out()}`);
    if (container && container.child.exitCode === null && container.child.signalCode === null) {
      container.child.kill('SIGKILL');
      await container.exit;
    }
    container = undefined;
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts the entrypoint as PID 1. `cgroup`: 'delegated' mounts the cgroup namespace's own cgroup2
   * at /sys/fs/cgroup; 'none' hides every cgroup under a tmpfs.
   */
  async function boot(cgroup: 'delegated' | 'none', env: Record<string, string> = {}): Promise<Container> {
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs /run',
      'ip link set lo up',
      cgroup === 'delegated' ? 'mount -t cgroup2 cgroup2 /sys/fs/cgroup' : 'mount -t tmpfs -o ro tmpfs /sys/fs/cgroup',
      `exec "${unitkitd}" ${entrypointArgs.join(' ')}`,
    ].join('\n');
    const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: '/root', UNITKIT_EXAMPLES_HOST: examplesHost, ...env };
    const child = spawn('unshare', ['--mount', '--pid', '--net', '--cgroup', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const c: Container = { pid: 0, child, out: () => out, err: () => err, exit };
    container = c;
    const end = Date.now() + 30000;
    while (!/Control socket:/.test(err)) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`unitkitd did not start:\n${err}`);
      await sleep(50);
    }
    const pids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
    const init = pids.find((p) => /NSpid:\s+\d+\s+1\b/.test(fs.readFileSync(`/proc/${p}/status`, 'utf8')));
    if (!init) throw new Error(`no PID 1 among ${pids.join(',')}`);
    c.pid = init;
    return c;
  }

  /** Runs `cmd` inside the container's namespaces. */
  const inside = (c: Container, cmd: string, args: string[] = []) =>
    spawnSync('nsenter', ['-t', String(c.pid), '-m', '-n', '-p', 'sh', '-c', cmd, 'sh', ...args], { encoding: 'utf8', timeout: 20000, env: { PATH: process.env.PATH, UNITKIT_RUNTIME_DIR: '/run/unitkit' } });

  const httpGet = `import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen('http://127.0.0.1:8080' + sys.argv[1], timeout=5)
except urllib.error.HTTPError as e:
    r = e
print(r.status)
print(r.read().decode(), end='')`;
  /** GET on the health endpoint from inside: status and body. */
  function health(c: Container, what: string): { status: number; body: string } {
    const r = inside(c, 'exec python3 -c "$1" "$2"', [httpGet, what]);
    const [status, ...body] = r.stdout.split('\n');
    return { status: Number(status), body: body.join('\n') };
  }
  async function waitHealth(c: Container, what: string, status: number): Promise<{ status: number; body: string }> {
    const end = Date.now() + 30000;
    for (;;) {
      const h = health(c, what);
      if (h.status === status) return h;
      if (Date.now() > end) throw new Error(`${what} stayed ${h.status} ${h.body}\n${c.err()}`);
      await sleep(100);
    }
  }
  const ctl = (c: Container, ...args: string[]) => inside(c, `exec "${process.execPath}" "${unitkitctl}" "$@"`, args);
  /** The processes of the container: pid (inside), ppid, state, command line. */
  function processes(c: Container): Array<{ pid: number; ppid: number; state: string; cmd: string }> {
    const r = inside(c, 'for d in /proc/[0-9]*; do s=$(cat $d/stat 2>/dev/null) && echo "$s|$(tr "\\0" " " < $d/cmdline 2>/dev/null)"; done');
    return r.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [stat, cmd] = line.split('|');
        const after = stat!.slice(stat!.lastIndexOf(')') + 2).split(' ');
        return { pid: Number(stat!.split(' ')[0]), ppid: Number(after[1]), state: after[0]!, cmd: (cmd ?? '').trim() };
      });
  }

  it('runs the ENTRYPOINT of the Dockerfile: --system, the console, the health endpoint on 0.0.0.0:8080', () => {
    expect(entrypointArgs).to.deep.equal(['--system', '--log-target=console', '--health-listen=0.0.0.0:8080']);
    expect(examplesHost).to.equal('0.0.0.0');
    expect(dockerfile).to.match(/^STOPSIGNAL SIGRTMIN\+3$/m);
    expect(dockerfile).to.match(/^HEALTHCHECK .*\n.*\/readyz/m);
  });

  it('runs the bundled examples from the image entrypoint: the echo answers, the probes answer, SIGTERM stops every unit in order and exits 0', async () => {
    const c = await boot('delegated');
    expect((await waitHealth(c, '/readyz', 200)).body).to.equal('ready\n');
    expect(health(c, '/livez')).to.deep.equal({ status: 200, body: 'ok\n' });
    // The exec-probe alternative.
    const probe = ctl(c, 'is-system-running');
    expect([probe.status, probe.stdout]).to.deep.equal([0, 'running\n']);
    // The examples' sockets bind 0.0.0.0 in the image (UNITKIT_EXAMPLES_HOST): published ports reach them.
    const echo = inside(c, 'exec python3 -c "import socket;s=socket.create_connection((\'127.0.0.1\',7777));s.send(b\'hello\\n\');print(s.recv(99).decode(),end=\'\')"');
    expect(echo.stdout).to.equal('hello\n');
    expect(ctl(c, 'show', 'echo.socket', '-p', 'Listen', '--value').stdout).to.match(/0\.0\.0\.0:7777 \(Stream\)/);
    expect(c.err()).to.include('Health endpoint: http://0.0.0.0:8080/livez and /readyz');
    expect(c.err()).to.not.match(/^<\d>/m); // console: no journald priority prefixes
    const t0 = Date.now();
    process.kill(c.pid, 'SIGTERM');
    expect(await c.exit).to.deep.equal({ code: 0, signal: null });
    expect(Date.now() - t0).to.be.below(30000);
    const log = c.err();
    expect(log).to.include('Received SIGTERM, stopping all units.');
    // Dependency order: the service before the socket that activates it.
    expect(log.indexOf('echo.service: Stopped')).to.be.within(0, log.indexOf('echo.socket: Stopped'));
    expect(log).to.include('All units stopped. Exiting.');
  });

  it('answers readiness as units start, run and fail; leaves no orphan or zombie of a stopped service; exits with the status FailureAction=exit names', async () => {
    const units = path.join(dir, 'units-health');
    renderExampleUnits(units, { host: '0.0.0.0' });
    const unit = (name: string, text: string) => fs.writeFileSync(path.join(units, name), text);
    // default.target also waits for a slow oneshot: the system is "starting" for a while.
    unit('default.target', '[Unit]\nDescription=test\nWants=examples.target slow.service\n');
    unit('slow.service', '[Service]\nType=oneshot\nExecStart=/bin/sh -c "sleep 6"\n');
    unit('orphans.service', '[Service]\nExecStart=/bin/sh -c "echo leaving orphans; (sleep 1001 &); (sleep 1002 &); exec sleep 1003"\n');
    unit('bad.service', '[Service]\nExecStart=/bin/false\n');
    unit('job.service', '[Unit]\nFailureAction=exit\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "exit 3"\n');
    const c = await boot('delegated', { UNITKIT_UNIT_PATH: units });
    const starting = health(c, '/readyz');
    expect(starting.status).to.equal(503);
    expect(starting.body).to.match(/^not ready: system is (initializing|starting)\n/);
    await waitHealth(c, '/readyz', 200);

    // A service whose children leave it: they are re-parented to PID 1, and die with its stop.
    expect(ctl(c, 'start', 'orphans.service').status).to.equal(0);
    let orphans: ReturnType<typeof processes> = [];
    for (let i = 0; i < 100 && orphans.length < 2; i++) {
      orphans = processes(c).filter((p) => /^sleep 100[12]$/.test(p.cmd));
      await sleep(50);
    }
    expect(orphans.map((p) => p.ppid)).to.deep.equal([1, 1]);
    expect(ctl(c, 'stop', 'orphans.service').status).to.equal(0);
    let left = processes(c).filter((p) => /^sleep 100[123]$/.test(p.cmd) || p.state === 'Z');
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await sleep(50);
      left = processes(c).filter((p) => /^sleep 100[123]$/.test(p.cmd) || p.state === 'Z');
    }
    expect(left).to.deep.equal([]);
    // Its output reached the container's stdout with the unit's name.
    await waitFor(() => /^orphans\.service\[\d+\]: leaving orphans$/m.test(c.out()));

    // A failed unit: degraded, 503 naming it; reset-failed makes the system ready again.
    // Type=simple: the start succeeds (as with systemctl), then the process fails.
    ctl(c, 'start', 'bad.service');
    const degraded = await waitHealth(c, '/readyz', 503);
    expect(degraded.body).to.equal('not ready: system is degraded\nfailed: bad.service (failed/failed)\n');
    const json = JSON.parse(inside(c, 'exec python3 -c "import urllib.request as u,urllib.error as e\ntry: r=u.urlopen(u.Request(\'http://127.0.0.1:8080/readyz\',headers={\'Accept\':\'application/json\'}))\nexcept e.HTTPError as x: r=x\nprint(r.read().decode())"').stdout);
    expect(json).to.deep.include({ ready: false, systemState: 'degraded' });
    expect(health(c, '/livez').status).to.equal(200);
    expect(ctl(c, 'is-system-running').status).to.equal(1);
    ctl(c, 'reset-failed');
    await waitHealth(c, '/readyz', 200);

    // FailureAction=exit with the main process's status: no exit.target here, so unitkitd stops
    // every unit itself and exits 3 — what `docker run` reports.
    ctl(c, 'start', '--no-block', 'job.service');
    expect(await c.exit).to.deep.equal({ code: 3, signal: null });
    expect(c.err()).to.include('All units stopped. Exiting.');
  });

  it("systemctl exit N and systemctl halt (the real systemctl, as in a systemd image): exit.target's status, halt.target's 0", async function () {
    if (spawnSync('systemctl', ['--version'], { stdio: 'ignore' }).status !== 0) {
      console.log('      (skipped: systemctl is not installed)');
      return this.skip();
    }
    const units = path.join(dir, 'units-exit');
    renderExampleUnits(units, { host: '0.0.0.0' });
    // systemd 252's own exit and halt chains (units/exit.target, systemd-exit.service, halt.target,
    // systemd-halt.service), shutdown.target stopping every unit with default dependencies.
    const unit = (name: string, text: string) => fs.writeFileSync(path.join(units, name), `[Unit]\nDefaultDependencies=no\n${text}`);
    unit('shutdown.target', 'RefuseManualStart=yes\n');
    unit('exit.target', 'Requires=systemd-exit.service\nAfter=systemd-exit.service\nAllowIsolate=yes\n');
    unit('systemd-exit.service', 'Requires=shutdown.target\nAfter=shutdown.target\nSuccessAction=exit-force\n');
    unit('halt.target', 'Requires=systemd-halt.service\nAfter=systemd-halt.service\nAllowIsolate=yes\n');
    unit('systemd-halt.service', 'Requires=shutdown.target\nAfter=shutdown.target\n[Service]\nType=oneshot\nExecStart=systemctl --force halt\n');
    let c = await boot('delegated', { UNITKIT_UNIT_PATH: units });
    await waitHealth(c, '/readyz', 200);
    expect(inside(c, 'systemctl exit 5').status).to.equal(0);
    expect(await c.exit).to.deep.equal({ code: 5, signal: null });
    expect(c.err()).to.include('Exiting with status 5: unit systemd-exit.service succeeded.');
    expect(c.err().indexOf('ticker.service: Stopped')).to.be.within(0, c.err().indexOf('Exiting with status 5'));

    c = await boot('delegated', { UNITKIT_UNIT_PATH: units });
    await waitHealth(c, '/readyz', 200);
    process.kill(c.pid, sigrtmin() + 3);
    expect(await c.exit).to.deep.equal({ code: 0, signal: null });
    expect(c.err()).to.include('Received SIGRTMIN+3, starting halt.target.');
    expect(c.err()).to.include('Halting (ending unitkitd) with status 0: halt requested over D-Bus.');
    expect(c.err().indexOf('ticker.service: Stopped')).to.be.within(0, c.err().indexOf('Halting'));
  });

  it('without a writable cgroup: the process-group fallback, no orphan left, SIGRTMIN+3 (STOPSIGNAL of systemd images) halts with 0', async () => {
    const units = path.join(dir, 'units-fallback');
    renderExampleUnits(units, { host: '0.0.0.0' });
    fs.writeFileSync(path.join(units, 'orphans.service'), '[Service]\nExecStart=/bin/sh -c "(sleep 1001 &); (sleep 1002 &); exec sleep 1003"\n');
    fs.writeFileSync(path.join(units, 'default.target'), '[Unit]\nDescription=test\nWants=examples.target orphans.service\n');
    const c = await boot('none', { UNITKIT_UNIT_PATH: units });
    await waitHealth(c, '/readyz', 200);
    await waitFor(() => /Tracking unit processes by process group: no writable cgroup v2/.test(c.err()));
    let orphans: ReturnType<typeof processes> = [];
    for (let i = 0; i < 100 && orphans.length < 2; i++) {
      orphans = processes(c).filter((p) => /^sleep 100[12]$/.test(p.cmd));
      await sleep(50);
    }
    expect(orphans.map((p) => p.ppid)).to.deep.equal([1, 1]);
    expect(ctl(c, 'stop', 'orphans.service').status).to.equal(0);
    let left = processes(c).filter((p) => /^sleep 100[123]$/.test(p.cmd) || p.state === 'Z');
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await sleep(50);
      left = processes(c).filter((p) => /^sleep 100[123]$/.test(p.cmd) || p.state === 'Z');
    }
    expect(left).to.deep.equal([]);
    // A process no unit owns (started from outside, as `docker exec` would): PID 1's last SIGTERM ends it.
    spawn('nsenter', ['-t', String(c.pid), '-m', '-n', '-p', 'sleep', '1004'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !processes(c).some((p) => p.cmd === 'sleep 1004'); i++) await sleep(50);
    process.kill(c.pid, sigrtmin() + 3);
    expect(await c.exit).to.deep.equal({ code: 0, signal: null });
    expect(c.err()).to.include('Received SIGRTMIN+3, stopping all units.');
    expect(c.err()).to.include('Sending SIGTERM to remaining processes...');
    expect(c.err()).to.not.include('Sending SIGKILL');
  });
});

/** Waits (letting the container's output be read) until `test` holds; throws after 20 s. */
async function waitFor(test: () => boolean): Promise<void> {
  const end = Date.now() + 20000;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${test.toString()}`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
