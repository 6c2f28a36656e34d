/**
 * StandardInputText= and StandardInputData= of systemd.exec(5): the bytes a process reads on fd 0
 * with StandardInput=data. Both append to one buffer in the order of the assignments (text lines
 * C-unescaped with a newline added, data base64-decoded); an empty assignment of either empties
 * it; the buffer is capped at systemd's EXEC_STDIN_DATA_MAX.
 */
import type { DirectiveSpec } from '@unitkit/unit-file';
import { ValueError, cUnescapeOne } from '@unitkit/unit-file';

/** systemd's EXEC_STDIN_DATA_MAX: 64 MiB. */
export const STDIN_DATA_MAX = 64 * 1024 * 1024;

const utf8 = new TextEncoder();

/**
 * C-unescapes one StandardInputText= line into bytes and adds the newline: `\xNN` and octal
 * escapes are single bytes, everything else (literal text, `\u` escapes) is UTF-8.
 */
export function stdinTextBytes(value: string): Uint8Array {
  const out: number[] = [];
  const push = (s: string) => out.push(...utf8.encode(s));
  let i = 0;
  while (i < value.length) {
    const slash = value.indexOf('\\', i);
    if (slash < 0) {
      push(value.slice(i));
      break;
    }
    push(value.slice(i, slash));
    const letter = value[slash + 1];
    const e = cUnescapeOne(value, slash + 1);
    if (!e) throw new ValueError('invalid C escape');
    if (letter === 'x' || (letter !== undefined && letter >= '0' && letter <= '7')) out.push(e.value.charCodeAt(0));
    else push(e.value);
    i = slash + 1 + e.length;
  }
  out.push(0x0a);
  return Uint8Array.from(out);
}

/** Decodes one StandardInputData= value: base64, whitespace allowed anywhere (systemd's unbase64mem()). */
export function stdinBase64Bytes(value: string): Uint8Array {
  const text = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new ValueError('not base64');
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** The two directives, one buffer: StandardInputText= is stored as StandardInputData= items. */
export function stdinDataDirectives(): Record<string, DirectiveSpec> {
  return {
    StandardInputText: { kind: 'list', canonical: 'StandardInputData', parse: (v: string) => [stdinTextBytes(v)] } as DirectiveSpec,
    StandardInputData: { kind: 'list', parse: (v: string) => [stdinBase64Bytes(v)] } as DirectiveSpec,
  };
}

/** The buffer of a section's assignments; an assignment that would take it past STDIN_DATA_MAX is dropped, as systemd ignores it. */
export function readStdinData(items: readonly Uint8Array[] | undefined): Uint8Array {
  const kept: Uint8Array[] = [];
  let total = 0;
  for (const b of items ?? []) {
    if (total + b.length > STDIN_DATA_MAX) continue;
    kept.push(b);
    total += b.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of kept) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
