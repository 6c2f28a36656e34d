/**
 * unitkitd's control socket: an AF_UNIX stream socket `$RUNTIME_DIR/private` (mode 0600) speaking
 * the newline-delimited JSON protocol of control-protocol.ts.
 *
 * It runs on the addon's sockets and the manager's event loop, as the D-Bus server does: node:net,
 * whose listen() also loads the cluster, child_process and dgram modules, cost every idle manager
 * ~2.5 MB (issue #19). Who is calling is decided by SO_PEERCRED on the accepted fd, read once per
 * connection; when it cannot be read, the client is treated as unprivileged (read-only): it fails
 * closed, never open.
 */
import * as fs from 'node:fs';
import type { EventLoop, Logger } from '@unitkit/core';
import { ManagerError } from '@unitkit/core';
import { FdStream, UnixListener, closeFd, peerCredentials } from '@unitkit/native';
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
  /** The loop that watches the listening socket and the connections (the manager's). */
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
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

/** The listening control socket. */
export class ControlServer {
  private listener: UnixListener | undefined;
  private readonly connections = new Set<FdStream>();
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
  }

  /**
   * Binds and listens; the socket node gets mode 0600 before any client can reach it (a stale node
   * is replaced). With `inheritedFd` (a manager re-exec), listens on that already bound socket
   * instead: clients that connected meanwhile wait in its backlog and are served now.
   */
  listen(inheritedFd?: number): Promise<void> {
    this.listener = new UnixListener({
      path: this.opts.path,
      loop: this.opts.loop,
      socketMode: 0o600,
      fd: inheritedFd,
      onConnection: (fd) => this.accept(fd),
      // EMFILE and friends: logged, never fatal; the listener tries again after a pause.
      onAcceptError: (e) => this.opts.logger.log({ level: 'err', message: `Control socket: accept failed: ${e.message}` }),
    });
    for (const w of this.listener.warnings) this.opts.logger.log({ level: 'warning', message: `Control socket: ${w.message}` });
    return Promise.resolve();
  }

  /** The listening socket's fd (to hand it to the next image on a re-exec); undefined before listen(). */
  fd(): number | undefined {
    return this.listener?.fd;
  }

  /** Stops listening and drops every client. */
  close(): void {
    for (const c of [...this.connections]) c.destroy();
    this.listener?.close();
    this.listener = undefined;
    try {
      fs.unlinkSync(this.opts.path);
    } catch {
      // already gone (or never made)
    }
  }

  private accept(fd: number): void {
    if (this.connections.size >= this.limits.connections) {
      // Logged once per overload, not once per refused client.
      if (!this.refusedLogged) this.opts.logger.log({ level: 'warning', message: `Control socket: ${this.connections.size} clients connected, refusing more.` });
      this.refusedLogged = true;
      closeFd(fd);
      return;
    }
    this.refusedLogged = false;
    let creds: PeerCredentials | undefined;
    try {
      creds = peerCredentials(fd);
    } catch {
      creds = undefined;
    }
    const privileged = mayChangeState(creds?.uid, this.ownerUid);
    const splitter = new LineSplitter(MAX_REQUEST_BYTES);
    const closers: Array<() => void> = [];
    let closed = false;
    const who = creds ? `pid ${creds.pid} uid ${creds.uid}` : 'unknown peer';
    // Input is read only while the client reads its replies and has few requests open: a client
    // that pipelines without reading waits in its own socket buffer, not in the manager's memory.
    let inFlight = 0;
    const queue: string[] = [];
    let partialTimer: NodeJS.Timeout | undefined;
    let discarding = false;
    const flowControl = () => {
      if (closed) return;
      const busy = inFlight >= this.limits.inFlight || socket.queuedBytes > 0;
      if (busy) socket.pause();
      else socket.resume();
    };
    const socket: FdStream = new FdStream(fd, this.opts.loop, {
      data: (chunk) => {
        if (discarding) return;
        const lines = splitter.push(chunk);
        if (lines === 'overflow') {
          this.opts.logger.log({ level: 'warning', message: `Control socket: request from ${who} exceeds ${MAX_REQUEST_BYTES} bytes, closing connection.` });
          write(encodeMessage({ v: PROTOCOL_VERSION, ok: false, error: { name: 'LimitsExceeded', message: `Request exceeds ${MAX_REQUEST_BYTES} bytes.` } }));
          // Keep reading (and dropping) so the client is not blocked writing and can see the reply;
          // the connection is closed after a second.
          discarding = true;
          clearTimeout(partialTimer);
          setTimeout(() => socket.destroy(), 1000).unref();
          return;
        }
        for (const line of lines) if (line.trim() !== '') queue.push(line);
        watchPartial();
        pump();
      },
      drain: flowControl,
      close: () => {
        closed = true;
        clearTimeout(partialTimer);
        queue.length = 0;
        this.connections.delete(socket);
        for (const c of closers.splice(0)) c();
      },
    });
    this.connections.add(socket);
    const cutOff = (why: string) => {
      if (closed) return;
      this.opts.logger.log({ level: 'warning', message: `Control socket: ${who} ${why}, closing connection.` });
      socket.destroy();
    };
    const write = (text: string) => {
      if (closed) return false;
      if (socket.queuedBytes + text.length > this.limits.unreadBytes) {
        cutOff(`does not read its replies (${socket.queuedBytes} bytes unread)`);
        return false;
      }
      socket.write(text);
      flowControl();
      return true;
    };
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
    const watchPartial = () => {
      if (splitter.pendingLength === 0) {
        clearTimeout(partialTimer);
        partialTimer = undefined;
      } else if (!partialTimer) {
        partialTimer = setTimeout(() => cutOff(`sent part of a request and nothing more for ${this.limits.partialRequestMs} ms`), this.limits.partialRequestMs);
        partialTimer.unref();
      }
    };
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
