/**
 * The environment generators a user manager runs at start-up (systemd.environment-generator(7)):
 * every executable in the user-environment-generators directories, in the order of their names
 * (a name in an earlier directory masks the same name later), each started with the environment
 * so far and printing NAME=value lines that are merged into it. Debian ships
 * 30-systemd-environment-d-generator, which applies environment.d(5) (/usr/lib/environment.d,
 * /etc/environment.d, ~/.config/environment.d…), and gpg-agent's. systemd --user does this in
 * manager_run_environment_generators(); the system manager runs none unless configured.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCaptured } from '@unitkit/native';

/** systemd's user environment generator directories, highest priority first. */
export const USER_ENVIRONMENT_GENERATOR_DIRS = [
  '/run/systemd/user-environment-generators',
  '/etc/systemd/user-environment-generators',
  '/usr/local/lib/systemd/user-environment-generators',
  '/usr/lib/systemd/user-environment-generators',
];

/** The generators to run, by name order; a name found in an earlier directory masks later ones (a /dev/null link disables). */
export function findEnvironmentGenerators(dirs: readonly string[] = USER_ENVIRONMENT_GENERATOR_DIRS): string[] {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) if (!byName.has(e)) byName.set(e, path.join(dir, e));
  }
  return [...byName.keys()]
    .sort()
    .map((n) => byName.get(n)!)
    .filter((p) => {
      try {
        const real = fs.realpathSync(p);
        if (real === '/dev/null') return false;
        fs.accessSync(real, fs.constants.X_OK);
        return fs.statSync(real).isFile();
      } catch {
        return false;
      }
    });
}

/** Parses a generator's output: NAME=value lines (comments and invalid lines are skipped, as systemd's load_env_file_pairs()). */
export function parseGeneratorOutput(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = value.slice(1, -1);
    out.push([name, value]);
  }
  return out;
}

/**
 * Runs the generators in turn over `env`, returning the new environment. A generator that fails
 * or times out (5 s) is skipped with a warning through `warn`, as systemd logs and goes on.
 */
export function runEnvironmentGenerators(
  env: Record<string, string>,
  generators: readonly string[] = findEnvironmentGenerators(),
  warn: (message: string) => void = () => {},
): Record<string, string> {
  let current = { ...env };
  for (const g of generators) {
    // Through the addon, not child_process: that module (with net, dgram and cluster) would stay
    // loaded in the manager for good, ~2.4 MB of every user manager (issue #19).
    let r;
    try {
      r = runCaptured(g, [g], Object.entries(current).map(([k, v]) => `${k}=${v}`), { timeoutMs: 5000 });
    } catch (error) {
      warn(`${g} failed: ${(error as Error).message}, ignoring.`);
      continue;
    }
    if (r.timedOut || r.overflow || r.status !== 0) {
      const why = r.timedOut ? 'timed out' : r.overflow ? 'printed over 1 MiB' : r.status !== undefined ? `failed with exit status ${r.status}` : `was killed by signal ${r.signal}`;
      warn(`${g} ${why}, ignoring.`);
      continue;
    }
    const next = { ...current };
    for (const [k, v] of parseGeneratorOutput(r.stdout.toString('utf8'))) next[k] = v;
    current = next;
  }
  return current;
}
