/**
 * One Listen*= line of a socket unit: what to open, and how systemd names it in `show`
 * (`Listen=/run/foo.sock (Stream)`). A unit's lines are kept in file order across all Listen*=
 * directives, because that is the order their fds are handed to the service (3, 4, …).
 */
import type { ListenKind } from '@unitkit/core';
import { ValueError, formatSocketAddress, parseNetlinkAddress, parseSocketAddress, type SocketAddress } from '@unitkit/unit-file';

/** The type word systemd prints after a Listen= address (socket_port_type_to_string). */
export type ListenTypeLabel = 'Stream' | 'Datagram' | 'SequentialPacket' | 'FIFO' | 'Special' | 'Netlink' | 'MessageQueue';

/** One parsed Listen*= line. */
export interface ListenSpec {
  kind: ListenKind;
  /** The address as the SocketBackend takes it: as written (specifiers expanded). */
  address: string;
  /** The address as `show` prints it ("[::]:80" for "80"). */
  display: string;
  label: ListenTypeLabel;
  /** The socket address, for stream/dgram/seqpacket lines. */
  socket?: SocketAddress;
  /** A file-system node this line creates (AF_UNIX path, FIFO, special file), for RemoveOnStop= and Symlinks=. */
  path?: string;
}

const labels: Record<ListenKind, ListenTypeLabel> = {
  stream: 'Stream',
  dgram: 'Datagram',
  seqpacket: 'SequentialPacket',
  fifo: 'FIFO',
  special: 'Special',
  netlink: 'Netlink',
  mqueue: 'MessageQueue',
};

/** The Listen*= directives and the kind each opens. */
export const listenDirectives: Readonly<Record<string, ListenKind>> = {
  ListenStream: 'stream',
  ListenDatagram: 'dgram',
  ListenSequentialPacket: 'seqpacket',
  ListenFIFO: 'fifo',
  ListenSpecial: 'special',
  ListenNetlink: 'netlink',
  ListenMessageQueue: 'mqueue',
};

/**
 * Parses the value of one Listen*= line of `kind`. Throws ValueError for a bad address, as
 * config_parse_socket_listen() refuses it (the line is then ignored with a warning).
 */
export function parseListenSpec(kind: ListenKind, value: string): ListenSpec {
  const text = value.trim();
  switch (kind) {
    case 'stream':
    case 'dgram':
    case 'seqpacket': {
      const socket = parseSocketAddress(text);
      if (kind === 'seqpacket' && socket.family !== 'unix') throw new ValueError(`Address family not supported for SOCK_SEQPACKET: '${text}'`);
      const out: ListenSpec = { kind, address: text, display: formatSocketAddress(socket), label: labels[kind], socket };
      if (socket.family === 'unix' && !socket.abstract) out.path = socket.path;
      return out;
    }
    case 'fifo':
    case 'special':
      if (!text.startsWith('/')) throw new ValueError(`Not an absolute path: '${text}'`);
      return { kind, address: text, display: text, label: labels[kind], path: text };
    case 'netlink': {
      const n = parseNetlinkAddress(text);
      const display = `${n.family} ${n.group}`;
      return { kind, address: display, display, label: labels[kind] };
    }
    case 'mqueue':
      if (!/^\/[^/]+$/.test(text)) throw new ValueError(`Invalid message queue name '${text}' (expected /name)`);
      return { kind, address: text, display: text, label: labels[kind] };
  }
}

/** True when connections can be accepted on this line (Accept=yes needs every line to be such). */
export function canAccept(spec: ListenSpec): boolean {
  return spec.kind === 'stream' || spec.kind === 'seqpacket';
}

/** `Listen=` as `systemctl show` prints one line. */
export function formatListen(spec: ListenSpec): string {
  return `${spec.display} (${spec.label})`;
}
