import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord, NotifyDatagram } from '@unitkit/core';
import { addon } from './addon.js';
import { NativeNotifyReceiver } from './native-notify-receiver.js';
import { closeFd, fdType, pipe } from './fd-ops.js';
import { killLeftovers, loop, probe, scratch, sleep, spawner, startReaping, track, waitExit } from './spec-helpers.js';

function nextDatagram(receiver: NativeNotifyReceiver, ms = 3000): Promise<NotifyDatagram> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      handle.dispose();
      reject(new Error(`no datagram within ${ms} ms`));
    }, ms);
    const handle = receiver.onDatagram((d) => {
      clearTimeout(timer);
      handle.dispose();
      resolve(d);
    });
  });
}

describe('NativeNotifyReceiver', () => {
  before(() => {
    probe();
    startReaping();
  });
  afterEach(killLeftovers);

  for (const address of [`@unitkit-test-notify-${process.pid}`, join(scratch, 'run', 'notify')]) {
    it(`receives a child's datagram with its pid, uid, gid and fds (${address.startsWith('@') ? 'abstract' : 'path'})`, async () => {
      const receiver = new NativeNotifyReceiver({ address, loop });
      try {
        expect(receiver.address).to.equal(address);
        if (!address.startsWith('@')) expect(statSync(address).mode & 0o777).to.equal(0o777);
        const [r, w] = pipe();
        const datagram = nextDatagram(receiver);
        const child = spawner.spawn({
          path: probe(),
          argv: ['probe', 'notify'],
          env: [`NOTIFY_SOCKET=${receiver.address}`],
          stdin: { kind: 'fd', fd: r },
          stdout: { kind: 'inherit' },
          stderr: { kind: 'inherit' },
        });
        track(child.pid);
        const got = await datagram;
        expect(got.pid).to.equal(child.pid);
        expect(got.uid).to.equal(process.getuid!());
        expect(got.gid).to.equal(process.getgid!());
        expect(got.text).to.equal('READY=1\nSTATUS=probe ready');
        expect(got.fds).to.have.length(1);
        expect(fdType(got.fds[0]!)).to.equal('fifo');
        expect(addon.getCloexec(got.fds[0]!)).to.equal(true);
        for (const fd of [...got.fds, r, w]) closeFd(fd);
        expect((await waitExit(child.pid)).status).to.equal(0);
      } finally {
        receiver.close();
      }
    });
  }

  it('refuses oversized and NUL-embedded datagrams with a warning, closing their fds, and keeps going', async () => {
    const logs: LogRecord[] = [];
    const receiver = new NativeNotifyReceiver({
      address: `@unitkit-test-notify-big-${process.pid}`,
      loop,
      logger: { log: (r) => logs.push(r), enabled: () => true },
    });
    const client = addon.socket(1, 2);
    const target = { family: 'unix' as const, path: receiver.address.slice(1), abstract: true };
    const [r, w] = pipe();
    try {
      const received: NotifyDatagram[] = [];
      const handle = receiver.onDatagram((d) => received.push(d));
      addon.sendDatagram(client, target, Buffer.alloc(5000, 'x'), [r]);
      addon.sendDatagram(client, target, Buffer.from('A=1\0B=2'));
      addon.sendDatagram(client, target, Buffer.from('STATUS=fine'));
      for (let i = 0; i < 100 && received.length === 0; i++) await sleep(10);
      handle.dispose();
      expect(received.map((d) => d.text)).to.deep.equal(['STATUS=fine']);
      expect(received[0]!.pid).to.equal(process.pid);
      expect(logs.map((l) => l.level)).to.deep.equal(['warning', 'warning']);
      expect(logs[0]!.message).to.match(/exceeded maximum size\. Ignoring\. \(PID [0-9]+, 5000 bytes\)/);
      expect(logs[1]!.message).to.match(/embedded NUL/);
      // The refused datagram's copy of `r` was closed: only our own copy remains open.
      const mine = new Set([r, w, client]);
      const fdsNow = (await import('node:fs')).readdirSync('/proc/self/fd').map(Number);
      const pipes = fdsNow.filter((fd) => !mine.has(fd) && safeType(fd) === 'fifo');
      for (const fd of pipes) expect(sameInode(fd, r)).to.equal(false);
    } finally {
      for (const fd of [r, w, client]) closeFd(fd);
      receiver.close();
    }
  });

  it('rate-limits what a flood of refused datagrams logs, and closes every fd that came with them', async () => {
    const logs: LogRecord[] = [];
    const receiver = new NativeNotifyReceiver({
      address: `@unitkit-test-notify-flood-${process.pid}`,
      loop,
      logger: { log: (r) => logs.push(r), enabled: () => true },
    });
    const client = addon.socket(1, 2);
    const target = { family: 'unix' as const, path: receiver.address.slice(1), abstract: true };
    const [r, w] = pipe();
    const { readdirSync } = await import('node:fs');
    const before = readdirSync('/proc/self/fd').length;
    try {
      const received: NotifyDatagram[] = [];
      const handle = receiver.onDatagram((d) => received.push(d));
      for (let i = 0; i < 200; i++) {
        // A datagram socket queues only a few datagrams (net.unix.max_dgram_qlen): wait when it is full.
        for (;;) {
          try {
            addon.sendDatagram(client, target, Buffer.from('A=1\0B=2'), [r, w]);
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
            await sleep(2);
          }
        }
      }
      addon.sendDatagram(client, target, Buffer.from('STATUS=last'));
      for (let i = 0; i < 200 && received.length === 0; i++) await sleep(10);
      handle.dispose();
      expect(received.map((d) => d.text)).to.deep.equal(['STATUS=last']);
      expect(logs.length).to.equal(10);
      expect(readdirSync('/proc/self/fd').length).to.equal(before);
    } finally {
      for (const fd of [r, w, client]) closeFd(fd);
      receiver.close();
    }
  });

  it('leaves datagrams queued while no handler is installed', async () => {
    const receiver = new NativeNotifyReceiver({ address: `@unitkit-test-notify-q-${process.pid}`, loop });
    const client = addon.socket(1, 2);
    try {
      addon.sendDatagram(client, { family: 'unix', path: receiver.address.slice(1), abstract: true }, Buffer.from('X=1'));
      await sleep(20);
      expect((await nextDatagram(receiver)).text).to.equal('X=1');
    } finally {
      closeFd(client);
      receiver.close();
    }
  });

  it('refuses a non-unix address', () => {
    expect(() => new NativeNotifyReceiver({ address: '127.0.0.1:99', loop })).to.throw(/path or @name/);
  });

  it('removes a stale node at its path', () => {
    const path = join(scratch, 'stale', 'notify');
    const first = new NativeNotifyReceiver({ address: path, loop });
    first.close();
    expect(existsSync(path)).to.equal(true);
    const second = new NativeNotifyReceiver({ address: path, loop });
    second.close();
  });
});

function safeType(fd: number): string | undefined {
  try {
    return fdType(fd);
  } catch {
    return undefined;
  }
}

function sameInode(a: number, b: number): boolean {
  try {
    return statSync(`/proc/self/fd/${a}`).ino === statSync(`/proc/self/fd/${b}`).ino;
  } catch {
    return false;
  }
}
