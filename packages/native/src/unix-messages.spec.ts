import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptConnection, closeFd, connectUnixStream, fdType, getCloexec, pipe, readFd, receiveWithFds, sendWithFds, socketPair, writeFd } from './fd-ops.js';
import { openSocket } from './sockets.js';

describe('stream sockets carrying fds (sendWithFds / receiveWithFds / connectUnixStream)', () => {
  it('passes fds with the first byte of a stream write; CLOEXEC on arrival; EAGAIN is null; EOF is empty', () => {
    const [a, b] = socketPair('stream', true);
    const [r, w] = pipe();
    try {
      expect(receiveWithFds(b)).to.equal(null);
      expect(sendWithFds(a, Buffer.from('hello'), [r, w])).to.equal(5);
      const got = receiveWithFds(b)!;
      expect(got.data.toString()).to.equal('hello');
      expect(got.fds).to.have.length(2);
      expect(got.fdsTruncated).to.equal(false);
      for (const fd of got.fds) expect(getCloexec(fd)).to.equal(true);
      expect(fdType(got.fds[0]!)).to.equal('fifo');
      writeFd(got.fds[1]!, 'through the passed fd');
      expect(readFd(r)!.toString()).to.equal('through the passed fd');
      got.fds.forEach(closeFd);
      expect(sendWithFds(a, Buffer.from('plain'))).to.equal(5);
      expect(receiveWithFds(b, 3)!.data.toString()).to.equal('pla');
      expect(receiveWithFds(b)!.data.toString()).to.equal('in');
      closeFd(a);
      expect(receiveWithFds(b)!.data.length).to.equal(0);
    } finally {
      [b, r, w].forEach(closeFd);
    }
  });

  it('reports EAGAIN on a full socket as null and refuses bad arguments', () => {
    const [a, b] = socketPair('stream', true);
    try {
      const big = Buffer.alloc(1 << 20);
      let n: number | null;
      let total = 0;
      while ((n = sendWithFds(a, big)) !== null) total += n;
      expect(total).to.be.greaterThan(0);
      expect(() => sendWithFds(a, Buffer.alloc(0), [0])).to.throw(TypeError);
      expect(() => sendWithFds(a, Buffer.from('x'), new Array(254).fill(0))).to.throw(TypeError);
    } finally {
      closeFd(a);
      closeFd(b);
    }
  });

  it('connects to a path and an abstract stream listener; ECONNREFUSED/ENOENT as errno errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uk-unixmsg-'));
    const path = join(dir, 's.sock');
    const l1 = openSocket('stream', path).fd;
    const name = `@uk-unixmsg-${process.pid}`;
    const l2 = openSocket('stream', name).fd;
    try {
      for (const [listener, address] of [[l1, path], [l2, name]] as const) {
        const c = connectUnixStream(address);
        const s = acceptConnection(listener)!;
        expect(sendWithFds(c, Buffer.from('x'))).to.equal(1);
        expect(receiveWithFds(s)!.data.toString()).to.equal('x');
        closeFd(c);
        closeFd(s);
      }
      expect(() => connectUnixStream(join(dir, 'missing'))).to.throw().with.property('code', 'ENOENT');
    } finally {
      closeFd(l1);
      closeFd(l2);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
