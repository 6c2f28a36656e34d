/** execve() in place, for a manager re-exec: the process keeps its pid, children and chosen fds. */
import { addon } from './addon.js';

/**
 * Replaces the process image with `path` (`argv` including argv[0], `env` as the new
 * environment). The fds in `keepFds` are inherited (FD_CLOEXEC cleared), every other fd above 2 is
 * closed by the exec. Returns only by throwing an ErrnoError (execve() failed, or an fd to keep is
 * not open); the fd flags are restored then and the caller goes on as before.
 */
export function execInPlace(path: string, argv: string[], env: NodeJS.ProcessEnv, keepFds: number[]): never {
  const envp = Object.entries(env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return addon.execKeepFds(path, argv, envp, keepFds);
}
