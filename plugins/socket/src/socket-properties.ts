/**
 * The socket's `systemctl show` properties (org.freedesktop.systemd1.Socket of systemd 252), in
 * its order and formats, as `systemctl --user show x.socket` prints them, followed by the exec and
 * kill contexts as systemd prints them for every unit that runs commands.
 */
import { execContextProperties, killContextProperties, prop, type PropertyList, type Unit } from '@unitkit/core';
import { formatListen } from './listen-spec.js';
import { execCommandBusItem, formatExecCommand } from './socket-exec.js';
import { socketExecKinds } from './socket-settings.js';
import type { SocketData } from './socket-unit-type.js';

const mode = (m: number) => m.toString(8).padStart(4, '0');

/** Every Socket property of `unit`. */
export function socketProperties(unit: Unit<SocketData>): PropertyList {
  const d = unit.data;
  const s = d.settings;
  // A unit never loaded from a file shows the values systemd has before loading (socket_init()).
  const loaded = !['not-found', 'masked', 'error'].includes(unit.loadState);
  const list: PropertyList = [
    ['BindIPv6Only', prop.string(s.bindIPv6Only)],
    ['Backlog', prop.int(s.backlog)],
    ['TimeoutUSec', prop.usec(s.timeout)],
    ['BindToDevice', prop.string(s.bindToDevice)],
    ['SocketUser', prop.string(s.socketUser)],
    ['SocketGroup', prop.string(s.socketGroup)],
    ['SocketMode', prop.raw(mode(s.socketMode))],
    ['DirectoryMode', prop.raw(mode(s.directoryMode))],
    ['Accept', prop.bool(s.accept)],
    ['FlushPending', prop.bool(s.flushPending)],
    ['Writable', prop.bool(s.writable)],
    ['KeepAlive', prop.bool(s.keepAlive)],
    ['KeepAliveTimeUSec', prop.usec(s.keepAliveTime)],
    ['KeepAliveIntervalUSec', prop.usec(s.keepAliveInterval)],
    ['KeepAliveProbes', prop.int(s.keepAliveProbes)],
    ['DeferAcceptUSec', prop.usec(s.deferAccept)],
    ['NoDelay', prop.bool(s.noDelay)],
    ['Priority', prop.int(s.priority)],
    ['ReceiveBuffer', prop.int(s.receiveBuffer)],
    ['SendBuffer', prop.int(s.sendBuffer)],
    ['IPTOS', prop.int(s.ipTOS)],
    ['IPTTL', prop.int(s.ipTTL)],
    ['PipeSize', prop.int(s.pipeSize)],
    ['FreeBind', prop.bool(s.freeBind)],
    ['Transparent', prop.bool(s.transparent)],
    ['Broadcast', prop.bool(s.broadcast)],
    ['PassCredentials', prop.bool(s.passCredentials)],
    ['PassSecurity', prop.bool(s.passSecurity)],
    ['PassPacketInfo', prop.bool(s.passPacketInfo)],
    ['Timestamping', prop.string(s.timestamping)],
    ['RemoveOnStop', prop.bool(s.removeOnStop)],
  ];
  // One Listen= line per Listen*= setting, as systemctl prints the a(ss) array.
  for (const l of s.listens) list.push(['Listen', prop.raw(formatListen(l), { busItem: [l.label, l.display] })]);
  list.push(
    ['Symlinks', prop.strv(s.symlinks)],
    ['Mark', prop.int(s.mark)],
    ['MaxConnections', prop.int(s.maxConnections)],
    ['MaxConnectionsPerSource', prop.int(s.maxConnectionsPerSource)],
    ['MessageQueueMaxMessages', prop.int(s.messageQueueMaxMessages)],
    ['MessageQueueMessageSize', prop.int(s.messageQueueMessageSize)],
    ['TCPCongestion', prop.string(s.tcpCongestion)],
    ['ReusePort', prop.bool(s.reusePort)],
    ['SmackLabel', prop.string((s.section.get('SmackLabel') as string | undefined) ?? '')],
    ['SmackLabelIPIn', prop.string((s.section.get('SmackLabelIPIn') as string | undefined) ?? '')],
    ['SmackLabelIPOut', prop.string((s.section.get('SmackLabelIPOut') as string | undefined) ?? '')],
    ['ControlPID', prop.int(d.controlPid ?? 0)],
    ['Result', prop.string(d.result)],
    ['NConnections', prop.int(d.nConnections)],
    ['NAccepted', prop.int(d.nAccepted)],
    ['NRefused', prop.int(d.nRefused)],
    ['FileDescriptorName', prop.string(s.fileDescriptorName)],
    ['SocketProtocol', prop.int(s.socketProtocol)],
    // Unset until loaded (systemd fills in the defaults at load): infinity and UINT_MAX.
    ['TriggerLimitIntervalUSec', prop.usec(loaded ? s.triggerLimitInterval : Infinity)],
    ['TriggerLimitBurst', prop.int(loaded ? s.triggerLimitBurst : 4294967295)],
    // The credentials of DynamicUser= (never set here): systemd prints "[not set]".
    ['UID', prop.raw('[not set]')],
    ['GID', prop.raw('[not set]')],
  );
  for (const kind of socketExecKinds) {
    s.exec[kind].forEach((cmd, i) => list.push([kind, prop.raw(formatExecCommand(cmd, d.execStatus[kind][i]), { busItem: execCommandBusItem(cmd, d.execStatus[kind][i]) })]));
  }
  list.push(...execContextProperties(s.execContext, unit.manager.scope, unit.manager.environment.HOME, loaded));
  list.push(...killContextProperties(s.kill));
  return list;
}
