/**
 * The terminal settings of systemd.exec(5): TTYPath=, TTYReset=, TTYVHangup=, TTYVTDisallocate=,
 * and the utmp ones, UtmpIdentifier=/UtmpMode=; and what follows from them for a process: the
 * terminal StandardInput=tty, tty-force, tty-fail and StandardOutput=tty use, and $TERM. The spawner opens the terminal
 * (exec-spec.ts builds the request); the utmp records are written through the UtmpRecords port.
 */
import type { DirectiveSpec } from '@unitkit/unit-file';
import type { ExecContext, ExecInput, ExecOutput } from './exec-context.js';
import { ValueError, booleanDirective, stringDirective } from '@unitkit/unit-file';

/** The terminal and utmp settings of one exec context. */
export interface ExecTerminal {
  ttyPath?: string;
  ttyReset: boolean;
  ttyVHangup: boolean;
  ttyVTDisallocate: boolean;
  /** TTYRows=/TTYColumns=: the terminal's size, set when the process takes it. */
  ttyRows?: number;
  ttyColumns?: number;
  utmpIdentifier?: string;
  utmpMode: 'init' | 'login' | 'user';
}

/** exec_context_init()'s values. */
export function defaultExecTerminal(): ExecTerminal {
  return { ttyReset: false, ttyVHangup: false, ttyVTDisallocate: false, utmpMode: 'init' };
}

const ttyPath: DirectiveSpec<string> = {
  kind: 'scalar',
  parse: (v: string) => {
    if (!v.startsWith('/')) throw new ValueError(`Path '${v}' is not absolute, ignoring.`);
    return v;
  },
};

const ttySize: DirectiveSpec<number> = {
  kind: 'scalar',
  parse: (v: string) => {
    if (!/^[0-9]+$/.test(v) || Number(v) >= 65535) throw new ValueError(`Failed to parse ${v}, ignoring.`);
    return Number(v);
  },
};

const utmpMode: DirectiveSpec<string> = {
  kind: 'scalar',
  parse: (v: string) => {
    if (!['init', 'login', 'user'].includes(v)) throw new ValueError(`Failed to parse utmp mode, ignoring: ${v}`);
    return v;
  },
};

/** The directives, spread into the exec-context table. */
export function execTerminalDirectives(): Record<string, DirectiveSpec> {
  return {
    TTYPath: ttyPath,
    TTYReset: booleanDirective(),
    TTYVHangup: booleanDirective(),
    TTYVTDisallocate: booleanDirective(),
    TTYRows: ttySize,
    TTYColumns: ttySize,
    UtmpIdentifier: stringDirective(),
    UtmpMode: utmpMode,
  };
}

/** Reads the settings of a section. */
export function readExecTerminal(get: <T>(key: string) => T | undefined): ExecTerminal {
  const t = defaultExecTerminal();
  t.ttyPath = get<string>('TTYPath');
  t.ttyReset = get<boolean>('TTYReset') ?? false;
  t.ttyVHangup = get<boolean>('TTYVHangup') ?? false;
  t.ttyVTDisallocate = get<boolean>('TTYVTDisallocate') ?? false;
  t.ttyRows = get<number>('TTYRows');
  t.ttyColumns = get<number>('TTYColumns');
  t.utmpIdentifier = get<string>('UtmpIdentifier');
  t.utmpMode = get<ExecTerminal['utmpMode']>('UtmpMode') ?? 'init';
  return t;
}

/** The terminal of StandardInput=tty, tty-force, tty-fail and StandardOutput=tty: TTYPath=, /dev/console by default. */
export function terminalPath(t: ExecTerminal): string {
  return t.ttyPath ?? '/dev/console';
}

/** StandardInput=tty, tty-force or tty-fail. */
export function isTerminalInput(i: ExecInput): boolean {
  return i.kind === 'tty' || i.kind === 'tty-force' || i.kind === 'tty-fail';
}

/** Output that reaches a terminal: StandardOutput=tty and the "+console" kinds. */
function isTerminalOutput(o: ExecOutput): boolean {
  return o.kind === 'tty' || o.kind === 'journal+console' || o.kind === 'kmsg+console' || o.kind === 'syslog+console';
}

/**
 * $TERM for a process that uses a terminal (systemd's exec_context_needs_term()): the manager's
 * own for /dev/console when the manager is the machine's init (the console's type is what the
 * kernel or container runtime said), "linux" for a virtual console /dev/ttyN, else "vt220".
 * Undefined when the process uses no terminal; Environment= still overrides it.
 */
export function terminalType(ctx: ExecContext, managerEnvironment: Readonly<Record<string, string>>, managerIsInit: boolean): string | undefined {
  if (!isTerminalInput(ctx.stdin) && !isTerminalOutput(ctx.stdout) && !isTerminalOutput(ctx.stderr) && ctx.terminal.ttyPath === undefined) return undefined;
  const path = terminalPath(ctx.terminal);
  if (path === '/dev/console' && managerIsInit && managerEnvironment.TERM) return managerEnvironment.TERM;
  return /^\/dev\/tty[0-9]+$/.test(path) ? 'linux' : 'vt220';
}
