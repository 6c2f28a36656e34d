/**
 * One D-Bus connection over a connected AF_UNIX stream socket fd, server or client side: the SASL
 * handshake, then framing of messages (with their SCM_RIGHTS fds), serials, method calls with
 * reply promises, replies, errors and signals. Everything the peer sends is untrusted: any
 * protocol violation closes the connection with a logged reason; nothing is thrown out of the
 * event loop callbacks.
 */
import type { Disposable, EventLoop, FdEvents, FdWatch, Logger } from '@unitkit/core';
import { closeFd, dupFd, receiveWithFds, sendWithFds } from '@unitkit/native';
import { DbusError, DbusErrorNames, DbusProtocolError } from './errors.js';
import {
  announcedFds,
  decodeMessage,
  encodeMessage,
  frameLength,
  MAX_UNIX_FDS,
  MessageFlags,
  MessageType,
  type DbusMessage,
  type DecodedMessage,
} from './message.js';
import { SaslClient } from './sasl-client.js';
import { SaslServer } from './sasl-server.js';

/** The peer's credentials (SO_PEERCRED), on server-side connections. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** What a connection needs from its environment. */
export interface DbusConnectionOptions {
  /**
   * The sender name stamped on every outgoing message that has none (systemd's private bus says
   * `org.freedesktop.systemd1` on each message, as if a bus daemon had routed it).
   */
  sender?: string;
  /** Watches the socket (core's EventLoop: only watchFd, armTimer and now are used). */
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
  logger?: Logger;
  /** Receives method calls and signals once authenticated (replies are matched to calls internally). */
  onMessage?: (message: DecodedMessage, connection: DbusConnection) => void;
  /** Called once when the connection closes, with the reason (undefined = closed locally by close()). */
  onClose?: (reason: string | undefined, connection: DbusConnection) => void;
  /** Default timeout of call() in microseconds (default 25 s, as sd-bus). */
  callTimeoutUsec?: number;
  /** A name used in log lines (default `fd N`). */
  description?: string;
  /** Time allowed for the handshake in µs (default 90 s, sd-bus's BUS_AUTH_TIMEOUT); then the connection closes. */
  authTimeoutUsec?: number;
}

/** Server-side specifics: the peer credentials and the GUID to announce. */
export interface ServerSide {
  role: 'server';
  peer: PeerCredentials;
  guid: string;
}

/** Client-side specifics: the uid to claim with EXTERNAL. */
export interface ClientSide {
  role: 'client';
  uid: number;
  negotiateFds?: boolean;
}

/** Options of {@link DbusConnection.call}. */
export interface CallOptions {
  /** Timeout in microseconds (default: the connection's). */
  timeoutUsec?: number;
}

interface PendingCall {
  resolve: (m: DecodedMessage) => void;
  reject: (e: Error) => void;
  timer: Disposable;
}

const READ_CHUNK = 65536;
/** Reads per readiness callback, so one busy peer cannot starve the others. */
const READS_PER_WAKEUP = 32;
/** Received fds not yet claimed by a message, beyond which the peer is misbehaving. */
const MAX_QUEUED_FDS = MAX_UNIX_FDS * 4;
/** Outgoing bytes queued for a peer that does not read, beyond which it is dropped (like dbus-daemon's limits). */
const MAX_OUTGOING = 256 * 1024 * 1024;

/** A D-Bus connection; see the module comment. Construct through DbusServer or connectBus/DbusConnection.open. */
export class DbusConnection {
  /** The peer's SO_PEERCRED credentials (server side), or undefined. */
  readonly peer: PeerCredentials | undefined;
  /** Whether fds may be sent (NEGOTIATE_UNIX_FD was agreed). */
  unixFdsEnabled = false;
  /** The server GUID (from OK on the client side, ours on the server side). */
  guid = '';
  /** Closed, for whatever reason. */
  closed = false;
  /** The reason of the close (undefined while open or when closed locally). */
  closeReason: string | undefined;
  /** Our unique name once a bus assigned one (client side, after Hello). */
  uniqueName: string | undefined;

  private readonly options: DbusConnectionOptions;
  private readonly watch: FdWatch;
  private authenticated = false;
  private readonly saslServer: SaslServer | undefined;
  private readonly saslClient: SaslClient | undefined;
  private inChunks: Buffer[] = [];
  private inLength = 0;
  private inFds: number[] = [];
  private readonly outQueue: { bytes: Buffer; fds: number[] }[] = [];
  /**
   * Messages a server sends before the peer's handshake is done: held back until its `OK` is
   * queued. Put in outQueue, they would go out ahead of the SASL replies (`DATA`, `OK`) and the
   * client would read message bytes where it expects its handshake — sd-bus gives up then.
   */
  private readonly heldUntilAuth: { bytes: Buffer; fds: number[] }[] = [];
  private outBytes = 0;
  private nextSerial = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly authWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private writing = false;
  private readonly authTimer: Disposable;
  /** The peer can no longer receive (EPIPE): output is discarded. */
  private writeBroken = false;

