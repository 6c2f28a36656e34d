/**
 * The address forms of ListenStream=, ListenDatagram= and ListenSequentialPacket=
 * (systemd.socket(5)), as the addon binds to them. The grammar is unit-file's
 * parseSocketAddress(), the one that validates Listen*= lines when a unit is loaded: this module
 * only turns its result into the addon's RawAddress and back.
 */
import { existsSync } from 'node:fs';
import { formatSocketAddress as formatParsed, parseSocketAddress as parseText, type SocketAddress as ParsedAddress } from '@unitkit/unit-file';
import type { RawAddress } from './addon.js';

/** A parsed socket address; `host` unset means the wildcard address. */
export type SocketAddress = RawAddress;

/** Whether the kernel has IPv6 (systemd's socket_ipv6_is_supported()). */
export function ipv6Supported(): boolean {
  return existsSync('/proc/net/if_inet6');
}

const VMADDR_CID_ANY = 0xffffffff;

/**
 * Parses a systemd socket address: `/path`, `@abstract`, `port`, `1.2.3.4:port`, `[::1]:port`,
 * `[fe80::1%eth0]:port` or `[fe80::1]:port%eth0`, `vsock:CID:PORT`. A bare port binds the IPv6
 * wildcard when the kernel has IPv6 (dual-stack unless BindIPv6Only=ipv6-only), else the IPv4
 * one — as systemd does. Throws an Error naming the address when it is not valid, or names what
 * cannot be bound (an empty abstract name, an interface on an IPv4 address).
 */
export function parseSocketAddress(text: string): SocketAddress {
  const a = parseText(text);
  switch (a.family) {
    case 'unix':
      if (!a.abstract) return { family: 'unix', path: a.path };
      if (a.path === '') throw new Error(`Empty abstract socket name in '${text}'`);
      return { family: 'unix', path: a.path, abstract: true };
    case 'inet':
      if (a.interface !== undefined) throw new Error(`An interface cannot be given for the IPv4 address in '${text}'`);
      return { family: 'inet', host: a.address, port: a.port };
    case 'inet6': {
      if (a.portOnly) return ipv6Supported() ? { family: 'inet6', port: a.port } : { family: 'inet', port: a.port };
      const out: SocketAddress = { family: 'inet6', host: a.address, port: a.port };
      if (a.interface !== undefined) out.scope = a.interface;
      return out;
    }
    case 'vsock':
      return { family: 'vsock', cid: a.cid ?? VMADDR_CID_ANY, port: a.port };
  }
}

/** Prints a parsed address the way systemd prints a configured Listen* address (unit-file's formatSocketAddress). */
export function formatSocketAddress(address: SocketAddress): string {
  let parsed: ParsedAddress;
  switch (address.family) {
    case 'unix':
      parsed = address.abstract ? { family: 'unix', path: address.path ?? '', abstract: true } : { family: 'unix', path: address.path ?? '', abstract: false };
      break;
    case 'inet':
      parsed = { family: 'inet', address: address.host ?? '0.0.0.0', port: address.port ?? 0 };
      break;
    case 'inet6':
      parsed = { family: 'inet6', address: address.host ?? '::', port: address.port ?? 0 };
      if (address.scope !== undefined) parsed.interface = address.scope;
      break;
    case 'vsock':
      parsed = { family: 'vsock', cid: address.cid ?? VMADDR_CID_ANY, port: address.port ?? 0 };
      break;
  }
  return formatParsed(parsed);
}
