/**
 * D-Bus messages: the fixed header, the header fields, framing (how long a message is from its
 * first 16 bytes) and encoding/decoding. Output is always little-endian; input in either order.
 */
import { DbusProtocolError } from './errors.js';
import { isValidBusName, isValidErrorName, isValidInterfaceName, isValidMemberName, isValidObjectPath } from './names.js';
import { Variant } from './variant.js';
import { WireReader } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

/** Message types (spec numbering). */
export const MessageType = { MethodCall: 1, MethodReturn: 2, Error: 3, Signal: 4 } as const;
/** One of {@link MessageType}. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Header flags. */
export const MessageFlags = { NoReplyExpected: 0x1, NoAutoStart: 0x2, AllowInteractiveAuthorization: 0x4 } as const;

/** Header field codes. */
export const HeaderField = {
  Path: 1,
  Interface: 2,
  Member: 3,
  ErrorName: 4,
  ReplySerial: 5,
  Destination: 6,
  Sender: 7,
  Signature: 8,
  UnixFds: 9,
} as const;

/** Maximum message size (spec: 128 MiB). */
export const MAX_MESSAGE_LENGTH = 128 * 1024 * 1024;
/** Maximum fds per message (what dbus-daemon and sd-bus allow). */
export const MAX_UNIX_FDS = 253;

/** A message, as decoded or to be encoded. */
export interface DbusMessage {
  type: MessageType;
  /** Bitwise OR of {@link MessageFlags}. */
  flags?: number;
  /** Non-zero; assigned by the connection when sending if absent. */
  serial?: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  /** Signature of the body; '' when empty. */
  signature?: string;
  body?: unknown[];
  /**
   * The message's fds in index order. Decoded: the received descriptors (owned by the receiver).
   * Encoding fills it from the `h` values of the body.
   */
  unixFds?: number[];
}

/** A message as the decoder returns it: every field that is always present is set. */
export interface DecodedMessage extends DbusMessage {
  flags: number;
  serial: number;
  signature: string;
  body: unknown[];
  unixFds: number[];
  /** The byte order it arrived in. */
  littleEndian: boolean;
}

/**
 * The total length of the message whose first 16 bytes are at the start of `head`. Throws
 * DbusProtocolError on an invalid endianness byte, protocol version, or a length beyond 128 MiB.
 */
export function frameLength(head: Buffer): number {
  if (head.length < 16) throw new RangeError('frameLength needs 16 bytes');
  const endian = head[0];
  if (endian !== 0x6c && endian !== 0x42) throw new DbusProtocolError(`invalid endianness byte 0x${endian!.toString(16)}`);
  if (head[3] !== 1) throw new DbusProtocolError(`unsupported protocol version ${head[3]}`);
  const le = endian === 0x6c;
  const bodyLength = le ? head.readUInt32LE(4) : head.readUInt32BE(4);
  const fieldsLength = le ? head.readUInt32LE(12) : head.readUInt32BE(12);
  if (fieldsLength > MAX_MESSAGE_LENGTH || bodyLength > MAX_MESSAGE_LENGTH) throw new DbusProtocolError('message longer than 128 MiB');
  const headerLength = 16 + fieldsLength + ((8 - (fieldsLength % 8)) % 8);
  const total = headerLength + bodyLength;
  if (total > MAX_MESSAGE_LENGTH) throw new DbusProtocolError(`message of ${total} bytes exceeds the 128 MiB limit`);
  return total;
}

/** The number of fds the header of a complete message announces (UNIX_FDS), without decoding the body. */
export function announcedFds(bytes: Buffer): number {
  const le = bytes[0] === 0x6c;
  const r = new WireReader(bytes, le, null, 12);
  const fields = r.read({ code: 'a', element: { code: '(', fields: [{ code: 'y' }, { code: 'v' }] } }, 0) as [number, Variant][];
  for (const [code, v] of fields) if (code === HeaderField.UnixFds && v.signature === 'u') return v.value as number;
  return 0;
}

