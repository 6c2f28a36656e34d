/**
 * Signal numbers by name, as Linux numbers them on x86-64 (signal(7)). The ports take plain
 * numbers so that nothing depends on Node's platform-specific `os.constants.signals`; tests and
 * plugins spell them through this table.
 */

/** Linux x86-64 signal numbers, by their `SIG…` names. */
export const signals = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
  /** glibc reserves 32 and 33 for itself, so the first real-time signal a program sees is 34. */
  SIGRTMIN: 34,
  SIGRTMAX: 64,
} as const;

/** A signal's name, `SIGTERM` style. */
export type SignalName = keyof typeof signals;

const names = new Map<number, string>();
for (const [name, number] of Object.entries(signals)) {
  // SIGRTMIN/SIGRTMAX are range bounds, not distinct signals; they are named below.
  if (name !== 'SIGRTMIN' && name !== 'SIGRTMAX') names.set(number, name);
}

/**
 * The name of signal `n` as systemd's signal_to_string() prints it: `SIGTERM`, `SIGRTMIN+3`, or
 * the bare number for something that is not a signal.
 */
export function signalName(n: number): string {
  const name = names.get(n);
  if (name !== undefined) return name;
  if (Number.isInteger(n) && n >= signals.SIGRTMIN && n <= signals.SIGRTMAX) {
    return n === signals.SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${n - signals.SIGRTMIN}`;
  }
  return String(n);
}

/**
 * Parses a signal as systemd's signal_from_string() accepts it — `SIGTERM`, `TERM`, `15`,
 * `RTMIN+2`, `SIGRTMIN+2` — or returns undefined.
 */
export function signalNumber(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= signals.SIGRTMAX ? n : undefined;
  }
  const name = text.startsWith('SIG') ? text : `SIG${text}`;
  const rt = /^SIGRTMIN(?:\+([0-9]+))?$/.exec(name);
  if (rt) {
    const n = signals.SIGRTMIN + Number(rt[1] ?? 0);
    return n <= signals.SIGRTMAX ? n : undefined;
  }
  const rtmax = /^SIGRTMAX(?:-([0-9]+))?$/.exec(name);
  if (rtmax) {
    const n = signals.SIGRTMAX - Number(rtmax[1] ?? 0);
    return n >= signals.SIGRTMIN ? n : undefined;
  }
  return Object.hasOwn(signals, name) ? signals[name as SignalName] : undefined;
}
