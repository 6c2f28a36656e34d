/** The key under which the control handler passes a note on process tracking (fallback backend). */
export const trackingKey = '__Tracking';

/**
 * The key under which the control handler passes which resource-control settings are kept but not
 * enforced (no controller for them). systemd has no such line: it never runs without the controllers.
 */
export const resourceControlKey = '__ResourceControl';

/**
 * The key under which the control handler passes the cgroup2 mount ControlGroup= is relative to
 * (/sys/fs/cgroup/unified on a hybrid host): the daemon knows it, and unitkitctl stays light.
 */
export const cgroupMountKey = '__CgroupMount';
/**
 * A timer's next elapse as µs of CLOCK_REALTIME (the earlier of its realtime and its monotonic
 * deadline, as systemctl's calc_next_elapse()), for status's Trigger: line; 0 when none.
 */
export const nextElapseKey = '__NextElapse';
/** The same instant as systemd formats timestamps (the daemon formats it, so unitkitctl stays light). */
export const nextElapseTextKey = '__NextElapseText';

/**
 * `systemctl status UNIT` as text: the bullet line, Loaded, Drop-In, Active with timestamps,
 * TriggeredBy/Triggers, Docs, Listen, Main PID, Status, CGroup tree and the last journal lines —
 * built from the unit's show properties, so whatever a plugin exposes (Listen, MainPID,
 * StatusText, ControlGroup…) appears without this file knowing the plugin.
 */
import * as fs from 'node:fs';
// Single modules, not the package: the whole parser would add ~20 ms to every unitkitctl call.
import { EXIT_STATUS_NAMES } from '@unitkit/unit-file/exit-status';
import { signalName } from '@unitkit/unit-file/signals';
import { hostName } from '@unitkit/unit-file/system-facts';
import { formatTimeSpan } from '@unitkit/unit-file/time-span';
import type { JournalEntry } from './control-protocol.js';
import { formatJournalShort } from './journal.js';
import type { Colors } from './terminal-colors.js';

const US_MS = 1000;
const US_S = 1_000_000;
const US_MIN = 60 * US_S;
const US_H = 60 * US_MIN;
const US_D = 24 * US_H;
const US_W = 7 * US_D;
const US_MONTH = 2_629_800 * US_S;
const US_Y = 31_557_600 * US_S;

/** "76ms ago", "1min 5s ago": systemd's format_timestamp_relative(). */
export function formatRelative(thenUsec: number, nowUsec: number): string {
  const d = Math.max(0, nowUsec - thenUsec);
  const f = Math.floor;
  const pl = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (d >= US_Y) return `${pl(f(d / US_Y), 'year', 'years')} ${pl(f((d % US_Y) / US_MONTH), 'month', 'months')} ago`;
  if (d >= US_MONTH) return `${pl(f(d / US_MONTH), 'month', 'months')} ${pl(f((d % US_MONTH) / US_D), 'day', 'days')} ago`;
  if (d >= US_W) return `${f(d / US_W)}w ${f((d % US_W) / US_D)}d ago`;
  if (d >= 2 * US_D) return `${f(d / US_D)}d ago`;
  if (d >= 25 * US_H) return `1d ${f((d - US_D) / US_H)}h ago`;
  if (d >= 6 * US_H) return `${f(d / US_H)}h ago`;
  if (d >= US_H) return `${f(d / US_H)}h ${f((d % US_H) / US_MIN)}min ago`;
  if (d >= 5 * US_MIN) return `${f(d / US_MIN)}min ago`;
  if (d >= US_MIN) return `${f(d / US_MIN)}min ${f((d % US_MIN) / US_S)}s ago`;
  if (d >= US_S) return `${f(d / US_S)}s ago`;
  if (d >= US_MS) return `${f(d / US_MS)}ms ago`;
  if (d > 0) return `${d}us ago`;
  return 'now';
}

/** The state bullet and its colour, as systemctl picks them. */
export function stateBullet(active: string, c: Colors): string {
  if (active === 'failed') return c.red('\u00d7');
  if (active === 'active' || active === 'reloading') return c.green('\u25cf');
  if (active === 'inactive' || active === 'maintenance') return '\u25cb';
  return c.highlight('\u25cf');
}

/** The bullet before a TriggeredBy=/Triggers= unit: always ●, coloured by its state (systemd 252). */
function triggerBullet(active: string, c: Colors): string {
  if (active === 'failed') return c.red('\u25cf');
  if (active === 'active' || active === 'reloading') return c.green('\u25cf');
  return '\u25cf';
}

