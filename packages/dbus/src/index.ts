/**
 * @unitkit/dbus — the D-Bus wire protocol (signatures, values, messages in both byte orders), a
 * peer-to-peer server as sd-bus clients expect it, a bus client, and an object tree with the
 * standard interfaces. Connections run on core's EventLoop over AF_UNIX sockets with fd passing
 * (@unitkit/native).
 */
export { DbusError, DbusErrorNames, DbusProtocolError } from './errors.js';
export {
  parseSignature,
  parseSingleType,
  isValidSignature,
  formatType,
  alignmentOf,
  MAX_SIGNATURE_LENGTH,
  MAX_NESTING,
  type TypeNode,
  type BasicCode,
} from './signature.js';
export { Variant, variant } from './variant.js';
export { WireWriter, MAX_ARRAY_LENGTH } from './wire-writer.js';
export { WireReader } from './wire-reader.js';
export { isValidObjectPath, isValidInterfaceName, isValidMemberName, isValidErrorName, isValidBusName } from './names.js';
export {
  MessageType,
  MessageFlags,
  HeaderField,
  MAX_MESSAGE_LENGTH,
  MAX_UNIX_FDS,
  frameLength,
  decodeMessage,
  encodeMessage,
  type DbusMessage,
  type DecodedMessage,
} from './message.js';
export { SaslServer, decodeHexUid, encodeHexUid, type SaslStep } from './sasl-server.js';
export { SaslClient } from './sasl-client.js';
export {
  DbusConnection,
  type DbusConnectionOptions,
  type PeerCredentials,
  type ServerSide,
  type ClientSide,
  type CallOptions,
} from './connection.js';
export { DbusServer, type DbusServerOptions } from './server.js';
export { BusClient, connectBus, matchRule, type ConnectOptions, type SignalMatch } from './bus-client.js';
export {
  parseDbusAddress,
  escapeAddressValue,
  unixSocketPath,
  sessionBusAddress,
  systemBusAddress,
  type DbusAddress,
} from './address.js';
export {
  ObjectTree,
  type ObjectTreeOptions,
  type ObjectSpec,
  type InterfaceSpec,
  type MethodSpec,
  type PropertySpec,
  type SignalSpec,
  type CallContext,
} from './object-tree.js';
export { introspectionXml } from './introspection.js';
