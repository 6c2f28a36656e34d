import { expect } from 'chai';
import { DbusProtocolError } from './errors.js';
import { decodeMessage, encodeMessage, frameLength, MessageFlags, MessageType, type DbusMessage } from './message.js';
import { Variant, variant } from './variant.js';
import { WireReader } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

/** One sample value per type; together they cover every type code and container. */
const samples: [string, unknown][] = [
  ['y', 0xfe],
  ['b', true],
  ['b', false],
  ['n', -12345],
  ['q', 65535],
  ['i', -2147483648],
  ['u', 4294967295],
  ['x', -(2n ** 63n)],
  ['t', 2n ** 64n - 1n],
  ['d', -1.5e300],
  ['s', 'grüße ✓'],
  ['s', 'a-longer-ascii-string-'.repeat(4)],
  ['s', 'é'.repeat(70)],
  ['s', ''],
  ['o', '/org/freedesktop/systemd1/unit/foo_2eservice'],
  ['g', 'a{sv}(ii)'],
  ['v', variant('as', ['a', 'b'])],
  ['v', variant('v', variant('y', 1))],
  ['ay', Buffer.from([0, 1, 2, 255])],
  ['ai', [1, -2, 3]],
  ['at', []],
  ['a(ysx)', [[1, 'one', -1n], [2, 'two', 2n]]],
  ['a{sv}', new Map<string, Variant>([['Id', variant('s', 'x.service')], ['Pid', variant('u', 42)]])],
  ['a{ua{s(ib)}}', new Map([[1, new Map([['k', [5, true]]])]])],
  ['(yv)', [7, variant('(dd)', [1.25, -0])]],
  ['aav', [[variant('i', 1)], []]],
  ['(y(n(q(x))))', [1, [2, [3, [4n]]]]],
];

