/**
 * unitkitd's control socket: an AF_UNIX stream socket `$RUNTIME_DIR/private` (mode 0600) speaking
 * the newline-delimited JSON protocol of control-protocol.ts.
 *
 * Listening goes through Node's `net` (no child_process involved, so the native reaper is not
 * disturbed). Who is calling is decided by SO_PEERCRED on the accepted fd, read once per
 * connection with @unitkit/native's peerCredentials(): `net` gives the fd of a unix-socket handle
 * (`socket._handle.fd`) on Linux. That is an internal of Node, so it is used defensively: when the
 * fd or the credentials cannot be read, the client is treated as unprivileged (read-only) — it
 * fails closed, never open. Using `net` keeps buffering, back-pressure and half-close handling in
 * libuv instead of reimplementing them on raw fds.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Logger } from '@unitkit/core';
import { ManagerError } from '@unitkit/core';
import { peerCredentials } from '@unitkit/native';
import type { ControlReply, ControlRequest } from './control-protocol.js';
import {
  LineSplitter,
  MAX_CONNECTIONS,
  MAX_REQUESTS_IN_FLIGHT,
  MAX_REQUEST_BYTES,
  MAX_UNREAD_BYTES,
  PARTIAL_REQUEST_TIMEOUT_MS,
  PROTOCOL_VERSION,
  encodeMessage,
  mutatingMethods,
} from './control-protocol.js';
import type { ControlHandler } from './control-handler.js';
import { mayChangeState } from './manager-operations.js';

/** The credentials of a connected client. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** Options of {@link ControlServer}. */
export interface ControlServerOptions {
  path: string;
  handler: ControlHandler;
  logger: Logger;
  /** The uid allowed to change state besides root: the manager's own. */
  ownerUid?: number;
  /** Limits, for tests; control-protocol.ts has the defaults. */
  limits?: Partial<ControlServerLimits>;
}

/** What one client may cost the manager. */
export interface ControlServerLimits {
  /** Clients connected at once. */
  connections: number;
  /** Requests of one client being answered at once. */
  inFlight: number;
  /** Bytes of replies a client has not read yet. */
  unreadBytes: number;
  /** How long (ms) a begun request may wait for its end. */
  partialRequestMs: number;
}

/** Reads SO_PEERCRED of a connected net.Socket; undefined when Node does not expose the fd. */
export function socketPeerCredentials(socket: net.Socket): PeerCredentials | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  try {
    return peerCredentials(fd);
  } catch {
    return undefined;
  }
}

/** The listening control socket. */
export class ControlServer {
  private readonly server: net.Server;
  private readonly connections = new Set<net.Socket>();
  private readonly ownerUid: number;
  private readonly limits: ControlServerLimits;
  private refusedLogged = false;

  constructor(private readonly opts: ControlServerOptions) {
    this.ownerUid = opts.ownerUid ?? process.getuid?.() ?? 0;
    this.limits = {
      connections: MAX_CONNECTIONS,
      inFlight: MAX_REQUESTS_IN_FLIGHT,
      unreadBytes: MAX_UNREAD_BYTES,
      partialRequestMs: PARTIAL_REQUEST_TIMEOUT_MS,
      ...opts.limits,
    };
    this.server = net.createServer((s) => this.accept(s));
    // An error on the listening socket (EMFILE on accept…) is logged, never fatal.
    this.server.on('error', (e) => opts.logger.log({ level: 'err', message: `Control socket: ${e.message}` }));
  }

