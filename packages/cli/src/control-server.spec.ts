/**
 * The control socket under clients that misbehave: none of them may grow the manager without bound
 * or keep other clients from being answered.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogRecord, Logger } from '@unitkit/core';
import { NativeEventLoop } from '@unitkit/native';
import type { ControlHandler, MethodContext } from './control-handler.js';
import { ControlServer } from './control-server.js';
import type { ControlServerLimits } from './control-server.js';

/** A handler that answers `echo` and streams `flood` events until the client is gone. */
function fakeHandler(calls: { n: number }): ControlHandler {
  return {
    call: async (method: string, params: Record<string, unknown>, ctx: MethodContext) => {
      calls.n++;
      if (method === 'flood') {
        const chunk = 'x'.repeat(4096);
        let open = true;
        ctx.onClose(() => (open = false));
        const tick = () => {
          for (let i = 0; i < 64 && open; i++) if (!ctx.emit('journal', chunk)) open = false;
          if (open) setImmediate(tick);
        };
        setImmediate(tick);
        return {};
      }
      return { echo: params.text ?? null };
    },
  } as unknown as ControlHandler;
}

function connect(p: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(p, () => resolve(s));
    s.once('error', reject);
  });
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
}

/** Sends one request and reads lines until its reply. */
function call(s: net.Socket, method: string, text?: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d;
      for (const line of buf.split('\n').slice(0, -1)) {
        const m = JSON.parse(line) as Record<string, unknown>;
        if ('ok' in m) {
          s.off('data', onData);
          resolve(m);
          return;
        }
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.write(`${JSON.stringify({ v: 1, id: 1, method, params: text === undefined ? {} : { text } })}\n`);
  });
}

describe('control server limits', function () {
  this.timeout(10000);
  let dir: string;
  let server: ControlServer;
  let logger: Logger & { records: LogRecord[] };
  let calls: { n: number };

  async function start(limits: Partial<ControlServerLimits>) {
    const records: LogRecord[] = [];
    logger = { records, log: (r) => records.push(r), enabled: () => true };
    calls = { n: 0 };
    server = new ControlServer({ path: path.join(dir, 'private'), loop: new NativeEventLoop({ subreaper: false }), handler: fakeHandler(calls), logger, limits });
    await server.listen();
  }

  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-server-'))));
  afterEach(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cuts off a follower that never reads, after a bounded buffer, while others are answered', async () => {
    await start({ unreadBytes: 256 * 1024 });
    const stalled = await connect(path.join(dir, 'private'));
    stalled.pause();
    stalled.write(`${JSON.stringify({ v: 1, id: 1, method: 'flood' })}\n`);
    const other = await connect(path.join(dir, 'private'));
    expect(await call(other, 'echo', 'hi')).to.deep.include({ ok: true, result: { echo: 'hi' } });
    while (!logger.records.some((r) => /does not read its replies/.test(r.message))) await new Promise((r) => setTimeout(r, 10));
    // Reading again, the client finds the connection closed after what was buffered.
    stalled.resume();
    await closed(stalled);
    expect(await call(other, 'echo', 'still')).to.deep.include({ ok: true, result: { echo: 'still' } });
    other.destroy();
  });

  it('stops reading a client that pipelines requests without reading the replies', async () => {
    await start({ inFlight: 4 });
    const greedy = await connect(path.join(dir, 'private'));
    greedy.pause();
    const line = `${JSON.stringify({ v: 1, method: 'echo', params: { text: 'y'.repeat(1000) } })}\n`;
    const batch = line.repeat(1000);
    // Write far more than the kernel buffers hold; the manager answers only what it has room for.
    for (let i = 0; i < 20; i++) greedy.write(batch);
    const other = await connect(path.join(dir, 'private'));
    expect(await call(other, 'echo', 'hi')).to.deep.include({ ok: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.n).to.be.below(20 * 1000);
    greedy.destroy();
    other.destroy();
  });

  it('disconnects a client that sends half a request and then nothing', async () => {
    await start({ partialRequestMs: 100 });
    const half = await connect(path.join(dir, 'private'));
    half.write('{"v":1,"method":"ec');
    await closed(half);
    expect(logger.records.map((r) => r.message).join('\n')).to.match(/sent part of a request and nothing more/);
  });

  it('refuses clients beyond the connection limit and serves them again once others leave', async () => {
    await start({ connections: 2 });
    const a = await connect(path.join(dir, 'private'));
    const b = await connect(path.join(dir, 'private'));
    expect(await call(a, 'echo', 'a')).to.deep.include({ ok: true });
    const c = await connect(path.join(dir, 'private'));
    await closed(c);
    expect(logger.records.map((r) => r.message).join('\n')).to.match(/2 clients connected, refusing more/);
    a.destroy();
    await closed(a);
    await new Promise((r) => setTimeout(r, 20));
    const d = await connect(path.join(dir, 'private'));
    expect(await call(d, 'echo', 'd')).to.deep.include({ ok: true, result: { echo: 'd' } });
    b.destroy();
    d.destroy();
  });
});
