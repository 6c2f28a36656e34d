/**
 * The client side of sd_notify(3): one datagram, optionally with fds (SCM_RIGHTS), to the
 * manager's notify socket. Node's own sockets cannot send AF_UNIX datagrams, so services written
 * in Node (through @unitkit/daemon) send them here.
 */
import { addon } from './addon.js';
import type { RawAddress } from './addon.js';

const AF_UNIX = 1;
const SOCK_DGRAM = 2;

/** The address in NOTIFY_SOCKET: a path, or `@name` for an abstract socket. */
export function notifySocketAddress(text: string): RawAddress {
  if (text.startsWith('@')) return { family: 'unix', path: text.slice(1), abstract: true };
  if (text.startsWith('/')) return { family: 'unix', path: text };
  throw Object.assign(new Error(`NOTIFY_SOCKET=${text} is neither an absolute path nor an abstract name`), { code: 'EAFNOSUPPORT' });
}

/**
 * Sends `message` (and `fds`) as one datagram to `address` (a NOTIFY_SOCKET value). Throws an
 * errno Error when the socket cannot be reached.
 */
export function sendNotifyDatagram(address: string, message: string | Buffer, fds: readonly number[] = []): void {
  const target = notifySocketAddress(address);
  const fd = addon.socket(AF_UNIX, SOCK_DGRAM);
  try {
    addon.sendDatagram(fd, target, typeof message === 'string' ? Buffer.from(message) : message, fds.length > 0 ? [...fds] : undefined);
  } finally {
    addon.close(fd);
  }
}