/** One process's command line, quoted as systemd shows it. */
function commandLine(pid: number): string {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const args = raw.split('\0').filter((x, i, a) => !(i === a.length - 1 && x === ''));
    if (args.length === 0) return `[${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()}]`;
    return args.map((a) => (/[\s"\\]/.test(a) || a === '' ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a)).join(' ');
  } catch {
    return '';
  }
}

function comm(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** "248.0K", "1.5M", "512B": systemd's format_bytes() (powers of 1024, one decimal). */
export function formatBytes(n: number): string {
  const suffixes = ['E', 'P', 'T', 'G', 'M', 'K'];
  for (let i = 0; i < suffixes.length; i++) {
    const factor = 1024 ** (suffixes.length - i);
    if (n >= factor) {
      const whole = Math.floor(n / factor);
      const tenth = Math.floor((n * 10) / factor) % 10;
      return `${whole}.${tenth}${suffixes[i]}`;
    }
  }
  return `${n}B`;
}

/** The lines of a cgroup's process tree (processes first, then sub-cgroups), each with its tree prefix. */
function cgroupTree(mount: string, path: string, prefix: string): string[] {
  const dir = `${mount}${path}`;
  let pids: number[] = [];
  let subs: string[] = [];
  try {
    pids = fs.readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
    subs = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  const width = String(Math.max(0, ...pids)).length;
  const items = [...pids.map((p) => ({ pid: p })), ...subs.map((s) => ({ sub: s }))];
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    const branch = last ? '\u2514\u2500' : '\u251c\u2500';
    if ('pid' in item) out.push(`${prefix}${branch}${String(item.pid).padStart(width)} ${commandLine(item.pid!)}`);
    else {
      out.push(`${prefix}${branch}${item.sub}`);
      out.push(...cgroupTree(mount, `${path}/${item.sub}`, prefix + (last ? '  ' : '\u2502 ')));
    }
  });
  return out;
}

/** The sigchld code names of ExecMainCode= / an exec status: CLD_EXITED, CLD_KILLED, CLD_DUMPED. */
const codeNames: Record<number, string> = { 1: 'exited', 2: 'killed', 3: 'dumped' };

/**
 * "code=exited, status=1/FAILURE", "code=killed, signal=TERM": how status names an exit. Unlike
 * the log lines it names only libc's and systemd's own statuses (EXIT_STATUS_LIBC|SYSTEMD), so
 * "status=3", not "3/NOTIMPLEMENTED".
 */
function exitText(code: string, status: number): string {
  if (code === 'exited') {
    const name = status <= 1 || status >= 200 ? EXIT_STATUS_NAMES[status] : undefined;
    return `code=exited, status=${status}${name ? `/${name}` : ''}`;
  }
  return `code=${code}, signal=${signalName(status).replace(/^SIG/, '')}`;
}

/** One exec command of a show property: `{ path=… ; argv[]=… ; … ; pid=N ; code=exited ; status=3 }`. */
interface ExecStatusField {
  argv: string;
  pid: number;
  code: string;
  status: number;
}

function parseExecProperty(text: string): ExecStatusField[] {
  return text.split('\n').flatMap((entry) => {
    const m = /argv\[\]=(.*?) ; (?:ignore_errors|flags)=.* ; pid=(\d+) ; code=([^ ]+) ; status=(\d+)/.exec(entry);
    return m ? [{ argv: m[1]!, pid: Number(m[2]), code: m[3]!, status: Number(m[4]) }] : [];
  });
}

/** The Exec*= properties status walks for its "Process:" lines, in the bus's order. */
const execProperties = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

/** Inputs of {@link formatStatus}. */
export interface StatusInput {
  props: Record<string, string>;
  journal: JournalEntry[];
  /** CLOCK_REALTIME now, µs. */
  now: number;
  colors: Colors;
  /** Resolves a unit's active state for the bullets of TriggeredBy/Triggers. */
  activeStateOf?: (unit: string) => string | undefined;
  /** Formats a journal entry (-o); default journalctl's short format. */
  formatEntry?: (e: JournalEntry) => string[];
}

/** Parses "Sat 2026-11-21 01:51:06 UTC" back to µs (show formats timestamps as text). */
function parseTimestamp(text: string | undefined): number {
  if (!text) return 0;
  const m = /^\w{3} (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(text);
  if (!m) return 0;
  const t = Date.parse(`${m[1]}T${m[2]}${/ UTC$/.test(text) ? 'Z' : ''}`);
  return Number.isFinite(t) ? t * 1000 : 0;
}

/** The text of `systemctl status` for one unit. */
export function formatStatus(input: StatusInput): string[] {
  const p = input.props;
  const c = input.colors;
  const out: string[] = [];
  const label = (name: string, text: string) => out.push(`${name.padStart(11)}: ${text}`);
  const id = p.Id ?? '';
  const active = p.ActiveState ?? 'inactive';
  const sub = p.SubState ?? '';
  const desc = p.Description && p.Description !== id ? ` - ${p.Description}` : '';
  out.push(`${stateBullet(active, c)} ${id}${desc}`);

  // Loaded:
  const load = p.LoadState ?? '';
  const loadText = load === 'loaded' ? load : c.red(load);
  const paren: string[] = [];
  const path = p.FragmentPath || p.SourcePath;
  if (path) paren.push(path);
  if (p.UnitFileState) paren.push(p.UnitFileState);
  if (p.UnitFileState && p.UnitFilePreset && !['static', 'generated', 'transient', 'masked', 'alias'].includes(p.UnitFileState)) paren.push(`preset: ${p.UnitFilePreset}`);
  if (load === 'not-found' || load === 'error' || load === 'bad-setting') {
    const reason = /"(.*)"$/.exec(p.LoadError ?? '')?.[1];
    label('Loaded', `${loadText}${paren.length ? ` (${paren.join('; ')})` : reason ? ` (Reason: ${reason})` : ''}`);
  } else label('Loaded', `${loadText}${paren.length ? ` (${paren.join('; ')})` : ''}`);

  const dropIns = (p.DropInPaths ?? '').split(' ').filter(Boolean);
  if (dropIns.length > 0) {
    const byDir = new Map<string, string[]>();
    for (const f of dropIns) {
      const i = f.lastIndexOf('/');
      byDir.set(f.slice(0, i), [...(byDir.get(f.slice(0, i)) ?? []), f.slice(i + 1)]);
    }
    let first = true;
    for (const [dir, files] of byDir) {
      out.push(`${first ? '    Drop-In: ' : '             '}${dir}`);
      out.push(`             \u2514\u2500${files.join(', ')}`);
      first = false;
    }
  }

  // Active:
  const stamp =
    active === 'active' || active === 'reloading' ? p.ActiveEnterTimestamp
    : active === 'activating' ? p.InactiveExitTimestamp
    : active === 'deactivating' ? p.ActiveExitTimestamp
    : p.InactiveEnterTimestamp;
  let activeText = active === 'failed' ? c.red(active) : active === 'active' || active === 'reloading' ? c.green(active) : active;
  if (sub && sub !== active) activeText += ` (${sub})`;
  if (p.Result && p.Result !== 'success') activeText += ` (Result: ${p.Result})`;
  const t = parseTimestamp(stamp);
  if (stamp && t) activeText += ` since ${stamp}; ${formatRelative(t, input.now)}`;
  label('Active', activeText);
  // How long the last activation lasted, once it has ended (systemd 249+).
  const entered = Number(p.ActiveEnterTimestampMonotonic ?? 0);
  const exited = Number(p.ActiveExitTimestampMonotonic ?? 0);
  if (entered > 0 && exited > 0 && exited >= entered) label('Duration', formatTimeSpan(exited - entered, 1000));

  const bullets = (list: string) =>
    list.split(' ').filter(Boolean).map((u) => `${triggerBullet(input.activeStateOf?.(u) ?? 'inactive', c)} ${u}`);
  const multi = (name: string, items: string[]) => items.forEach((x, i) => (i === 0 ? label(name, x) : out.push(`             ${x}`)));
  if (id.endsWith('.timer')) {
    const next = Number(p[nextElapseKey] ?? 0);
    label('Trigger', next > 0 && Number.isFinite(next) ? `${p[nextElapseTextKey]}; ${formatRelative(input.now, next).replace(/ ago$/, ' left')}` : 'n/a');
  }
  multi('TriggeredBy', bullets(p.TriggeredBy ?? ''));
  multi('Triggers', bullets(p.Triggers ?? ''));
  multi('Docs', splitShowWords(p.Documentation ?? ''));
  if (p.Listen) multi('Listen', p.Listen.split('\n').filter(Boolean));
  if (p.Accept === 'yes') {
    const refused = Number(p.NRefused ?? 0);
    label('Accepted', `${p.NAccepted ?? 0}; Connected: ${p.NConnections ?? 0};${refused > 0 ? ` Refused: ${refused}` : ''}`);
  }

  // One line per command that has run and exited (the main process too), the …Ex twins skipped.
  for (const name of execProperties) {
    for (const e of parseExecProperty(p[name] ?? '')) {
      if (e.code === '(null)' || e.pid === 0) continue;
      const text = `(${exitText(e.code, e.status)})`;
      const clean = e.code === 'exited' ? e.status === 0 : e.code === 'killed' && [1, 2, 13, 15].includes(e.status);
      label('Process', `${e.pid} ${name}=${e.argv} ${clean ? text : c.red(text)}`);
    }
  }
  const mainPid = Number(p.MainPID ?? 0);
  const execPid = Number(p.ExecMainPID ?? 0);
  if (mainPid > 0) label('Main PID', `${mainPid}${comm(mainPid) ? ` (${comm(mainPid)})` : ''}`);
  else if (execPid > 0 && codeNames[Number(p.ExecMainCode ?? 0)]) {
    label('Main PID', `${execPid} (${exitText(codeNames[Number(p.ExecMainCode)]!, Number(p.ExecMainStatus ?? 0))})`);
  }
  if (p.StatusText) label('Status', `"${p.StatusText}"`);
  if (p[trackingKey] && active !== 'inactive' && active !== 'failed') label('Tracking', p[trackingKey]);
  if (p[resourceControlKey]) label('Limits', p[resourceControlKey]);
  // systemd prints these only when the cgroup accounting gave a number ([not set] otherwise).
  const counted = (v: string | undefined) => v !== undefined && /^\d+$/.test(v);
  if (counted(p.TasksCurrent)) {
    label('Tasks', `${p.TasksCurrent}${counted(p.TasksMax) ? ` (limit: ${p.TasksMax})` : ''}`);
  }
  if (counted(p.MemoryCurrent)) {
    // The limits in force, as systemd 252 lists them after the usage.
    const limits: string[] = [];
    const bytes = (name: string, v: string | undefined, unset: (x: string | undefined) => boolean) => {
      if (!unset(v)) limits.push(`${name}: ${formatBytes(Number(v))}`);
    };
    const zero = (x: string | undefined) => x === undefined || x === '0' || !counted(x);
    const inf = (x: string | undefined) => x === undefined || !counted(x);
    bytes('min', p.MemoryMin, zero);
    bytes('low', p.MemoryLow, zero);
    bytes('high', p.MemoryHigh, inf);
    bytes('max', p.MemoryMax, inf);
    bytes('swap max', p.MemorySwapMax, inf);
    label('Memory', `${formatBytes(Number(p.MemoryCurrent))}${limits.length > 0 ? ` (${limits.join(' ')})` : ''}`);
  }
  if (counted(p.CPUUsageNSec)) label('CPU', formatTimeSpan(Math.floor(Number(p.CPUUsageNSec) / 1000), 1000));
  if (p.ControlGroup && (active === 'active' || active === 'activating' || active === 'reloading' || active === 'deactivating')) {
    const tree = cgroupTree(p[cgroupMountKey] ?? '/sys/fs/cgroup', p.ControlGroup, '             ');
    label('CGroup', p.ControlGroup);
    out.push(...tree);
  }
  if (input.journal.length > 0) {
    out.push('');
    const host = input.formatEntry ? undefined : hostName();
    for (const e of input.journal) {
      for (const line of input.formatEntry?.(e) ?? [formatJournalShort(e, host)]) {
        out.push(e.priority <= 3 ? c.red(line) : e.priority <= 5 ? c.highlight(line) : line);
      }
    }
  }
  return out;
}

/**
 * The elements of a string array as `show` prints it: separated by spaces, each one as is or in
 * double quotes with `"`, `\`, backquote and `$` escaped (systemd's shell_maybe_quote()).
 */
export function splitShowWords(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let word = '';
    if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) word += text[i] === '\\' && i + 1 < text.length ? text[++i] : text[i];
      i++;
    } else {
      for (; i < text.length && text[i] !== ' '; i++) word += text[i];
    }
    out.push(word);
  }
  return out;
}
