/**
 * The value model. A D-Bus value is a plain JS value read against its signature:
 *
 * | type | JS |
 * | --- | --- |
 * | `y n q i u` | number |
 * | `x t` | bigint (a safe-integer number is accepted when writing) |
 * | `d` | number |
 * | `b` | boolean |
 * | `s o g` | string |
 * | `h` | number: the fd itself (its index in the message is handled by the codec) |
 * | `ay` | Buffer (Uint8Array or number[] accepted when writing) |
 * | `a{kv}` | Map (a plain object or an array of [k, v] pairs accepted when writing) |
 * | `aT` | array |
 * | `(…)` | array of the fields |
 * | `v` | {@link Variant} — it carries its own signature |
 */
import { parseSingleType } from './signature.js';

/** A variant: a value together with the signature of its single complete type. */
export class Variant<T = unknown> {
  /** The signature of `value` (one complete type, validated at construction). */
  readonly signature: string;
  readonly value: T;

  constructor(signature: string, value: T) {
    parseSingleType(signature);
    this.signature = signature;
    this.value = value;
  }
}

/**
 * Shorthand for `new Variant(signature, value)`, handy in property tables. Typed `Variant<unknown>`
 * so variants of different types mix in one Map or array without casts.
 */
export function variant(signature: string, value: unknown): Variant {
  return new Variant(signature, value);
}
