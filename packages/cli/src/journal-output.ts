/**
 * Journal entries in journalctl's output modes (`-o`), for `status` and `logs`: the short
 * family, `cat`, and the JSON family. Modes that need fields unitkit's journal does not keep
 * (monotonic time, boot ID, cursors: short-monotonic, short-delta, verbose, export, with-unit)
 * are refused rather than printed wrongly.
 */
import { hostName } from '@unitkit/unit-file/system-facts';
import type { JournalEntry } from './control-protocol.js';
import { UsageError, outputIsJson } from './ctl-options.js';
import { formatJson } from './ctl-tables.js';
import { formatJournalShort } from './journal.js';

const supported = new Set(['short', 'short-full', 'short-iso', 'short-iso-precise', 'short-precise', 'short-unix', 'cat', 'json', 'json-pretty', 'json-seq', 'json-sse']);

/** Throws a UsageError when `mode` cannot be printed from unitkit's journal. */
export function checkJournalOutputMode(mode: string): void {
  if (!supported.has(mode)) {
    throw new UsageError(`unitkitctl: -o ${mode} is not supported for journal lines: unitkit's journal has no monotonic timestamps, boot IDs or cursors.`);
  }
}

const p2 = (n: number) => String(n).padStart(2, '0');
const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function offset(d: Date): string {
  const m = -d.getTimezoneOffset();
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

function zoneName(d: Date): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value;
  return name === 'GMT' ? 'UTC' : (name ?? 'UTC');
}

/**
 * One entry as journalctl prints it in `mode` (already checked), as lines. `userUnit` picks the
 * JSON unit field (`_SYSTEMD_USER_UNIT` for a user manager, as journald records it).
 */
export function formatJournalEntry(e: JournalEntry, mode: string, userUnit: boolean, host = hostName(), color = false): string[] {
  if (outputIsJson(mode)) {
    const fields: Record<string, string> = {
      __REALTIME_TIMESTAMP: String(e.time),
      _HOSTNAME: host,
      PRIORITY: String(e.priority),
      SYSLOG_IDENTIFIER: e.identifier,
      _PID: String(e.pid),
      [userUnit ? '_SYSTEMD_USER_UNIT' : '_SYSTEMD_UNIT']: e.unit,
      MESSAGE: e.message,
    };
    return formatJson(fields, mode, color);
  }
  if (mode === 'cat') return [e.message];
  const d = new Date(Math.floor(e.time / 1000));
  const usec = String(e.time % 1_000_000).padStart(6, '0');
  const hms = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  const date = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
  const rest = `${host} ${e.identifier}[${e.pid}]: ${e.message}`;
  switch (mode) {
    case 'short-iso':
      return [`${date}T${hms}${offset(d)} ${rest}`];
    case 'short-iso-precise':
      return [`${date}T${hms}.${usec}${offset(d)} ${rest}`];
    case 'short-precise':
      return [`${months[d.getMonth()]} ${p2(d.getDate())} ${hms}.${usec} ${rest}`];
    case 'short-full':
      return [`${days[d.getDay()]} ${date} ${hms} ${zoneName(d)} ${rest}`];
    case 'short-unix':
      return [`${Math.floor(e.time / 1_000_000)}.${usec} ${rest}`];
    default:
      return [formatJournalShort(e, host)];
  }
}
