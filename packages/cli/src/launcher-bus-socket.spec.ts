/**
 * unitkitd-launcher (the addon's C program behind bin/unitkitd) and the manager's side of its
 * handover: the private bus socket is listening before Node starts, so a systemctl started in the
 * same instant as the manager waits for it instead of failing. Skipped, saying why, where the
 * launcher is not built or systemctl is missing.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeFd, getCloexec, launcherPath, socketPair } from '@unitkit/native';
import { LAUNCHER_BUS_FD_VARIABLE, privateBusPath, takeLauncherBusSocket } from './launcher-bus-socket.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const daemon = path.join(here, 'unitkitd.js');
const launcher = launcherPath;

describe('unitkitd-launcher', function () {
  this.timeout(30000);
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(function () {
    if (!fs.existsSync(launcher)) {
      console.log(`    (skipped: ${launcher} is not built; run node-gyp rebuild in packages/native)`);
      this.skip();
    }
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-'));
    fs.mkdirSync(path.join(dir, 'units'));
    env = { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: dir, XDG_RUNTIME_DIR: dir, SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' };
    delete env[LAUNCHER_BUS_FD_VARIABLE];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs a shell command as the launcher's program and returns what it printed. */
  const run = (command: string, daemonArgs: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    spawnSync(launcher, ['/bin/sh', '-c', command, 'sh', ...daemonArgs], { env: { ...env, ...extraEnv }, encoding: 'utf8' });

  it('hands over a listening socket at $XDG_RUNTIME_DIR/systemd/private in --user mode', () => {
    const r = run('test -S "$XDG_RUNTIME_DIR/systemd/private" && echo "fd=$UNITKIT_BUS_FD" && stat -c %a "$XDG_RUNTIME_DIR/systemd/private"', ['--user']);
    expect(r.stdout.split('\n')[0]).to.match(/^fd=\d+$/);
    expect(r.stdout.split('\n')[1]).to.equal('600');
  });

  it('binds nothing for the bundled examples, for --help, for a re-exec, or where another manager answers', () => {
    const check = 'echo "fd=${UNITKIT_BUS_FD:-none}"';
    const examplesEnv = { UNITKIT_UNIT_PATH: undefined, UNITKIT_RUNTIME_DIR: undefined };
    expect(spawnSync(launcher, ['/bin/sh', '-c', check, 'sh', '--user'], { env: { ...env, ...examplesEnv }, encoding: 'utf8' }).stdout).to.equal('fd=none\n');
    expect(fs.existsSync(path.join(dir, 'systemd'))).to.equal(false);
    expect(run(check, ['--user', '--help']).stdout).to.equal('fd=none\n');
    expect(run(check, ['--user', '--deserialize=5']).stdout).to.equal('fd=none\n');
    // A stale value in the environment is never passed on.
    expect(run(check, ['--user', '--help'], { [LAUNCHER_BUS_FD_VARIABLE]: '7' }).stdout).to.equal('fd=none\n');
    // The first program keeps its socket open (and answering) while a second launch looks.
    const r = run(`${JSON.stringify(launcher)} /bin/sh -c '${check}' sh --user`, ['--user']);
    expect(r.stdout).to.equal('fd=none\n');
  });

  it('is what bin/unitkitd runs, through the node_modules/.bin link and directly', () => {
    const bin = path.join(here, '..', 'bin', 'unitkitd');
    const linked = path.join(here, '..', '..', '..', 'node_modules', '.bin', 'unitkitd');
    for (const entry of [bin, linked].filter((p) => fs.existsSync(p))) {
      const r = spawnSync(entry, ['--user', '--help'], { env: { ...env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(r.status, `${entry}: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.contain('unitkitd [OPTIONS]');
    }
  });

  it('binds nothing for a system manager that is not the machine\'s (not PID 1, no --as-init)', () => {
    expect(run('echo "fd=${UNITKIT_BUS_FD:-none}"', ['--system']).stdout).to.equal('fd=none\n');
  });

  it('reports a program it cannot execute', () => {
    const r = spawnSync(launcher, [path.join(dir, 'missing')], { env, encoding: 'utf8' });
    expect(r.status).to.equal(127);
    expect(r.stderr).to.contain('cannot execute');
  });

  it('lets a systemctl started before the manager wait for it and get its answer', async function () {
    if (spawnSync('systemctl', ['--version'], { stdio: 'ignore' }).status !== 0) {
      console.log('    (skipped: systemctl is not installed)');
      this.skip();
    }
    fs.writeFileSync(path.join(dir, 'units', 'default.target'), '[Unit]\nDescription=Top\n');
    // systemctl runs before Node is even exec'd: only the launcher's socket can answer it.
    const script = `(systemctl --user is-system-running; echo $?) > "${dir}/answer" 2>&1 & exec "${process.execPath}" "${daemon}" --user`;
    const child = spawn(launcher, ['/bin/sh', '-c', script, 'sh', '--user'], { env, stdio: 'ignore' });
    try {
      const answer = path.join(dir, 'answer');
      const end = Date.now() + 20000;
      while (!(fs.existsSync(answer) && fs.readFileSync(answer, 'utf8').split('\n').length > 2) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const [state, rc] = fs.readFileSync(answer, 'utf8').trim().split('\n');
      expect(state).to.be.oneOf(['starting', 'running']);
      expect(rc).to.be.oneOf(['0', '1']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('takeLauncherBusSocket()', () => {
  it('takes a listening unix socket bound at the bus path, close-on-exec, and clears the variable', function () {
    if (!fs.existsSync(launcher)) {
      console.log(`    (skipped: ${launcher} is not built)`);
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-take-'));
    try {
      const code = `
        import { takeLauncherBusSocket } from ${JSON.stringify(path.join(here, 'launcher-bus-socket.js'))};
        import { getCloexec } from '@unitkit/native';
        const fd = takeLauncherBusSocket(process.env, process.env.XDG_RUNTIME_DIR + '/systemd/private');
        console.log(JSON.stringify({ taken: fd !== undefined, cloexec: fd !== undefined && getCloexec(fd), left: process.env.UNITKIT_BUS_FD ?? null }));`;
      const env = { ...process.env, UNITKIT_RUNTIME_DIR: dir, XDG_RUNTIME_DIR: dir };
      const r = spawnSync(launcher, [process.execPath, '--input-type=module', '-e', code, '--', '--user'], { cwd: here, env, encoding: 'utf8' });
      expect(JSON.parse(r.stdout)).to.deep.equal({ taken: true, cloexec: true, left: null });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes and refuses what is not the socket it expects', () => {
    const [a, b] = socketPair('stream');
    const env: NodeJS.ProcessEnv = { [LAUNCHER_BUS_FD_VARIABLE]: String(a) };
    expect(takeLauncherBusSocket(env, '/nonexistent/private')).to.equal(undefined);
    expect(env[LAUNCHER_BUS_FD_VARIABLE]).to.equal(undefined);
    expect(() => getCloexec(a)).to.throw();
    closeFd(b);
    expect(takeLauncherBusSocket({ [LAUNCHER_BUS_FD_VARIABLE]: 'x' }, '/p')).to.equal(undefined);
    expect(takeLauncherBusSocket({}, '/p')).to.equal(undefined);
  });

  it('puts the bus where systemctl looks for it, the host\'s path only for the machine\'s manager', () => {
    expect(privateBusPath('system', {})).to.equal('/run/systemd/private');
    expect(privateBusPath('system', {}, { machineManager: true, runtimeDir: '/run/unitkit' })).to.equal('/run/systemd/private');
    expect(privateBusPath('system', {}, { machineManager: false, runtimeDir: '/tmp/x/run' })).to.equal('/tmp/x/run/systemd/private');
    expect(privateBusPath('user', { XDG_RUNTIME_DIR: '/run/user/5' })).to.equal('/run/user/5/systemd/private');
    expect(privateBusPath('user', {})).to.equal(undefined);
  });
});
