/**
 * The client side: connect to a bus daemon (or a peer-to-peer server), authenticate with
 * EXTERNAL, say Hello, and call methods, own names and subscribe to signals.
 */
import type { Disposable, EventLoop, Logger } from '@unitkit/core';
import { connectUnixStream } from '@unitkit/native';
import { unixSocketPath } from './address.js';
import { DbusConnection, type CallOptions } from './connection.js';
import { MessageType, type DecodedMessage } from './message.js';

/** Options of {@link connectBus}. */
export interface ConnectOptions {
  /** A D-Bus address (`unix:path=…`, `unix:abstract=…`; see sessionBusAddress()). */
  address: string;
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
  logger?: Logger;
  /** The uid to claim with EXTERNAL (default: process.getuid()). */
  uid?: number;
  /** Send org.freedesktop.DBus.Hello (default true; false for peer-to-peer servers). */
  hello?: boolean;
  /** Receives method calls addressed to us (signals go to subscribe() handlers too). */
  onMethodCall?: (message: DecodedMessage, connection: DbusConnection) => void;
  /** Called when the connection closes. */
  onClose?: (reason: string | undefined) => void;
  callTimeoutUsec?: number;
}

/** A match for {@link BusClient.subscribe}: absent keys match anything. */
export interface SignalMatch {
  sender?: string;
  path?: string;
  interface?: string;
  member?: string;
}

const BUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };

/** A connected client; `connection` gives the raw message level. */
export class BusClient {
  private readonly subscriptions = new Set<{ match: SignalMatch; handler: (m: DecodedMessage) => void }>();

  constructor(readonly connection: DbusConnection) {}

  /** Our unique name (after Hello). */
  get uniqueName(): string | undefined {
    return this.connection.uniqueName;
  }

  /**
   * Calls `interface.member` on `destination` at `path`; resolves with the reply body (rejects
   * with DbusError on an error reply).
   */
  async call(
    destination: string | undefined,
    path: string,
    iface: string | undefined,
    member: string,
    signature = '',
    body: unknown[] = [],
    options?: CallOptions,
  ): Promise<unknown[]> {
    const reply = await this.connection.call({ destination, path, interface: iface, member, signature, body }, options);
    return reply.body;
  }

  /** org.freedesktop.DBus.AddMatch. */
  async addMatch(rule: string): Promise<void> {
    await this.call(BUS.destination, BUS.path, BUS.interface, 'AddMatch', 's', [rule]);
  }

  /** org.freedesktop.DBus.RemoveMatch. */
  async removeMatch(rule: string): Promise<void> {
    await this.call(BUS.destination, BUS.path, BUS.interface, 'RemoveMatch', 's', [rule]);
  }

  /** org.freedesktop.DBus.RequestName; resolves with the reply code (1 = primary owner). */
  async requestName(name: string, flags = 0): Promise<number> {
    const [code] = await this.call(BUS.destination, BUS.path, BUS.interface, 'RequestName', 'su', [name, flags]);
    return code as number;
  }

  /** org.freedesktop.DBus.ReleaseName; resolves with the reply code (1 = released). */
  async releaseName(name: string): Promise<number> {
    const [code] = await this.call(BUS.destination, BUS.path, BUS.interface, 'ReleaseName', 's', [name]);
    return code as number;
  }

  /** Emits a signal from this connection. */
  emitSignal(path: string, iface: string, member: string, signature = '', body: unknown[] = []): void {
    this.connection.emitSignal(path, iface, member, signature, body);
  }

  /**
   * Subscribes to signals: adds a match rule on the bus (when `addMatch`, the default for bus
   * connections) and calls `handler` for every matching signal. Dispose to unsubscribe.
   */
  async subscribe(match: SignalMatch, handler: (message: DecodedMessage) => void, addMatch = true): Promise<Disposable> {
    const rule = matchRule(match);
    if (addMatch) await this.addMatch(rule);
    const entry = { match, handler };
    this.subscriptions.add(entry);
    return {
      dispose: () => {
        if (!this.subscriptions.delete(entry) || !addMatch || this.connection.closed) return;
        this.removeMatch(rule).catch(() => undefined);
      },
    };
  }

  /** Closes the connection. */
  close(): void {
    this.connection.close();
  }

  /** @internal Routes one signal to the subscriptions. */
  deliverSignal(m: DecodedMessage): void {
    for (const { match, handler } of [...this.subscriptions]) {
      if (match.sender !== undefined && m.sender !== match.sender) continue;
      if (match.path !== undefined && m.path !== match.path) continue;
      if (match.interface !== undefined && m.interface !== match.interface) continue;
      if (match.member !== undefined && m.member !== match.member) continue;
      handler(m);
    }
  }
}

/** The match rule text of a {@link SignalMatch} (values quoted, `'` escaped as the spec says). */
export function matchRule(match: SignalMatch): string {
  const parts = ["type='signal'"];
  for (const key of ['sender', 'path', 'interface', 'member'] as const) {
    const v = match[key];
    if (v !== undefined) parts.push(`${key}='${v.replace(/'/g, "'\\''")}'`);
  }
  return parts.join(',');
}

/**
 * Connects to `options.address`, completes the handshake and (by default) Hello. Rejects when the
 * connection fails or closes first.
 */
export async function connectBus(options: ConnectOptions): Promise<BusClient> {
  const path = unixSocketPath(options.address);
  const fd = connectUnixStream(path);
  let client: BusClient | undefined;
  const connection = new DbusConnection(
    fd,
    { role: 'client', uid: options.uid ?? process.getuid?.() ?? 0 },
    {
      loop: options.loop,
      logger: options.logger,
      callTimeoutUsec: options.callTimeoutUsec,
      description: options.address,
      onClose: (reason) => options.onClose?.(reason),
      onMessage: (m, c) => {
        if (m.type === MessageType.Signal) client?.deliverSignal(m);
        else if (options.onMethodCall) options.onMethodCall(m, c);
        else c.replyError(m, 'org.freedesktop.DBus.Error.UnknownMethod', `Unknown method ${m.member}.`);
      },
    },
  );
  client = new BusClient(connection);
  try {
    if (options.hello ?? true) {
      // Pipelined behind the handshake, as sd-bus does.
      const reply = connection.call({ ...BUS, member: 'Hello' });
      reply.catch(() => undefined); // awaited below; a close before auth must not leave it unhandled
      await connection.waitAuthenticated();
      const [name] = (await reply).body;
      connection.uniqueName = name as string;
    } else await connection.waitAuthenticated();
  } catch (error) {
    connection.close();
    throw error;
  }
  return client;
}
