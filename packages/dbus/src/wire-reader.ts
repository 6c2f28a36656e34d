/**
 * Unmarshalling: reads values against their signature in either byte order, checking everything
 * the spec requires of the sender (zero padding, booleans 0/1, valid UTF-8 without NUL, valid
 * object paths and signatures, array lengths, nesting depth). Any violation is a DbusProtocolError.
 */
import { DbusProtocolError } from './errors.js';
import { isValidObjectPath } from './names.js';
import { alignmentOf, parseSignature, parseSingleType, type TypeNode } from './signature.js';
import { Variant } from './variant.js';
import { MAX_ARRAY_LENGTH } from './wire-writer.js';

/** Total container depth including variants (spec: 32 arrays + 32 structs = 64). */
const MAX_TOTAL_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads typed values from `buf`, which starts 8-aligned in its message. */
export class WireReader {
  private pos: number;

  /**
   * @param buf the bytes (a header or body)
   * @param littleEndian the message's byte order
   * @param fds the message's fds; `h` values are resolved to them (null: leave the index)
   */
  constructor(
    private readonly buf: Buffer,
    private readonly littleEndian: boolean,
    private readonly fds: readonly number[] | null = null,
    start = 0,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Reads one value per type of `signature`. */
  readSignature(signature: string): unknown[] {
    return parseSignature(signature).map((t) => this.read(t, 0));
  }

  align(n: number): void {
    const next = this.pos + ((n - (this.pos % n)) % n);
    this.need(next - this.pos);
    for (let i = this.pos; i < next; i++)
      if (this.buf[i] !== 0) throw new DbusProtocolError('non-zero padding byte');
    this.pos = next;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DbusProtocolError('message truncated: data ends inside a value');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  uint32(): number {
    this.align(4);
    this.need(4);
    const v = this.littleEndian ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads one value of type `t`; `depth` counts the enclosing containers and variants. */
  read(t: TypeNode, depth: number): unknown {
    const b = this.buf;
    const le = this.littleEndian;
    switch (t.code) {
      case 'y':
        return this.byte();
      case 'b': {
        const v = this.uint32();
        if (v > 1) throw new DbusProtocolError(`boolean value ${v} is neither 0 nor 1`);
        return v === 1;
      }
      case 'n':
        return this.fixed(2, () => (le ? b.readInt16LE(this.pos) : b.readInt16BE(this.pos)));
      case 'q':
        return this.fixed(2, () => (le ? b.readUInt16LE(this.pos) : b.readUInt16BE(this.pos)));
      case 'i':
        return this.fixed(4, () => (le ? b.readInt32LE(this.pos) : b.readInt32BE(this.pos)));
      case 'u':
        return this.uint32();
      case 'x':
        return this.fixed(8, () => (le ? b.readBigInt64LE(this.pos) : b.readBigInt64BE(this.pos)));
      case 't':
        return this.fixed(8, () => (le ? b.readBigUInt64LE(this.pos) : b.readBigUInt64BE(this.pos)));
      case 'd':
        return this.fixed(8, () => (le ? b.readDoubleLE(this.pos) : b.readDoubleBE(this.pos)));
      case 'h': {
        const index = this.uint32();
        if (this.fds === null) return index;
        const fd = this.fds[index];
        if (fd === undefined) throw new DbusProtocolError(`fd index ${index} but the message carries ${this.fds.length} fds`);
        return fd;
      }
      case 's':
      case 'o': {
        const length = this.uint32();
        const text = this.text(length);
        if (t.code === 'o' && !isValidObjectPath(text)) throw new DbusProtocolError(`invalid object path ${JSON.stringify(text)}`);
        return text;
      }
      case 'g': {
        const length = this.byte();
        const text = this.text(length);
        parseSignature(text);
        return text;
      }
      case 'v': {
        if (depth + 1 > MAX_TOTAL_DEPTH) throw new DbusProtocolError('values nested deeper than 64 containers');
        const sig = this.read({ code: 'g' }, depth) as string;
        const inner = parseSingleType(sig);
        return new Variant(sig, this.read(inner, depth + 1));
      }
      case '(': {
        if (depth + 1 > MAX_TOTAL_DEPTH) throw new DbusProtocolError('values nested deeper than 64 containers');
        this.align(8);
        return t.fields.map((f) => this.read(f, depth + 1));
      }
      case '{':
        throw new DbusProtocolError('dict entry outside an array');
      case 'a':
        return this.array(t.element, depth);
    }
  }

  private array(element: TypeNode, depth: number): unknown {
    if (depth + 1 > MAX_TOTAL_DEPTH) throw new DbusProtocolError('values nested deeper than 64 containers');
    const length = this.uint32();
    if (length > MAX_ARRAY_LENGTH) throw new DbusProtocolError(`array length ${length} exceeds the 64 MiB limit`);
    this.align(alignmentOf(element));
    this.need(length);
    const end = this.pos + length;
    if (element.code === 'y') {
      const bytes = Buffer.from(this.buf.subarray(this.pos, end));
      this.pos = end;
      return bytes;
    }
    if (element.code === '{') {
      const map = new Map<unknown, unknown>();
      while (this.pos < end) {
        this.align(8);
        const k = this.read(element.key, depth + 2);
        map.set(k, this.read(element.value, depth + 2));
      }
      if (this.pos !== end) throw new DbusProtocolError('array contents overrun its length');
      return map;
    }
    const items: unknown[] = [];
    while (this.pos < end) items.push(this.read(element, depth + 1));
    if (this.pos !== end) throw new DbusProtocolError('array contents overrun its length');
    return items;
  }

  private fixed<T>(size: number, get: () => T): T {
    this.align(size);
    this.need(size);
    const v = get();
    this.pos += size;
    return v;
  }

  private text(length: number): string {
    this.need(length + 1);
    const bytes = this.buf.subarray(this.pos, this.pos + length);
    if (this.buf[this.pos + length] !== 0) throw new DbusProtocolError('string not NUL-terminated');
    if (bytes.includes(0)) throw new DbusProtocolError('string contains a NUL byte');
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new DbusProtocolError('string is not valid UTF-8');
    }
    this.pos += length + 1;
    return text;
  }
}
