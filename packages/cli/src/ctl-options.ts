/**
 * unitkitctl's command line, parsed as systemctl parses its own (getopt_long: options anywhere,
 * `--opt=value` or `--opt value`, bundled short options, `--` ends options), with systemctl's
 * messages for bad input.
 */

/** Everything unitkitctl understood from argv. */
export interface CtlOptions {
  verb?: string;
  args: string[];
  scope?: 'user' | 'system';
  properties: string[];
  all: boolean;
  value: boolean;
  noBlock: boolean;
  noLegend: boolean;
  noPager: boolean;
  quiet: boolean;
  full: boolean;
  reverse: boolean;
  states: string[];
  types: string[];
  signal?: string;
  killWhom?: string;
  jobMode?: string;
  lines?: number;
  follow: boolean;
  force: boolean;
  runtime: boolean;
  now: boolean;
  units: string[];
  runtimeDir?: string;
  help: boolean;
  version: boolean;
}

/** A usage error: systemctl prints the message and exits 1. */
export class UsageError extends Error {}

const withValue = new Set(['--property', '--state', '--type', '--signal', '--kill-whom', '--job-mode', '--lines', '--unit', '--runtime-dir', '--kill-who', '--what', '--host', '--machine', '--output']);
const shortWithValue: Record<string, string> = { p: '--property', t: '--type', s: '--signal', n: '--lines', u: '--unit', H: '--host', M: '--machine', o: '--output' };
const shortFlags: Record<string, string> = { a: '--all', q: '--quiet', l: '--full', r: '--recursive', f: '--force', h: '--help', i: '--ignore-inhibitors' };
const flags = new Set([
  '--all', '--value', '--no-block', '--no-legend', '--no-pager', '--quiet', '--full', '--reverse', '--user', '--system',
  '--force', '--runtime', '--now', '--help', '--version', '--follow', '--no-ask-password', '--no-wall', '--no-reload',
  '--recursive', '--ignore-inhibitors', '--failed', '--plain', '--before', '--after', '--global', '--show-types',
]);

/** Parses unitkitctl's argv (without node and the script). */
export function parseCtlOptions(argv: string[], prog = 'unitkitctl'): CtlOptions {
  const o: CtlOptions = {
    args: [], properties: [], all: false, value: false, noBlock: false, noLegend: false, noPager: false, quiet: false,
    full: false, reverse: false, states: [], types: [], follow: false, force: false, runtime: false, now: false, units: [],
    help: false, version: false,
  };
  const positional: string[] = [];
  const set = (name: string, value?: string) => {
    const list = (v: string) => v.split(',').filter((x) => x !== '');
    switch (name) {
      case '--property': o.properties.push(...list(value!)); break;
      case '--state': o.states.push(...list(value!)); break;
      case '--type': {
        // systemctl's --type also takes load states; unitkit only filters by unit type.
        o.types.push(...list(value!));
        break;
      }
      case '--signal': o.signal = value; break;
      case '--kill-whom': case '--kill-who': o.killWhom = value; break;
      case '--job-mode': o.jobMode = value; break;
      case '--lines': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`Failed to parse lines '${value}'`);
        o.lines = n;
        break;
      }
      case '--unit': o.units.push(value!); break;
      case '--runtime-dir': o.runtimeDir = value; break;
      case '--all': o.all = true; break;
      case '--value': o.value = true; break;
      case '--no-block': o.noBlock = true; break;
      case '--no-legend': o.noLegend = true; break;
      case '--no-pager': o.noPager = true; break;
      case '--quiet': o.quiet = true; break;
      case '--full': o.full = true; break;
      case '--reverse': o.reverse = true; break;
      case '--user': o.scope = 'user'; break;
      case '--system': o.scope = 'system'; break;
      case '--force': o.force = true; o.follow = true; break;
      case '--follow': o.follow = true; break;
      case '--runtime': o.runtime = true; break;
      case '--now': o.now = true; break;
      case '--help': o.help = true; break;
      case '--version': o.version = true; break;
      case '--failed': o.states.push('failed'); break;
      default: break; // accepted and ignored: --no-ask-password, --no-wall, --plain, …
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a : a.slice(0, eq);
      if (withValue.has(name)) {
        let value = eq === -1 ? undefined : a.slice(eq + 1);
        if (value === undefined) {
          if (i + 1 >= argv.length) throw new UsageError(`${prog}: option '${name}' requires an argument`);
          value = argv[++i];
        }
        set(name, value);
      } else if (flags.has(name)) {
        if (eq !== -1) throw new UsageError(`${prog}: option '${name}' doesn't allow an argument`);
        set(name);
      } else {
        throw new UsageError(`${prog}: unrecognized option '${name}'`);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (shortWithValue[c]) {
          let value = a.slice(j + 1);
          if (value === '') {
            if (i + 1 >= argv.length) throw new UsageError(`${prog}: option requires an argument -- '${c}'`);
            value = argv[++i]!;
          }
          set(shortWithValue[c], value);
          break;
        }
        if (!shortFlags[c]) throw new UsageError(`${prog}: invalid option -- '${c}'`);
        set(shortFlags[c]);
      }
      continue;
    }
    positional.push(a);
  }
  o.verb = positional[0];
  o.args = positional.slice(1);
  return o;
}
