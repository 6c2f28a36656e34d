/**
 * A snapshot of the process table from /proc, for the fallback backend (which has no cgroup to ask
 * "who belongs to this unit") and for log lines that name a process ("Killing process 42 (sleep)").
 */
import * as fs from 'node:fs';

/** One process as /proc/PID/stat describes it. */
export interface ProcEntry {
  pid: number;
  comm: string;
  /** R, S, D, Z, T… — 'Z' is a zombie: dead, waiting to be reaped. */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  threads: number;
  /** Start time in clock ticks since boot: tells a pid apart from a later process that reused it. */
  startTime: number;
}

/** Parses the text of /proc/PID/stat; undefined when it does not have the expected shape. */
export function parseProcStat(text: string): ProcEntry | undefined {
  // comm is in parentheses and may itself contain spaces and parentheses: split at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const n = (field: number) => Number(rest[field - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: n(4),
    pgid: n(5),
    sid: n(6),
    threads: n(20),
    startTime: n(22),
  };
}

/** Reads one process; undefined when it is gone. */
export function readProc(pid: number): ProcEntry | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Reads every process of the system (those that vanish meanwhile are skipped). */
export function readProcTable(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    const e = readProc(Number(name));
    if (e) out.push(e);
  }
  return out;
}

/** The process's name for log lines, as systemd prints it ("sleep"), or "n/a". */
export function processName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'n/a';
  }
}

/** Whether a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const e = readProc(pid);
  return e !== undefined && e.state !== 'Z' && e.state !== 'X';
}