describe('marshalling', () => {
  for (const bigEndian of [false, true]) {
    it(`round-trips every type through ${bigEndian ? 'big' : 'little'}-endian messages`, () => {
      for (const [sig, value] of samples) {
        const { bytes } = encodeMessage(
          { type: MessageType.MethodCall, serial: 7, path: '/a', member: 'M', signature: sig + 'y', body: [value, 0x55] },
          { bigEndian },
        );
        expect(bytes[0]).to.equal(bigEndian ? 0x42 : 0x6c);
        expect(frameLength(bytes)).to.equal(bytes.length);
        const m = decodeMessage(bytes);
        expect(m.littleEndian).to.equal(!bigEndian);
        expect(m.body, sig).to.deep.equal([value, 0x55]);
        expect(m.signature).to.equal(sig + 'y');
      }
    });
  }

  it('accepts plain objects and [k, v] pairs for dicts, number for 64-bit, Uint8Array and number[] for ay', () => {
    const w = new WireWriter();
    w.writeSignature('a{si}a{yb}xtayay', [{ a: 1, b: 2 }, [[1, true]], 5, 6, new Uint8Array([1, 2]), [3, 4]]);
    const r = new WireReader(w.finish(), true);
    expect(r.readSignature('a{si}a{yb}xtayay')).to.deep.equal([
      new Map([['a', 1], ['b', 2]]),
      new Map([[1, true]]),
      5n,
      6n,
      Buffer.from([1, 2]),
      Buffer.from([3, 4]),
    ]);
  });

  it('aligns as the spec says: padding after the array length even when empty, structs on 8', () => {
    const w = new WireWriter();
    w.writeSignature('yat', [1, []]);
    // y, 3 pad, u32 length 0, then padding to 8 for the (empty) t elements
    expect(w.finish().toString('hex')).to.equal('01000000' + '00000000');
    const w2 = new WireWriter();
    w2.writeSignature('ya(y)', [1, [[2]]]);
    expect(w2.finish().toString('hex')).to.equal('01000000' + '01000000' + '02');
  });

  it('writes a hand-made spec example byte for byte', () => {
    // Method call, serial 1, path "/", member "Ping", interface org.freedesktop.DBus.Peer, no body.
    const { bytes } = encodeMessage({ type: MessageType.MethodCall, serial: 1, path: '/', interface: 'org.freedesktop.DBus.Peer', member: 'Ping' });
    const expected =
      '6c010001' + '00000000' + '01000000' + '45000000' + // header: LE, call, flags 0, v1, body 0, serial 1, fields 69 bytes
      '01016f00' + '01000000' + '2f000000' + '00000000' + // (1, <o "/">) + pad
      '02017300' + '19000000' + Buffer.from('org.freedesktop.DBus.Peer\0').toString('hex') + '000000000000' + // (2, <s>) + pad
      '03017300' + '04000000' + Buffer.from('Ping\0').toString('hex'); // (3, <s "Ping">)
    expect(bytes.toString('hex')).to.equal(expected + '000000'); // header padded to 8
  });

  it('reads a hand-made big-endian message', () => {
    // Signal from big-endian peer: path /a, interface a.b, member C, body "u" = 0x01020304.
    const hex =
      '42040001' + '00000004' + '00000009' + '00000037' +
      '01016f00' + '00000002' + '2f610000' + '00000000' +
      '02017300' + '00000003' + '612e6200' + '00000000' +
      '03017300' + '00000001' + '43000000' + '00000000' +
      '08016700' + '01750000' +
      '01020304';
    const m = decodeMessage(Buffer.from(hex, 'hex'));
    expect(m).to.include({ type: MessageType.Signal, serial: 9, path: '/a', interface: 'a.b', member: 'C', signature: 'u', littleEndian: false });
    expect(m.body).to.deep.equal([0x01020304]);
  });

  it('decodes messages captured from sd-bus (busctl 252): Hello and a call with a{sv} and t', () => {
    const hello =
      '6c01000100000000010000006d00000001016f00150000002f6f72672f667265656465736b746f702f44427573000000030173000500000048656c6c6f00000002017300140000006f72672e667265656465736b746f702e444275730000000006017300140000006f72672e667265656465736b746f702e4442757300000000';
    const m1 = decodeMessage(Buffer.from(hello, 'hex'));
    expect(m1).to.include({ type: MessageType.MethodCall, serial: 1, flags: 0, path: '/org/freedesktop/DBus', member: 'Hello', destination: 'org.freedesktop.DBus' });
    // busctl call org.example /org/example/Obj org.example.Test Echo sa{sv}t -- hi 1 k i -5 18446744073709551615
    const call =
      '6c01040128000000020000007500000001016f00100000002f6f72672f6578616d706c652f4f626a000000000000000003017300040000004563686f0000000002017300100000006f72672e6578616d706c652e546573740000000000000000060173000b0000006f72672e6578616d706c650000000000080167000773617b73767d740000000002000000686900001000000000000000010000006b00016900000000fbffffffffffffffffffffff';
    const m2 = decodeMessage(Buffer.from(call, 'hex'));
    expect(m2.flags).to.equal(MessageFlags.AllowInteractiveAuthorization);
    expect(m2.body).to.deep.equal(['hi', new Map([['k', variant('i', -5)]]), 2n ** 64n - 1n]);
    // Our encoder produces the same bytes for the same message (sd-bus is little-endian too).
    const again = encodeMessage({ ...m2, unixFds: undefined });
    expect(decodeMessage(again.bytes).body).to.deep.equal(m2.body);
  });

  it('resolves h to the message fds and counts them in UNIX_FDS', () => {
    const { bytes, fds } = encodeMessage({ type: MessageType.Signal, serial: 1, path: '/a', interface: 'a.b', member: 'C', signature: 'hhh', body: [10, 11, 10] });
    expect(fds).to.deep.equal([10, 11]);
    expect(decodeMessage(bytes, [30, 31]).body).to.deep.equal([30, 31, 30]);
    expect(() => decodeMessage(bytes, [30])).to.throw(DbusProtocolError, /announces 2 fds, 1 arrived/);
  });

  it('writes 64-bit integers from numbers and bigints alike, both byte orders, at the edges', () => {
    const values: [string, number | bigint, bigint][] = [
      ['t', 0, 0n], ['t', 2 ** 32, 2n ** 32n], ['t', Number.MAX_SAFE_INTEGER, 2n ** 53n - 1n], ['t', 2n ** 53n, 2n ** 53n],
      ['t', 2n ** 64n - 1n, 2n ** 64n - 1n], ['t', 2n ** 63n + 5n, 2n ** 63n + 5n],
      ['x', -1, -1n], ['x', -(2 ** 40) - 3, -(2n ** 40n) - 3n], ['x', Number.MIN_SAFE_INTEGER, -(2n ** 53n) + 1n],
      ['x', -(2n ** 63n), -(2n ** 63n)], ['x', 2n ** 63n - 1n, 2n ** 63n - 1n], ['x', -(2n ** 60n) - 1n, -(2n ** 60n) - 1n],
    ];
    for (const bigEndian of [false, true])
      for (const [sig, v, want] of values) {
        const w = new WireWriter(bigEndian);
        w.writeSignature(sig, [v]);
        expect(new WireReader(w.finish(), !bigEndian).readSignature(sig), `${sig} ${v}`).to.deep.equal([want]);
      }
    const enc = (sig: string, v: unknown) => () => new WireWriter().writeSignature(sig, [v]);
    expect(enc('t', -1)).to.throw(TypeError);
    expect(enc('t', 2 ** 60)).to.throw(TypeError);
    expect(enc('x', 2n ** 63n)).to.throw(TypeError);
    expect(enc('t', 2n ** 64n)).to.throw(TypeError);
  });

  it('refuses bad values when encoding with TypeErrors', () => {
    const enc = (signature: string, body: unknown[], extra: Partial<DbusMessage> = {}) => () =>
      encodeMessage({ type: MessageType.MethodCall, serial: 1, path: '/', member: 'M', signature, body, ...extra });
    expect(enc('y', [256])).to.throw(TypeError);
    expect(enc('u', [-1])).to.throw(TypeError);
    expect(enc('t', [-1n])).to.throw(TypeError);
    expect(enc('x', [1.5])).to.throw(TypeError);
    expect(enc('o', ['nope'])).to.throw(TypeError, /object path/);
    expect(enc('s', ['a\0b'])).to.throw(TypeError, /NUL/);
    expect(enc('v', [1])).to.throw(TypeError, /Variant/);
    expect(enc('(ii)', [[1]])).to.throw(TypeError);
    expect(enc('ss', ['a'])).to.throw(TypeError, /needs 2 values/);
    expect(enc('', [], { member: 'a.b' })).to.throw(TypeError, /invalid header field/);
    expect(() => encodeMessage({ type: MessageType.Error, serial: 1, replySerial: 1 })).to.throw(/ERROR_NAME/);
    expect(() => new Variant('ii', 1)).to.throw(DbusProtocolError);
  });

  it('refuses malformed input with DbusProtocolError and a reason', () => {
    const good = encodeMessage({ type: MessageType.MethodCall, serial: 1, path: '/a', member: 'M', signature: 'bs', body: [true, 'x'] }).bytes;
    const bodyAt = good.length - 10; // b (4) + s (4 + 'x' + NUL)
    const mutate = (fn: (b: Buffer) => void) => {
      const b = Buffer.from(good);
      fn(b);
      return b;
    };
    const cases: [Buffer, RegExp][] = [
      [mutate((b) => (b[0] = 0x41)), /endianness/],
      [mutate((b) => (b[3] = 2)), /version/],
      [mutate((b) => (b[1] = 9)), /message type/],
      [mutate((b) => b.writeUInt32LE(0, 8)), /serial is 0/],
      [mutate((b) => (b[bodyAt] = 2)), /boolean/],
      [mutate((b) => b.writeUInt32LE(0x7fffffff, 4)), /128 MiB/],
      [good.subarray(0, good.length - 1), /length does not match/],
    ];
    for (const [bytes, reason] of cases) expect(() => decodeMessage(bytes), String(reason)).to.throw(DbusProtocolError, reason);
    // A string not NUL-terminated, with an inner NUL, invalid UTF-8; non-zero padding.
    const s = (hex: string) => () => new WireReader(Buffer.from(hex, 'hex'), true).readSignature('s');
    expect(s('0100000041ff')).to.throw(DbusProtocolError, /NUL-terminated/);
    expect(s('020000004100' + '00')).to.throw(DbusProtocolError, /NUL byte/);
    expect(s('01000000ff00')).to.throw(DbusProtocolError, /UTF-8/);
    expect(() => new WireReader(Buffer.from('01ff000005000000', 'hex'), true).readSignature('yu')).to.throw(DbusProtocolError, /padding/);
    expect(() => new WireReader(Buffer.from('00000008', 'hex'), false).readSignature('ai')).to.throw(DbusProtocolError, /truncated/);
    expect(() => new WireReader(Buffer.from('04000004', 'hex'), false).readSignature('ai')).to.throw(DbusProtocolError, /64 MiB/);
    expect(() => new WireReader(Buffer.from('0000000600000001' + '0002', 'hex'), false).readSignature('ai')).to.throw(DbusProtocolError, /overrun|truncated/);
  });

  it('refuses variants nested deeper than 64 containers', () => {
    let v: unknown = 1;
    for (let i = 0; i < 70; i++) v = variant(i === 0 ? 'y' : 'v', v);
    const w = new WireWriter();
    w.writeSignature('v', [v]);
    expect(() => new WireReader(w.finish(), true).readSignature('v')).to.throw(DbusProtocolError, /deeper than 64/);
  });
});
