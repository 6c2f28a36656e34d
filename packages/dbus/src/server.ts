/**
 * A peer-to-peer D-Bus server on an AF_UNIX stream socket, like systemd's private bus
 * (/run/systemd/private): clients connect, authenticate with EXTERNAL (the uid must match
 * SO_PEERCRED), and talk directly to us — no Hello, no bus names.
 */
import { randomHexId, type EventLoop, type Logger } from '@unitkit/core';
import { UnixListener, closeFd, peerCredentials } from '@unitkit/native';
import { escapeAddressValue } from './address.js';
import { DbusConnection, type DbusConnectionOptions, type PeerCredentials } from './connection.js';
import { DbusErrorNames } from './errors.js';
import { MessageType, type DecodedMessage } from './message.js';

/** Options of {@link DbusServer.listen}. */
export interface DbusServerOptions {
  /** Socket path, or `@name` for an abstract socket. */
  path: string;
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
  logger?: Logger;
  /** File mode of the socket node (default 0o600: only the owner, like /run/systemd/private). */
  socketMode?: number;
  /** Receives method calls and signals of every authenticated connection (e.g. ObjectTree.handler). */
  onMessage?: (message: DecodedMessage, connection: DbusConnection) => void;
  /** Told about each accepted connection, before its handshake. */
  onConnection?: (connection: DbusConnection) => void;
  /** Told when a connection has closed (the peer hung up, or it was closed): its call is over. */
  onConnectionClosed?: (connection: DbusConnection) => void;
  /** Refuse a peer by its credentials before the handshake (default: everyone the socket mode lets in). */
  authorize?: (peer: PeerCredentials) => boolean;
  /** The server GUID (32 hex digits; default random). */
  guid?: string;
  /** Default call timeout of the connections, µs. */
  callTimeoutUsec?: number;
  /**
   * Answer org.freedesktop.DBus.Hello (with a made-up unique name `:1.N`) and accept AddMatch /
   * RemoveMatch as no-ops (default true). sd-bus clients in bus-client mode — `busctl --address=`
   * — send Hello and give up without a reply; systemctl on a private socket sends none.
   */
  answerHello?: boolean;
  /** The sender stamped on every message the server's connections send (see DbusConnectionOptions.sender). */
  sender?: string;
  /** Connections served at once; more are refused with a warning (default 4096, systemd's limit for the private bus). */
  maxConnections?: number;
  /** Handshake timeout of each connection, µs (default 90 s). */
  authTimeoutUsec?: number;
}

/** A listening D-Bus server; see the module comment. */
export class DbusServer {
  /** Open connections. */
  readonly connections = new Set<DbusConnection>();
  /** The server GUID announced in OK. */
  readonly guid: string;
  private readonly listener: UnixListener;
  private closed = false;
  private nextUnique = 1;

  private constructor(
    private readonly options: DbusServerOptions,
    fd?: number,
  ) {
    this.guid = options.guid ?? randomHexId();
    this.listener = new UnixListener({
      path: options.path,
      loop: options.loop,
      socketMode: options.socketMode ?? 0o600,
      fd,
      onConnection: (c) => this.adopt(c),
      // EMFILE and friends: logged; the listener tries again after a pause.
      onAcceptError: (error) => options.logger?.log({ level: 'err', message: `D-Bus server ${options.path}: accept failed: ${error.message}` }),
    });
    for (const w of this.listener.warnings) options.logger?.log({ level: 'warning', message: `D-Bus server ${options.path}: ${w.message}` });
  }

  /** The listening socket. */
  get fd(): number {
    return this.listener.fd;
  }

  /** Binds and listens on `options.path` (stale node replaced, parents created). */
  static listen(options: DbusServerOptions): DbusServer {
    return new DbusServer(options);
  }

  /**
   * Serves on an already bound and listening socket `fd` (a manager's re-exec hands its listener
   * to the next image): clients that connected meanwhile wait in its backlog and are served now.
   * `options.path` names it in logs and addresses only; nothing is bound.
   */
  static adopt(fd: number, options: DbusServerOptions): DbusServer {
    return new DbusServer(options, fd);
  }

  /** The address clients use: `unix:path=…` or `unix:abstract=…`. */
  get address(): string {
    const p = this.options.path;
    return p.startsWith('@') ? `unix:abstract=${escapeAddressValue(p.slice(1))}` : `unix:path=${escapeAddressValue(p)}`;
  }

  /** Stops listening and closes every connection. The socket node is left for the caller to remove. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listener.close();
    for (const c of [...this.connections]) c.close();
  }

  private route(m: DecodedMessage, c: DbusConnection): void {
    if (
      (this.options.answerHello ?? true) &&
      m.type === MessageType.MethodCall &&
      m.destination === 'org.freedesktop.DBus' &&
      m.interface === 'org.freedesktop.DBus'
    ) {
      if (m.member === 'Hello' && m.signature === '') {
        c.uniqueName ??= `:1.${this.nextUnique++}`;
        c.reply(m, 's', [c.uniqueName]);
        return;
      }
      if ((m.member === 'AddMatch' || m.member === 'RemoveMatch') && m.signature === 's') {
        c.reply(m);
        return;
      }
    }
    if (this.options.onMessage) this.options.onMessage(m, c);
    else if (m.type === MessageType.MethodCall) c.replyError(m, DbusErrorNames.UnknownMethod, `Unknown method ${m.member} or interface ${m.interface ?? ''}.`);
  }

  private adopt(fd: number): void {
    if (this.connections.size >= (this.options.maxConnections ?? 4096)) {
      this.options.logger?.log({ level: 'warning', message: `D-Bus server ${this.options.path}: too many connections, refusing a new one` });
      closeFd(fd);
      return;
    }
    let peer: PeerCredentials;
    try {
      peer = peerCredentials(fd);
    } catch (error) {
      this.options.logger?.log({ level: 'warning', message: `D-Bus server ${this.options.path}: no peer credentials: ${(error as Error).message}` });
      closeFd(fd);
      return;
    }
    if (this.options.authorize && !this.options.authorize(peer)) {
      this.options.logger?.log({ level: 'warning', message: `D-Bus server ${this.options.path}: refused peer pid ${peer.pid} uid ${peer.uid}` });
      closeFd(fd);
      return;
    }
    const connOptions: DbusConnectionOptions = {
      loop: this.options.loop,
      logger: this.options.logger,
      onMessage: (m, c) => this.route(m, c),
      onClose: (_reason, c) => {
        this.connections.delete(c);
        this.options.onConnectionClosed?.(c);
      },
      callTimeoutUsec: this.options.callTimeoutUsec,
      authTimeoutUsec: this.options.authTimeoutUsec,
      sender: this.options.sender,
      description: `${this.options.path} (pid ${peer.pid}, uid ${peer.uid})`,
    };
    const conn = new DbusConnection(fd, { role: 'server', peer, guid: this.guid }, connOptions);
    this.connections.add(conn);
    try {
      this.options.onConnection?.(conn);
    } catch (error) {
      conn.close(`connection handler failed: ${(error as Error).message}`);
    }
  }
}