  /**
   * Takes ownership of `fd` (a connected, non-blocking AF_UNIX stream socket) and starts the
   * handshake of `side`. The fd is closed by close().
   */
  constructor(
    readonly fd: number,
    side: ServerSide | ClientSide,
    options: DbusConnectionOptions,
  ) {
    this.options = options;
    if (side.role === 'server') {
      this.peer = side.peer;
      this.guid = side.guid;
      this.saslServer = new SaslServer(side.peer.uid, side.guid);
    } else {
      this.peer = undefined;
      this.saslClient = new SaslClient(side.uid, side.negotiateFds ?? true);
      this.outQueue.push({ bytes: this.saslClient.start(), fds: [] });
    }
    this.watch = options.loop.watchFd(fd, { readable: true, writable: this.outQueue.length > 0 }, (ev) => this.onEvents(ev));
    // A peer that connects and never finishes the handshake must not hold its fd forever.
    this.authTimer = options.loop.armTimer(options.loop.now() + (options.authTimeoutUsec ?? 90_000_000), () => {
      if (!this.authenticated) this.close('authentication timed out');
    });
  }

  /** Log name of this connection. */
  get description(): string {
    return this.options.description ?? `fd ${this.fd}`;
  }

  /** Whether the handshake completed. */
  get isAuthenticated(): boolean {
    return this.authenticated;
  }

