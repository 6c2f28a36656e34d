/** Marshalling: writes values against their signature, little-endian, with the spec's alignment. */
import { DbusProtocolError } from './errors.js';
import { isValidObjectPath } from './names.js';
import { alignmentOf, formatType, parseSignature, parseSingleType, type TypeNode } from './signature.js';
import { Variant } from './variant.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** The type of a variant's signature. */
const SIGNATURE_TYPE: TypeNode = { code: 'g' };

/** Maximum array length in bytes (spec: 64 MiB). */
export const MAX_ARRAY_LENGTH = 64 * 1024 * 1024;

/**
 * A growable buffer, little-endian unless asked otherwise (big-endian output exists for tests of
 * the reader). Offsets are relative to the start of the buffer, which must itself be 8-aligned in
 * the message (a header, or a body).
 */
export class WireWriter {
  // Not zero-filled: every byte up to `pos` is written (padding explicitly, by align()). Small
  // buffers come from Node's pool; a GetAll reply grows to ~16 KB, so it starts at 1 KB.
  private buf = Buffer.allocUnsafe(1024);
  private pos = 0;
  /** Fds written as `h`, in index order. */
  readonly fds: number[] = [];

  constructor(readonly bigEndian = false) {}

  /** The bytes written so far. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 4;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Zero padding up to a multiple of `n`. */
  align(n: number): void {
    const pad = (n - (this.pos % n)) % n;
    if (pad === 0) return;
    this.ensure(pad);
    // At most 7 bytes: a loop beats Buffer.fill's argument checks.
    for (let i = 0; i < pad; i++) this.buf[this.pos++] = 0;
  }

  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  uint32(v: number): void {
    this.align(4);
    this.ensure(4);
    if (this.bigEndian) this.buf.writeUInt32BE(v >>> 0, this.pos);
    else this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Writes all `values` against `signature` (a message body or any sequence of types). */
  writeSignature(signature: string, values: readonly unknown[]): void {
    const types = parseSignature(signature);
    if (values.length !== types.length)
      throw new TypeError(`signature "${signature}" needs ${types.length} values, got ${values.length}`);
    types.forEach((t, i) => this.write(t, values[i]));
  }

  /** Writes one value of type `t`. Throws TypeError when the value does not fit the type. */
  write(t: TypeNode, v: unknown): void {
    switch (t.code) {
      case 'y':
        this.byte(int(v, 0, 0xff, 'y'));
        return;
      case 'b':
        if (typeof v !== 'boolean') throw new TypeError(`expected a boolean for "b", got ${describe(v)}`);
        this.uint32(v ? 1 : 0);
        return;
      // Fixed-size values are written in place: a GetAll reply has hundreds of them, and a closure
      // or a temporary BigInt per value was most of the reply's garbage.
      case 'n': {
        const x = int(v, -0x8000, 0x7fff, 'n');
        this.at(2);
        if (this.bigEndian) this.buf.writeInt16BE(x, this.pos);
        else this.buf.writeInt16LE(x, this.pos);
        this.pos += 2;
        return;
      }
      case 'q': {
        const x = int(v, 0, 0xffff, 'q');
        this.at(2);
        if (this.bigEndian) this.buf.writeUInt16BE(x, this.pos);
        else this.buf.writeUInt16LE(x, this.pos);
        this.pos += 2;
        return;
      }
      case 'i': {
        const x = int(v, -0x80000000, 0x7fffffff, 'i');
        this.at(4);
        if (this.bigEndian) this.buf.writeInt32BE(x, this.pos);
        else this.buf.writeInt32LE(x, this.pos);
        this.pos += 4;
        return;
      }
      case 'u':
        this.uint32(int(v, 0, 0xffffffff, 'u'));
        return;
      case 'x':
      case 't':
        this.int64(t.code, v);
        return;
      case 'd': {
        if (typeof v !== 'number') throw new TypeError(`expected a number for "d", got ${describe(v)}`);
        this.at(8);
        if (this.bigEndian) this.buf.writeDoubleBE(v, this.pos);
        else this.buf.writeDoubleLE(v, this.pos);
        this.pos += 8;
        return;
      }
      case 'h': {
        const fd = int(v, 0, 0x7fffffff, 'h');
        let index = this.fds.indexOf(fd);
        if (index < 0) index = this.fds.push(fd) - 1;
        this.uint32(index);
        return;
      }
      case 's':
      case 'o': {
        if (typeof v !== 'string') throw new TypeError(`expected a string for "${t.code}", got ${describe(v)}`);
        if (t.code === 'o' && !isValidObjectPath(v)) throw new TypeError(`invalid object path ${JSON.stringify(v)}`);
        this.uint32(0);
        if (!this.asciiString(v)) {
          if (v.includes('\0')) throw new TypeError('strings may not contain NUL bytes');
          // Straight into the buffer: a GetAll reply writes hundreds of strings.
          const length = Buffer.byteLength(v, 'utf8');
          this.ensure(length + 1);
          this.buf.write(v, this.pos, length, 'utf8');
          this.pos += length;
          this.buf[this.pos++] = 0;
          this.setUint32(this.pos - length - 5, length);
        }
        return;
      }
      case 'g': {
        if (typeof v !== 'string') throw new TypeError(`expected a signature string for "g", got ${describe(v)}`);
        parseSignature(v);
        // Signatures are ASCII (parseSignature checked): written in place, no temporary Buffer.
        this.ensure(v.length + 2);
        this.buf[this.pos++] = v.length;
        for (let i = 0; i < v.length; i++) this.buf[this.pos++] = v.charCodeAt(i);
        this.buf[this.pos++] = 0;
        return;
      }
      case 'v': {
        if (!(v instanceof Variant)) throw new TypeError(`expected a Variant for "v", got ${describe(v)}`);
        this.write(SIGNATURE_TYPE, v.signature);
        this.write(parseSingleType(v.signature), v.value);
        return;
      }
      case '(': {
        if (!Array.isArray(v) || v.length !== t.fields.length)
          throw new TypeError(`expected an array of ${t.fields.length} fields for "${formatType(t)}", got ${describe(v)}`);
        this.align(8);
        for (let i = 0; i < t.fields.length; i++) this.write(t.fields[i]!, v[i]);
        return;
      }
      case '{':
        throw new TypeError('a dict entry can only be written as an array element');
      case 'a':
        this.array(t.element, v);
        return;
    }
  }

  private array(element: TypeNode, v: unknown): void {
    this.uint32(0);
    const lengthAt = this.pos - 4;
    this.align(alignmentOf(element));
    const start = this.pos;
    if (element.code === '{') {
      const entry = (val: unknown, k: unknown) => {
        this.align(8);
        this.write(element.key, k);
        this.write(element.value, val);
      };
      // A Map is walked with forEach: its iterator made a [key, value] array per entry.
      if (v instanceof Map) v.forEach(entry);
      else for (const [k, val] of entries(v)) entry(val, k);
    } else if (element.code === 'y' && (v instanceof Uint8Array)) {
      this.raw(v);
    } else {
      if (!Array.isArray(v)) throw new TypeError(`expected an array for "a${formatType(element)}", got ${describe(v)}`);
      for (const item of v) this.write(element, item);
    }
    const length = this.pos - start;
    if (length > MAX_ARRAY_LENGTH) throw new DbusProtocolError(`array of ${length} bytes exceeds the 64 MiB limit`);
    if (this.bigEndian) this.buf.writeUInt32BE(length, lengthAt);
    else this.buf.writeUInt32LE(length, lengthAt);
  }

  /**
   * Writes a short ASCII string's bytes and NUL after the length just written (4 bytes before
   * `pos`), and that length; false, with nothing written, for a long or non-ASCII one. Byte by
   * byte beats Buffer.write's argument checks and native call for the short names and values
   * that make up most of a reply.
   */
  private asciiString(v: string): boolean {
    const n = v.length;
    if (n > 64) return false;
    this.ensure(n + 1);
    const buf = this.buf;
    const start = this.pos;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) return false;
      if (c === 0) throw new TypeError('strings may not contain NUL bytes');
      buf[start + i] = c;
    }
    buf[start + n] = 0;
    this.pos = start + n + 1;
    this.setUint32(start - 4, n);
    return true;
  }

  private setUint32(at: number, v: number): void {
    if (this.bigEndian) this.buf.writeUInt32BE(v, at);
    else this.buf.writeUInt32LE(v, at);
  }

  /** Aligns to `size` and makes room for a value of that size at `pos`. */
  private at(size: number): void {
    this.align(size);
    this.ensure(size);
  }

  /**
   * An `x` or `t`: as two 32-bit halves when the value is a safe integer (or one of the type's
   * bounds, systemd's "infinity"), through BigInt arithmetic only otherwise.
   */
  private int64(code: 'x' | 't', v: unknown): void {
    let lo: number, hi: number;
    const n = typeof v === 'number' ? v : typeof v === 'bigint' && v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : undefined;
    if (n !== undefined) {
      if (!Number.isSafeInteger(n)) throw new TypeError(`expected a bigint for "${code}", got ${describe(v)}`);
      if (n < 0 && code === 't') throw new TypeError(`${n} is out of range for "t"`);
      lo = n >>> 0;
      hi = Math.floor(n / 0x100000000) >>> 0;
    } else if (code === 't' && v === UINT64_MAX) {
      lo = hi = 0xffffffff;
    } else if (code === 'x' && v === INT64_MAX) {
      lo = 0xffffffff;
      hi = 0x7fffffff;
    } else {
      const b = code === 'x' ? big(v, INT64_MIN, INT64_MAX, 'x') : big(v, 0n, UINT64_MAX, 't');
      const u = BigInt.asUintN(64, b);
      lo = Number(u & 0xffffffffn);
      hi = Number(u >> 32n);
    }
    this.at(8);
    if (this.bigEndian) {
      this.buf.writeUInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(lo, this.pos + 4);
    } else {
      this.buf.writeUInt32LE(lo, this.pos);
      this.buf.writeUInt32LE(hi, this.pos + 4);
    }
    this.pos += 8;
  }

  private raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

function entries(v: unknown): Iterable<[unknown, unknown]> {
  if (v instanceof Map) return v.entries();
  if (Array.isArray(v)) {
    for (const e of v) if (!Array.isArray(e) || e.length !== 2) throw new TypeError('dict entries must be [key, value] pairs');
    return v as [unknown, unknown][];
  }
  if (v !== null && typeof v === 'object') return Object.entries(v);
  throw new TypeError(`expected a Map, an object or [key, value] pairs for a dict, got ${describe(v)}`);
}

function int(v: unknown, min: number, max: number, code: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw new TypeError(`expected an integer in ${min}..${max} for "${code}", got ${describe(v)}`);
  return n;
}

function big(v: unknown, min: bigint, max: bigint, code: string): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else throw new TypeError(`expected a bigint for "${code}", got ${describe(v)}`);
  if (b < min || b > max) throw new TypeError(`${b} is out of range for "${code}"`);
  return b;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return `${typeof v} ${String(v)}`;
}
