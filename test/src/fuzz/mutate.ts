/**
 * Mutation of text inputs: the byte-level and line-level edits a fuzzer makes to a seed, biased
 * towards the characters and tokens that matter to systemd's syntaxes (quotes, backslashes,
 * specifiers, section headers, continuation lines).
 */
import type { Prng } from './prng.js';

/** Characters every syntax here gives a meaning to. */
export const SPECIAL_CHARS = '\\\n\r\t "\'%$={}[]#;@-+!|:~.,/*?\0\x7f\u00e9\u2028\ud83d';

/** Values that sit at the edges of the value parsers. */
export const EDGE_VALUES = [
  '', '0', '-1', '1', 'infinity', '-infinity', 'yes', 'no', '18446744073709551615', '18446744073709551616',
  '9223372036854775807', '4294967295', '4294967296', '2147483648', '1e400', '0x10', '0o7', 'NaN', '1.5', '.5', '5.',
  '1us', '1ms', '1s 2min 3h', '1y', '100000000000000000000d', '%i', '%%', '%', '%n%N%p%i%I%f%t', '${FOO}', '$FOO',
  '"unterminated', "'unterminated", '\\x00', '\\u0000', '\\', 'a\\\nb', '@', '-', '+', '!', '!!', '|', ':', '::1',
  '[::1]:0', '127.0.0.1:65536', '0.0.0.0:0', '/', '//', '/dev/null', 'foo.service', 'foo@.service', '@.service',
  'x'.repeat(300), 'é'.repeat(70), 'SIGKILL', 'RTMIN+40', '0777', '999999999999',
];

/** Applies one to `maxEdits` random edits to `text`; `dictionary` holds tokens worth inserting. */
export function mutateText(rng: Prng, text: string, dictionary: readonly string[] = [], maxEdits = 4): string {
  let s = text;
  const edits = rng.range(1, maxEdits);
  for (let e = 0; e < edits; e++) s = mutateOnce(rng, s, dictionary);
  return s;
}

function mutateOnce(rng: Prng, s: string, dictionary: readonly string[]): string {
  const at = s.length === 0 ? 0 : rng.int(s.length + 1);
  switch (rng.int(11)) {
    case 0: // replace one character
      return s.slice(0, at) + rng.pick([...SPECIAL_CHARS]) + s.slice(at + 1);
    case 1: // insert special characters
      return s.slice(0, at) + rng.string(rng.range(1, 3), SPECIAL_CHARS) + s.slice(at);
    case 2: { // delete a range
      const n = rng.size(64);
      return s.slice(0, at) + s.slice(at + n);
    }
    case 3: { // duplicate a range
      const n = rng.size(128);
      const piece = s.slice(at, at + n);
      return s.slice(0, at) + piece.repeat(rng.size(8) + 1) + s.slice(at);
    }
    case 4: // insert an edge value
      return s.slice(0, at) + rng.pick(EDGE_VALUES) + s.slice(at);
    case 5: // insert a dictionary token
      return dictionary.length === 0 ? s : s.slice(0, at) + rng.pick(dictionary) + s.slice(at);
    case 6: { // replace the value of one line
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      const eq = lines[i]!.indexOf('=');
      if (eq >= 0) lines[i] = lines[i]!.slice(0, eq + 1) + rng.pick(EDGE_VALUES);
      return lines.join('\n');
    }
    case 7: { // repeat one line
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      lines.splice(i, 0, ...Array<string>(rng.size(32)).fill(lines[i]!));
      return lines.join('\n');
    }
    case 8: { // swap two lines
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 9: { // end a line with a continuation
      const lines = s.split('\n');
      const i = rng.int(lines.length);
      lines[i] += rng.pick(['\\', ' \\', '\\\\', '\\ ']);
      return lines.join('\n');
    }
    default: // truncate
      return s.slice(0, at);
  }
}
