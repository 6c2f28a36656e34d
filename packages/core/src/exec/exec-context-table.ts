/**
 * The directives of systemd.exec(5) that unitkit implements, as a directive table for any
 * section of a unit type that runs processes ([Service], [Socket]). The service and socket
 * plugins merge these into their section tables.
 */
import { execTerminalDirectives } from './exec-terminal.js';
import { stdinDataDirectives } from './exec-stdin-data.js';
import { execLoggingDirectives } from './exec-logging.js';
import { execMiscDirectives } from './exec-misc-settings.js';
import {
  ValueError, environmentDirective, environmentFileDirective, environmentNamesDirective, modeDirective, parseSize, parseTimeSpan, stringDirective,
  booleanDirective, wordListDirective, type DirectiveSpec, type DirectiveTable,
} from '@unitkit/unit-file';
import { EXEC_DIRECTORY_TYPES, parseExecDirectories, parseRuntimeDirectoryPreserve } from './exec-directories.js';
import { parseLoadCredential, parseSetCredential } from './exec-credentials.js';
import { sandboxDirectives } from './exec-sandbox.js';
import { RLIMIT_NAMES, type ExecInput, type ExecOutput, type WorkingDirectory } from './exec-context.js';
import type { RlimitSpec } from '../ports/process-spawner.js';
import { execPrivilegeDirectives } from './exec-privileges.js';
import { execSeccompDirectives } from './exec-seccomp.js';

const scalar = <T>(parse: (v: string) => T, extra: Partial<DirectiveSpec> = {}): DirectiveSpec<T> =>
  ({ kind: 'scalar', parse, ...extra }) as DirectiveSpec<T>;

/** A directive whose items are parsed one assignment at a time and appended; empty resets. */
const list = <T>(parse: (v: string) => T): DirectiveSpec => ({ kind: 'list', parse: (v: string) => [parse(v)] }) as unknown as DirectiveSpec;

/** A known directive unitkit rejects with a reason instead of "Unknown key name". */
const refuse = (message: string) => (): never => {
  throw new ValueError(message);
};

/** WorkingDirectory=: "~", an absolute path, each optionally with "-" (missing is fine). */
export function parseWorkingDirectory(value: string): WorkingDirectory {
  const missingOk = value.startsWith('-');
  const path = missingOk ? value.slice(1) : value;
  if (path === '~') return { path: '~', home: true, missingOk };
  if (!path.startsWith('/')) throw new ValueError(`WorkingDirectory= path is not absolute: '${value}'`);
  return { path, home: false, missingOk };
}

/** StandardInput=. */
export function parseExecInput(value: string): ExecInput {
  if (value === 'null' || value === 'socket') return { kind: value };
  if (value === 'tty' || value === 'tty-force' || value === 'tty-fail' || value === 'data') return { kind: value };
  if (value.startsWith('file:')) {
    const path = value.slice(5);
    if (!path.startsWith('/')) throw new ValueError(`Path in StandardInput=file: is not absolute: '${path}'`);
    return { kind: 'file', path };
  }
  // "fd" alone names the fd "stdin" (exec_context_fdname()); the name is resolved where it is used.
  if (value === 'fd') return { kind: 'fd', name: '' };
  if (value.startsWith('fd:')) return { kind: 'fd', name: value.slice(3) };
  throw new ValueError(`Invalid standard input: '${value}'`);
}

const outputKinds = new Set(['inherit', 'null', 'tty', 'journal', 'kmsg', 'journal+console', 'kmsg+console', 'syslog', 'syslog+console', 'socket']);

/** StandardOutput=/StandardError=. */
export function parseExecOutput(value: string): ExecOutput {
  if (outputKinds.has(value)) return { kind: value } as ExecOutput;
  for (const kind of ['file', 'append', 'truncate'] as const) {
    if (value.startsWith(`${kind}:`)) {
      const path = value.slice(kind.length + 1);
      if (!path.startsWith('/')) throw new ValueError(`Path in ${kind}: is not absolute: '${path}'`);
      return { kind, path };
    }
  }
  if (value === 'fd') return { kind: 'fd', name: '' };
  if (value.startsWith('fd:')) return { kind: 'fd', name: value.slice(3) };
  throw new ValueError(`Invalid standard output: '${value}'`);
}

/** The syslog level names systemd accepts in SyslogLevel=, by number. */
export const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/** SyslogLevel=: a level name or number 0…7. */
export function parseSyslogLevel(value: string): number {
  const i = (SYSLOG_LEVELS as readonly string[]).indexOf(value);
  if (i >= 0) return i;
  if (/^[0-7]$/.test(value)) return Number(value);
  throw new ValueError(`Failed to parse log level: '${value}'`);
}