const FIELD_SIG: Record<number, string> = { 1: 'o', 2: 's', 3: 's', 4: 's', 5: 'u', 6: 's', 7: 's', 8: 'g', 9: 'u' };

/**
 * Decodes one complete message (`bytes` exactly {@link frameLength} long) with its fds. Throws
 * DbusProtocolError on anything invalid: required fields missing, wrong field types, bad names,
 * a body that does not match its signature, or fd counts that differ.
 */
export function decodeMessage(bytes: Buffer, fds: readonly number[] = []): DecodedMessage {
  const total = frameLength(bytes);
  if (bytes.length !== total) throw new DbusProtocolError('message length does not match its header');
  const le = bytes[0] === 0x6c;
  const type = bytes[1]!;
  const flags = bytes[2]!;
  if (type < 1 || type > 4) throw new DbusProtocolError(`invalid message type ${type}`);
  const bodyLength = le ? bytes.readUInt32LE(4) : bytes.readUInt32BE(4);
  const serial = le ? bytes.readUInt32LE(8) : bytes.readUInt32BE(8);
  if (serial === 0) throw new DbusProtocolError('message serial is 0');
  const header = new WireReader(bytes, le, null, 12);
  const fields = header.read({ code: 'a', element: { code: '(', fields: [{ code: 'y' }, { code: 'v' }] } }, 0) as [number, Variant][];
  header.align(8);
  const m: DecodedMessage = { type: type as MessageType, flags, serial, signature: '', body: [], unixFds: [], littleEndian: le };
  const seen = new Set<number>();
  for (const [code, v] of fields) {
    const want = FIELD_SIG[code];
    if (!want) continue; // unknown fields are ignored, as the spec requires
    if (seen.has(code)) throw new DbusProtocolError(`header field ${code} appears twice`);
    seen.add(code);
    if (v.signature !== want) throw new DbusProtocolError(`header field ${code} has type "${v.signature}", expected "${want}"`);
    const value = v.value as never;
    switch (code) {
      case HeaderField.Path:
        m.path = value;
        break;
      case HeaderField.Interface:
        if (!isValidInterfaceName(value)) throw new DbusProtocolError(`invalid interface name ${JSON.stringify(value)}`);
        m.interface = value;
        break;
      case HeaderField.Member:
        if (!isValidMemberName(value)) throw new DbusProtocolError(`invalid member name ${JSON.stringify(value)}`);
        m.member = value;
        break;
      case HeaderField.ErrorName:
        if (!isValidErrorName(value)) throw new DbusProtocolError(`invalid error name ${JSON.stringify(value)}`);
        m.errorName = value;
        break;
      case HeaderField.ReplySerial:
        if (value === 0) throw new DbusProtocolError('reply serial is 0');
        m.replySerial = value;
        break;
      case HeaderField.Destination:
        if (!isValidBusName(value)) throw new DbusProtocolError(`invalid destination ${JSON.stringify(value)}`);
        m.destination = value;
        break;
      case HeaderField.Sender:
        if (!isValidBusName(value)) throw new DbusProtocolError(`invalid sender ${JSON.stringify(value)}`);
        m.sender = value;
        break;
      case HeaderField.Signature:
        m.signature = value;
        break;
      case HeaderField.UnixFds:
        if (value !== fds.length) throw new DbusProtocolError(`header announces ${value} fds, ${fds.length} arrived`);
        break;
    }
  }
  if (!seen.has(HeaderField.UnixFds) && fds.length) throw new DbusProtocolError(`${fds.length} fds arrived for a message announcing none`);
  checkRequired(m);
  m.unixFds = [...fds];
  if (header.offset + bodyLength !== bytes.length) throw new DbusProtocolError('body length does not match the message length');
  if (bodyLength === 0 && m.signature !== '') throw new DbusProtocolError(`empty body for signature "${m.signature}"`);
  if (bodyLength > 0) {
    if (m.signature === '') throw new DbusProtocolError('a body without a SIGNATURE header field');
    const body = new WireReader(bytes.subarray(header.offset), le, fds);
    m.body = body.readSignature(m.signature);
    if (body.remaining !== 0) throw new DbusProtocolError(`${body.remaining} bytes left over after the body`);
  }
  return m;
}

