import { cUnescapeOne } from './c-unescape.js';
import { ValueError } from './value-error.js';

/** Whitespace as systemd's WHITESPACE: space, tab, newline, carriage return. */
export const WHITESPACE = ' \t\n\r';

/** Flags of systemd's extract_first_word() that unit files use. */
export interface ExtractFlags {
  /** Remove quotes ('…' and "…", also in the middle of a word). */
  unquote?: boolean;
  /** Decode C escapes (\n, \x41, …) instead of just dropping the backslash. */
  cunescape?: boolean;
  /** Keep an unknown escape verbatim (with its backslash) instead of failing. */
  unescapeRelax?: boolean;
  /** Backslashes are ordinary characters. */
  retainEscape?: boolean;
  /** Accept an unterminated quote or trailing backslash. */
  relax?: boolean;
}

/** The result of {@link extractFirstWord}: the word (undefined at the end of input) and the rest. */
export interface ExtractResult { word: string | undefined; rest: string }

/**
 * Splits the first word off `text` with systemd's extract_first_word() rules:
 * separators are coalesced, quotes group, backslash escapes. Throws ValueError on
 * an unbalanced quote or a bad escape (the caller decides whether that is fatal).
 */
export function extractFirstWord(text: string, separators: string = WHITESPACE, flags: ExtractFlags = {}): ExtractResult {
  let i = 0;
  const n = text.length;
  while (i < n && separators.includes(text[i]!)) i++;
  if (i >= n) return { word: undefined, rest: '' };

  let word = '';
  let quote: string | undefined;
  for (;;) {
    if (i >= n) {
      if (quote !== undefined && !flags.relax) throw new ValueError(`Unbalanced quoting in '${text}'`);
      return { word, rest: '' };
    }
    const c = text[i]!;
    if (c === '\\' && !flags.retainEscape) {
      i++;
      if (i >= n) {
        if (flags.unescapeRelax && (quote === undefined || flags.relax)) return { word: word + '\\', rest: '' };
        if (flags.relax) return { word, rest: '' };
        throw new ValueError(`Trailing backslash in '${text}'`);
      }
      if (flags.cunescape) {
        const r = cUnescapeOne(text, i);
        if (r) { word += r.value; i += r.length; continue; }
        if (flags.unescapeRelax) { word += '\\' + text[i]; i++; continue; }
        throw new ValueError(`Invalid escape sequence '\\${text[i]}' in '${text}'`);
      }
      word += text[i];
      i++;
      continue;
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
      i++;
      continue;
    }
    if (flags.unquote && (c === '"' || c === "'")) { quote = c; i++; continue; }
    if (separators.includes(c)) {
      while (i < n && separators.includes(text[i]!)) i++;
      return { word, rest: text.slice(i) };
    }
    word += c;
    i++;
  }
}

/** Splits all of `text` into words with {@link extractFirstWord}. */
export function extractWords(text: string, separators: string = WHITESPACE, flags: ExtractFlags = {}): string[] {
  const words: string[] = [];
  let rest = text;
  for (;;) {
    const r = extractFirstWord(rest, separators, flags);
    if (r.word === undefined) return words;
    words.push(r.word);
    rest = r.rest;
  }
}
