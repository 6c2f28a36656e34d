/**
 * Fuzzing with a fixed seed: mutated valid messages and random bytes go into the decoder (which
 * may only throw DbusProtocolError) and into live server connections (which may only close with
 * a reason, never throw out of the event loop).
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { closeFd, peerCredentials, pipe, sendWithFds, socketPair } from '@unitkit/native';
import { DbusConnection } from './connection.js';
import { DbusProtocolError } from './errors.js';
import { decodeMessage, encodeMessage, frameLength, MessageType } from './message.js';
import { CaptureLogger, TestLoop, until } from './spec-helpers.js';
import { variant } from './variant.js';

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): Buffer[] {
  const bodies: [string, unknown[]][] = [
    ['', []],
    ['s', ['hello']],
    ['a{sv}', [new Map([['a', variant('u', 1)], ['b', variant('a(ss)', [['x', 'y']])]])]],
    ['(ybnqiuxtd)', [[1, true, -2, 3, -4, 5, -6n, 7n, 8.5]]],
    ['aaiasao', [[[1], []], ['x'], ['/a']]],
    ['vg', [variant('v', variant('ay', Buffer.from('zz'))), 'a{sv}']],
  ];
  const out: Buffer[] = [];
  let serial = 1;
  for (const bigEndian of [false, true])
    for (const [signature, body] of bodies) {
      out.push(encodeMessage({ type: MessageType.MethodCall, serial: serial++, path: '/org/x', interface: 'org.x.Y', member: 'M', destination: 'org.x', signature, body }, { bigEndian }).bytes);
      out.push(encodeMessage({ type: MessageType.Signal, serial: serial++, path: '/', interface: 'a.b', member: 'S', signature, body }, { bigEndian }).bytes);
      out.push(encodeMessage({ type: MessageType.Error, serial: serial++, replySerial: 3, errorName: 'a.b.E', signature, body }, { bigEndian }).bytes);
    }
  return out;
}

function mutate(rand: () => number, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * b.length);
    switch (Math.floor(rand() * 7)) {
      case 0:
        b[at] = Math.floor(rand() * 256);
        break;
      case 1:
        b[at] = (b[at]! ^ (1 << Math.floor(rand() * 8))) & 0xff;
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), b.subarray(at)]);
        break;
      case 4:
        if (at + 4 <= b.length) b.writeUInt32LE([0, 0xffffffff, 0x7fffffff, 0x04000001, Math.floor(rand() * 0x100000000)][Math.floor(rand() * 5)]!, at & ~3);
        break;
      case 5:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(rand() * 8))]);
        break;
      case 6:
        b[at] = 'a({v})yhsgo'.charCodeAt(Math.floor(rand() * 11));
        break;
    }
  }
  return b;
}

describe('fuzzing (fixed seed)', function () {
  this.timeout(60000);

  it('the decoder only ever throws DbusProtocolError on 30000 mutated messages and random inputs', () => {
    const rand = prng(0x5eed);
    const base = corpus();
    let refused = 0;
    let accepted = 0;
    for (let i = 0; i < 30000; i++) {
      const bytes =
        i % 10 === 9
          ? Buffer.from(Array.from({ length: 16 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)))
          : mutate(rand, base[Math.floor(rand() * base.length)]!);
      const fds = Array.from({ length: Math.floor(rand() * 3) }, (_, k) => 1000 + k);
      try {
        if (bytes.length < 16) continue;
        const total = frameLength(bytes);
        decodeMessage(bytes.subarray(0, Math.min(total, bytes.length)), fds);
        accepted++;
      } catch (error) {
        if (!(error instanceof DbusProtocolError)) throw new Error(`input ${bytes.toString('hex')} threw ${String(error)}`);
        refused++;
      }
    }
    expect(refused).to.be.greaterThan(10000);
    expect(accepted).to.be.greaterThan(100); // mutations that stay valid (e.g. in string contents)
  });

  it('live server connections fed mutated streams and random handshakes end with a logged reason each; nothing escapes', async () => {
    const rand = prng(42);
    const base = corpus();
    const t = new TestLoop();
    const logger = new CaptureLogger();
    const reasons = new Map<string, number>();
    const [pr, pw] = pipe();
    const openFds = () => readdirSync('/proc/self/fd').length;
    const fdsBefore = openFds();
    try {
      for (let round = 0; round < 20; round++) {
        const cases = Array.from({ length: 10 }, () => {
          const [a, b] = socketPair('stream', true);
          let closed = false;
          const conn = new DbusConnection(a, { role: 'server', peer: peerCredentials(a), guid: '0'.repeat(32) }, {
            loop: t.loop,
            logger,
            onMessage: (m, c) => c.reply(m),
            onClose: (reason) => {
              closed = true;
              const key = (reason ?? 'local').replace(/[0-9]+/g, 'N').slice(0, 60);
              reasons.set(key, (reasons.get(key) ?? 0) + 1);
            },
          });
          const parts: Buffer[] = [];
          parts.push(
            rand() < 0.1
              ? Buffer.from(Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)))
              : Buffer.from('\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n', 'latin1'),
          );
          for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) {
            const msg = base[Math.floor(rand() * base.length)]!;
            parts.push(rand() < 0.6 ? mutate(rand, msg) : msg);
          }
          const stream = Buffer.concat(parts);
          // Random chunking, so the parser sees messages split anywhere; some chunks carry fds
          // that no message (or a mutated one) claims: they must all be closed in the end.
          for (let at = 0; at < stream.length; ) {
            const len = 1 + Math.floor(rand() * 200);
            const fds = rand() < 0.15 ? [pr, pw].slice(0, 1 + Math.floor(rand() * 2)) : [];
            sendWithFds(b, stream.subarray(at, at + len), fds);
            at += len;
          }
          closeFd(b); // every stream ends, so every connection must end too
          return { conn, isClosed: () => closed };
        });
        await until(() => cases.every((c) => c.isClosed()));
        for (const c of cases) expect(c.conn.closeReason).to.be.a('string');
      }
      expect(openFds()).to.equal(fdsBefore, 'fds leaked');
    } finally {
      t.close();
      closeFd(pr);
      closeFd(pw);
    }
    if (process.env.FUZZ_VERBOSE) console.log(reasons);
    const total = [...reasons.values()].reduce((x, y) => x + y, 0);
    expect(total).to.equal(200);
    expect([...reasons.keys()].some((r) => r.startsWith('invalid message'))).to.equal(true);
  });
});
