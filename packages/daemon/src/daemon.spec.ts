/**
 * @unitkit/daemon with real fds: this test plays the service manager (native spawner, real
 * listening sockets, a real notify socket) and a child Node process reports what the library sees.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildExit, NotifyDatagram } from '@unitkit/core';
import { NativeEventLoop, NativeNotifyReceiver, NativeProcessSpawner, closeFd, openFifo, openSocket } from '@unitkit/native';
import { listenFds, listenFdsWithNames, notify, watchdogEnabled } from './index.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-fixtures/report.mjs');

describe('@unitkit/daemon', function () {
  this.timeout(10000);
  let loop: NativeEventLoop;
  let spawner: NativeProcessSpawner;
  let dir: string;
  const exits = new Map<number, (e: ChildExit) => void>();
  const started: number[] = [];

  before(() => {
    loop = new NativeEventLoop();
    spawner = new NativeProcessSpawner();
    loop.onChildExit((e) => exits.get(e.pid)?.(e));
  });
  after(() => loop.close());
  afterEach(async () => {
    // Services that keep running (the echo fixture) are stopped, and reaped, before the next test.
    const live = started.splice(0).filter((pid) => exits.has(pid));
    for (const pid of live) spawner.kill(pid, 9);
    for (let i = 0; i < 100 && live.some((pid) => exits.has(pid)); i++) await new Promise((r) => setTimeout(r, 10));
  });
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-daemon-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the fixture with `fds` at 3.. and returns its JSON output and exit. */
  function run(args: string[], fds: number[], names: string[] | undefined, env: string[] = [], outName = `out-${started.length}.json`): Promise<{ out: Record<string, unknown>; exit: ChildExit }> {
    const outFile = path.join(dir, outName);
    const p = spawner.spawn({
      path: process.execPath,
      argv: [process.execPath, fixture, ...args],
      env: [`PATH=${process.env.PATH}`, ...env],
      stdin: { kind: 'null' },
      stdout: { kind: 'file', path: outFile, mode: 'truncate' },
      stderr: { kind: 'inherit' },
      fds,
      listenFdNames: names,
    });
    started.push(p.pid);
    return new Promise((resolve) => {
      exits.set(p.pid, (exit) => {
        exits.delete(p.pid);
        const text = fs.readFileSync(outFile, 'utf8').trim();
        resolve({ out: text ? JSON.parse(text.split('\n')[0]!) : {}, exit });
      });
    });
  }

  it('listenFdsWithNames() returns the passed fds with their names and tells their kinds', async () => {
    const tcp = openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }).fd;
    const seq = openSocket('seqpacket', path.join(dir, 'seq.sock')).fd;
    const dgram = openSocket('dgram', path.join(dir, 'dg.sock')).fd;
    const fifo = openFifo(path.join(dir, 'fifo'));
    try {
      const { out, exit } = await run(['fds'], [tcp, seq, dgram, fifo], ['web', 'rpc', 'log', 'pipe']);
      expect(exit).to.include({ code: 'exited', status: 0 });
      expect(out.fds).to.deep.equal([
        { fd: 3, name: 'web' },
        { fd: 4, name: 'rpc' },
        { fd: 5, name: 'log' },
        { fd: 6, name: 'pipe' },
      ]);
      const kinds = out.kinds as Record<string, Record<string, boolean>>;
      expect(kinds['3']).to.include({ socket: true, streamListening: true, inet: true, unix: false, fifo: false });
      expect(kinds['4']).to.include({ socket: true, seqpacket: true, unix: true, inet: false, streamListening: false });
      expect(kinds['5']).to.include({ socket: true, unix: true, streamListening: false });
      expect(kinds['6']).to.include({ fifo: true, socket: false, special: false, mq: false });
      expect(out.envLeft).to.equal(false);
    } finally {
      for (const fd of [tcp, seq, dgram, fifo]) closeFd(fd);
    }
  });

  it('names every fd "unknown" without LISTEN_FDNAMES, and sees nothing without LISTEN_PID', () => {
    expect(listenFds({ env: {} })).to.equal(0);
    expect(listenFds({ env: { LISTEN_PID: String(process.pid + 1), LISTEN_FDS: '2' } })).to.equal(0);
    expect(() => listenFdsWithNames({ env: { LISTEN_PID: String(process.pid), LISTEN_FDS: 'x' } })).to.throw(/not a number/);
    expect(() => listenFdsWithNames({ env: { LISTEN_PID: String(process.pid), LISTEN_FDS: '2', LISTEN_FDNAMES: 'a' } })).to.throw(/1 names for 2 fds/);
    const env: NodeJS.ProcessEnv = { LISTEN_PID: '1', LISTEN_FDS: '1' };
    listenFds({ env, unsetEnvironment: true });
    expect(env).to.deep.equal({});
  });

  it('notify() sends a datagram that carries the sender\'s pid and passed fds', async () => {
    const address = path.join(dir, 'notify');
    const receiver = new NativeNotifyReceiver({ address, loop });
    const got: NotifyDatagram[] = [];
    receiver.onDatagram((d) => got.push(d));
    const tcp = openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }).fd;
    try {
      const { out, exit } = await run(['notify', 'READY=1\\nSTATUS=hello'], [tcp], ['x'], [`NOTIFY_SOCKET=${address}`]);
      expect(exit.status).to.equal(0);
      expect(out.sent).to.equal(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).to.have.length(1);
      expect(got[0]!.text).to.equal('READY=1\nSTATUS=hello');
      expect(got[0]!.pid).to.be.greaterThan(0);
      expect(got[0]!.fds).to.have.length(1);
      receiver.closeFds(got[0]!.fds);
    } finally {
      closeFd(tcp);
      receiver.close();
    }
  });

  it('notify() is a no-op without NOTIFY_SOCKET and refuses a relative address', () => {
    expect(notify('READY=1', { env: {} })).to.equal(false);
    expect(() => notify('READY=1', { env: { NOTIFY_SOCKET: 'relative' } })).to.throw(/neither an absolute path/);
  });

  it('listen() uses the passed socket when activated and binds its own otherwise', async () => {
    const tcp = openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }).fd;
    try {
      void run(['echo'], [tcp], ['web'], [], 'activated.json');
      void run(['echo'], [], undefined, [], 'alone.json');
      expect((await report('activated.json')).activated).to.equal(true);
      expect((await report('alone.json')).activated).to.equal(false);
    } finally {
      closeFd(tcp);
    }
  });

  it('watchdogEnabled() reads WATCHDOG_USEC and checks WATCHDOG_PID', () => {
    expect(watchdogEnabled({ env: {} })).to.equal(0);
    expect(watchdogEnabled({ env: { WATCHDOG_USEC: '2000000' } })).to.equal(2_000_000);
    expect(watchdogEnabled({ env: { WATCHDOG_USEC: '2000000', WATCHDOG_PID: String(process.pid) } })).to.equal(2_000_000);
    expect(watchdogEnabled({ env: { WATCHDOG_USEC: '2000000', WATCHDOG_PID: '1' } })).to.equal(0);
    expect(watchdogEnabled({ env: { WATCHDOG_USEC: 'x' } })).to.equal(0);
  });

  /** A service that keeps running (the echo fixture): its first report line, as soon as it is written. */
  async function report(name: string): Promise<Record<string, unknown>> {
    const file = path.join(dir, name);
    for (let i = 0; i < 200; i++) {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (text.includes('\n')) return JSON.parse(text.split('\n')[0]!);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no report in ${name}`);
  }
});
