/**
 * The address forms of ListenStream=, ListenDatagram= and ListenSequentialPacket=
 * (systemd.socket(5)), parsed into what the addon binds to.
 */
import { existsSync } from 'node:fs';
import { isIPv4Address, isIPv6Address } from '@unitkit/unit-file';
import type { RawAddress } from './addon.js';

/** A parsed socket address; `host` unset means the wildcard address. */
export type SocketAddress = RawAddress;

/** Whether the kernel has IPv6 (systemd's socket_ipv6_is_supported()). */
export function ipv6Supported(): boolean {
  return existsSync('/proc/net/if_inet6');
}

function parsePort(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new Error(`Invalid port in socket address '${whole}'`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new Error(`Port out of range in socket address '${whole}'`);
  return port;
}

/**
 * Parses a systemd socket address: `/path`, `@abstract`, `port`, `1.2.3.4:port`, `[::1]:port`,
 * `[fe80::1%eth0]:port`, `vsock:CID:PORT`. A bare port binds the IPv6 wildcard when the kernel
 * has IPv6 (dual-stack unless BindIPv6Only=ipv6-only), else the IPv4 one — as systemd does.
 * Throws an Error naming the address when it is not valid.
 */
export function parseSocketAddress(text: string): SocketAddress {
  if (text.startsWith('/')) return { family: 'unix', path: text };
  if (text.startsWith('@')) {
    if (text.length < 2) throw new Error(`Empty abstract socket name in '${text}'`);
    return { family: 'unix', path: text.slice(1), abstract: true };
  }
  const vsock = /^vsock:(\d+|x)?:(\d+)$/.exec(text);
  if (vsock) {
    const cid = vsock[1] === undefined || vsock[1] === 'x' ? 0xffffffff : Number(vsock[1]);
    return { family: 'vsock', cid, port: Number(vsock[2]) };
  }
  if (/^\d+$/.test(text)) {
    const port = parsePort(text, text);
    return ipv6Supported() ? { family: 'inet6', port } : { family: 'inet', port };
  }
  const v6 = /^\[([^\]%]+)(?:%([^\]]+))?\]:(\d+)$/.exec(text);
  if (v6) {
    if (!isIPv6Address(v6[1]!)) throw new Error(`Invalid IPv6 address in socket address '${text}'`);
    const address: SocketAddress = { family: 'inet6', host: v6[1]!, port: parsePort(v6[3]!, text) };
    if (v6[2] !== undefined) address.scope = v6[2];
    return address;
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0 && isIPv4Address(text.slice(0, colon))) {
    return { family: 'inet', host: text.slice(0, colon), port: parsePort(text.slice(colon + 1), text) };
  }
  throw new Error(`Invalid socket address '${text}'`);
}

/** Prints a parsed address the way systemd prints a configured Listen* address. */
export function formatSocketAddress(address: SocketAddress): string {
  switch (address.family) {
    case 'unix':
      return address.abstract ? `@${address.path}` : address.path!;
    case 'inet':
      return `${address.host ?? '0.0.0.0'}:${address.port}`;
    case 'inet6': {
      const scope = address.scope !== undefined ? `%${address.scope}` : '';
      return `[${address.host ?? '::'}${scope}]:${address.port}`;
    }
    case 'vsock':
      return `vsock:${address.cid ?? 0xffffffff}:${address.port}`;
  }
}
