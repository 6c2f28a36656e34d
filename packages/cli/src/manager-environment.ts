/**
 * The environment unitkitd hands its manager (the base of every service's environment and what
 * ConditionEnvironment= tests), as systemd builds its own: a user manager passes on the
 * environment it was started with (but PATH); a system manager starts from a clean block with PATH (and
 * LANG when set). Variables that only describe this process's own activation are dropped.
 */

/** systemd's default PATH for services (DEFAULT_PATH with /usr merged, as in 252). */
export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Variables never passed on: they describe how unitkitd itself was started. */
const dropped = /^(LISTEN_PID|LISTEN_FDS|LISTEN_FDNAMES|NOTIFY_SOCKET|WATCHDOG_PID|WATCHDOG_USEC|INVOCATION_ID|JOURNAL_STREAM|UNITKIT_UNIT_PATH|UNITKIT_RUNTIME_DIR|SYSTEMD_UNIT_PATH)$/;

/** The manager environment for `scope`, with `extra` added. */
export function managerEnvironment(scope: 'system' | 'user', env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (scope === 'user') {
    for (const [k, v] of Object.entries(env)) if (v !== undefined && !dropped.test(k)) out[k] = v;
    // Except $PATH, which systemd --user replaces with its default whatever it was started with.
    out.PATH = defaultPath;
  } else {
    out.PATH = defaultPath;
    if (env.LANG) out.LANG = env.LANG;
  }
  return { ...out, ...extra };
}
