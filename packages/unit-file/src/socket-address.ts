import { isIPv4Address, isIPv6Address } from './ip-address.js';
import { ValueError } from './value-error.js';

/** A socket address as written in ListenStream=/ListenDatagram=/ListenSequentialPacket=. */
export type SocketAddress =
  | { family: 'unix'; path: string; abstract: false }
  | { family: 'unix'; path: string; abstract: true }
  | { family: 'inet'; address: string; port: number; interface?: string }
  | { family: 'inet6'; address: string; port: number; interface?: string; portOnly?: boolean }
  | { family: 'vsock'; cid?: number; port: number };

// sizeof(sockaddr_un.sun_path)
const SUN_PATH_MAX = 108;
const VMADDR_CID_ANY = 0xffffffff;

function parsePort(text: string, whole: string): number {
  if (!/^[0-9]+$/.test(text)) throw new ValueError(`Invalid port in socket address '${whole}'`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new ValueError(`Port out of range (1…65535) in socket address '${whole}'`);
  return n;
}

function parseIfname(text: string, whole: string): string {
  if (!/^[^\s/%:]{1,15}$/.test(text)) throw new ValueError(`Invalid interface name in socket address '${whole}'`);
  return text;
}

/**
 * Parses a socket address in every form systemd.socket(5) lists: "/path" (AF_UNIX),
 * "@abstract", "80" (port only, IPv6 any, dual-stack), "1.2.3.4:80", "[::1]:80",
 * "[fe80::1]:80%eth0", "vsock:2:1234" and "vsock::1234". Throws ValueError.
 */
export function parseSocketAddress(text: string): SocketAddress {
  if (text.startsWith('/')) {
    if (Buffer.byteLength(text) > SUN_PATH_MAX) throw new ValueError(`Socket path too long (at most ${SUN_PATH_MAX} bytes): '${text}'`);
    return { family: 'unix', path: text, abstract: false };
  }
  if (text.startsWith('@')) {
    if (Buffer.byteLength(text) > SUN_PATH_MAX) throw new ValueError(`Abstract socket name too long: '${text}'`);
    return { family: 'unix', path: text.slice(1), abstract: true };
  }
  if (text.startsWith('vsock:')) {
    const m = /^vsock:([0-9]*):([0-9]+)$/.exec(text);
    if (!m) throw new ValueError(`Invalid AF_VSOCK address '${text}' (expected vsock:CID:PORT)`);
    const port = Number(m[2]);
    if (port > 0xffffffff) throw new ValueError(`Invalid AF_VSOCK port in '${text}'`);
    if (m[1] === '') return { family: 'vsock', port };
    const cid = Number(m[1]);
    if (cid > VMADDR_CID_ANY) throw new ValueError(`Invalid AF_VSOCK CID in '${text}'`);
    return { family: 'vsock', cid, port };
  }
  if (text.startsWith('[')) {
    const m = /^\[([^\]%]+)(?:%([^\]]+))?\]:([^%]+)(?:%(.+))?$/.exec(text);
    if (!m || !isIPv6Address(m[1]!)) throw new ValueError(`Invalid IPv6 socket address '${text}'`);
    const port = parsePort(m[3]!, text);
    const ifname = m[4] ?? m[2];
    const out: SocketAddress = { family: 'inet6', address: m[1]!, port };
    if (ifname !== undefined) out.interface = parseIfname(ifname, text);
    return out;
  }
  if (/^[0-9]+$/.test(text)) return { family: 'inet6', address: '::', port: parsePort(text, text), portOnly: true };
  const m = /^([^:%]+):([0-9]+)(?:%(.+))?$/.exec(text);
  if (m && isIPv4Address(m[1]!)) {
    const out: SocketAddress = { family: 'inet', address: m[1]!, port: parsePort(m[2]!, text) };
    if (m[3] !== undefined) out.interface = parseIfname(m[3], text);
    return out;
  }
  throw new ValueError(`Invalid socket address '${text}'`);
}

/** Prints an address the way `systemctl show`/`list-sockets` do ("[::]:80", "/run/foo.sock", "@abstract", "vsock:2:1234"). */
export function formatSocketAddress(a: SocketAddress): string {
  switch (a.family) {
    case 'unix': return a.abstract ? '@' + a.path : a.path;
    case 'inet': return `${a.address}:${a.port}${a.interface ? '%' + a.interface : ''}`;
    case 'inet6': return `[${a.address}]:${a.port}${a.interface ? '%' + a.interface : ''}`;
    case 'vsock': return `vsock:${a.cid ?? VMADDR_CID_ANY}:${a.port}`;
  }
}

/** A ListenNetlink= value: a family name and a multicast group. */
export interface NetlinkAddress { family: string; group: number }

const NETLINK_FAMILIES = ['route', 'firewall', 'inet-diag', 'nflog', 'xfrm', 'selinux', 'iscsi', 'audit', 'fib-lookup', 'connector', 'netfilter', 'ip6-fw', 'dnrtmsg', 'kobject-uevent', 'generic', 'scsitransport', 'ecryptfs', 'rdma', 'crypto', 'smc'];

/** Parses ListenNetlink= ("kobject-uevent 1", group defaults to 0). Throws ValueError. */
export function parseNetlinkAddress(text: string): NetlinkAddress {
  const m = /^(\S+)(?:\s+([0-9]+))?\s*$/.exec(text.trim());
  if (!m || !(NETLINK_FAMILIES.includes(m[1]!) || /^[0-9]+$/.test(m[1]!))) throw new ValueError(`Invalid netlink address '${text}'`);
  return { family: m[1]!, group: m[2] === undefined ? 0 : Number(m[2]) };
}
