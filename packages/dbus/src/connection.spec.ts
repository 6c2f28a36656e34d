import { expect } from 'chai';
import { closeFd, peerCredentials, pipe, readFd, receiveWithFds, sendWithFds, socketPair, writeFd } from '@unitkit/native';
import { DbusConnection } from './connection.js';
import { DbusError } from './errors.js';
import { encodeMessage, MessageFlags, MessageType, type DecodedMessage } from './message.js';
import { CaptureLogger, TestLoop, until } from './spec-helpers.js';

const GUID = 'fedcba9876543210fedcba9876543210';

describe('DbusConnection', () => {
  let t: TestLoop;
  let logger: CaptureLogger;
  const open: DbusConnection[] = [];
  beforeEach(() => {
    t = new TestLoop();
    logger = new CaptureLogger();
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
    t.close();
  });

  /** A server connection and a client connection on the two ends of a socketpair. */
  function pair(onServerMessage?: (m: DecodedMessage, c: DbusConnection) => void, onClientMessage?: (m: DecodedMessage, c: DbusConnection) => void) {
    const [a, b] = socketPair('stream', true);
    const server = new DbusConnection(a, { role: 'server', peer: peerCredentials(a), guid: GUID }, { loop: t.loop, logger, onMessage: onServerMessage });
    const client = new DbusConnection(b, { role: 'client', uid: process.getuid!() }, { loop: t.loop, logger, onMessage: onClientMessage });
    open.push(server, client);
    return { server, client };
  }

  it('authenticates, calls with a reply promise, gets error replies, receives signals', async () => {
    const signals: unknown[][] = [];
    const { server, client } = pair(
      (m, c) => {
        if (m.member === 'Add') c.reply(m, 'x', [(m.body[0] as bigint) + (m.body[1] as bigint)]);
        else c.replyError(m, 'org.example.Error.Bad', 'bad call');
      },
      (m) => signals.push(m.body),
    );
    await client.waitAuthenticated();
    expect(client.guid).to.equal(GUID);
    expect(client.unixFdsEnabled).to.equal(true);
    expect(server.peer!.uid).to.equal(process.getuid!());
    const reply = await client.call({ path: '/x', interface: 'org.example.Calc', member: 'Add', signature: 'xx', body: [2n, 40n] });
    expect(reply.body).to.deep.equal([42n]);
    const err = await client.call({ path: '/x', member: 'Other' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DbusError).with.property('errorName', 'org.example.Error.Bad');
    expect((err as DbusError).message).to.equal('bad call');
    server.emitSignal('/x', 'org.example.Calc', 'Changed', 'as', [['a']]);
    await until(() => signals.length === 1);
    expect(signals[0]).to.deep.equal([['a']]);
  });

  it('passes fds with messages both ways (SCM_RIGHTS)', async () => {
    const { client } = pair((m, c) => {
      const fd = m.body[0] as number;
      writeFd(fd, 'written by the server');
      closeFd(fd);
      const [r2, w2] = pipe();
      writeFd(w2, 'from the server');
      closeFd(w2);
      c.reply(m, 'h', [r2]);
      closeFd(r2); // the bytes are queued; sendmsg already duplicated the fd into the peer
    });
    const [r, w] = pipe();
    const reply = await client.call({ path: '/x', member: 'TakeFd', signature: 'h', body: [w] });
    closeFd(w);
    expect(readFd(r)!.toString()).to.equal('written by the server');
    closeFd(r);
    const got = reply.body[0] as number;
    expect(reply.unixFds).to.deep.equal([got]);
    expect(readFd(got)!.toString()).to.equal('from the server');
    closeFd(got);
  });

  it('sends no reply when NO_REPLY_EXPECTED is set; serials increase', async () => {
    const seen: DecodedMessage[] = [];
    const { client } = pair((m, c) => {
      seen.push(m);
      c.reply(m, 's', ['ignored']);
    });
    const s1 = client.send({ type: MessageType.MethodCall, path: '/x', member: 'A', flags: MessageFlags.NoReplyExpected });
    const reply = await client.call({ path: '/x', member: 'B' });
    expect(reply.replySerial).to.be.greaterThan(s1);
    expect(seen.map((m) => m.member)).to.deep.equal(['A', 'B']);
  });

  it('times out calls on the loop clock and rejects pending calls when the peer goes away', async () => {
    const calls: DecodedMessage[] = [];
    const { server, client } = pair((m) => calls.push(m));
    await client.waitAuthenticated();
    const p1 = client.call({ path: '/x', member: 'Slow' }, { timeoutUsec: 1_000_000 });
    await until(() => calls.length === 1);
    t.advance(1_000_000);
    const e1 = await p1.catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(DbusError).with.property('errorName', 'org.freedesktop.DBus.Error.NoReply');
    const p2 = client.call({ path: '/x', member: 'Never' });
    await until(() => calls.length === 2);
    server.close();
    const e2 = await p2.catch((e: unknown) => e);
    expect(e2).to.be.instanceOf(DbusError).with.property('errorName', 'org.freedesktop.DBus.Error.Disconnected');
    await until(() => client.closed);
    expect(() => client.send({ type: MessageType.Signal, path: '/', interface: 'a.b', member: 'C' })).to.throw(DbusError);
  });

  it('answers a raw sd-bus handshake pipelined with the first message in one write', async () => {
    const [a, b] = socketPair('stream', true);
    const server = new DbusConnection(a, { role: 'server', peer: peerCredentials(a), guid: GUID }, { loop: t.loop, logger, onMessage: (m, c) => c.reply(m, 's', ['pong']) });
    open.push(server);
    const call = encodeMessage({ type: MessageType.MethodCall, serial: 1, path: '/', member: 'Ping' }).bytes;
    sendWithFds(b, Buffer.concat([Buffer.from('\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n', 'latin1'), call]));
    let got = Buffer.alloc(0);
    const lines = `DATA\r\nOK ${GUID}\r\nAGREE_UNIX_FD\r\n`;
    await until(() => {
      const r = receiveWithFds(b);
      if (r) got = Buffer.concat([got, r.data]);
      return got.length > lines.length + 16;
    });
    expect(got.subarray(0, lines.length).toString('latin1')).to.equal(lines);
    expect(got[lines.length]).to.equal(0x6c);
    expect(got[lines.length + 1]).to.equal(MessageType.MethodReturn);
    closeFd(b);
  });

  it('sends nothing before the handshake\'s replies: a signal emitted to a peer still authenticating follows its OK', async () => {
    const [a, b] = socketPair('stream', true);
    const server = new DbusConnection(a, { role: 'server', peer: peerCredentials(a), guid: GUID }, { loop: t.loop, logger });
    open.push(server);
    // Emitted as the peer connects, before it said anything (a manager's signals go to every connection).
    server.emitSignal('/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager', 'Reloading', 'b', [true]);
    sendWithFds(b, Buffer.from('\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n', 'latin1'));
    let got = Buffer.alloc(0);
    const lines = `DATA\r\nOK ${GUID}\r\nAGREE_UNIX_FD\r\n`;
    await until(() => {
      const r = receiveWithFds(b);
      if (r) got = Buffer.concat([got, r.data]);
      return got.length > lines.length + 16;
    });
    expect(got.subarray(0, lines.length).toString('latin1')).to.equal(lines);
    expect(got[lines.length]).to.equal(0x6c);
    expect(got[lines.length + 1]).to.equal(MessageType.Signal);
    closeFd(b);
  });

  it('closes with a logged reason on garbage after the handshake, and on a peer that never says NUL', async () => {
    const reasons: (string | undefined)[] = [];
    const [a, b] = socketPair('stream', true);
    open.push(new DbusConnection(a, { role: 'server', peer: peerCredentials(a), guid: GUID }, { loop: t.loop, logger, onClose: (r) => reasons.push(r) }));
    sendWithFds(b, Buffer.from('\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\nXXXXXXXXXXXXXXXXXXXXXXXX', 'latin1'));
    await until(() => reasons.length === 1);
    expect(reasons[0]).to.match(/invalid message: invalid endianness byte/);
    expect(logger.warnings.some((w) => /closed: invalid message/.test(w))).to.equal(true);
    closeFd(b);
    const [c, d] = socketPair('stream', true);
    open.push(new DbusConnection(c, { role: 'server', peer: peerCredentials(c), guid: GUID }, { loop: t.loop, logger, onClose: (r) => reasons.push(r) }));
    sendWithFds(d, Buffer.from('AUTH EXTERNAL\r\n'));
    await until(() => reasons.length === 2);
    expect(reasons[1]).to.match(/NUL byte/);
    closeFd(d);
  });

  it('carries an 8 MiB message split over many reads and writes', async () => {
    const { client } = pair((m, c) => c.reply(m, 'u', [(m.body[0] as Buffer).length]));
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    const reply = await client.call({ path: '/x', member: 'Big', signature: 'ay', body: [big] });
    expect(reply.body).to.deep.equal([big.length]);
  });

  it('closes a connection whose handshake does not finish within the auth timeout', async () => {
    const [a, b] = socketPair('stream', true);
    const conn = new DbusConnection(a, { role: 'server', peer: peerCredentials(a), guid: GUID }, { loop: t.loop, logger, authTimeoutUsec: 5_000_000 });
    open.push(conn);
    sendWithFds(b, Buffer.from('\0AUTH EXTERNAL\r\n', 'latin1'));
    t.advance(4_999_999);
    expect(conn.closed).to.equal(false);
    t.advance(1);
    expect(conn.closeReason).to.equal('authentication timed out');
    closeFd(b);
  });

  it('turns a throwing message handler into an error reply without closing', async () => {
    const { client } = pair(() => {
      throw new Error('handler bug');
    });
    const e = await client.call({ path: '/x', member: 'Boom' }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(DbusError).with.property('errorName', 'org.freedesktop.DBus.Error.Failed');
    expect(client.closed).to.equal(false);
    expect(logger.warnings.some((w) => /handler failed: handler bug/.test(w))).to.equal(true);
  });
});
