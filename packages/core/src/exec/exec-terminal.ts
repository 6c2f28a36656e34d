/**
 * The terminal settings of systemd.exec(5): TTYPath=, TTYReset=, TTYVHangup=, TTYVTDisallocate=,
 * and the utmp ones, UtmpIdentifier=/UtmpMode=. unitkit reads and shows them as systemd does (the
 * units of gettys and consoles carry them); it does not open a controlling terminal for
 * StandardInput=tty (fd 0 is /dev/null) nor write utmp records — see core's README.
 */
import type { DirectiveSpec } from '@unitkit/unit-file';
import { ValueError, booleanDirective, stringDirective } from '@unitkit/unit-file';

/** The terminal and utmp settings of one exec context. */
export interface ExecTerminal {
  ttyPath?: string;
  ttyReset: boolean;
  ttyVHangup: boolean;
  ttyVTDisallocate: boolean;
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
  t.utmpIdentifier = get<string>('UtmpIdentifier');
  t.utmpMode = get<ExecTerminal['utmpMode']>('UtmpMode') ?? 'init';
  return t;
}
