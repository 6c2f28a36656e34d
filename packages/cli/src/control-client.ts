/**
 * The client side of the control protocol, for unitkitctl (a short-lived process, so Node's
 * `net` is fine here): connect to `$RUNTIME_DIR/private`, send requests, read replies and
 * streamed events.
 */
import * as net from 'node:net';
import type { ControlError, ControlEvent, ControlReply } from './control-protocol.js';
import { LineSplitter, PROTOCOL_VERSION, encodeMessage } from './control-protocol.js';

/** A refusal from unitkitd, with systemd's D-Bus error name. */
export class ControlCallError extends Error {
  constructor(readonly error: ControlError) {
    super(error.message);
    this.name = 'ControlCallError';
  }
}

/** One connection to unitkitd. */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onEvent?: (e: ControlEvent) => void }>();
  private readonly splitter = new LineSplitter(64 * 1024 * 1024);
  private closedError?: Error;

  private constructor(
    private readonly socket: net.Socket,
    /** The control socket's path (a client reconnects to it after a daemon-reexec). */
    readonly path: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      const lines = this.splitter.push(chunk);
      if (lines === 'overflow') return this.fail(new Error('Reply too large'));
      for (const line of lines) this.dispatch(line);
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('Connection closed by unitkitd')));
  }

  /**
   * Connects to the control socket. A missing or refusing socket is retried for `retryMs`,
   * so a client started together with unitkitd waits for it to listen instead of failing.
   */
  static async connect(path: string, retryMs = 0): Promise<ControlClient> {
    const deadline = Date.now() + retryMs;
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection(path);
          s.once('connect', () => {
            s.off('error', reject);
            resolve(s);
          });
          s.once('error', reject);
        });
        return new ControlClient(socket, path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code === 'ENOENT' || code === 'ECONNREFUSED') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
          continue;
        }
        throw e;
      }
    }
  }

  private fail(e: Error): void {
    this.closedError ??= e;
    for (const [, p] of this.pending) p.reject(e);
    this.pending.clear();
  }

  private dispatch(line: string): void {
    let msg: ControlReply | ControlEvent;
    try {
      msg = JSON.parse(line) as ControlReply | ControlEvent;
    } catch {
      return;
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    if ('event' in msg) {
      p.onEvent?.(msg);
      return;
    }
    this.pending.delete(msg.id as number);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new ControlCallError(msg.error));
  }

  /** Calls one method and waits for its reply; `onEvent` receives streamed events meanwhile (and after). */
  call<T = unknown>(method: string, params: Record<string, unknown> = {}, onEvent?: (e: ControlEvent) => void): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent });
      this.socket.write(encodeMessage({ v: PROTOCOL_VERSION, id, method, params }));
    }).finally(() => {
      // A following call keeps its entry for the events after the reply.
      if (onEvent) this.pending.set(id, { resolve: () => {}, reject: () => {}, onEvent });
    });
  }

  /** Closes the connection. */
  close(): void {
    this.closedError ??= new Error('closed');
    this.socket.destroy();
  }

  /** Resolves when unitkitd closes the connection (for `logs -f`). */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
    });
  }
}