function checkRequired(m: DbusMessage): void {
  const missing = (what: string) => new DbusProtocolError(`${typeName(m.type)} without ${what}`);
  switch (m.type) {
    case MessageType.MethodCall:
      if (m.path === undefined) throw missing('PATH');
      if (m.member === undefined) throw missing('MEMBER');
      break;
    case MessageType.Signal:
      if (m.path === undefined) throw missing('PATH');
      if (m.interface === undefined) throw missing('INTERFACE');
      if (m.member === undefined) throw missing('MEMBER');
      break;
    case MessageType.Error:
      if (m.errorName === undefined) throw missing('ERROR_NAME');
      if (m.replySerial === undefined) throw missing('REPLY_SERIAL');
      break;
    case MessageType.MethodReturn:
      if (m.replySerial === undefined) throw missing('REPLY_SERIAL');
      break;
  }
}

function typeName(type: number): string {
  return ['invalid', 'method call', 'method return', 'error', 'signal'][type] ?? 'message';
}

/**
 * Encodes a message (little-endian; `bigEndian` exists to test readers). `serial` must be set. Returns the bytes and the fds to send
 * with them (from the body's `h` values). Throws TypeError on values that do not fit the signature
 * or invalid names, before anything is sent.
 */
export function encodeMessage(m: DbusMessage, options: { bigEndian?: boolean } = {}): { bytes: Buffer; fds: number[] } {
  const be = options.bigEndian ?? false;
  if (!m.serial) throw new TypeError('a message needs a non-zero serial');
  const signature = m.signature ?? '';
  const body = new WireWriter(be);
  body.writeSignature(signature, m.body ?? []);
  if (body.fds.length > MAX_UNIX_FDS) throw new TypeError(`at most ${MAX_UNIX_FDS} fds per message`);
  checkRequired(m);
  const fields: [number, Variant][] = [];
  const add = (code: number, sig: string, value: unknown, valid?: (v: never) => boolean) => {
    if (value === undefined) return;
    if (valid && !valid(value as never)) throw new TypeError(`invalid header field ${code}: ${JSON.stringify(value)}`);
    fields.push([code, new Variant(sig, value)]);
  };
  add(HeaderField.Path, 'o', m.path, isValidObjectPath);
  add(HeaderField.Interface, 's', m.interface, isValidInterfaceName);
  add(HeaderField.Member, 's', m.member, isValidMemberName);
  add(HeaderField.ErrorName, 's', m.errorName, isValidErrorName);
  add(HeaderField.ReplySerial, 'u', m.replySerial);
  add(HeaderField.Destination, 's', m.destination, isValidBusName);
  add(HeaderField.Sender, 's', m.sender, isValidBusName);
  if (signature) add(HeaderField.Signature, 'g', signature);
  if (body.fds.length) add(HeaderField.UnixFds, 'u', body.fds.length);
  const header = new WireWriter(be);
  header.byte(be ? 0x42 : 0x6c);
  header.byte(m.type);
  header.byte(m.flags ?? 0);
  header.byte(1);
  const bodyBytes = body.finish();
  header.uint32(bodyBytes.length);
  header.uint32(m.serial);
  header.write({ code: 'a', element: { code: '(', fields: [{ code: 'y' }, { code: 'v' }] } }, fields);
  header.align(8);
  const bytes = Buffer.concat([header.finish(), bodyBytes]);
  if (bytes.length > MAX_MESSAGE_LENGTH) throw new TypeError(`message of ${bytes.length} bytes exceeds the 128 MiB limit`);
  return { bytes, fds: body.fds };
}
