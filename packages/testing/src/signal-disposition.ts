/**
 * What a process without signal handlers does when a signal arrives (signal(7), "Standard
 * signals"). Fake processes start from this table so that a test which sets nothing gets the
 * behaviour of a plain program, and only the handlers it models explicitly differ.
 */
import { signals } from './signals.js';

/** The kernel's default action for a signal: end the process, end it with a core dump, or nothing. */
export type DefaultSignalDisposition = 'terminate' | 'dump' | 'ignore';

const dumping = new Set<number>([
  signals.SIGQUIT,
  signals.SIGILL,
  signals.SIGTRAP,
  signals.SIGABRT,
  signals.SIGBUS,
  signals.SIGFPE,
  signals.SIGSEGV,
  signals.SIGXCPU,
  signals.SIGXFSZ,
  signals.SIGSYS,
]);

// SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU stop rather than ignore, and SIGCONT continues; the fakes do
// not model stopped processes, so for them these are as good as ignored.
const ignored = new Set<number>([
  signals.SIGCHLD,
  signals.SIGCONT,
  signals.SIGURG,
  signals.SIGWINCH,
  signals.SIGSTOP,
  signals.SIGTSTP,
  signals.SIGTTIN,
  signals.SIGTTOU,
]);

/** The default disposition of signal `n` on Linux. Real-time signals terminate, as the kernel does. */
export function defaultSignalDisposition(n: number): DefaultSignalDisposition {
  if (dumping.has(n)) return 'dump';
  if (ignored.has(n)) return 'ignore';
  return 'terminate';
}