const sizeLimits = new Set(['FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'AS', 'MEMLOCK', 'MSGQUEUE']);

/** Nice=: a level from -20 to 19 (systemd's parse_nice()). */
export function parseNice(value: string): number {
  if (!/^[+-]?[0-9]+$/.test(value)) throw new ValueError(`Failed to parse nice priority '${value}'`);
  const n = Number(value);
  if (n < -20 || n > 19) throw new ValueError(`Nice priority out of range: '${value}'`);
  return n;
}

const ioClasses = ['none', 'realtime', 'best-effort', 'idle'];

/** IOSchedulingClass=: a class name or its number 0…3 (ioprio_class_from_string()). */
export function parseIoSchedulingClass(value: string): number {
  const i = ioClasses.indexOf(value);
  if (i >= 0) return i;
  if (/^[0-3]$/.test(value)) return Number(value);
  throw new ValueError(`Failed to parse IO scheduling class '${value}'`);
}

/** IOSchedulingPriority=: 0 (highest) to 7. */
export function parseIoSchedulingPriority(value: string): number {
  if (!/^[0-7]$/.test(value)) throw new ValueError(`Failed to parse IO priority '${value}'`);
  return Number(value);
}

/** One Limit*= value: "soft:hard" or one value for both; sizes, seconds, nice levels as systemd parses each. */
export function parseRlimit(resource: string, value: string): RlimitSpec {
  const one = (v: string): number => {
    if (v === 'infinity') return Infinity;
    if (resource === 'CPU') return Math.ceil(parseTimeSpan(v) / 1_000_000);
    if (resource === 'RTTIME') return parseTimeSpan(v, 1);
    if (sizeLimits.has(resource)) return parseSize(v, 1024);
    if (resource === 'NICE') {
      // "-5" is a nice level (rlimit 20 - nice); a bare positive number is the raw rlimit value.
      if (/^[+-][0-9]+$/.test(v)) {
        const n = Number(v);
        if (n < -20 || n > 19) throw new ValueError(`Nice level out of range: '${v}'`);
        return 20 - n;
      }
    }
    if (!/^[0-9]+$/.test(v)) throw new ValueError(`Invalid resource value: '${v}'`);
    return Number(v);
  };
  const colon = value.indexOf(':');
  const soft = one(colon < 0 ? value : value.slice(0, colon));
  const hard = colon < 0 ? soft : one(value.slice(colon + 1));
  if (soft > hard) throw new ValueError(`Soft limit above hard limit: '${value}'`);
  return { soft, hard };
}

/** The exec-context directives, to merge into a section's table. */
export function execContextDirectives(): Record<string, DirectiveSpec> {
  const d: Record<string, DirectiveSpec> = {
    Environment: environmentDirective(),
    EnvironmentFile: environmentFileDirective(),
    PassEnvironment: environmentNamesDirective('pass'),
    UnsetEnvironment: environmentNamesDirective('unset'),
    WorkingDirectory: scalar(parseWorkingDirectory),
    User: stringDirective(),
    Group: stringDirective(),
    SupplementaryGroups: wordListDirective(),
    DynamicUser: booleanDirective(),
    PAMName: stringDirective(),
    RuntimeDirectoryPreserve: scalar(parseRuntimeDirectoryPreserve),
    LoadCredential: list(parseLoadCredential),
    SetCredential: list(parseSetCredential),
    // Encrypted credentials need systemd-creds' host key or TPM, which unitkit does not have.
    LoadCredentialEncrypted: scalar(refuse('LoadCredentialEncrypted= is not supported by unitkit (encrypted credentials need systemd-creds), ignoring.')),
    SetCredentialEncrypted: scalar(refuse('SetCredentialEncrypted= is not supported by unitkit (encrypted credentials need systemd-creds), ignoring.')),
    UMask: modeDirective(),
    Nice: scalar(parseNice),
    // An empty assignment of either resets both, as both are one ioprio value in systemd.
    IOSchedulingClass: scalar(parseIoSchedulingClass, { resetGroup: 'ioprio' }),
    IOSchedulingPriority: scalar(parseIoSchedulingPriority, { resetGroup: 'ioprio' }),
    StandardInput: scalar(parseExecInput),
    ...stdinDataDirectives(),
    StandardOutput: scalar(parseExecOutput),
    StandardError: scalar(parseExecOutput),
    SyslogIdentifier: stringDirective(),
    SyslogLevel: scalar(parseSyslogLevel),
    ...execLoggingDirectives(),
    ...execMiscDirectives(),
    ...execPrivilegeDirectives(),
    ...execSeccompDirectives(),
    ...sandboxDirectives(),
    ...execTerminalDirectives(),
    IgnoreSIGPIPE: booleanDirective(),
  };
  for (const t of EXEC_DIRECTORY_TYPES) {
    d[`${t}Directory`] = { kind: 'list', parse: (v: string) => parseExecDirectories(t, v) } as DirectiveSpec;
    d[`${t}DirectoryMode`] = modeDirective();
  }
  for (const r of RLIMIT_NAMES) d[`Limit${r}`] = scalar((v) => parseRlimit(r, v));
  return d;
}

/**
 * A directive table with the exec-context directives for `section`, restricted to `unitTypes`.
 * A plugin whose section has directives of its own spreads `execContextDirectives()` into its
 * table instead.
 */
export function execContextTable(section: string, unitTypes: string[]): DirectiveTable {
  return { section, unitTypes, directives: execContextDirectives() };
}
