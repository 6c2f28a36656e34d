/**
 * The pager, chosen and started as systemd's pager_open() (src/shared/pager.c, systemd 252) does:
 * only when stdout and stderr are terminals and TERM is neither unset nor "dumb", never with
 * --no-pager; `$SYSTEMD_PAGER`, else `$PAGER` ("" or "cat" turn it off), which is trusted only when
 * `$SYSTEMD_PAGERSECURE` is set; otherwise, or when it cannot be run, `pager`, `less`, `more`
 * (only `less` in secure mode); `LESS=$SYSTEMD_LESS` (default `FRSXMK`), `LESSCHARSET` and
 * `LESSSECURE` are set for it. Both stdout and stderr go into the pager, as in systemd.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What decides the pager: the environment and whether output is on a terminal. */
export interface PagerContext {
  env: NodeJS.ProcessEnv;
  /** stdout and stderr are both terminals (systemd's on_tty()). */
  onTty: boolean;
  /** --no-pager. */
  disabled: boolean;
  /** The pager is run in secure mode when SYSTEMD_PAGERSECURE is unset (sudo, or not the session owner). */
  escalated: boolean;
  /** Whether a command exists (PATH lookup); injectable for tests. */
  exists?: (command: string) => boolean;
}

/** The pager to run, or undefined for none. */
export interface PagerChoice {
  argv: string[];
  /** Variables to set (a value) or remove (undefined) in the pager's environment. */
  env: Record<string, string | undefined>;
  /** less without K in $LESS does not quit on ^C: then unitkitctl ignores SIGINT itself. */
  ignoreInterrupt: boolean;
}

/** systemd's parse_boolean(), undefined when not a boolean. */
function parseBoolean(v: string): boolean | undefined {
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v.toLowerCase())) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v.toLowerCase())) return false;
  return undefined;
}

/** Whether the locale's charset is UTF-8 (systemd's is_locale_utf8(), from the environment). */
function localeIsUtf8(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** Finds a command as execvp() would: a path as is, a name on $PATH. */
export function commandExists(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const candidates = command.includes('/') ? [command] : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map((d) => path.join(d || '.', command));
  return candidates.some((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Whether unitkitctl runs with escalated privileges, as systemd's running_with_escalated_privileges():
 * under sudo, or not as the owner of its login session (no session counts as escalated).
 */
export function runningEscalated(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SUDO_UID) return true;
  try {
    const cgroup = fs.readFileSync('/proc/self/cgroup', 'utf8');
    const m = /\/user-(\d+)\.slice\//.exec(cgroup);
    return !m || Number(m[1]) !== process.geteuid?.();
  } catch {
    return true;
  }
}

/** Decides whether and which pager to run; pure, so tests can call it. */
export function choosePager(c: PagerContext): PagerChoice | undefined {
  const { env } = c;
  if (c.disabled || !c.onTty || env.TERM === undefined || env.TERM === 'dumb') return undefined;
  const configured = env.SYSTEMD_PAGER ?? env.PAGER;
  let userArgs: string[] | undefined;
  if (configured !== undefined) {
    userArgs = configured.split(/\s+/).filter((x) => x !== '');
    if (userArgs.length === 0 || (userArgs.length === 1 && userArgs[0] === 'cat')) return undefined;
  }
  const lessOpts = env.SYSTEMD_LESS ?? 'FRSXMK';
  const charset = env.SYSTEMD_LESSCHARSET ?? (localeIsUtf8(env) ? 'utf-8' : undefined);
  const secureSetting = env.SYSTEMD_PAGERSECURE;
  // Only a pager configured together with SYSTEMD_PAGERSECURE is trusted (it may not honour secure mode).
  const trusted = secureSetting !== undefined;
  let secure: boolean;
  if (secureSetting === undefined) secure = c.escalated;
  else secure = parseBoolean(secureSetting) ?? true;
  const pagerEnv: Record<string, string | undefined> = { LESS: lessOpts, LESSSECURE: secure ? '1' : undefined };
  if (charset !== undefined) pagerEnv.LESSCHARSET = charset;
  const exists = c.exists ?? ((cmd: string) => commandExists(cmd, env));
  const candidates: string[][] = [];
  if (trusted && userArgs) candidates.push(userArgs);
  for (const p of ['pager', 'less', 'more']) if (!secure || p === 'less') candidates.push([p]);
  const argv = candidates.find((a) => exists(a[0]!));
  // None found: systemd copies its output through unchanged, which is what not paging does.
  if (!argv) return undefined;
  return { argv, env: pagerEnv, ignoreInterrupt: argv[0] === 'less' && !lessOpts.includes('K') };
}

/** A started pager: write lines into it, then wait for the user to leave it. */
export interface RunningPager {
  write(text: string): void;
  close(): Promise<void>;
}

/**
 * Starts the chosen pager with its stdin a pipe and stdout/stderr the terminal. node:child_process
 * is imported here, not at the top: most calls never page (not on a terminal), and loading it (with
 * what it pulls in) is a measurable share of a client call's start-up (issue #19).
 */
export async function startPager(choice: PagerChoice, env: NodeJS.ProcessEnv): Promise<RunningPager> {
  const { spawn } = await import('node:child_process');
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const [k, v] of Object.entries(choice.env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  const child = spawn(choice.argv[0]!, choice.argv.slice(1), { stdio: ['pipe', 'inherit', 'inherit'], env: childEnv });
  // A pager the user quit early closes the pipe: the rest of the output is dropped, as systemctl's is.
  child.stdin.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  if (choice.ignoreInterrupt) process.on('SIGINT', () => {});
  return {
    write: (text) => {
      if (child.stdin.writable) child.stdin.write(text);
    },
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
