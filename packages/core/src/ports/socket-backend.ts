/**
 * The socket port: every kind of listening object systemd.socket(5) knows, created and accepted on
 * through the native layer in production and faked in unit tests. The socket plugin uses it and
 * never touches sockets itself.
 */

/** What kind of file a Listen*= line asks for. */
export type ListenKind = 'stream' | 'dgram' | 'seqpacket' | 'fifo' | 'special' | 'netlink' | 'mqueue';

/** Socket options, with systemd.socket(5)'s names in camelCase; each applies where it makes sense. */
export interface ListenOptions {
  backlog?: number;
  bindIPv6Only?: 'default' | 'both' | 'ipv6-only';
  bindToDevice?: string;
  reusePort?: boolean;
  freeBind?: boolean;
  transparent?: boolean;
  broadcast?: boolean;
  passCredentials?: boolean;
  passSecurity?: boolean;
  keepAlive?: boolean;
  keepAliveTimeSec?: number;
  keepAliveIntervalSec?: number;
  keepAliveProbes?: number;
  noDelay?: boolean;
  priority?: number;
  receiveBuffer?: number;
  sendBuffer?: number;
  mark?: number;
  ipTOS?: number;
  ipTTL?: number;
  deferAcceptSec?: number;
  pipeSize?: number;
  /** Mode of a file-system socket node or FIFO (SocketMode=). */
  socketMode?: number;
  /** Mode of parent directories created on the way (DirectoryMode=). */
  directoryMode?: number;
  /** Owner of the node (SocketUser=/SocketGroup=). */
  ownerUid?: number;
  ownerGid?: number;
  /** Open a special file or FIFO for writing too (Writable=). */
  writable?: boolean;
  /** POSIX message queue limits. */
  messageQueueMaxMessages?: number;
  messageQueueMessageSize?: number;
}

/** A listening object opened for a Listen*= line. */
export interface OpenedListener {
  fd: number;
  /** Options that could not be applied (logged as warnings, the socket is kept), as systemd does. */
  warnings: string[];
}

/** An accepted connection (Accept=yes). */
export interface AcceptedConnection {
  fd: number;
  /** The peer as systemd prints it ("127.0.0.1:4242", "[::1]:4242", "" for AF_UNIX). */
  remote: string;
  /** The local address as systemd prints it. */
  local: string;
  /** Address family of the connection. */
  family: 'inet' | 'inet6' | 'unix' | 'other';
  /** For AF_UNIX: the peer's credentials (SO_PEERCRED). */
  peer?: { pid: number; uid: number; gid: number };
}

/** Token and interface of the socket port. */
export const SocketBackend = Symbol('SocketBackend');
export interface SocketBackend {
  /**
   * Creates, binds (and for stream/seqpacket, listens on) what a Listen*= line asks for: `address` as
   * written in the unit file (a path, `@abstract`, a port, `ip:port`, `[ipv6]:port`, `vsock:…`, a
   * netlink family, a message queue name). Parent directories are created, a stale node replaced.
   * Throws an Error with an errno `code` when it cannot.
   */
  open(kind: ListenKind, address: string, options: ListenOptions): OpenedListener;
  /**
   * Accepts one connection (CLOEXEC; the new fd in blocking mode, as a service expects it);
   * undefined when none is pending (EAGAIN).
   */
  accept(fd: number): AcceptedConnection | undefined;
  /** Reads and discards whatever is queued (FlushPending=). */
  flush(fd: number): void;
  /** Closes a listener or connection fd. */
  close(fd: number): void;
  /** Removes a file-system node (RemoveOnStop=); missing is fine. */
  unlink(path: string): void;
  /** Creates a symlink (Symlinks=), replacing what is there. */
  symlink(target: string, path: string): void;
}

/** "::ffff:1.2.3.4" style IPv4-mapped addresses, shown as IPv4 as systemd does. */
function unmapIPv4(text: string): string {
  const m = /^\[::ffff:([0-9.]+)\](:[0-9]+)?$/i.exec(text);
  return m ? `${m[1]}${m[2] ?? ''}` : text;
}

/**
 * The peer of an IP connection as REMOTE_ADDR and REMOTE_PORT (systemd's service_spawn() sets them
 * for AF_INET/AF_INET6 connections): the address without brackets, IPv4-mapped shown as IPv4.
 * Undefined for other families.
 */
export function remoteAddressOf(c: Pick<AcceptedConnection, 'family' | 'remote'>): { address: string; port: string } | undefined {
  if (c.family !== 'inet' && c.family !== 'inet6') return undefined;
  const m = /^\[?(.*?)\]?:([0-9]+)$/.exec(unmapIPv4(c.remote));
  return m ? { address: m[1]!, port: m[2]! } : undefined;
}
