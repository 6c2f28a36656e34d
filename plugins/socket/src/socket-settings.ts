/**
 * A socket unit's configuration, resolved from its [Socket] section with systemd's defaults
 * (socket_init() and socket_add_extras()).
 */
import type { KillContext, ListenOptions, Usec } from '@unitkit/core';
import type { ExecCommand } from '@unitkit/unit-file';
import { readExecContext, readKillContext, type ExecContext } from '@unitkit/core';
import type { ListenSpec } from './listen-spec.js';

/** SOMAXCONN as systemd 252 shows an unset Backlog= (UINT_MAX >> 1: "the kernel's maximum"). */
export const DEFAULT_BACKLOG = 2147483647;
/** The manager's DefaultTimeoutStartSec=, which a socket's TimeoutSec= defaults to. */
export const DEFAULT_TIMEOUT: Usec = 90_000_000;

/** The Exec*= hooks of a socket, in the order they run. */
export type SocketExecKind = 'ExecStartPre' | 'ExecStartPost' | 'ExecStopPre' | 'ExecStopPost';
export const socketExecKinds: readonly SocketExecKind[] = ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'];

/** Everything a socket unit was configured with. */
export interface SocketSettings {
  listens: ListenSpec[];
  accept: boolean;
  service?: string;
  backlog: number;
  bindIPv6Only: 'default' | 'both' | 'ipv6-only';
  bindToDevice: string;
  socketUser: string;
  socketGroup: string;
  socketMode: number;
  directoryMode: number;
  flushPending: boolean;
  writable: boolean;
  maxConnections: number;
  maxConnectionsPerSource: number;
  keepAlive: boolean;
  keepAliveTime: Usec;
  keepAliveInterval: Usec;
  keepAliveProbes: number;
  deferAccept: Usec;
  noDelay: boolean;
  priority: number;
  receiveBuffer: number;
  sendBuffer: number;
  ipTOS: number;
  ipTTL: number;
  mark: number;
  pipeSize: number;
  freeBind: boolean;
  transparent: boolean;
  broadcast: boolean;
  passCredentials: boolean;
  passSecurity: boolean;
  passPacketInfo: boolean;
  timestamping: 'off' | 'us' | 'ns';
  tcpCongestion: string;
  reusePort: boolean;
  removeOnStop: boolean;
  symlinks: string[];
  messageQueueMaxMessages: number;
  messageQueueMessageSize: number;
  socketProtocol: number;
  fileDescriptorName: string;
  timeout: Usec;
  triggerLimitInterval: Usec;
  triggerLimitBurst: number;
  pollLimitInterval: Usec;
  pollLimitBurst: number;
  exec: Record<SocketExecKind, ExecCommand[]>;
  kill: KillContext;
  /** The raw [Socket] section, for settings other plugins contribute. */
  section: ReadonlyMap<string, unknown>;
  /** The systemd.exec context of the Exec*= commands, read once at load. */
  execContext: ExecContext;
}

