import { extractFirstWord, extractWords, WHITESPACE } from './extract-word.js';
import { pathSimplify } from './unit-name.js';
import { ValueError } from './value-error.js';

/** The prefixes of an Exec line, as systemd.service(5) "Table 1" names them. */
export interface ExecFlags {
  /** "-": a failure exit status is recorded but ignored. */
  ignoreFailure: boolean;
  /** "@": the second word is argv[0]. */
  argv0: boolean;
  /** ":": no environment variable substitution. */
  noEnvExpand: boolean;
  /** "+": run with full privileges, no sandboxing. */
  fullPrivileges: boolean;
  /** "!": sandboxing but no user/group credential changes. */
  noSetuid: boolean;
  /** "!!": like "!" only on systems without ambient capabilities. */
  ambient: boolean;
}

/** The flags of a command without prefixes, shared by all such commands. */
const PLAIN_FLAGS: ExecFlags = Object.freeze({ ignoreFailure: false, argv0: false, noEnvExpand: false, fullPrivileges: false, noSetuid: false, ambient: false });

/** One command of an Exec line. `argv[0]` is the path unless the "@" prefix gave another. */
export interface ExecCommand { path: string; argv: string[]; flags: ExecFlags }

// systemd's filename_is_valid(): not empty, not "." or "..", no "/", at most 255 bytes.
function isValidFilename(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !s.includes('/') && Buffer.byteLength(s) <= 255;
}

// systemd's path_is_valid(): not empty, at most PATH_MAX, each component at most 255 bytes.
function isValidPath(s: string): boolean {
  if (s === '' || Buffer.byteLength(s) >= 4096) return false;
  return s.split('/').every((c) => Buffer.byteLength(c) <= 255);
}

function isSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c || c === 0x22 || c === 0x27) return false;
  }
  return true;
}

/**
 * Parses an ExecStart=-style line into commands, with systemd 252's config_parse_exec()
 * rules: prefixes "-", "@", ":", "+", "!", "!!" in any valid order; quoting and C escapes;
 * a lone ";" separates commands and "\;" is a literal ";". `expand` expands specifiers
 * word by word after unquoting (as systemd does). Errors throw ValueError; systemd 252
 * makes every one of them fatal (bad-setting), also under the "-" prefix.
 *
 * Environment variables ($VAR, ${VAR}) are left in the words: they are substituted at
 * spawn time (see {@link expandExecEnvironment}).
 */
export function parseExecLine(value: string, expand: (s: string) => string = (s) => s, warn: (m: string) => void = () => {}): ExecCommand[] {
  const commands: ExecCommand[] = [];
  let p = value;
  const X = { unquote: true, cunescape: true };
  // Like extract_first_word_and_warn(): an unknown escape is kept verbatim with a warning;
  // only unbalanced quoting is an error.
  const extract = (text: string) => {
    try {
      return extractFirstWord(text, WHITESPACE, X);
    } catch {
      let r;
      try {
        r = extractFirstWord(text, WHITESPACE, { ...X, unescapeRelax: true });
      } catch {
        throw new ValueError(`Unbalanced quoting: "${value}"`);
      }
      warn(`Ignoring unknown escape sequences: "${r.word}"`);
      return r;
    }
  };
  for (;;) {
    const first = extract(p);
    if (first.word === undefined) break;
    p = first.rest;
    if (first.word === ';') continue;
    const flags: ExecFlags = { ignoreFailure: false, argv0: false, noEnvExpand: false, fullPrivileges: false, noSetuid: false, ambient: false };
    let f = first.word;
    let i = 0;
    for (; i < f.length; i++) {
      const c = f[i];
      if (c === '-' && !flags.ignoreFailure) flags.ignoreFailure = true;
      else if (c === '@' && !flags.argv0) flags.argv0 = true;
      else if (c === ':' && !flags.noEnvExpand) flags.noEnvExpand = true;
      else if (c === '+' && !flags.fullPrivileges && !flags.noSetuid && !flags.ambient) flags.fullPrivileges = true;
      else if (c === '!' && !flags.fullPrivileges && !flags.noSetuid && !flags.ambient) flags.noSetuid = true;
      else if (c === '!' && !flags.fullPrivileges && !flags.ambient) { flags.noSetuid = false; flags.ambient = true; }
      else break;
    }
    f = f.slice(i);
    // systemd 252 refuses a bad command even with the "-" prefix (checked against it): "-"
    // only ignores the command's exit status at run time.
    const fail = (m: string): never => { throw new ValueError(m); };
    let path: string;
    try {
      path = expand(f);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (path === '') fail(`Empty path in command line: '${value}'`);
    if (!isSafe(path)) fail(`Executable name contains special characters: ${path}`);
    if (path.endsWith('/')) fail(`Executable path specifies a directory: ${path}`);
    if (!(path.startsWith('/') ? isValidPath(path) : isValidFilename(path))) fail(`Neither a valid executable name nor an absolute path: ${path}`);
    const argv: string[] = flags.argv0 ? [] : [path];
    path = path.startsWith('/') ? pathSimplify(path) : path;
    let semicolon = false;
    while (p !== '') {
      // An unquoted lone ";" separates commands; "\;" is a literal ";" — both checked on the raw text,
      // since extract_first_word() would return the same for ";", "\;" and "';'".
      if (p[0] === ';' && (p.length === 1 || WHITESPACE.includes(p[1]!))) {
        p = p.slice(1).replace(/^[ \t\n\r]+/, '');
        semicolon = true;
        break;
      }
      if (p[0] === '\\' && p[1] === ';' && (p.length === 2 || WHITESPACE.includes(p[2]!))) {
        p = p.slice(2).replace(/^[ \t\n\r]+/, '');
        argv.push(';');
        continue;
      }
      let r;
      try {
        r = extract(p);
      } catch (e) {
        return fail((e as Error).message);
      }
      p = r.rest;
      if (r.word === undefined) break;
      try {
        argv.push(expand(r.word));
      } catch (e) {
        return fail((e as Error).message);
      }
    }
    if (argv.length === 0) fail(`Empty executable name or zeroeth argument: ${value}`);
    // Exact-size argv; the flags of a plain command are one shared frozen value (issue #19).
    commands.push({ path, argv: argv.slice(), flags: Object.values(flags).some(Boolean) ? flags : PLAIN_FLAGS });
    if (!semicolon) break;
  }
  return commands;
}

/**
 * Substitutes environment variables in an Exec command's arguments at spawn time, as
 * systemd's replace_env_argv(): "${VAR}" is replaced within a word; a word that is exactly
 * "$VAR" is split at whitespace into several words (and dropped when VAR is unset); "$$" is a
 * literal "$". Commands with the ":" prefix are not expanded at all.
 */
export function expandExecEnvironment(argv: string[], env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const word of argv) {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (m) {
      const v = env[m[1]!];
      if (v !== undefined) out.push(...extractWords(v, WHITESPACE, { unquote: true, relax: true }));
      continue;
    }
    out.push(replaceEnv(word, env));
  }
  return out;
}

/** Replaces "${VAR}" and "$$" inside one string (systemd's replace_env()); unset variables become "". */
export function replaceEnv(text: string, env: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$' && text[i + 1] === '$') { out += '$'; i++; continue; }
    if (c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      if (end < 0) { out += text.slice(i); break; }
      out += env[text.slice(i + 2, end)] ?? '';
      i = end;
      continue;
    }
    out += c;
  }
  return out;
}
