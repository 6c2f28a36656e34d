import { extractWords } from './extract-word.js';
import { parseSignal } from './signals.js';
import { ValueError } from './value-error.js';

/** Exit status names systemd knows (exit-status.c), by number. */
export const EXIT_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'SUCCESS', 1: 'FAILURE', 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION', 5: 'NOTINSTALLED',
  6: 'NOTCONFIGURED', 7: 'NOTRUNNING',
  // BSD sysexits.h codes, which systemd also names.
  64: 'USAGE', 65: 'DATAERR', 66: 'NOINPUT', 67: 'NOUSER', 68: 'NOHOST', 69: 'UNAVAILABLE', 70: 'SOFTWARE', 71: 'OSERR',
  72: 'OSFILE', 73: 'CANTCREAT', 74: 'IOERR', 75: 'TEMPFAIL', 76: 'PROTOCOL', 77: 'NOPERM', 78: 'CONFIG',
  200: 'CHDIR', 201: 'NICE', 202: 'FDS', 203: 'EXEC', 204: 'MEMORY',
  205: 'LIMITS', 206: 'OOM_ADJUST', 207: 'SIGNAL_MASK', 208: 'STDIN', 209: 'STDOUT', 210: 'CHROOT', 211: 'IOPRIO',
  212: 'TIMERSLACK', 213: 'SECUREBITS', 214: 'SETSCHEDULER', 215: 'CPUAFFINITY', 216: 'GROUP', 217: 'USER',
  218: 'CAPABILITIES', 219: 'CGROUP', 220: 'SETSID', 221: 'CONFIRM', 222: 'STDERR', 224: 'PAM', 225: 'NETWORK',
  226: 'NAMESPACE', 227: 'NO_NEW_PRIVILEGES', 228: 'SECCOMP', 229: 'SELINUX_CONTEXT', 230: 'PERSONALITY',
  231: 'APPARMOR_PROFILE', 232: 'ADDRESS_FAMILIES', 233: 'RUNTIME_DIRECTORY', 235: 'CHOWN', 236: 'SMACK_PROCESS_LABEL',
  237: 'KEYRING', 238: 'STATE_DIRECTORY', 239: 'CACHE_DIRECTORY', 240: 'LOGS_DIRECTORY', 241: 'CONFIGURATION_DIRECTORY',
  242: 'NUMA_POLICY', 243: 'CREDENTIALS', 245: 'BPF', 255: 'EXCEPTION',
};

const BY_NAME = new Map(Object.entries(EXIT_STATUS_NAMES).map(([n, name]) => [name, Number(n)]));

/** Parses an exit status, 0…255 or a name such as "NOTINSTALLED" (exit_status_from_string()). Throws ValueError. */
export function parseExitStatus(text: string): number {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n > 255) throw new ValueError(`Exit status out of range (0…255): '${text}'`);
    return n;
  }
  const n = BY_NAME.get(text);
  if (n === undefined) throw new ValueError(`Invalid exit status: '${text}'`);
  return n;
}

/** A set of exit statuses and signals, as SuccessExitStatus= and friends hold. */
export interface ExitStatusSet { statuses: number[]; signals: number[] }

/**
 * Parses a SuccessExitStatus=-style list: numbers and names are exit statuses, signal names
 * are signals. A bad word is reported through `warn` and skipped, as systemd does.
 */
export function parseExitStatusSet(text: string, warn: (m: string) => void = () => {}): ExitStatusSet {
  const out: ExitStatusSet = { statuses: [], signals: [] };
  for (const word of extractWords(text)) {
    try {
      out.statuses.push(parseExitStatus(word));
    } catch {
      try {
        out.signals.push(parseSignal(word));
      } catch {
        warn(`Failed to parse exit status or signal '${word}', ignoring`);
      }
    }
  }
  return out;
}