  /** Resolves when the handshake completed; rejects if the connection closes first. */
  waitAuthenticated(): Promise<void> {
    if (this.authenticated) return Promise.resolve();
    if (this.closed) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => this.authWaiters.push({ resolve, reject }));
  }

  /**
   * Sends a message; assigns its serial (returned) unless set. Throws TypeError if it cannot be
   * encoded (nothing is sent then), or Error if the connection is closed. Messages sent before the
   * handshake completed are queued after it. Fds of `h` values are duplicated at once: the caller
   * keeps ownership of its own and may close them when this returns.
   */
  send(message: DbusMessage): number {
    if (this.closed) throw this.closedError();
    const serial = message.serial ?? this.takeSerial();
    const sender = message.sender ?? this.options.sender;
    const { bytes, fds } = encodeMessage({ ...message, serial, ...(sender !== undefined ? { sender } : {}) });
    if (fds.length && !this.unixFdsEnabled && this.authenticated) throw new TypeError('the peer did not agree to unix fd passing');
    this.enqueue(bytes, fds);
    return serial;
  }

  /**
   * Calls a method and resolves with the reply (rejects with DbusError for an error reply, or
   * when the connection closes or the timeout passes).
   */
  call(message: Omit<DbusMessage, 'type'> & { type?: MessageType }, options: CallOptions = {}): Promise<DecodedMessage> {
    let serial: number;
    try {
      serial = this.send({ ...message, type: MessageType.MethodCall, flags: (message.flags ?? 0) & ~MessageFlags.NoReplyExpected });
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      // Sending may have closed the connection (a write error): nothing would settle the call then.
      if (this.closed) return reject(this.closedError());
      const loop = this.options.loop;
      const timeout = options.timeoutUsec ?? this.options.callTimeoutUsec ?? 25_000_000;
      const timer = loop.armTimer(loop.now() + timeout, () => {
        if (this.pending.delete(serial)) reject(new DbusError(DbusErrorNames.NoReply, `no reply to ${message.member} within ${timeout / 1e6} s`));
      });
      this.pending.set(serial, { resolve, reject, timer });
    });
  }

  /** Sends the method return for `call` (unless it asked for no reply). */
  reply(call: DecodedMessage, signature = '', body: unknown[] = []): void {
    if (call.flags & MessageFlags.NoReplyExpected) return;
    this.send({ type: MessageType.MethodReturn, replySerial: call.serial, destination: call.sender, signature, body });
  }

  /** Sends an error reply for `call` (unless it asked for no reply). */
  replyError(call: DecodedMessage, errorName: string, message = ''): void {
    if (call.flags & MessageFlags.NoReplyExpected) return;
    this.send({
      type: MessageType.Error,
      replySerial: call.serial,
      destination: call.sender,
      errorName,
      signature: message ? 's' : '',
      body: message ? [message] : [],
    });
  }

  /** Emits a signal. */
  emitSignal(path: string, iface: string, member: string, signature = '', body: unknown[] = [], destination?: string): number {
    return this.send({ type: MessageType.Signal, path, interface: iface, member, signature, body, destination });
  }

  /** Closes the connection (idempotent): pending calls reject, unclaimed fds are closed. */
  close(reason?: string): void {
    this.shutdown(reason, 'warning');
  }

  /** Closes; an orderly end of stream by the peer is logged at debug level only. */
  private shutdown(reason: string | undefined, level: 'warning' | 'debug'): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (reason !== undefined) this.log(level, `D-Bus connection ${this.description} closed: ${reason}`);
    this.watch.dispose();
    this.authTimer.dispose();
    try {
      closeFd(this.fd);
    } catch {
      // already gone: nothing to release
    }
    for (const fd of this.inFds) this.safeClose(fd);
    this.inFds = [];
    for (const item of [...this.outQueue, ...this.heldUntilAuth]) for (const fd of item.fds) this.safeClose(fd);
    this.outQueue.length = 0;
    this.heldUntilAuth.length = 0;
    const error = this.closedError();
    for (const [, p] of this.pending) {
      p.timer.dispose();
      p.reject(error);
    }
    this.pending.clear();
    for (const w of this.authWaiters.splice(0)) w.reject(error);
    try {
      this.options.onClose?.(reason, this);
    } catch (err) {
      this.log('err', `D-Bus connection ${this.description}: close handler failed: ${errorText(err)}`);
    }
  }

  private closedError(): DbusError {
    return new DbusError(DbusErrorNames.Disconnected, `connection closed${this.closeReason ? `: ${this.closeReason}` : ''}`);
  }

  private takeSerial(): number {
    const s = this.nextSerial;
    this.nextSerial = this.nextSerial >= 0xffffffff ? 1 : this.nextSerial + 1;
    return s;
  }

  private enqueue(bytes: Buffer, fds: number[]): void {
    if (this.writeBroken) return;
    // Our own copies: the caller may close its fds as soon as send() returns.
    const copies: number[] = [];
    try {
      for (const fd of fds) copies.push(dupFd(fd));
    } catch (error) {
      for (const fd of copies) this.safeClose(fd);
      throw error;
    }
    (this.saslServer && !this.authenticated ? this.heldUntilAuth : this.outQueue).push({ bytes, fds: copies });
    this.outBytes += bytes.length;
    if (this.outBytes > MAX_OUTGOING) {
      this.close('the peer does not read its messages (outgoing queue over 256 MiB)');
      return;
    }
    // Only after the handshake: before it, the SASL lines alone may go out.
    if (this.authenticated || this.saslClient) this.flush();
  }

  private onEvents(ev: FdEvents): void {
    try {
      if (ev.writable) this.flush();
      if (!this.closed && (ev.readable || ev.hangup)) this.readSome(!!ev.hangup);
    } catch (error) {
      // A bug, not the peer's fault; still, never escape into the loop.
      this.close(`internal error: ${errorText(error)}`);
    }
  }

  private flush(): void {
    if (this.closed || this.writing) return;
    this.writing = true;
    try {
      while (this.outQueue.length) {
        const head = this.outQueue[0]!;
        let n: number | null;
        try {
          n = sendWithFds(this.fd, head.bytes, head.fds);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== 'EPIPE' && code !== 'ECONNRESET') {
            this.close(`write failed: ${errorText(error)}`);
            return;
          }
          // The peer stopped reading, maybe after a last pipelined request: drop our output but
          // still handle what it sent; its end of stream closes us.
          this.writeBroken = true;
          for (const item of this.outQueue) for (const fd of item.fds) this.safeClose(fd);
          this.outQueue.length = 0;
          this.outBytes = 0;
          break;
        }
        if (n === null) break;
        for (const fd of head.fds) this.safeClose(fd); // they went with the first byte
        this.outBytes -= n;
        if (n >= head.bytes.length) this.outQueue.shift();
        else this.outQueue[0] = { bytes: head.bytes.subarray(n), fds: [] };
      }
      if (!this.closed) this.watch.update({ readable: true, writable: this.outQueue.length > 0 });
    } finally {
      this.writing = false;
    }
  }

  private readSome(hangup: boolean): void {
    for (let i = 0; i < READS_PER_WAKEUP && !this.closed; i++) {
      let got;
      try {
        got = receiveWithFds(this.fd, READ_CHUNK);
      } catch (error) {
        this.close(`read failed: ${errorText(error)}`);
        return;
      }
      if (got === null) {
        if (hangup && i === 0) this.shutdown('the peer hung up', 'debug');
        return;
      }
      this.inFds.push(...got.fds);
      if (got.fdsTruncated) return this.close('fds were truncated in transit (MSG_CTRUNC)');
      if (this.inFds.length > MAX_QUEUED_FDS) return this.close('too many fds sent without messages');
      if (got.data.length === 0) {
        if (this.inLength || !this.authenticated) return this.close(this.authenticated ? 'the peer closed the connection in the middle of a message' : 'the peer closed the connection during authentication');
        return this.shutdown('the peer closed the connection', 'debug');
      }
      this.receive(got.data);
    }
  }

  /** Handles received bytes: handshake first, then messages. */
  private receive(data: Buffer): void {
    if (!this.authenticated) {
      const sasl = this.saslServer ?? this.saslClient!;
      const step = sasl.feed(data);
      // One write for the step's replies (DATA, OK, AGREE_UNIX_FD), as sd-bus's server sends them:
      // one wake-up of the client instead of three.
      if (!this.writeBroken && step.replies.length > 0) this.outQueue.push({ bytes: Buffer.from(step.replies.join(''), 'latin1'), fds: [] });
      this.flush();
      if (step.fail) return this.close(step.fail);
      if (!step.rest) return;
      this.authenticated = true;
      // What was sent meanwhile follows the handshake's last reply.
      this.outQueue.push(...this.heldUntilAuth.splice(0));
      this.authTimer.dispose();
      this.unixFdsEnabled = sasl.unixFdsAgreed;
      if (this.saslClient) this.guid = this.saslClient.guid;
      for (const w of this.authWaiters.splice(0)) w.resolve();
      this.flush();
      data = step.rest;
      if (this.closed) return;
    }
    if (this.inFds.length && !this.unixFdsEnabled) return this.close('fds received although unix fd passing was not agreed');
    if (data.length) {
      this.inChunks.push(data);
      this.inLength += data.length;
    }
    while (!this.closed && this.inLength >= 16) {
      let message: DecodedMessage;
      try {
        // Chunks are joined only once a whole message is there: a large message arriving in
        // many reads costs one copy, not one per read.
        const total = frameLength(this.peek(16));
        if (this.inLength < total) break;
        const bytes = this.take(total);
        const count = announcedFds(bytes);
        if (count > MAX_UNIX_FDS) throw new DbusProtocolError(`message announces ${count} fds (at most ${MAX_UNIX_FDS})`);
        if (count > this.inFds.length) throw new DbusProtocolError(`message announces ${count} fds, ${this.inFds.length} arrived`);
        const fds = this.inFds.splice(0, count);
        try {
          message = decodeMessage(bytes, fds);
        } catch (error) {
          for (const fd of fds) this.safeClose(fd);
          throw error;
        }
      } catch (error) {
        return this.close(`invalid message: ${errorText(error)}`);
      }
      this.dispatch(message);
    }
  }

  /** The first `n` buffered bytes (n <= inLength), joining chunks as needed. */
  private peek(n: number): Buffer {
    if (this.inChunks[0]!.length < n) this.inChunks = [Buffer.concat(this.inChunks)];
    return this.inChunks[0]!.subarray(0, n);
  }

  /** Removes and returns the first `n` buffered bytes as one buffer. */
  private take(n: number): Buffer {
    const out = this.peek(n);
    const first = this.inChunks[0]!;
    if (first.length === n) this.inChunks.shift();
    else this.inChunks[0] = first.subarray(n);
    this.inLength -= n;
    return out;
  }

  private dispatch(m: DecodedMessage): void {
    if (m.type === MessageType.MethodReturn || m.type === MessageType.Error) {
      const p = this.pending.get(m.replySerial!);
      if (!p) {
        for (const fd of m.unixFds) this.safeClose(fd);
        return; // a late or unsolicited reply: dropped, as sd-bus does
      }
      this.pending.delete(m.replySerial!);
      p.timer.dispose();
      if (m.type === MessageType.Error) {
        const text = typeof m.body[0] === 'string' ? m.body[0] : '';
        p.reject(new DbusError(m.errorName!, text, m.body));
      } else p.resolve(m);
      return;
    }
    const handler = this.options.onMessage;
    if (!handler) {
      if (m.type === MessageType.MethodCall)
        this.replyError(m, DbusErrorNames.UnknownMethod, `Unknown method ${m.member} or interface ${m.interface ?? ''}.`);
      for (const fd of m.unixFds) this.safeClose(fd);
      return;
    }
    try {
      const result: unknown = handler(m, this);
      // An async handler's rejection must not become an unhandled rejection (fatal in Node 20).
      if (result instanceof Promise)
        result.catch((error: unknown) => this.log('err', `D-Bus connection ${this.description}: message handler failed: ${errorText(error)}`));
    } catch (error) {
      this.log('err', `D-Bus connection ${this.description}: message handler failed: ${errorText(error)}`);
      if (m.type === MessageType.MethodCall && !this.closed) this.replyError(m, DbusErrorNames.Failed, errorText(error));
    }
  }

  private safeClose(fd: number): void {
    try {
      closeFd(fd);
    } catch {
      // not ours any more
    }
  }

  private log(level: 'warning' | 'err' | 'debug', message: string): void {
    this.options.logger?.log({ level, message });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
