/**
 * The [Socket] directive table (systemd's load-fragment-gperf rows for Socket.*). Values are
 * parsed into plain data here; SocketSettings turns the section into resolved settings.
 *
 * Every Listen*= directive is stored under one key, `Listen`, so the lines stay in file order across
 * kinds (the fd order of the hand-over), and an empty Listen*= assignment resets all of them, as
 * config_parse_socket_listen() frees every port.
 */
import type { DirectiveSpec, DirectiveTable, ListenKind } from '@unitkit/core';
import { execContextDirectives } from '@unitkit/core';
import {
  ValueError,
  booleanDirective,
  enumDirective,
  execDirective,
  isValidUnitName,
  modeDirective,
  parseAbsolutePath,
  parseUnsigned,
  sizeDirective,
  stringDirective,
  timeSpanDirective,
  unitNameType,
  unsignedDirective,
} from '@unitkit/unit-file';
import { listenDirectives, parseListenSpec } from './listen-spec.js';

const listen = (kind: ListenKind): DirectiveSpec =>
  ({ kind: 'list', canonical: 'Listen', parse: (v: string) => [parseListenSpec(kind, v)] }) as DirectiveSpec;

/** A signed integer (config_parse_int). */
const intDirective = (min = -(2 ** 31), max = 2 ** 31 - 1): DirectiveSpec<number> => ({
  kind: 'scalar',
  parse: (v: string) => {
    if (!/^[-+]?[0-9]+$/.test(v.trim())) throw new ValueError(`Invalid integer '${v}'`);
    const n = Number(v);
    if (n < min || n > max) throw new ValueError(`Value out of range: '${v}'`);
    return n;
  },
});

const ipTosNames: Record<string, number> = { 'low-delay': 0x10, throughput: 0x08, reliability: 0x04, 'low-cost': 0x02 };

/** IPTOS=: a name of ip_tos_to_string() or a number 0…255. */
const ipTosDirective: DirectiveSpec<number> = {
  kind: 'scalar',
  parse: (v: string) => {
    if (v in ipTosNames) return ipTosNames[v]!;
    return parseUnsigned(v, 255);
  },
};

/** FileDescriptorName=: at most 255 printable ASCII characters, no ':' (fdname_is_valid()). */
const fdNameDirective: DirectiveSpec<string> = {
  kind: 'scalar',
  parse: (v: string) => {
    if (v.length > 255 || !/^[\x21-\x7e]*$/.test(v) || v.includes(':')) throw new ValueError(`Invalid file descriptor name '${v}'`);
    return v;
  },
};

/** Service=: a loadable .service name, not a template (config_parse_socket_service). */
const serviceDirective: DirectiveSpec<string> = {
  kind: 'scalar',
  fatal: true,
  parse: (v: string) => {
    if (!isValidUnitName(v, { plain: true, instance: true, template: false }) || unitNameType(v) !== 'service') {
      throw new ValueError(`Unit must be of type service, ignoring: ${v}`);
    }
    return v;
  },
};

/** Symlinks=: a list of absolute paths. */
const symlinksDirective: DirectiveSpec<string> = {
  kind: 'list',
  parse: (v: string) => v.split(/\s+/).filter(Boolean).map((p) => parseAbsolutePath(p)),
};

/** A signed size (MessageQueueMaxMessages=, MessageQueueMessageSize= are config_parse_long). */
const longDirective = intDirective(0, Number.MAX_SAFE_INTEGER);

/** The [Socket] section, for .socket units only. */
export const socketSectionTable: DirectiveTable = {
  section: 'Socket',
  unitTypes: ['socket'],
  directives: {
    // The systemd.exec(5) context of the Exec*= control processes (User=, Environment=, …).
    ...execContextDirectives(),
    ...Object.fromEntries(Object.entries(listenDirectives).map(([key, kind]) => [key, listen(kind)])),
    SocketProtocol: enumDirective(['udplite', 'sctp']),
    BindIPv6Only: enumDirective(['default', 'both', 'ipv6-only']),
    Backlog: unsignedDirective(),
    BindToDevice: stringDirective({ parse: (v: string) => {
      if (v && !/^[^\s/:%]{1,15}$/.test(v)) throw new ValueError(`Invalid interface name '${v}'`);
      return v;
    } }),
    ExecStartPre: execDirective(),
    ExecStartPost: execDirective(),
    ExecStopPre: execDirective(),
    ExecStopPost: execDirective(),
    TimeoutSec: timeSpanDirective({ fix0: true }),
    SocketUser: stringDirective(),
    SocketGroup: stringDirective(),
    SocketMode: modeDirective(),
    DirectoryMode: modeDirective(),
    Accept: booleanDirective(),
    FlushPending: booleanDirective(),
    MaxConnections: unsignedDirective(),
    MaxConnectionsPerSource: unsignedDirective(),
    Writable: booleanDirective(),
    KeepAlive: booleanDirective(),
    KeepAliveTimeSec: timeSpanDirective(),
    KeepAliveIntervalSec: timeSpanDirective(),
    KeepAliveProbes: unsignedDirective(),
    DeferAcceptSec: timeSpanDirective(),
    NoDelay: booleanDirective(),
    Priority: intDirective(),
    ReceiveBuffer: sizeDirective(),
    SendBuffer: sizeDirective(),
    IPTOS: ipTosDirective,
    IPTTL: intDirective(0, 255),
    Mark: intDirective(),
    PipeSize: sizeDirective(),
    FreeBind: booleanDirective(),
    Transparent: booleanDirective(),
    Broadcast: booleanDirective(),
    PassCredentials: booleanDirective(),
    PassSecurity: booleanDirective(),
    PassPacketInfo: booleanDirective(),
    Timestamping: enumDirective(['off', 'us', 'usec', 'µs', 'ns', 'nsec']),
    TCPCongestion: stringDirective(),
    ReusePort: booleanDirective(),
    MessageQueueMaxMessages: longDirective,
    MessageQueueMessageSize: longDirective,
    RemoveOnStop: booleanDirective(),
    Symlinks: symlinksDirective,
    FileDescriptorName: fdNameDirective,
    Service: serviceDirective,
    TriggerLimitIntervalSec: timeSpanDirective(),
    TriggerLimitBurst: unsignedDirective(),
    // systemd 255's PollLimit*= (not in 252, which warns about them as unknown): accepted as an extension.
    PollLimitIntervalSec: timeSpanDirective(),
    PollLimitBurst: unsignedDirective(),
    SmackLabel: stringDirective(),
    SmackLabelIPIn: stringDirective(),
    SmackLabelIPOut: stringDirective(),
    SELinuxContextFromNet: booleanDirective(),
  },
};