  /**
   * Binds and listens; the socket node gets mode 0600 before any client can reach it. With
   * `inheritedFd` (a manager re-exec), listens on that already bound socket instead: clients that
   * connected meanwhile wait in its backlog and are served now.
   */
  listen(inheritedFd?: number): Promise<void> {
    if (inheritedFd !== undefined) {
      return new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen({ fd: inheritedFd }, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    }
    fs.rmSync(this.opts.path, { force: true });
    return new Promise<void>((resolve, reject) => {
      // A 0177 umask while binding means the node is created 0600: no window with a looser mode.
      const old = process.umask(0o177);
      this.server.once('error', reject);
      this.server.listen(this.opts.path, () => {
        this.server.off('error', reject);
        resolve();
      });
      process.umask(old);
    }).then(() => fs.chmodSync(this.opts.path, 0o600));
  }

  /** The listening socket's fd (to hand it to the next image on a re-exec); undefined when Node hides it. */
  fd(): number | undefined {
    const fd = (this.server as unknown as { _handle?: { fd?: number } })._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : undefined;
  }

  /** Stops listening and drops every client. */
  close(): void {
    for (const c of this.connections) c.destroy();
    this.server.close();
    fs.rmSync(this.opts.path, { force: true });
  }

  private accept(socket: net.Socket): void {
    if (this.connections.size >= this.limits.connections) {
      // Logged once per overload, not once per refused client.
      if (!this.refusedLogged) this.opts.logger.log({ level: 'warning', message: `Control socket: ${this.connections.size} clients connected, refusing more.` });
      this.refusedLogged = true;
      socket.destroy();
      return;
    }
    this.refusedLogged = false;
    this.connections.add(socket);
    const creds = socketPeerCredentials(socket);
    const privileged = mayChangeState(creds?.uid, this.ownerUid);
    const splitter = new LineSplitter(MAX_REQUEST_BYTES);
    const closers: Array<() => void> = [];
    let closed = false;
    const who = creds ? `pid ${creds.pid} uid ${creds.uid}` : 'unknown peer';
    const cutOff = (why: string) => {
      if (closed) return;
      this.opts.logger.log({ level: 'warning', message: `Control socket: ${who} ${why}, closing connection.` });
      socket.destroy();
    };
    // Input is read only while the client reads its replies and has few requests open: a client
    // that pipelines without reading waits in its own socket buffer, not in the manager's memory.
    let inFlight = 0;
    const queue: string[] = [];
    const flowControl = () => {
      if (closed) return;
      const busy = inFlight >= this.limits.inFlight || socket.writableNeedDrain;
      if (busy && !socket.isPaused()) socket.pause();
      else if (!busy && socket.isPaused()) socket.resume();
    };
    const write = (text: string) => {
      if (closed || socket.destroyed) return false;
      if (socket.writableLength + text.length > this.limits.unreadBytes) {
        cutOff(`does not read its replies (${socket.writableLength} bytes unread)`);
        return false;
      }
      socket.write(text);
      flowControl();
      return true;
    };
    socket.on('drain', flowControl);
    const pump = () => {
      while (queue.length > 0 && inFlight < this.limits.inFlight && !closed) {
        inFlight++;
        void this.handleLine(queue.shift()!, privileged, who, write, (cb) => closers.push(cb)).finally(() => {
          inFlight--;
          pump();
          flowControl();
        });
      }
      flowControl();
    };
    let partialTimer: NodeJS.Timeout | undefined;
    const watchPartial = () => {
      if (splitter.pendingLength === 0) {
        clearTimeout(partialTimer);
        partialTimer = undefined;
      } else if (!partialTimer) {
        partialTimer = setTimeout(() => cutOff(`sent part of a request and nothing more for ${this.limits.partialRequestMs} ms`), this.limits.partialRequestMs);
        partialTimer.unref();
      }
    };
    socket.on('close', () => {
      closed = true;
      clearTimeout(partialTimer);
      queue.length = 0;
      this.connections.delete(socket);
      for (const c of closers.splice(0)) c();
    });
    socket.on('error', () => {
      // A client that vanishes mid-reply is normal; 'close' follows.
    });
    let discarding = false;
    socket.on('data', (chunk: Buffer) => {
      if (discarding) return;
      const lines = splitter.push(chunk);
      if (lines === 'overflow') {
        this.opts.logger.log({ level: 'warning', message: `Control socket: request from ${who} exceeds ${MAX_REQUEST_BYTES} bytes, closing connection.` });
        write(encodeMessage({ v: PROTOCOL_VERSION, ok: false, error: { name: 'LimitsExceeded', message: `Request exceeds ${MAX_REQUEST_BYTES} bytes.` } }));
        socket.end();
        // Keep reading (and dropping) so the client is not blocked writing and can see the reply;
        // a client that keeps flooding is cut off after a second.
        discarding = true;
        clearTimeout(partialTimer);
        setTimeout(() => socket.destroy(), 1000).unref();
        return;
      }
      for (const line of lines) if (line.trim() !== '') queue.push(line);
      watchPartial();
      pump();
    });
  }

  private async handleLine(line: string, privileged: boolean, who: string, write: (t: string) => boolean, onClose: (cb: () => void) => void): Promise<void> {
    let req: ControlRequest;
    const reply = (r: { id?: number | string; ok: true; result: unknown } | { id?: number | string; ok: false; error: { name: string; message: string } }) => write(encodeMessage({ v: PROTOCOL_VERSION, ...r } as ControlReply));
    try {
      req = JSON.parse(line) as ControlRequest;
      if (typeof req !== 'object' || req === null || typeof req.method !== 'string') throw new Error('not a request object');
      if (req.params !== undefined && (typeof req.params !== 'object' || req.params === null || Array.isArray(req.params))) throw new Error('params must be an object');
    } catch (e) {
      this.opts.logger.log({ level: 'warning', message: `Control socket: malformed request from ${who}: ${(e as Error).message}` });
      reply({ ok: false, error: { name: 'InvalidArgs', message: `Malformed request: ${(e as Error).message}` } });
      return;
    }
    const id = typeof req.id === 'number' || typeof req.id === 'string' ? req.id : undefined;
    if (req.v !== PROTOCOL_VERSION) {
      reply({ id, ok: false, error: { name: 'NotSupported', message: `Protocol version ${String(req.v)} not supported; this unitkitd speaks version ${PROTOCOL_VERSION}.` } });
      return;
    }
    if (mutatingMethods.has(req.method) && !privileged) {
      this.opts.logger.log({ level: 'notice', message: `Control socket: ${req.method} refused for ${who} (not privileged).` });
      reply({ id, ok: false, error: { name: 'AccessDenied', message: 'Access denied' } });
      return;
    }
    try {
      const result = await this.opts.handler.call(req.method, req.params ?? {}, {
        emit: (event, data) => write(encodeMessage({ v: PROTOCOL_VERSION, id, event, data })),
        onClose,
      });
      reply({ id, ok: true, result });
    } catch (e) {
      if (e instanceof ManagerError) {
        reply({ id, ok: false, error: { name: e.errorName, message: e.message } });
      } else {
        this.opts.logger.log({ level: 'err', message: `Control socket: ${req.method} failed: ${(e as Error).stack ?? String(e)}` });
        reply({ id, ok: false, error: { name: 'Failed', message: (e as Error).message } });
      }
    }
  }
}
