/**
 * Raw bytes through a ControlServer on a temporary socket: requests mutated from valid ones,
 * garbage, lines split across writes, empty and overlong lines. The server must answer or
 * refuse, never log a method failure (a non-ManagerError thrown by the handler), and keep
 * serving the next client.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogRecord } from '@unitkit/core';
import { ControlServer, MAX_REQUEST_BYTES, PROTOCOL_VERSION } from '@unitkit/cli';
import { NativeEventLoop } from '@unitkit/native';
import type { TestManager } from '@unitkit/testing';
import { FuzzFailure, type FuzzTarget } from '../fuzz-target.js';
import { drive } from '../fuzz-manager.js';
import { mutateText } from '../mutate.js';
import { Prng } from '../prng.js';
import { controlFixture, controlRequestTarget } from './control-request.js';

/** What one client sends: chunks written one after another, as latin1 bytes when `binary`. */
export interface ControlSocketInput {
  chunks: string[];
  binary: boolean;
  drive: number;
}

let state: { dir: string; server: ControlServer; t: TestManager; records: LogRecord[]; socket: string } | undefined;

function validLine(rng: Prng): string {
  const c = controlRequestTarget.generate(rng).calls[0] ?? { method: 'hello', params: {} };
  const req: Record<string, unknown> = { v: rng.chance(0.9) ? PROTOCOL_VERSION : rng.pick([0, 2, '1', null]), method: c.method, params: c.params };
  if (rng.chance(0.8)) req.id = rng.pick<unknown>([1, 'a', null, {}, 2 ** 60]);
  return JSON.stringify(req);
}

/** Sends the chunks, half-closes and reads until the server closes. */
function exchange(socketPath: string, input: ControlSocketInput): Promise<void> {
  return new Promise((resolve) => {
    const c = net.createConnection(socketPath);
    const finish = () => {
      clearTimeout(timer);
      c.destroy();
      resolve();
    };
    // A client that sent a partial line is cut off only after 30 s: do not wait for that.
    const timer = setTimeout(finish, 300);
    c.on('error', finish);
    c.on('close', finish);
    c.on('data', () => undefined);
    c.on('connect', () => {
      for (const chunk of input.chunks) c.write(input.binary ? Buffer.from(chunk, 'latin1') : chunk);
      c.end();
    });
  });
}

/** The target. */
export const controlSocketTarget: FuzzTarget<ControlSocketInput> = {
  name: 'control-socket',
  description: 'raw lines through a ControlServer on a temporary socket',
  generate(rng) {
    const lines: string[] = [];
    for (let i = rng.size(6); i > 0; i--) {
      const r = rng.int(10);
      if (r < 5) lines.push(validLine(rng));
      else if (r < 8) lines.push(mutateText(rng, validLine(rng), ['{', '}', '[', ']', '"', ',', ':', '\\u0000', '\\ud800', '\n', '1e999', 'null'], 4));
      else if (r < 9) lines.push(rng.string(rng.size(200), '{}[]":,\\ \tabc01\n\r\0\xff'));
      else lines.push(rng.chance(0.1) ? 'x'.repeat(MAX_REQUEST_BYTES + 1) : '');
    }
    const text = lines.join('\n') + (rng.chance(0.9) ? '\n' : '');
    const chunks: string[] = [];
    for (let at = 0; at < text.length;) {
      const n = rng.chance(0.7) ? text.length : rng.size(64);
      chunks.push(text.slice(at, at + n));
      at += n;
    }
    return { chunks, binary: rng.chance(0.2), drive: rng.int(2 ** 31) };
  },
  async setup() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-fuzz-control-'));
    const { t, handler } = controlFixture();
    const records: LogRecord[] = [];
    const socket = path.join(dir, 'private');
    const server = new ControlServer({ path: socket, loop: new NativeEventLoop({ subreaper: false }), handler, logger: { log: (r) => void records.push(r), enabled: () => true } });
    await server.listen();
    state = { dir, server, t, records, socket };
  },
  async teardown() {
    if (!state) return;
    state.server.close();
    fs.rmSync(state.dir, { recursive: true, force: true });
    state = undefined;
  },
  async run(input) {
    if (!state) await this.setup!();
    const s = state!;
    s.records.length = 0;
    await exchange(s.socket, input);
    // Let the jobs that were enqueued run (and `wait` calls finish) before the next client.
    drive(s.t, new Prng(input.drive), 50);
    await new Promise((r) => setImmediate(r));
    const failed = s.records.find((r) => r.level === 'err' || r.level === 'crit');
    if (failed) throw new FuzzFailure(`the server logged: ${failed.message}`);
  },
  pathological: [
    { name: 'pipelined requests on one connection', sizes: [250, 500, 1000, 2000], make: (n) => ({ chunks: [`{"v":1,"id":1,"method":"hello"}\n`.repeat(n)], binary: false, drive: 1 }) },
    { name: 'one request in N one-byte writes', sizes: [1000, 2000, 4000, 8000], make: (n) => ({ chunks: [...`{"v":1,"method":"hello","params":{"pad":"${'p'.repeat(n)}"}}\n`], binary: false, drive: 1 }) },
    { name: 'one long request line (bytes)', sizes: [125000, 250000, 500000, 1000000], make: (n) => ({ chunks: [`{"v":1,"method":"hello","params":{"pad":"${'p'.repeat(n - 50)}"}}\n`], binary: false, drive: 1 }) },
  ],
};
