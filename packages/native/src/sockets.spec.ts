import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFifo, openMessageQueue, openNetlink, openSocket, openSpecial } from './sockets.js';
import {
  acceptConnection,
  closeFd,
  fdType,
  getCloexec,
  localAddress,
  peerAddress,
  peerCredentials,
  socketInfo,
} from './fd-ops.js';
import { ipv6Supported } from './socket-address.js';
import { addon, type ErrnoError } from './addon.js';
import { scratch, sleep } from './spec-helpers.js';

const opened: number[] = [];
function keep(fd: number): number {
  opened.push(fd);
  return fd;
}

function connected(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host, () => resolve(s));
    s.on('error', reject);
  });
}

describe('sockets', () => {
  afterEach(() => {
    while (opened.length) closeFd(opened.pop()!);
  });

  it('opens a listening TCP socket on IPv4, CLOEXEC, and prints its address as systemd does', () => {
    const { fd, warnings } = openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }, { noDelay: true, keepAlive: true, backlog: 8 });
    keep(fd);
    expect(warnings).to.deep.equal([]);
    expect(getCloexec(fd)).to.equal(true);
    expect(socketInfo(fd)).to.deep.include({ familyName: 'inet', typeName: 'stream', listening: true, protocol: 6 });
    const address = localAddress(fd);
    expect(address.text).to.equal(`127.0.0.1:${address.port}`);
  });

  it('accepts with accept4 and reports the peer', async () => {
    const fd = keep(openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }).fd);
    const client = await connected(localAddress(fd).port!, '127.0.0.1');
    try {
      let conn: number | null = null;
      for (let i = 0; i < 100 && conn === null; i++) {
        conn = acceptConnection(fd);
        if (conn === null) await sleep(5);
      }
      keep(conn!);
      expect(getCloexec(conn!)).to.equal(true);
      const peer = peerAddress(conn!);
      expect(peer).to.deep.include({ family: 'inet', host: '127.0.0.1', port: client.localPort });
      expect(peer.text).to.equal(`127.0.0.1:${client.localPort}`);
    } finally {
      client.destroy();
    }
  });

  (ipv6Supported() ? describe : describe.skip)('IPv6 and BindIPv6Only', () => {
    it('prints [::1]:port and refuses IPv4 clients with ipv6-only', async () => {
      const fd = keep(openSocket('stream', { family: 'inet6', host: '::1', port: 0 }, { bindIPv6Only: 'ipv6-only' }).fd);
      expect(localAddress(fd).text).to.equal(`[::1]:${localAddress(fd).port}`);
      const wildcard = keep(openSocket('stream', { family: 'inet6', port: 0 }, { bindIPv6Only: 'ipv6-only' }).fd);
      const port = localAddress(wildcard).port!;
      const err = await connected(port, '127.0.0.1').then(
        (s) => (s.destroy(), undefined),
        (e: Error) => e,
      );
      expect(err).to.have.property('code', 'ECONNREFUSED');
    });

    it('accepts IPv4 clients with both, showing them as IPv4', async () => {
      const fd = keep(openSocket('stream', { family: 'inet6', port: 0 }, { bindIPv6Only: 'both' }).fd);
      const client = await connected(localAddress(fd).port!, '127.0.0.1');
      try {
        await sleep(10);
        const conn = keep(acceptConnection(fd)!);
        expect(peerAddress(conn).text).to.equal(`127.0.0.1:${client.localPort}`);
      } finally {
        client.destroy();
      }
    });
  });

  it('creates an AF_UNIX socket with its mode and parent directories, and replaces a stale node', () => {
    const dir = join(scratch, 'sock-parent', 'deeper');
    const path = join(dir, 'app.sock');
    const fd = keep(openSocket('stream', path, { socketMode: 0o600, directoryMode: 0o750 }).fd);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(statSync(dir).isDirectory()).to.equal(true);
    expect(localAddress(fd).text).to.equal(path);
    closeFd(opened.pop()!);
    // The node is still there after close: a restart must still bind.
    const again = keep(openSocket('stream', path).fd);
    expect(socketInfo(again).familyName).to.equal('unix');
  });

  it('fails with EADDRINUSE when the port is taken, as an errno error', () => {
    const fd = keep(openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }).fd);
    const port = localAddress(fd).port!;
    let error: ErrnoError | undefined;
    try {
      openSocket('stream', `127.0.0.1:${port}`);
    } catch (e) {
      error = e as ErrnoError;
    }
    expect(error).to.be.instanceOf(Error);
    expect(error).to.include({ code: 'EADDRINUSE', errno: 98, syscall: 'bind' });
    expect(error!.message).to.equal(`EADDRINUSE: Address already in use, bind '127.0.0.1:${port}'`);
  });

  it('opens abstract stream, datagram and seqpacket sockets and prints @name', async () => {
    const name = `unitkit-test-abstract-${process.pid}`;
    const stream = keep(openSocket('stream', `@${name}`).fd);
    expect(localAddress(stream).text).to.equal(`@${name}`);
    const dgram = keep(openSocket('dgram', `@${name}-d`, { passCredentials: true }).fd);
    expect(socketInfo(dgram)).to.deep.include({ typeName: 'dgram', listening: false });
    const seq = keep(openSocket('seqpacket', `@${name}-s`).fd);
    expect(socketInfo(seq)).to.deep.include({ typeName: 'seqpacket', listening: true, familyName: 'unix' });
    // SO_PEERCRED of an accepted connection names the connecting process (us).
    const client = keep(addon.socket(1, 1));
    addon.connect(client, { family: 'unix', path: name, abstract: true });
    const conn = keep(acceptConnection(stream)!);
    expect(peerCredentials(conn)).to.deep.equal({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    expect(peerAddress(client).text).to.equal(`@${name}`);
    expect(localAddress(client).text).to.equal('<unnamed>');
  });

  it('returns failing tuning options as warnings and keeps the socket', () => {
    const { fd, warnings } = openSocket('dgram', { family: 'inet', host: '127.0.0.1', port: 0 }, { ipTtl: 100000, broadcast: true });
    keep(fd);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ code: 'EINVAL', option: 'ipTtl' });
  });

  it('binds to a device (root) or fails with an errno error', () => {
    try {
      keep(openSocket('stream', { family: 'inet', host: '127.0.0.1', port: 0 }, { bindToDevice: 'lo', reusePort: true, freeBind: true }).fd);
    } catch (e) {
      expect((e as ErrnoError).code).to.equal('EPERM');
    }
    expect(() => openSocket('stream', { family: 'inet', port: 0 }, { bindToDevice: 'no-such-dev0' })).to.throw().with.property('code');
  });

  it('creates a FIFO with its mode under the umask, as systemd does, and its pipe size; refuses a non-FIFO node', () => {
    const path = join(scratch, 'fifo-dir', 'f.fifo');
    const fd = keep(openFifo(path, { mode: 0o666, pipeSize: 1 << 17 }));
    expect(fdType(fd)).to.equal('fifo');
    const umask = process.umask();
    expect(statSync(path).mode & 0o777).to.equal(0o666 & ~umask);
    // Reopening an existing FIFO is fine (a restart); a regular file in the way is not.
    keep(openFifo(path));
    const file = join(scratch, 'not-a-fifo');
    writeFileSync(file, '');
    expect(() => openFifo(file)).to.throw().with.property('code', 'EEXIST');
  });

  it('opens a special file (character device) and refuses a directory', () => {
    const fd = keep(openSpecial('/dev/null', true));
    expect(fdType(fd)).to.equal('character-device');
    mkdirSync(join(scratch, 'special-dir'), { recursive: true });
    expect(() => openSpecial(join(scratch, 'special-dir'))).to.throw().with.property('code');
  });

  it('opens a netlink socket by family name', () => {
    const { fd } = openNetlink('route', 0);
    keep(fd);
    expect(socketInfo(fd)).to.deep.include({ familyName: 'netlink', typeName: 'raw', protocol: 0 });
    expect(localAddress(fd).text).to.equal('route 0');
    expect(() => openNetlink('nonsense', 1)).to.throw(/Unknown netlink family/);
  });

  it('opens a POSIX message queue (where /dev/mqueue is usable)', function () {
    const name = `/unitkit-test-${process.pid}`;
    let fd: number;
    try {
      fd = openMessageQueue(name, { mode: 0o600, maxMessages: 4, messageSize: 128 });
    } catch (e) {
      console.log(`      skipped: mq_open failed (${(e as Error).message})`);
      return this.skip();
    }
    keep(fd);
    expect(fdType(fd)).to.be.oneOf(['regular', 'unknown']);
  });
});
