/**
 * Which Listen*= lines of a socket unit can be reached from other pods: inet and inet6 stream,
 * datagram and SCTP sockets on a wildcard address. Everything else holds inside the pod only — an
 * AF_UNIX path, a FIFO, netlink — or cannot be reached there at all (a loopback address), and the
 * report says so.
 */
import type { UnitDefinition } from '@unitkit/unit-file';
import type { ListenSpec } from '@unitkit/plugin-socket';
import type { ExportReport } from './export-report.js';

/** One port a Service can forward to. */
export interface MappedPort {
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** The Listen*= line it came from, for the report and comments. */
  listen: string;
}

const directiveOf: Record<string, string> = {
  stream: 'ListenStream',
  dgram: 'ListenDatagram',
  seqpacket: 'ListenSequentialPacket',
  fifo: 'ListenFIFO',
  special: 'ListenSpecial',
  netlink: 'ListenNetlink',
  mqueue: 'ListenMessageQueue',
};

/** True for 127.0.0.0/8 and ::1 (and ::ffff:127.x). */
function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}

/** True for the wildcard addresses a Service's traffic reaches in any pod. */
function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** The ports of socket unit `unit` a Service can carry, reporting every other Listen*= line. */
export function mappedPorts(unit: string, def: UnitDefinition, report: ExportReport): MappedPort[] {
  const section = def.sections.get('Socket');
  const listens = (section?.get('Listen') as ListenSpec[] | undefined) ?? [];
  const protocolSetting = section?.get('SocketProtocol') as string | undefined;
  const out: MappedPort[] = [];
  for (const l of listens) {
    const setting = `${directiveOf[l.kind] ?? 'Listen'}=${l.address}`;
    const s = l.socket;
    if (!s || s.family === 'unix' || s.family === 'vsock') {
      report.add('does-not-map', unit, setting, s?.family === 'vsock' ? 'AF_VSOCK talks to a hypervisor, not to other pods' : 'a file-system or kernel socket is reached inside the pod only, not between pods');
      continue;
    }
    if (isLoopback(s.address)) {
      report.add('does-not-map', unit, setting, 'listens on loopback: only processes in the pod reach it, a Service cannot; listen on the port alone (ListenStream=PORT) or 0.0.0.0 to publish it');
      continue;
    }
    if (!isWildcard(s.address)) {
      report.add('does-not-map', unit, setting, `listens on ${s.address} only: a pod has its own addresses; listen on the port alone or on 0.0.0.0 to publish it`);
      continue;
    }
    if (s.interface) report.add('note', unit, setting, `a pod has its own interfaces: ${s.interface} may not exist there`);
    let protocol: MappedPort['protocol'];
    if (protocolSetting === 'sctp') protocol = 'SCTP';
    else if (protocolSetting === 'udplite') {
      report.add('does-not-map', unit, `${setting} SocketProtocol=udplite`, 'Services carry TCP, UDP and SCTP only');
      continue;
    } else if (l.kind === 'stream') protocol = 'TCP';
    else if (l.kind === 'dgram') protocol = 'UDP';
    else {
      report.add('does-not-map', unit, setting, 'no Service protocol for this socket type');
      continue;
    }
    if (!out.some((p) => p.port === s.port && p.protocol === protocol)) out.push({ port: s.port, protocol, listen: setting });
  }
  if (section?.get('Accept') === true && out.length > 0) {
    report.add('does-not-map', unit, 'Accept=yes', 'each connection still gets its own service instance inside the pod, but Kubernetes scales by pods, not by connections: every replica accepts on its own');
  }
  for (const key of ['BindToDevice', 'FreeBind', 'Transparent']) {
    if (section?.has(key) && section.get(key) !== false) report.add('does-not-map', unit, `${key}=`, 'a pod has its own network namespace: device binding and non-local binds are the node\'s business');
  }
  return out;
}
