import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { NativeSocketBackend } from './native-socket-backend.js';
import { closeFd, fdType, socketInfo, writeFd } from './fd-ops.js';
import { killLeftovers, outputPipe, packageRoot, scratch, sleep, spawner, startReaping, track, waitExit } from './spec-helpers.js';

/** A TCP port that was free a moment ago (systemd's address strings refuse port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function connected(target: { port: number; host: string } | { path: string }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = 'path' in target ? connect(target.path, () => resolve(s)) : connect(target.port, target.host, () => resolve(s));
    s.on('error', reject);
  });
}

describe('NativeSocketBackend', () => {
  const backend = new NativeSocketBackend();
  const fds: number[] = [];
  const keep = (fd: number) => (fds.push(fd), fd);
  const clients: Socket[] = [];
  afterEach(() => {
    while (fds.length) backend.close(fds.pop()!);
    while (clients.length) clients.pop()!.destroy();
    killLeftovers();
  });

  it('opens a unix stream listener with SocketMode=/DirectoryMode= and accepts with the peer credentials', async () => {
    const path = join(scratch, 'nsb', 'sub', 'a.sock');
    const { fd, warnings } = backend.open('stream', path, { socketMode: 0o600, directoryMode: 0o750, backlog: 4 });
    keep(fd);
    expect(warnings).to.deep.equal([]);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(statSync(join(scratch, 'nsb', 'sub')).mode & 0o777).to.equal(0o750);
    expect(socketInfo(fd)).to.include({ familyName: 'unix', typeName: 'stream', listening: true });
    expect(backend.accept(fd)).to.equal(undefined);
    clients.push(await connected({ path }));
    await sleep(20);
    const c = backend.accept(fd)!;
    keep(c.fd);
    expect(c).to.deep.include({ family: 'unix', local: path, remote: '', peer: { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() } });
  });

  it('accepts TCP connections with local and remote printed as systemd prints them', async () => {
    const port = await freePort();
    const fd = keep(backend.open('stream', `127.0.0.1:${port}`, { noDelay: true, keepAlive: true, ipTOS: 0x10 }).fd);
    const client = await connected({ port, host: '127.0.0.1' });
    clients.push(client);
    await sleep(20);
    const c = backend.accept(fd)!;
    keep(c.fd);
    expect(c.family).to.equal('inet');
    expect(c.local).to.equal(`127.0.0.1:${port}`);
    expect(c.remote).to.equal(`127.0.0.1:${client.localPort}`);
  });

  it('prints an IPv4 peer of a dual-stack listener as IPv4 on both ends', async function () {
    const port = await freePort();
    let fd: number;
    try {
      fd = keep(backend.open('stream', String(port), { bindIPv6Only: 'both' }).fd);
    } catch (e) {
      if ((e as { code?: string }).code === 'EAFNOSUPPORT') {
        console.log('      skipped: this machine has no IPv6 (EAFNOSUPPORT)');
        return this.skip();
      }
      throw e;
    }
    const client = await connected({ port, host: '127.0.0.1' });
    clients.push(client);
    await sleep(20);
    const c = backend.accept(fd)!;
    keep(c.fd);
    expect([c.family, c.local, c.remote]).to.deep.equal(['inet6', `127.0.0.1:${port}`, `127.0.0.1:${client.localPort}`]);
  });

  it('opens datagram, seqpacket, FIFO, special and netlink listeners', () => {
    const dg = keep(backend.open('dgram', join(scratch, 'nsb-d.sock'), {}).fd);
    expect(socketInfo(dg)).to.include({ typeName: 'dgram', listening: false });
    const sp = keep(backend.open('seqpacket', '@unitkit-nsb-seq-' + process.pid, {}).fd);
    expect(socketInfo(sp)).to.include({ typeName: 'seqpacket', listening: true });
    const fifo = keep(backend.open('fifo', join(scratch, 'nsb.fifo'), { socketMode: 0o640, pipeSize: 65536 }).fd);
    expect(fdType(fifo)).to.equal('fifo');
    expect(statSync(join(scratch, 'nsb.fifo')).mode & 0o777).to.equal(0o640);
    const special = keep(backend.open('special', '/dev/null', { writable: true }).fd);
    expect(fdType(special)).to.equal('character-device');
    const nl = keep(backend.open('netlink', 'route 0', {}).fd);
    expect(socketInfo(nl).familyName).to.equal('netlink');
  });

  it('throws errno errors, and reports option failures as warnings', async () => {
    const port = await freePort();
    keep(backend.open('stream', `127.0.0.1:${port}`, {}).fd);
    expect(() => backend.open('stream', `127.0.0.1:${port}`, {})).to.throw().with.property('code', 'EADDRINUSE');
    const r = backend.open('dgram', '127.0.0.1:' + (await freePort()), { mark: 1, priority: 7 });
    keep(r.fd);
    if (process.getuid!() !== 0) expect(r.warnings.join('\n')).to.match(/Failed to set .* on socket, ignoring/);
  });

  it('flushes queued connections and queued data (FlushPending=)', async () => {
    const path = join(scratch, 'nsb-flush.sock');
    const fd = keep(backend.open('stream', path, {}).fd);
    clients.push(await connected({ path }), await connected({ path }));
    await sleep(20);
    backend.flush(fd);
    expect(backend.accept(fd)).to.equal(undefined);
    const fifoPath = join(scratch, 'nsb-flush.fifo');
    const fifo = keep(backend.open('fifo', fifoPath, {}).fd);
    writeFd(fifo, 'queued');
    backend.flush(fifo);
    backend.flush(fifo); // nothing left: returns at once
  });

  it('creates symlinks (replacing what is there) and unlinks nodes, missing ones included', () => {
    const target = join(scratch, 'nsb-target.sock');
    const link = join(scratch, 'nsb-links', 'l');
    backend.symlink(target, link);
    backend.symlink(target, link);
    expect(lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(readlinkSync(link)).to.equal(target);
    backend.unlink(link);
    backend.unlink(link);
    expect(existsSync(link)).to.equal(false);
    backend.close(999_999); // closing a closed fd is harmless
  });

  it("hands its fds to a daemon that takes them with libsystemd's sd_listen_fds_with_names()", async function () {
    if (!existsSync('/usr/include/systemd/sd-daemon.h')) {
      console.log('      skipped: libsystemd-dev is not installed (no /usr/include/systemd/sd-daemon.h)');
      return this.skip();
    } // .ci/run installs libsystemd-dev
    const daemon = join(scratch, 'listen-fds');
    execFileSync('cc', ['-O1', '-Wall', '-o', daemon, join(packageRoot, 'test-fixtures', 'listen-fds.c'), '-lsystemd'], { stdio: 'inherit' });
    const port = await freePort();
    const a = keep(backend.open('stream', `127.0.0.1:${port}`, {}).fd);
    const b = keep(backend.open('seqpacket', join(scratch, 'nsb-rpc.sock'), {}).fd);
    const c = keep(backend.open('fifo', join(scratch, 'nsb-d.fifo'), {}).fd);
    startReaping();
    const out = outputPipe();
    const child = spawner.spawn({
      path: daemon,
      argv: [daemon],
      env: ['PATH=/usr/bin:/bin', 'LISTEN_FDS=9'],
      stdin: { kind: 'null' },
      stdout: { kind: 'fd', fd: out.writeFd },
      stderr: { kind: 'inherit' },
      fds: [a, b, c],
      listenFdNames: ['web', 'rpc', 'fifo'],
    });
    track(child.pid);
    const exit = await waitExit(child.pid);
    expect(exit).to.include({ code: 'exited', status: 0 });
    expect(out.collect().trim().split('\n')).to.deep.equal([
      'n 3',
      '3 web stream listening inet',
      '4 rpc seqpacket listening unix',
      '5 fifo fifo - -',
      'unset yes',
    ]);
  });
});

describe('listening sockets are handed over blocking, as systemd creates them', () => {
  it('stays blocking while the manager watches it, and accept()/read() never block the manager', async () => {
    const { NativeEventLoop } = await import('./native-event-loop.js');
    const { addon } = await import('./addon.js');
    const backend = new NativeSocketBackend();
    const { fd } = backend.open('stream', join(scratch, 'blocking.sock'), {});
    const dgram = backend.open('dgram', join(scratch, 'blocking-dgram.sock'), {}).fd;
    const O_NONBLOCK = 0o4000;
    const loop = new NativeEventLoop({ subreaper: false });
    const watch = loop.watchFd(fd, { readable: true }, () => undefined);
    try {
      // fcntl(F_GETFL) through /proc: flags are in octal on the "flags:" line.
      const flags = (f: number) => parseInt(/flags:\s+([0-7]+)/.exec(require_fdinfo(f))![1]!, 8);
      expect(flags(fd) & O_NONBLOCK).to.equal(0);
      expect(backend.accept(fd)).to.equal(undefined);
      expect(addon.read(dgram, 100)).to.equal(null);
    } finally {
      watch.dispose();
      backend.close(fd);
      backend.close(dgram);
      loop.close();
    }
  });
});

function require_fdinfo(fd: number): string {
  return execFileSync('cat', [`/proc/${process.pid}/fdinfo/${fd}`], { encoding: 'utf8' });
}
