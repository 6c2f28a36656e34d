/**
 * A property's D-Bus value from its typed definition: the one PropertyValue that `show` formats
 * is also what the D-Bus API sends, converted to systemd's signature for that property (from
 * core's busPropertyTypes), so systemctl over D-Bus prints what unitkitctl prints.
 */
import type { PropertyList } from '@unitkit/core';
import { formatPropertyValue } from '@unitkit/core';
import { parseSingleType, type TypeNode } from '@unitkit/dbus';

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;

/** The largest value of an integer type: what systemd sends for "infinity" and "unset". */
function maxOf(code: string): number | bigint {
  switch (code) {
    case 't':
      return UINT64_MAX;
    case 'x':
      return INT64_MAX;
    case 'u':
      return 0xffffffff;
    case 'i':
      return 0x7fffffff;
    case 'q':
      return 0xffff;
    case 'n':
      return 0x7fff;
    case 'y':
      return 0xff;
    default:
      return 0;
  }
}

/** The empty value of a type: "", 0, false, [] — what systemd sends for something unset. */
export function emptyBusValue(t: TypeNode): unknown {
  switch (t.code) {
    case 's':
    case 'g':
      return '';
    case 'o':
      return '/';
    case 'b':
      return false;
    case 'd':
      return 0;
    case 'x':
    case 't':
      return 0n;
    case 'a':
      if (t.element.code === 'y') return Buffer.alloc(0);
      if (t.element.code === '{') return new Map();
      return [];
    case '(':
      return t.fields.map(emptyBusValue);
    case 'v':
      return undefined;
    default:
      return 0;
  }
}

/** An integer from show's text ("1024", "0644" octal, "infinity", "[not set]"). */
function numberFromText(code: string, text: string): number | bigint {
  const s = text.trim();
  if (/^-?\d+$/.test(s)) {
    const big = BigInt(s.length > 1 && s.startsWith('0') ? parseInt(s, 8) : s);
    if (code === 't' || code === 'x') return big;
    return Number(big);
  }
  if (s === '') return code === 't' || code === 'x' ? 0n : 0;
  // infinity, [not set], [no data]: systemd's "unset" is the type's largest value.
  return maxOf(code);
}

/** An integer of type `code`; 64-bit ones stay numbers while safe (the writer takes both). */
function integer(code: string, n: number): number | bigint {
  if (n === Infinity) return maxOf(code);
  if (!Number.isFinite(n)) return 0;
  const i = Math.trunc(n);
  if ((code === 't' || code === 'x') && !Number.isSafeInteger(i)) return BigInt(i);
  return i;
}

/** Parsed signatures: a unit's GetAll converts ~300 values of a few dozen distinct types. */
const parsedTypes = new Map<string, TypeNode>();

function typeOf(signature: string): TypeNode {
  let t = parsedTypes.get(signature);
  if (!t) parsedTypes.set(signature, (t = parseSingleType(signature)));
  return t;
}

/**
 * The D-Bus value, of the type `signature`, of a property given by the entries `from` to `to`
 * (exclusive) of a property list: one, or one per element for properties `show` lists once per
 * element, such as Listen= and ExecStart=. A GetAll converts a unit's whole list in place,
 * without an array per property.
 */
export function busValueInList(signature: string, list: PropertyList, from: number, to: number): unknown {
  const t = typeOf(signature);
  if (from >= to) return emptyBusValue(t);
  const first = list[from]![1];
  if (t.code === 'a') {
    let items: unknown[] | undefined;
    for (let i = from; i < to; i++) {
      const e = list[i]![1];
      if (e.type === 'raw' && e.busItem !== undefined) (items ??= []).push(e.busItem);
    }
    if (items) return items;
  }
  if ((first.type === 'raw' || first.type === 'hidden') && first.bus !== undefined) return first.bus;
  switch (t.code) {
    case 's':
    case 'o':
    case 'g': {
      const s = formatPropertyValue(first);
      return t.code === 'o' && !s.startsWith('/') ? '/' : s;
    }
    case 'b':
      return first.type === 'bool' ? first.value : formatPropertyValue(first) === 'yes';
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
    case 'x':
    case 't':
      if (first.type === 'int' || first.type === 'usec' || first.type === 'timestamp') return integer(t.code, first.value);
      if (first.type === 'bool') return integer(t.code, first.value ? 1 : 0);
      return numberFromText(t.code, formatPropertyValue(first));
    case 'd': {
      const n = first.type === 'int' || first.type === 'usec' || first.type === 'timestamp' ? first.value : Number(formatPropertyValue(first));
      return Number.isFinite(n) ? n : 0;
    }
    case 'a':
      if (t.element.code === 's' || t.element.code === 'o') {
        // The writer only reads it: no copy.
        if (first.type === 'strv') return first.value;
        if (first.type === 'string') return first.value === '' ? [] : [first.value];
        // Repeated text entries (one per element).
        const texts: string[] = [];
        for (let i = from; i < to; i++) {
          const text = formatPropertyValue(list[i]![1]);
          if (text !== '') texts.push(text);
        }
        return texts;
      }
      return emptyBusValue(t);
    default:
      return emptyBusValue(t);
  }
}