/** Reads the [Socket] section of unit `id`. */
export function readSocketSettings(id: string, section: ReadonlyMap<string, unknown> | undefined): SocketSettings {
  const sec = section ?? new Map<string, unknown>();
  const get = <T>(k: string, d: T): T => (sec.get(k) as T | undefined) ?? d;
  const accept = get('Accept', false);
  const ts = get<string>('Timestamping', 'off');
  const proto = get<string | undefined>('SocketProtocol', undefined);
  return {
    listens: get('Listen', [] as ListenSpec[]),
    accept,
    service: get<string | undefined>('Service', undefined),
    backlog: get('Backlog', DEFAULT_BACKLOG),
    bindIPv6Only: get('BindIPv6Only', 'default' as const),
    bindToDevice: get('BindToDevice', ''),
    socketUser: get('SocketUser', ''),
    socketGroup: get('SocketGroup', ''),
    socketMode: get('SocketMode', 0o666),
    directoryMode: get('DirectoryMode', 0o755),
    flushPending: get('FlushPending', false),
    writable: get('Writable', false),
    maxConnections: get('MaxConnections', 64),
    maxConnectionsPerSource: get('MaxConnectionsPerSource', 0),
    keepAlive: get('KeepAlive', false),
    keepAliveTime: get('KeepAliveTimeSec', 0),
    keepAliveInterval: get('KeepAliveIntervalSec', 0),
    keepAliveProbes: get('KeepAliveProbes', 0),
    deferAccept: get('DeferAcceptSec', 0),
    noDelay: get('NoDelay', false),
    priority: get('Priority', -1),
    receiveBuffer: get('ReceiveBuffer', 0),
    sendBuffer: get('SendBuffer', 0),
    ipTOS: get('IPTOS', -1),
    ipTTL: get('IPTTL', -1),
    mark: get('Mark', -1),
    pipeSize: get('PipeSize', 0),
    freeBind: get('FreeBind', false),
    transparent: get('Transparent', false),
    broadcast: get('Broadcast', false),
    passCredentials: get('PassCredentials', false),
    passSecurity: get('PassSecurity', false),
    passPacketInfo: get('PassPacketInfo', false),
    timestamping: ts === 'off' ? 'off' : ts.startsWith('n') ? 'ns' : 'us',
    tcpCongestion: get('TCPCongestion', ''),
    reusePort: get('ReusePort', false),
    removeOnStop: get('RemoveOnStop', false),
    symlinks: get('Symlinks', [] as string[]),
    messageQueueMaxMessages: get('MessageQueueMaxMessages', 0),
    messageQueueMessageSize: get('MessageQueueMessageSize', 0),
    socketProtocol: proto === 'udplite' ? 136 : proto === 'sctp' ? 132 : 0,
    fileDescriptorName: get('FileDescriptorName', id),
    timeout: get('TimeoutSec', DEFAULT_TIMEOUT),
    // socket_add_extras(): 2 s, and 20 triggers (200 with Accept=yes, one trigger per connection).
    triggerLimitInterval: get('TriggerLimitIntervalSec', 2_000_000),
    triggerLimitBurst: get('TriggerLimitBurst', accept ? 200 : 20),
    // systemd 252 has no poll limit: off unless configured (systemd 255 added it with 2 s and 15/150).
    pollLimitInterval: get('PollLimitIntervalSec', 0),
    pollLimitBurst: get('PollLimitBurst', 0),
    exec: {
      ExecStartPre: get('ExecStartPre', []),
      ExecStartPost: get('ExecStartPost', []),
      ExecStopPre: get('ExecStopPre', []),
      ExecStopPost: get('ExecStopPost', []),
    },
    kill: readKillContext(sec),
    section: sec,
    execContext: readExecContext(sec, id),
  };
}

/**
 * The backend options of one Listen*= line: the socket options systemd applies in
 * socket_apply_socket_options() / socket_address_listen(), only those that are set.
 */
export function listenOptions(s: SocketSettings, owner: { uid?: number; gid?: number }): ListenOptions {
  const o: ListenOptions = {
    socketMode: s.socketMode,
    directoryMode: s.directoryMode,
    bindIPv6Only: s.bindIPv6Only,
  };
  if (s.backlog !== DEFAULT_BACKLOG) o.backlog = s.backlog;
  if (s.bindToDevice) o.bindToDevice = s.bindToDevice;
  if (s.reusePort) o.reusePort = true;
  if (s.freeBind) o.freeBind = true;
  if (s.transparent) o.transparent = true;
  if (s.broadcast) o.broadcast = true;
  if (s.passCredentials) o.passCredentials = true;
  if (s.passSecurity) o.passSecurity = true;
  if (s.keepAlive) o.keepAlive = true;
  if (s.keepAliveTime) o.keepAliveTimeSec = Math.floor(s.keepAliveTime / 1_000_000);
  if (s.keepAliveInterval) o.keepAliveIntervalSec = Math.floor(s.keepAliveInterval / 1_000_000);
  if (s.keepAliveProbes) o.keepAliveProbes = s.keepAliveProbes;
  if (s.noDelay) o.noDelay = true;
  if (s.priority >= 0) o.priority = s.priority;
  if (s.receiveBuffer) o.receiveBuffer = s.receiveBuffer;
  if (s.sendBuffer) o.sendBuffer = s.sendBuffer;
  if (s.mark >= 0) o.mark = s.mark;
  if (s.ipTOS >= 0) o.ipTOS = s.ipTOS;
  if (s.ipTTL >= 0) o.ipTTL = s.ipTTL;
  // DeferAcceptSec= is rounded up to whole seconds by the kernel; systemd passes seconds.
  if (s.deferAccept) o.deferAcceptSec = Math.ceil(s.deferAccept / 1_000_000);
  if (s.pipeSize) o.pipeSize = s.pipeSize;
  if (s.writable) o.writable = true;
  if (s.messageQueueMaxMessages) o.messageQueueMaxMessages = s.messageQueueMaxMessages;
  if (s.messageQueueMessageSize) o.messageQueueMessageSize = s.messageQueueMessageSize;
  if (owner.uid !== undefined) o.ownerUid = owner.uid;
  if (owner.gid !== undefined) o.ownerGid = owner.gid;
  return o;
}
