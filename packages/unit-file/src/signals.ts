import { ValueError } from './value-error.js';

/** Linux signal numbers by name (x86/arm; the generic table), without the SIG prefix. */
export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21,
  TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

/** glibc's SIGRTMIN/SIGRTMAX as systemd sees them. */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;
const NSIG = 65;

/**
 * Parses a signal as systemd's signal_from_string(): "SIGTERM", "TERM", "15",
 * "RTMIN+3", "SIGRTMAX-1". Returns its number; throws ValueError.
 */
export function parseSignal(text: string): number {
  const bad = (): never => { throw new ValueError(`Invalid signal: '${text}'`); };
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= 0 || n >= NSIG) bad();
    return n;
  }
  const name = text.startsWith('SIG') ? text.slice(3) : text;
  if (Object.hasOwn(SIGNALS, name)) return SIGNALS[name]!;
  const rt = /^RT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name);
  if (rt) {
    const off = rt[3] === undefined ? 0 : Number(rt[3]);
    if (rt[1] === 'MIN' && rt[2] === '-' || rt[1] === 'MAX' && rt[2] === '+') bad();
    const n = rt[1] === 'MIN' ? SIGRTMIN + off : SIGRTMAX - off;
    if (n < SIGRTMIN || n > SIGRTMAX) bad();
    return n;
  }
  return bad();
}

/** The name systemd prints for a signal number ("SIGTERM", "SIGRTMIN+2"), or the number as a string. */
export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNALS)) if (num === n && name !== 'IOT' && name !== 'POLL') return 'SIG' + name;
  if (n === SIGRTMIN) return 'SIGRTMIN';
  if (n > SIGRTMIN && n <= SIGRTMAX) return `SIGRTMIN+${n - SIGRTMIN}`;
  return String(n);
}
