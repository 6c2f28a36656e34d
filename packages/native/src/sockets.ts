/**
 * Opening the listeners of a socket unit: every Listen* kind of systemd.socket(5). All fds are
 * CLOEXEC and non-blocking; stream and seqpacket sockets are already listening.
 */
import { addon, type OpenedSocket } from './addon.js';
import { parseSocketAddress, type SocketAddress } from './socket-address.js';

/** The socket types of ListenStream=, ListenDatagram= and ListenSequentialPacket=. */
export type SocketType = 'stream' | 'dgram' | 'seqpacket';

/** BindIPv6Only= */
export type BindIPv6Only = 'default' | 'both' | 'ipv6-only';

/**
 * Socket options by their systemd.socket(5) names (camelCase). Times are in seconds, buffers in
 * bytes, modes as numbers (0o666). Unset means the kernel default.
 */
export interface SocketOptions {
  backlog?: number;
  bindIPv6Only?: BindIPv6Only;
  bindToDevice?: string;
  reusePort?: boolean;
  freeBind?: boolean;
  transparent?: boolean;
  keepAlive?: boolean;
  keepAliveTimeSec?: number;
  keepAliveIntervalSec?: number;
  keepAliveProbes?: number;
  noDelay?: boolean;
  priority?: number;
  receiveBuffer?: number;
  sendBuffer?: number;
  mark?: number;
  broadcast?: boolean;
  passCredentials?: boolean;
  passSecurity?: boolean;
  ipTos?: number;
  ipTtl?: number;
  deferAcceptSec?: number;
  /** SocketMode= for AF_UNIX path sockets (default 0o666). */
  socketMode?: number;
  /** DirectoryMode= for parent directories created on the way (default 0o755). */
  directoryMode?: number;
  /** SocketUser=/SocketGroup= as numeric ids, applied to the socket node. */
  ownerUid?: number;
  ownerGid?: number;
  /** Unlink a stale node at the path when bind() finds one (default true, as systemd). */
  removeStale?: boolean;
}

/**
 * Opens a stream, datagram or seqpacket socket on a systemd address string or a parsed address.
 * Options that decide the bind (BindIPv6Only, BindToDevice, SO_REUSEADDR) are fatal; tuning
 * options that fail are returned in `warnings` for the caller to log, as systemd only warns.
 * Throws an ErrnoError (e.g. code 'EADDRINUSE', syscall 'bind') when no socket could be opened.
 */
export function openSocket(type: SocketType, address: string | SocketAddress, options: SocketOptions = {}): OpenedSocket {
  const parsed = typeof address === 'string' ? parseSocketAddress(address) : address;
  return addon.socketOpen({ type, address: parsed, options });
}

/** Netlink families as ListenNetlink= names them. */
export const netlinkFamilies: Readonly<Record<string, number>> = {
  route: 0,
  firewall: 3,
  'inet-diag': 4,
  'sock-diag': 4,
  nflog: 5,
  xfrm: 6,
  selinux: 7,
  iscsi: 8,
  audit: 9,
  'fib-lookup': 10,
  connector: 11,
  netfilter: 12,
  'ip6-fw': 13,
  dnrtmsg: 14,
  'kobject-uevent': 15,
  generic: 16,
  scsitransport: 18,
  ecryptfs: 19,
  rdma: 20,
  crypto: 21,
};

/**
 * Opens ListenNetlink=: `family` by name (`route`, `kobject-uevent`…) or number, bound to the
 * multicast `group`.
 */
export function openNetlink(family: string | number, group = 0, options: SocketOptions = {}): OpenedSocket {
  const protocol = typeof family === 'number' ? family : netlinkFamilies[family];
  if (protocol === undefined) throw new Error(`Unknown netlink family '${family}'`);
  return addon.netlinkOpen({ protocol, group, options });
}

/** Options of ListenFIFO=. */
export interface FifoOptions {
  /** SocketMode= (default 0o666). */
  mode?: number;
  directoryMode?: number;
  /** PipeSize= in bytes. */
  pipeSize?: number;
  ownerUid?: number;
  ownerGid?: number;
}

/**
 * Opens ListenFIFO=: creates the FIFO (and its parent directories) when missing, refuses an
 * existing non-FIFO node with EEXIST, and opens it O_RDWR so it never reports a hang-up.
 */
export function openFifo(path: string, options: FifoOptions = {}): number {
  return addon.fifoOpen(path, options);
}

/** Opens ListenSpecial=: a character device or a regular (/proc, /sys) file; `writable` is Writable=. */
export function openSpecial(path: string, writable = false): number {
  return addon.specialOpen(path, writable);
}

/** Options of ListenMessageQueue=. */
export interface MessageQueueOptions {
  mode?: number;
  /** MessageQueueMaxMessages= and MessageQueueMessageSize=: both or neither. */
  maxMessages?: number;
  messageSize?: number;
}

/** Opens ListenMessageQueue=: a POSIX message queue `/name`, created when missing, read-only. */
export function openMessageQueue(name: string, options: MessageQueueOptions = {}): number {
  return addon.mqOpen(name, options);
}

/** Applies the tuning options (not the bind-time ones) to a socket opened elsewhere; returns warnings. */
export function applySocketOptions(fd: number, options: SocketOptions): OpenedSocket['warnings'] {
  return addon.applySocketOptions(fd, options);
}
