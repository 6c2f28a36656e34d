/**
 * Signal numbers by name, as Linux numbers them on x86-64 (signal(7)). The ports take plain
 * numbers so that nothing depends on Node's platform-specific `os.constants.signals`; tests and
 * plugins spell them through this table.
 */

import { parseSignal, signalName as unitFileSignalName } from '@unitkit/unit-file';

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

/**
 * The name of signal `n` as systemd's signal_to_string() prints it: `SIGTERM`, `SIGRTMIN+3`, or
 * the bare number for something that is not a signal. (Delegates to @unitkit/unit-file.)
 */
export function signalName(n: number): string {
  return unitFileSignalName(n);
}

/**
 * Parses a signal as systemd's signal_from_string() accepts it — `SIGTERM`, `TERM`, `15`,
 * `RTMIN+2`, `SIGRTMIN+2` — or returns undefined.
 */
export function signalNumber(text: string): number | undefined {
  try {
    return parseSignal(text);
  } catch {
    return undefined;
  }
}
