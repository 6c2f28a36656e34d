/**
 * How systemd names the service instance it starts for an accepted connection
 * (instance_from_socket_fd() in socket.c): "<nr>-<local>-<remote>" for IP, with IPv4-mapped IPv6
 * pairs printed as IPv4 and IPv6 addresses without brackets; "<nr>-<pid>-<uid>" for AF_UNIX
 * (from SO_PEERCRED), "<nr>-unknown" when the peer's credentials are not available.
 */
import type { AcceptedConnection } from '@unitkit/core';

/** "[::1]:80" → "::1:80"; IPv4 and everything else unchanged. */
function unbracket(text: string): string {
  const m = /^\[(.*)\]:([0-9]+)$/.exec(text);
  return m ? `${m[1]}:${m[2]}` : text;
}

/** "[::ffff:1.2.3.4]:80" → "1.2.3.4:80", or undefined when not IPv4-mapped. */
function mappedIPv4(text: string): string | undefined {
  const m = /^\[::ffff:([0-9.]+)\]:([0-9]+)$/i.exec(text);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** The instance part of the unit name for connection number `nr` (NAccepted before this one). */
export function acceptInstanceName(nr: number, c: AcceptedConnection): string {
  if (c.family === 'unix') return c.peer ? `${nr}-${c.peer.pid}-${c.peer.uid}` : `${nr}-unknown`;
  if (c.family === 'inet6') {
    const l = mappedIPv4(c.local);
    const r = mappedIPv4(c.remote) ?? (/^[0-9.]+:[0-9]+$/.test(c.remote) ? c.remote : undefined);
    if (l && r) return `${nr}-${l}-${r}`;
  }
  return `${nr}-${unbracket(c.local)}-${unbracket(c.remote)}`;
}

/** The peer as REMOTE_ADDR and REMOTE_PORT: core's helper, re-exported for the plugin's users. */
export { remoteAddressOf } from '@unitkit/core';
