import { ValueError } from './value-error.js';

const SIMPLE: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', '"': '"', "'": "'", s: ' ',
};

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isOct = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';

/**
 * Decodes one C escape whose backslash has already been consumed; `text[at]` is the
 * letter after it. Returns the decoded string and how many characters were used, or
 * undefined when the escape is not one systemd's cunescape_one() accepts.
 *
 * Bytes given as \xNN or octal above 0x7f become the code point of the same value,
 * since JavaScript strings carry no raw bytes.
 */
export function cUnescapeOne(text: string, at: number): { value: string; length: number } | undefined {
  const c = text[at];
  if (c === undefined) return undefined;
  const simple = SIMPLE[c];
  if (simple !== undefined) return { value: simple, length: 1 };
  if (c === 'x') {
    if (!isHex(text[at + 1]) || !isHex(text[at + 2])) return undefined;
    const n = parseInt(text.slice(at + 1, at + 3), 16);
    // NUL would truncate the C string systemd builds, so it refuses it.
    if (n === 0) return undefined;
    return { value: String.fromCharCode(n), length: 3 };
  }
  if (c === 'u' || c === 'U') {
    const len = c === 'u' ? 4 : 8;
    const hex = text.slice(at + 1, at + 1 + len);
    if (hex.length !== len || ![...hex].every((h) => isHex(h))) return undefined;
    const n = parseInt(hex, 16);
    if (n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    return { value: String.fromCodePoint(n), length: 1 + len };
  }
  if (isOct(c)) {
    if (!isOct(text[at + 1]) || !isOct(text[at + 2])) return undefined;
    const n = parseInt(text.slice(at, at + 3), 8);
    if (n === 0 || n > 255) return undefined;
    return { value: String.fromCharCode(n), length: 3 };
  }
  return undefined;
}

/** Decodes all C escapes in `text` (systemd's cunescape()); throws ValueError on a bad one. */
export function cUnescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') { out += ch; continue; }
    const r = cUnescapeOne(text, i + 1);
    if (!r) throw new ValueError(`Invalid escape sequence in '${text}'`);
    out += r.value;
    i += r.length;
  }
  return out;
}
