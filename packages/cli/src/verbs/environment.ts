/**
 * `show-environment`, `set-environment VAR=VALUE…`, `unset-environment VAR…` and
 * `import-environment [VAR…]`: the manager environment that units started afterwards inherit,
 * with systemctl 252's output and messages.
 */
import { ControlCallError } from '../control-client.js';
import { ExitStatus } from '../ctl-exit-status.js';
import { UsageError, outputIsJson } from '../ctl-options.js';
import { formatJson } from '../ctl-tables.js';
import type { CtlOut, CtlVerb } from './verb.js';

/** Characters that make shell_maybe_quote() quote: whitespace, shell metacharacters, globs. */
const needsQuotes = new Set(' \t\n\r"\\`$*?[\'()<>|&;!');

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

const cEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/**
 * systemd's shell_maybe_quote(s, SHELL_ESCAPE_POSIX), as show-environment prints values: the
 * value as is when a shell reads it unchanged, else `$'…'` with `\` and `'` backslashed and
 * control characters C-escaped (`\n`, `\t`, `\001`).
 */
export function shellQuotePosix(s: string): string {
  let i = 0;
  while (i < s.length && !isControl(s.charCodeAt(i)) && !needsQuotes.has(s[i]!)) i++;
  if (i === s.length) return s;
  let out = `$'${s.slice(0, i)}`;
  for (const ch of s.slice(i)) {
    const code = ch.charCodeAt(0);
    if (cEscapes[ch]) out += cEscapes[ch];
    else if (isControl(code)) out += `\\${code.toString(8).padStart(3, '0')}`;
    else if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else out += ch;
  }
  return `${out}'`;
}

/** `show-environment`: one NAME=value line per variable, values quoted for the shell. */
export const showEnvironment: CtlVerb = async (c, o, io, colors) => {
  const { environment } = await c.call<{ environment: string[] }>('show-environment');
  if (outputIsJson(o.output)) {
    // -o json…: one object, NAME → value, as systemctl's json_transform_message().
    const obj = Object.fromEntries(environment.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
    for (const l of formatJson(obj, o.output, colors.enabled)) io.out(l);
    return 0;
  }
  for (const a of environment) {
    const eq = a.indexOf('=');
    io.out(`${a.slice(0, eq)}=${shellQuotePosix(a.slice(eq + 1))}`);
  }
  return 0;
};

async function modify(c: Parameters<CtlVerb>[0], io: CtlOut, method: string, params: Record<string, unknown>, what: string): Promise<number> {
  try {
    await c.call(method, params);
    return 0;
  } catch (e) {
    if (!(e instanceof ControlCallError)) throw e;
    io.err(`Failed to ${what} environment: ${e.message}`);
    return ExitStatus.failure;
  }
}

/** `set-environment VAR=VALUE…`. */
export const setEnvironment: CtlVerb = async (c, o, io) => {
  if (o.args.length === 0) throw new UsageError('Too few arguments.');
  return modify(c, io, 'set-environment', { assignments: o.args }, 'set');
};

/** `unset-environment VAR…` (systemctl says "Failed to set environment" for it too). */
export const unsetEnvironment: CtlVerb = async (c, o, io) => {
  if (o.args.length === 0) throw new UsageError('Too few arguments.');
  return modify(c, io, 'unset-environment', { names: o.args }, 'set');
};

/**
 * `import-environment [VAR…]`: copies the named variables of unitkitctl's own environment into
 * the manager's; without names every valid variable, with systemctl's deprecation warning.
 */
export function importEnvironmentWith(env: NodeJS.ProcessEnv): CtlVerb {
  return async (c, o, io) => {
    const assignments: string[] = [];
    if (o.args.length === 0) {
      io.err('Calling import-environment without a list of variable names is deprecated.');
      for (const [k, v] of Object.entries(env)) if (v !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !v.includes('\0')) assignments.push(`${k}=${v}`);
    } else {
      for (const name of o.args) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          io.err(`Not a valid environment variable name: ${name}`);
          return ExitStatus.failure;
        }
        const v = env[name];
        if (v === undefined) io.err(`Environment variable $${name} not set, ignoring.`);
        else assignments.push(`${name}=${v}`);
      }
    }
    return modify(c, io, 'set-environment', { assignments }, 'import');
  };
}

/** `import-environment` from this process's environment. */
export const importEnvironment: CtlVerb = (c, o, io, colors) => importEnvironmentWith(process.env)(c, o, io, colors);
