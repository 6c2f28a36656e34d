import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Diagnostic } from './types.js';
import { isValidEnvName } from './environment.js';

/** One variable read from an EnvironmentFile=. */
export interface EnvironmentFileEntry { name: string; value: string; line: number }

const NEWLINE = '\n\r';
const WS = ' \t\n\r';
// Inside double quotes only these may be escaped; any other backslash is kept (SHELL_NEED_ESCAPE).
const SHELL_NEED_ESCAPE = '"\\`$';
// Where a run of plain characters ends, per state.
const VALUE_STOP = /[\n\r\\ \t]/g;
const SQ_STOP = /'/g;
const DQ_STOP = /["\\]/g;
const COMMENT_STOP = /[\n\r\\]/g;

/**
 * Parses the text of an EnvironmentFile= with the state machine of systemd's
 * parse_env_file_internal(): "#" and ";" comments at the start of a line, "KEY=value"
 * with whitespace trimmed, single quotes literal, double quotes with \" \\ \` \$ escapes,
 * backslash-newline continuation (also inside comments), later keys override earlier.
 */
export function parseEnvironmentFileText(text: string, file = '<environment file>', diagnostics: Diagnostic[] = []): EnvironmentFileEntry[] {
  const out: EnvironmentFileEntry[] = [];
  type State = 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SQ' | 'DQ' | 'DQ_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';
  let state: State = 'PRE_KEY';
  let key = '';
  let value = '';
  let keyTrailWs = 0;
  let valueTrailWs = -1;
  let keyLine = 1;
  // Line numbers are counted lazily up to where a key starts, so long runs are never walked twice.
  let lineCursor = 0;
  let lineCount = 1;
  const lineAt = (pos: number): number => {
    for (; lineCursor < pos; lineCursor++) if (text.charCodeAt(lineCursor) === 10) lineCount++;
    return lineCount;
  };
  // Runs of characters a state only copies are appended as one slice: appending character by
  // character made a multi-megabyte value superlinear (found by the fuzzer's pathological inputs).
  const copyRun = (re: RegExp, from: number): number => {
    re.lastIndex = from;
    const m = re.exec(text);
    const end = m ? m.index : text.length;
    value += text.slice(from, end);
    return end;
  };
  const push = (): void => {
    let v = value;
    if (valueTrailWs >= 0) v = v.slice(0, valueTrailWs);
    const k = key.slice(0, key.length - keyTrailWs);
    if (!isValidEnvName(k)) diagnostics.push({ severity: 'warning', file, line: keyLine, message: `Invalid variable name '${k}' in environment file, ignoring.` });
    else out.push({ name: k, value: v, line: keyLine });
    key = ''; value = ''; keyTrailWs = 0; valueTrailWs = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    switch (state) {
      case 'PRE_KEY':
        if ('#;'.includes(c)) state = 'COMMENT';
        else if (!WS.includes(c)) { state = 'KEY'; key = c; keyTrailWs = 0; keyLine = lineAt(i); }
        break;
      case 'KEY':
        if (NEWLINE.includes(c)) { state = 'PRE_KEY'; key = ''; }
        else if (c === '=') { state = 'PRE_VALUE'; valueTrailWs = -1; }
        else { key += c; keyTrailWs = WS.includes(c) ? keyTrailWs + 1 : 0; }
        break;
      case 'PRE_VALUE':
        if (NEWLINE.includes(c)) { state = 'PRE_KEY'; push(); }
        else if (c === "'") state = 'SQ';
        else if (c === '"') state = 'DQ';
        else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WS.includes(c)) { state = 'VALUE'; value += c; valueTrailWs = -1; }
        break;
      case 'VALUE':
        if (NEWLINE.includes(c)) { state = 'PRE_KEY'; push(); }
        else if (c === '\\') { state = 'VALUE_ESCAPE'; valueTrailWs = -1; }
        else if (WS.includes(c)) {
          if (valueTrailWs < 0) valueTrailWs = value.length;
          value += c;
        } else {
          valueTrailWs = -1;
          i = copyRun(VALUE_STOP, i) - 1;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        // Backslash-newline joins lines; any other escaped character is taken literally.
        if (!NEWLINE.includes(c)) value += c;
        break;
      case 'SQ':
        if (c === "'") state = 'PRE_VALUE';
        else i = copyRun(SQ_STOP, i) - 1;
        break;
      case 'DQ':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DQ_ESCAPE';
        else i = copyRun(DQ_STOP, i) - 1;
        break;
      case 'DQ_ESCAPE':
        state = 'DQ';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += '\\' + c;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NEWLINE.includes(c)) state = 'PRE_KEY';
        else {
          COMMENT_STOP.lastIndex = i;
          const m = COMMENT_STOP.exec(text);
          i = (m ? m.index : text.length) - 1;
        }
        break;
      case 'COMMENT_ESCAPE':
        state = 'COMMENT';
        break;
    }
  }
  if (state === 'PRE_VALUE' || state === 'VALUE' || state === 'VALUE_ESCAPE' || state === 'SQ' || state === 'DQ' || state === 'DQ_ESCAPE') push();
  return out;
}

/**
 * Reads an EnvironmentFile= and returns its "NAME=value" assignments in order. systemd
 * reads these when it spawns a process, not at load; plugins call this at that time.
 * Throws (ENOENT…) unless the path carried the "-" prefix, for which missing files give [].
 */
export function readEnvironmentFile(spec: { path: string; optional?: boolean }, diagnostics: Diagnostic[] = []): string[] {
  let text: string;
  try {
    text = readRegularFile(spec.path, ENVIRONMENT_FILE_MAX);
  } catch (e) {
    if (spec.optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return parseEnvironmentFileText(text, spec.path, diagnostics).map((e) => `${e.name}=${e.value}`);
}

/** An environment file larger than this is refused (systemd's READ_FULL_BYTES_MAX is 4 MiB too). */
export const ENVIRONMENT_FILE_MAX = 4 * 1024 * 1024;

/**
 * Reads a file the manager itself must read for a unit, without ever blocking on it or growing
 * without bound: opened non-blocking, refused unless it is a regular file (a FIFO would stall the
 * whole manager until someone writes; /dev/zero never ends), refused past `max` bytes. Errors
 * carry an errno-style `code` (ENOENT, EBADFD for a non-regular file, EFBIG). When `opened` is
 * given, it receives the owner of the file that was actually read (from fstat() on the open fd, so
 * a file swapped after the check cannot lie about it) — what PIDFile= trusts a pid by.
 */
export function readRegularFile(path: string, max: number, opened?: { uid?: number }): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (opened) opened.uid = st.uid;
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EBADFD' });
    if (st.size > max) throw Object.assign(new Error(`${path} is larger than ${max} bytes`), { code: 'EFBIG' });
    // Read to the end even if the file grew since fstat(), but never past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 4096, max + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) throw Object.assign(new Error(`${path} is larger than ${max} bytes`), { code: 'EFBIG' });
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
