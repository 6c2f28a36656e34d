/**
 * D-Bus type signatures: parsing into a tree, with the spec's limits (255 bytes, 32 levels of
 * arrays and 32 of structs, dict entries only as array elements with a basic key).
 */
import { DbusProtocolError } from './errors.js';

/** One complete type of a signature. */
export type TypeNode =
  | { code: BasicCode }
  | { code: 'v' }
  | { code: 'a'; element: TypeNode }
  | { code: '('; fields: TypeNode[] }
  | { code: '{'; key: TypeNode; value: TypeNode };

/** The basic (fixed or string-like) type codes; only these may be dict keys. */
export type BasicCode = 'y' | 'b' | 'n' | 'q' | 'i' | 'u' | 'x' | 't' | 'd' | 'h' | 's' | 'o' | 'g';

const BASIC = new Set<string>(['y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 'h', 's', 'o', 'g']);

/** Maximum signature length in bytes (spec). */
export const MAX_SIGNATURE_LENGTH = 255;
/** Maximum nesting of arrays, and separately of structs (spec). */
export const MAX_NESTING = 32;

const cache = new Map<string, TypeNode[]>();

/**
 * Parses a signature (zero or more complete types). Throws DbusProtocolError with the reason when
 * it is invalid. Results are cached: signatures repeat on a connection.
 */
export function parseSignature(signature: string): TypeNode[] {
  const hit = cache.get(signature);
  if (hit) return hit;
  if (signature.length > MAX_SIGNATURE_LENGTH) throw new DbusProtocolError(`signature longer than ${MAX_SIGNATURE_LENGTH} bytes`);
  const types: TypeNode[] = [];
  const state = { pos: 0 };
  while (state.pos < signature.length) types.push(parseOne(signature, state, 0, 0, false));
  if (cache.size > 4096) cache.clear();
  cache.set(signature, types);
  return types;
}

/** Parses a signature that must hold exactly one complete type (a variant's). */
export function parseSingleType(signature: string): TypeNode {
  const types = parseSignature(signature);
  if (types.length !== 1) throw new DbusProtocolError(`"${signature}" is not a single complete type`);
  return types[0]!;
}

/** Whether `signature` is valid (see {@link parseSignature}). */
export function isValidSignature(signature: string): boolean {
  try {
    parseSignature(signature);
    return true;
  } catch {
    return false;
  }
}

function parseOne(sig: string, state: { pos: number }, arrays: number, structs: number, inArray: boolean): TypeNode {
  const c = sig[state.pos];
  if (c === undefined) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} ends inside a type`);
  state.pos++;
  if (BASIC.has(c)) return { code: c as BasicCode };
  switch (c) {
    case 'v':
      return { code: 'v' };
    case 'a': {
      if (arrays + 1 > MAX_NESTING) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} nests arrays deeper than ${MAX_NESTING}`);
      return { code: 'a', element: parseOne(sig, state, arrays + 1, structs, true) };
    }
    case '(': {
      if (structs + 1 > MAX_NESTING) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} nests structs deeper than ${MAX_NESTING}`);
      const fields: TypeNode[] = [];
      while (sig[state.pos] !== ')') {
        if (state.pos >= sig.length) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} has an unclosed struct`);
        fields.push(parseOne(sig, state, arrays, structs + 1, false));
      }
      state.pos++;
      if (fields.length === 0) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} has an empty struct`);
      return { code: '(', fields };
    }
    case '{': {
      if (!inArray) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} has a dict entry outside an array`);
      if (structs + 1 > MAX_NESTING) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} nests structs deeper than ${MAX_NESTING}`);
      const keyCode = sig[state.pos];
      if (keyCode === undefined || !BASIC.has(keyCode)) throw new DbusProtocolError(`signature ${JSON.stringify(sig)} has a dict key that is not a basic type`);
      state.pos++;
      const value = parseOne(sig, state, arrays, structs + 1, false);
      if (sig[state.pos] !== '}') throw new DbusProtocolError(`signature ${JSON.stringify(sig)} has a dict entry without exactly two types`);
      state.pos++;
      return { code: '{', key: { code: keyCode as BasicCode }, value };
    }
    default:
      throw new DbusProtocolError(`signature ${JSON.stringify(sig)} has an invalid type code ${JSON.stringify(c)}`);
  }
}

/** The signature text of a type tree. */
export function formatType(type: TypeNode): string {
  switch (type.code) {
    case 'a':
      return 'a' + formatType(type.element);
    case '(':
      return '(' + type.fields.map(formatType).join('') + ')';
    case '{':
      return '{' + formatType(type.key) + formatType(type.value) + '}';
    default:
      return type.code;
  }
}

/** Alignment of a type on the wire (spec table). */
export function alignmentOf(type: TypeNode): number {
  switch (type.code) {
    case 'y':
    case 'g':
    case 'v':
      return 1;
    case 'n':
    case 'q':
      return 2;
    case 'b':
    case 'i':
    case 'u':
    case 'h':
    case 's':
    case 'o':
    case 'a':
      return 4;
    default:
      return 8; // x t d ( {
  }
}
