/**
 * One control call made synchronously, for unitkitctl's quick path: connect to the control socket,
 * send one request, block until its reply line. A call that waits for nothing but its answer needs
 * no event loop, and so none of Node's `net` and stream machinery, whose loading and first use are
 * most of what a `show` through `net` costs over Node's own start-up (issue #19: +26 M instructions
 * against +5 M this way, the addon's loading included). The socket comes from the native addon
 * (`socket`, `setNonblock`, `connect`: Node has no other AF_UNIX client than `net`); reads and writes
 * are `fs.readSync`/`fs.writeSync` on its fd.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { PROTOCOL_VERSION, encodeMessage } from './control-protocol.js';
import type { ControlReply } from './control-protocol.js';

/** The native addon's socket calls this uses (@unitkit/native's raw functions of the same names). */
export interface SyncSocketOps {
  socket(family: number, type: number): number;
  setNonblock(fd: number, on: boolean): void;
  connect(fd: number, address: { family: 'unix'; path: string }): void;
}

const AF_UNIX = 1;
const SOCK_STREAM = 1;
/** A reply line longer than this is refused, as ControlClient refuses one. */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Sleeps without an event loop (the retry wait while unitkitd starts). */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A blocking connection to the control socket at `path`. A missing or refusing socket is retried
 * for `retryMs` (every 25 ms, as ControlClient.connect does), so a client started together with
 * unitkitd waits for it to listen. Throws the addon's errno error (`code` ENOENT, …) otherwise.
 */
export function connectSync(ops: SyncSocketOps, path: string, retryMs: number): number {
  const deadline = Date.now() + retryMs;
  for (;;) {
    const fd = ops.socket(AF_UNIX, SOCK_STREAM);
    try {
      ops.setNonblock(fd, false);
      ops.connect(fd, { family: 'unix', path });
      return fd;
    } catch (e) {
      closeSync(fd);
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ECONNREFUSED') && Date.now() < deadline) {
        sleepMs(25);
        continue;
      }
      throw e;
    }
  }
}

/** Writes all of `data` to a blocking fd. */
function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
}

/**
 * Sends one request on a connection from connectSync and returns its reply, then closes the
 * connection. Lines that are not the reply (events of another request id, garbage) are skipped,
 * as ControlClient skips them. Throws if unitkitd closes the connection first.
 */
export function callSync(fd: number, method: string, params: Record<string, unknown>): ControlReply {
  try {
    writeAll(fd, Buffer.from(encodeMessage({ v: PROTOCOL_VERSION, id: 1, method, params })));
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) throw new Error('Connection closed by unitkitd');
      const got = chunk.subarray(0, n);
      let start = 0;
      for (let nl = got.indexOf(10); nl !== -1; nl = got.indexOf(10, start)) {
        parts.push(got.subarray(start, nl));
        const line = Buffer.concat(parts).toString('utf8');
        parts.length = 0;
        size = 0;
        start = nl + 1;
        const reply = parseReply(line);
        if (reply) return reply;
      }
      if (start < n) {
        // Copied: the next read reuses `chunk`.
        parts.push(Buffer.from(got.subarray(start)));
        size += n - start;
        if (size > MAX_REPLY_BYTES) throw new Error('Reply too large');
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The reply to request 1 in `line`, or undefined for anything else. */
function parseReply(line: string): ControlReply | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return undefined;
  }
  const m = msg as { id?: unknown; ok?: unknown; event?: unknown };
  return m && m.id === 1 && m.event === undefined && typeof m.ok === 'boolean' ? (msg as ControlReply) : undefined;
}
