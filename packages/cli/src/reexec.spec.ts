/**
 * `unitkitctl daemon-reexec` end to end, with real processes: the manager execs itself in place
 * while clients hammer its sockets, and comes back with the same pid, its services re-attached
 * (main pid, watchdog, fd store), its listening sockets never closed and its jobs completing.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlClient } from './control-client.js';
import { runCtl } from './unitkitctl.js';

const daemon = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'unitkitd.js');
/** The real python3 binary (not a version manager's shim, which can take seconds to start), if any. */
const python = ((): string | undefined => {
  const r = spawnSync('python3', ['-c', 'import os, sys; os.memfd_create; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
})();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free loopback port (bound, read, released). */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** One round trip: connect, send, read the echo. Resolves to 'ok' or the error code. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    let got = '';
    const done = (r: string) => {
      s.destroy();
      resolve(r);
    };
    s.setTimeout(20_000, () => done('ETIMEDOUT'));
    s.on('connect', () => s.write(text));
    s.on('data', (d) => {
      got += d.toString();
      if (got === text) done('ok');
    });
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    s.on('close', () => done(got === text ? 'ok' : 'closed-early'));
  });
}

describe('unitkitd daemon-reexec', function () {
  this.timeout(60_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let child: ReturnType<typeof spawn> | undefined;
  let stderr = '';

  const ctl = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const rc = await runCtl(['--user', ...args], env, { out: (l) => out.push(l), err: (l) => err.push(l) }, false);
    return { rc, out: out.join('\n'), err: err.join('\n') };
  };
  const prop = async (unit: string, name: string) => (await ctl('show', '-p', name, '--value', unit)).out;
  const waitUntil = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (await check()) return;
    throw new Error(`timed out waiting for ${what}; stderr:\n${stderr}`);
  };
  const unit = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'units', name), text);

  beforeEach(function () {
    if (!python) {
      console.log('      skipped: python3 (with os.memfd_create) runs the test services and is missing');
      return this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkitd-reexec-'));
    fs.mkdirSync(path.join(dir, 'units'));
    env = { ...process.env, UNITKIT_UNIT_PATH: path.join(dir, 'units'), UNITKIT_RUNTIME_DIR: path.join(dir, 'run'), XDG_RUNTIME_DIR: path.join(dir, 'xdg') };
    fs.mkdirSync(env.XDG_RUNTIME_DIR!);
    for (const t of ['basic', 'sockets', 'shutdown']) unit(`${t}.target`, '[Unit]\n');
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
    stderr = '';
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const startDaemon = async (wants: string[]) => {
    unit('default.target', `[Unit]\nWants=${wants.join(' ')}\n`);
    child = spawn(process.execPath, [daemon, '--user'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    await waitUntil('startup', async () => /Startup finished/.test(stderr));
  };
  const reexec = async () => {
    const r = await ctl('daemon-reexec');
    expect(r, stderr).to.deep.equal({ rc: 0, out: '', err: '' });
  };
  /** The pid the manager reports itself (the control protocol's hello). */
  const managerPid = async () => {
    const c = await ControlClient.connect(path.join(dir, 'run', 'private'), 2000);
    try {
      return (await c.call<{ pid: number }>('hello')).pid;
    } finally {
      c.close();
    }
  };

  it('keeps socket-activated services serving under load: no refused connection, same MainPID, still supervised', async () => {
    const portNo = await freePort();
    const portYes = await freePort();
    const echo = path.join(dir, 'echo.py');
    fs.writeFileSync(echo, 'import socket\ns = socket.socket(fileno=3)\nwhile True:\n    c, _ = s.accept()\n    c.sendall(c.recv(99))\n    c.close()\n');
    const once = path.join(dir, 'once.py');
    fs.writeFileSync(once, 'import socket\nc = socket.socket(fileno=3)\nc.sendall(c.recv(99))\nc.close()\n');
    unit('echo.socket', `[Socket]\nListenStream=127.0.0.1:${portNo}\n`);
    unit('echo.service', `[Service]\nExecStart=${python} ${echo}\nRestart=always\nRestartSec=50ms\n`);
    unit('acc.socket', `[Socket]\nListenStream=127.0.0.1:${portYes}\nAccept=yes\n`);
    unit('acc@.service', `[Service]\nExecStart=${python} ${once}\n`);
    await startDaemon(['echo.socket', 'acc.socket']);
    expect(await roundTrip(portNo, 'first')).to.equal('ok');
    const mainPid = await prop('echo.service', 'MainPID');
    expect(Number(mainPid)).to.be.greaterThan(0);

    // Two clients in a loop each (bounded), one per socket, across the re-exec.
    const results: Record<string, number> = {};
    let reexecDone = false;
    const hammer = async (port: number, tag: string) => {
      let after = 0;
      for (let i = 0; i < 3000 && after < 10; i++) {
        const r = await roundTrip(port, `${tag}${i}`);
        results[`${tag}:${r}`] = (results[`${tag}:${r}`] ?? 0) + 1;
        if (reexecDone) after++;
      }
    };
    const loops = [hammer(portNo, 'no'), hammer(portYes, 'yes'), hammer(portYes, 'yes'), hammer(portYes, 'yes')];
    await sleep(200);
    await reexec();
    reexecDone = true;
    await Promise.all(loops);
    const refused = Object.entries(results).filter(([k]) => k.endsWith(':ECONNREFUSED')).reduce((n, [, v]) => n + v, 0);
    console.log(`      round trips across the re-exec: ${JSON.stringify(results)}; refused: ${refused}`);
    expect(refused).to.equal(0);
    expect(Object.keys(results).filter((k) => !k.endsWith(':ok')), JSON.stringify(results)).to.deep.equal([]);
    expect(stderr).to.match(/Reexecuting\./);
    expect(stderr).to.match(/Deserialized \d+ units/);

    // Same main process, still the manager's: killing it is seen and the service restarted.
    expect(await prop('echo.service', 'MainPID')).to.equal(mainPid);
    expect(await prop('echo.socket', 'ActiveState')).to.equal('active');
    process.kill(Number(mainPid), 'SIGKILL');
    await waitUntil('the restart', async () => {
      const p = await prop('echo.service', 'MainPID');
      return p !== mainPid && p !== '0' && (await prop('echo.service', 'ActiveState')) === 'active';
    });
    expect(await prop('echo.service', 'NRestarts')).to.equal('1');
    expect(await roundTrip(portNo, 'after')).to.equal('ok');
    expect(await roundTrip(portYes, 'after')).to.equal('ok');
  });

  it('keeps a Type=notify service watchdog armed across the re-exec', async () => {
    const stopFile = path.join(dir, 'stop-pinging');
    const wd = path.join(dir, 'wd.py');
    fs.writeFileSync(
      wd,
      'import os, socket, time\n' +
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n' +
        "a = os.environ['NOTIFY_SOCKET']\n" +
        "s.sendto(b'READY=1', a)\n" +
        'while True:\n' +
        '    time.sleep(0.2)\n' +
        `    if not os.path.exists(${JSON.stringify(stopFile)}): s.sendto(b'WATCHDOG=1', a)\n`,
    );
    unit('wd.service', `[Service]\nType=notify\nWatchdogSec=1500ms\nExecStart=${python} ${wd}\n`);
    await startDaemon(['wd.service']);
    await waitUntil('wd.service active', async () => (await prop('wd.service', 'ActiveState')) === 'active');
    const pid = await prop('wd.service', 'MainPID');
    await reexec();
    // Longer than WatchdogSec=: the pings reach the new image.
    await sleep(2000);
    expect(await prop('wd.service', 'ActiveState')).to.equal('active');
    expect(await prop('wd.service', 'MainPID')).to.equal(pid);
    expect(await prop('wd.service', 'WatchdogUSec')).to.equal('1.500000s');
    // And the new image's watchdog bites when they stop.
    fs.writeFileSync(stopFile, '');
    await waitUntil('the watchdog', async () => (await prop('wd.service', 'Result')) === 'watchdog');
    expect(stderr).to.match(/wd\.service: Watchdog timeout/);
  });

  it('keeps the fd store: the restarted service gets the stored fd back', async () => {
    const out = path.join(dir, 'got');
    const st = path.join(dir, 'store.py');
    fs.writeFileSync(
      st,
      'import os, socket, time\n' +
        "if os.environ.get('LISTEN_FDS'):\n" +
        '    os.lseek(3, 0, 0)\n' +
        `    open(${JSON.stringify(out)}, 'wb').write(os.read(3, 99))\n` +
        'else:\n' +
        "    fd = os.memfd_create('kept')\n" +
        "    os.write(fd, b'kept across the re-exec')\n" +
        '    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n' +
        "    s.sendmsg([b'READY=1\\nFDSTORE=1\\nFDNAME=memo'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, bytes(memoryview(__import__('array').array('i', [fd]))))], 0, os.environ['NOTIFY_SOCKET'])\n" +
        'while True:\n' +
        '    time.sleep(1)\n',
    );
    unit('store.service', `[Service]\nType=notify\nFileDescriptorStoreMax=2\nRestart=always\nRestartSec=50ms\nExecStart=${python} ${st}\n`);
    await startDaemon(['store.service']);
    await waitUntil('the fd stored', async () => (await prop('store.service', 'NFileDescriptorStore')) === '1');
    await reexec();
    expect(await prop('store.service', 'NFileDescriptorStore')).to.equal('1');
    process.kill(Number(await prop('store.service', 'MainPID')), 'SIGKILL');
    await waitUntil('the restarted service read it', async () => fs.existsSync(out) && fs.readFileSync(out, 'utf8') !== '');
    expect(fs.readFileSync(out, 'utf8')).to.equal('kept across the re-exec');
  });

  it('completes a job in flight (a slow ExecStartPre=) after the re-exec, with the same manager pid', async () => {
    unit('slow.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStartPre=/bin/sleep 5\nExecStart=/bin/true\n');
    await startDaemon([]);
    const hello = async () => {
      const before = await ctl('is-system-running');
      return before.out;
    };
    expect(await hello()).to.equal('running');
    const pidBefore = await managerPid();
    expect(pidBefore).to.equal(child!.pid);
    const r = await ctl('start', '--no-block', 'slow.service');
    expect(r.rc).to.equal(0);
    expect(await prop('slow.service', 'SubState')).to.equal('start-pre');
    const jobs = (await ctl('list-jobs')).out;
    expect(jobs).to.match(/slow\.service\s+start\s+running/);
    await reexec();
    expect((await ctl('list-jobs')).out).to.match(/slow\.service\s+start\s+running/);
    await waitUntil('slow.service active', async () => (await prop('slow.service', 'ActiveState')) === 'active');
    expect((await ctl('list-jobs')).out).to.match(/No jobs running\./);
    expect(stderr).to.match(/slow\.service: Finished slow\.service\.|slow\.service: Started slow\.service\./);
    // The same process all along: unitkitd execs in place.
    expect(child!.exitCode).to.equal(null);
    expect(stderr.match(/Deserialized/g)?.length).to.equal(1);
    expect(await managerPid()).to.equal(pidBefore);
    expect(fs.readFileSync(`/proc/${child!.pid}/cmdline`, 'utf8')).to.match(/--deserialize=\d+/);
  });
});
