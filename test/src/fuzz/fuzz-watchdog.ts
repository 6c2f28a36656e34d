/**
 * The long run's guard against an input that never returns: a synchronous endless loop cannot be
 * timed out from the thread it blocks, so the input is copied into shared memory before it runs,
 * and a worker thread that sees no new input for `limitMs` writes it to a file, says so on stderr
 * and ends the process.
 */
import { Worker } from 'node:worker_threads';

/** The size of the shared copy of an input; a longer input is cut (the file says so). */
const CAPACITY = 4 * 1024 * 1024;

const workerSource = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { counter, bytes, out, limitMs } = workerData;
const state = new Int32Array(counter);
let last = -1, since = Date.now();
setInterval(() => {
  const now = Date.now();
  const seen = Atomics.load(state, 0);
  if (seen !== last || seen === 0) { last = seen; since = now; return; }
  if (now - since < limitMs) return;
  const length = Atomics.load(state, 1);
  const text = Buffer.from(new Uint8Array(bytes, 0, length)).toString('utf8');
  const file = path.join(out, 'hang-' + Date.now() + '.json');
  fs.writeFileSync(file, text);
  fs.writeSync(2, '\\nHANG: an input has been running for ' + Math.round((now - since) / 1000) + ' s; saved to ' + file + ' (npm run fuzz -- --replay ' + file + ')\\n');
  process.kill(process.pid, 'SIGKILL');
}, 1000);
`;

/** What fuzz-main calls: beat() before each input, stop() at the end. */
export interface Watchdog {
  beat(target: string, seed: number, index: number, input: unknown): void;
  stop(): void;
}

/** Starts the watchdog thread; `out` is where a stuck input is saved. */
export function startWatchdog(out: string, limitMs: number): Watchdog {
  const counter = new SharedArrayBuffer(8);
  const bytes = new SharedArrayBuffer(CAPACITY);
  const state = new Int32Array(counter);
  const view = new Uint8Array(bytes);
  const encoder = new TextEncoder();
  const worker = new Worker(workerSource, { eval: true, workerData: { counter, bytes, out, limitMs } });
  worker.unref();
  let n = 0;
  return {
    beat(target, seed, index, input) {
      const text = JSON.stringify({ target, seed, index, input });
      const { written } = encoder.encodeInto(text.length * 3 <= CAPACITY ? text : JSON.stringify({ target, seed, index, note: 'input too long to keep; regenerate it from seed and index' }), view);
      Atomics.store(state, 1, written);
      Atomics.store(state, 0, ++n);
    },
    stop() {
      void worker.terminate();
    },
  };
}
