/**
 * unitkitctl's command line, parsed as systemctl 252 parses its own with getopt_long: options
 * anywhere, `--opt=value` or `--opt value`, bundled short options (`-aq`, `-pId`), `--` ends
 * options, unambiguous abbreviations of long options (`--no-leg`), and getopt's messages for bad
 * input. The scan is getopt_long's own, written out here (`node:util`'s parseArgs tokenized argv
 * before; it does not abbreviate, its messages are not getopt's, and loading it cost a call ~3 M
 * instructions of its ~10 M: issue #19); the table below says what each option means.
 *
 * Every option systemctl 252 knows has an entry: either it is honoured (`apply`) or it is
 * refused with a sentence saying why (`refuse`), so nothing is silently ignored. Adding an
 * option is one entry.
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
  /** The effective legend switch (`--no-legend`, `--legend=no`, `-q`, `-o json…`). */
  noLegend: boolean;
  /** `--legend=` as given, undefined when not given (systemctl's tri-state arg_legend). */
  legend?: boolean;
  noPager: boolean;
  quiet: boolean;
  full: boolean;
  reverse: boolean;
  /** list-dependencies --after / --before. */
  after: boolean;
  before: boolean;
  /** list-sockets --show-types. */
  showTypes: boolean;
  /** list-dependencies as a flat list, list-units without the bullet column. */
  plain: boolean;
  /** `-o/--output`: a journal output mode name; `json…` modes also turn tables into JSON. */
  output: string;
  /** enable/disable/mask/unmask: do not daemon-reload afterwards. */
  noReload: boolean;
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
  /** edit --drop-in=NAME (systemctl 253's option). */
  dropIn?: string;
  help: boolean;
  version: boolean;
  /** Set when `-o help` was given: print the output modes and exit. */
  listOutputModes: boolean;
  /** Set when `-t help` was given: print the unit types and exit. */
  listUnitTypes: boolean;
  /** Set when `--state=help` was given: print the state names and exit. */
  listStates: boolean;
}

/** A usage error: systemctl prints the message and exits 1. */
export class UsageError extends Error {}

/** systemd's journal output modes, in its order (`systemctl -o help`). */
export const outputModes = [
  'short', 'short-full', 'short-iso', 'short-iso-precise', 'short-precise', 'short-monotonic', 'short-delta', 'short-unix',
  'verbose', 'export', 'json', 'json-pretty', 'json-sse', 'json-seq', 'cat', 'with-unit',
] as const;

/** Whether an output mode makes tables print as JSON (systemd's OUTPUT_MODE_IS_JSON). */
export function outputIsJson(mode: string): boolean {
  return mode === 'json' || mode === 'json-pretty' || mode === 'json-sse' || mode === 'json-seq';
}

/** One option: its long name, short letter, whether it takes a value, and what it does. */
export interface CtlOptionSpec {
  /** Long name without `--`; undefined for short-only options (`-P`). */
  long?: string;
  short?: string;
  takesValue: boolean;
  /** Honours the option. */
  apply?: (o: CtlOptions, value: string) => void;
  /** Refuses the option: why unitkitctl cannot do what systemctl would. */
  refuse?: string;
  /** unitkitctl's own option (not systemctl's): never makes a systemctl abbreviation ambiguous. */
  own?: boolean;
}

const list = (v: string) => v.split(',').filter((x) => x !== '');

/** systemd's parse_boolean(). */
function parseBoolean(v: string): boolean | undefined {
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v.toLowerCase())) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v.toLowerCase())) return false;
  return undefined;
}

/** systemd's unit types, in its order (`systemctl -t help`). */
export const unitTypes = ['service', 'mount', 'swap', 'socket', 'target', 'device', 'automount', 'timer', 'path', 'slice', 'scope'] as const;
const loadStates = ['stub', 'loaded', 'not-found', 'bad-setting', 'error', 'merged', 'masked'];

/** -t/--type: unit types; load states too, as older systemctl took them there; `help` lists the types. */
function applyType(o: CtlOptions, v: string): void {
  if (v === '') throw new UsageError('--type= requires arguments.');
  for (const t of list(v)) {
    if (t === 'help') {
      o.listUnitTypes = true;
      return;
    }
    if ((unitTypes as readonly string[]).includes(t)) o.types.push(t);
    else if (loadStates.includes(t)) o.states.push(t);
    else throw new UsageError(`Unknown unit type or load state '${t}'.\nUse -t help to see a list of allowed values.`);
  }
}

const jobModeFlag = (mode: string) => (o: CtlOptions) => {
  o.jobMode = mode;
};

/**
 * systemctl 252's options, in its getopt_long table order (the order shows in "is ambiguous"
 * messages). An option unitkitctl cannot honour is refused, never accepted and ignored.
 */
export const ctlOptionTable: readonly CtlOptionSpec[] = [
  { long: 'help', short: 'h', takesValue: false, apply: (o) => { o.help = true; } },
  { long: 'version', takesValue: false, apply: (o) => { o.version = true; } },
  { long: 'type', short: 't', takesValue: true, apply: applyType },
  { long: 'property', short: 'p', takesValue: true, apply: (o, v) => { o.properties.push(...list(v)); } },
  { short: 'P', takesValue: true, apply: (o, v) => { o.value = true; o.properties.push(...list(v)); } },
  { long: 'all', short: 'a', takesValue: false, apply: (o) => { o.all = true; } },
  { long: 'reverse', takesValue: false, apply: (o) => { o.reverse = true; o.after = o.before = false; } },
  { long: 'after', takesValue: false, apply: (o) => { o.after = true; o.reverse = o.before = false; } },
  { long: 'before', takesValue: false, apply: (o) => { o.before = true; o.reverse = o.after = false; } },
  { long: 'show-types', takesValue: false, apply: (o) => { o.showTypes = true; } },
  { long: 'failed', takesValue: false, apply: (o) => { o.states.push('failed'); } },
  // unitkitctl never shortens names or lines, so every output is already "full".
  { long: 'full', short: 'l', takesValue: false, apply: (o) => { o.full = true; } },
  { long: 'job-mode', takesValue: true, apply: (o, v) => { o.jobMode = v; } },
  { long: 'fail', takesValue: false, apply: jobModeFlag('fail') },
  { long: 'irreversible', takesValue: false, apply: jobModeFlag('replace-irreversibly') },
  { long: 'ignore-dependencies', takesValue: false, apply: jobModeFlag('ignore-dependencies') },
  // Inhibitors only gate shutdown and sleep verbs, which unitkitctl does not have: honoured by having none.
  { long: 'ignore-inhibitors', short: 'i', takesValue: false, apply: () => {} },
  {
    long: 'check-inhibitors', takesValue: true, apply: (_o, v) => {
      if (v !== 'auto' && parseBoolean(v) === undefined) throw new UsageError(`Failed to parse --check-inhibitors= argument: ${v}`);
    },
  },
  { long: 'value', takesValue: false, apply: (o) => { o.value = true; } },
  { long: 'user', takesValue: false, apply: (o) => { o.scope = 'user'; } },
  { long: 'system', takesValue: false, apply: (o) => { o.scope = 'system'; } },
  { long: 'global', takesValue: false, refuse: 'unitkitctl has no global user unit configuration to edit' },
  { long: 'wait', takesValue: false, refuse: 'unitkitctl cannot wait for units to stop again' },
  { long: 'no-block', takesValue: false, apply: (o) => { o.noBlock = true; } },
  {
    long: 'legend', takesValue: true, apply: (o, v) => {
      const b = parseBoolean(v);
      if (b === undefined) throw new UsageError(`Failed to parse boolean argument to --legend: ${v}.`);
      o.legend = b;
    },
  },
  { long: 'no-legend', takesValue: false, apply: (o) => { o.legend = false; } },
  { long: 'no-pager', takesValue: false, apply: (o) => { o.noPager = true; } },
  // Only halt/poweroff/reboot send wall messages; unitkitctl has none of them.
  { long: 'no-wall', takesValue: false, apply: () => {} },
  // Only the shutdown and sleep verbs know a dry run; unitkitctl has none of them.
  { long: 'dry-run', takesValue: false, apply: () => {} },
  {
    long: 'quiet', short: 'q', takesValue: false, apply: (o) => {
      o.quiet = true;
      o.legend ??= false;
    },
  },
  { long: 'root', takesValue: true, refuse: 'unitkitctl operates on the running unitkitd only, not on a directory tree' },
  { long: 'image', takesValue: true, refuse: 'unitkitctl operates on the running unitkitd only, not on a disk image' },
  { long: 'force', short: 'f', takesValue: false, apply: (o) => { o.force = true; o.follow = true; } },
  { long: 'no-reload', takesValue: false, apply: (o) => { o.noReload = true; } },
  { long: 'kill-whom', takesValue: true, apply: (o, v) => { o.killWhom = v; } },
  { long: 'kill-who', takesValue: true, apply: (o, v) => { o.killWhom = v; } },
  { long: 'signal', short: 's', takesValue: true, apply: (o, v) => { o.signal = v; } },
  // unitkitctl never asks for a password (the control socket's credentials decide).
  { long: 'no-ask-password', takesValue: false, apply: () => {} },
  { long: 'host', short: 'H', takesValue: true, refuse: 'unitkitctl only talks to a unitkitd on this machine' },
  { long: 'machine', short: 'M', takesValue: true, refuse: 'unitkitctl only talks to a unitkitd on this machine, not in a container' },
  { long: 'runtime', takesValue: false, apply: (o) => { o.runtime = true; } },
  // systemctl 253's option: kept out of 252's abbreviations (--dr still means --dry-run).
  { long: 'drop-in', takesValue: true, own: true, apply: (o, v) => { o.dropIn = v; } },
  {
    long: 'lines', short: 'n', takesValue: true, apply: (o, v) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`Failed to parse lines '${v}'`);
      o.lines = n;
    },
  },
  {
    long: 'output', short: 'o', takesValue: true, apply: (o, v) => {
      if (v === 'help') {
        o.listOutputModes = true;
        return;
      }
      if (!(outputModes as readonly string[]).includes(v)) throw new UsageError(`Unknown output '${v}'.`);
      o.output = v;
      // As systemctl: JSON output has neither legend nor tree glyphs (a later --legend= still wins).
      if (outputIsJson(v)) {
        o.legend = false;
        o.plain = true;
      }
    },
  },
  { long: 'plain', takesValue: false, apply: (o) => { o.plain = true; } },
  {
    long: 'state', takesValue: true, apply: (o, v) => {
      if (list(v).includes('help')) o.listStates = true;
      else o.states.push(...list(v));
    },
  },
  // Containers' units are listed with -r; unitkitd runs none, so the host's list is the whole list.
  { long: 'recursive', short: 'r', takesValue: false, apply: () => {} },
  { long: 'with-dependencies', takesValue: false, refuse: 'unitkitctl cannot expand units to their dependencies' },
  { long: 'preset-mode', takesValue: true, refuse: 'unitkitctl has no preset verbs' },
  { long: 'firmware-setup', takesValue: false, refuse: 'unitkitctl does not reboot the machine' },
  { long: 'boot-loader-menu', takesValue: true, refuse: 'unitkitctl does not reboot the machine' },
  { long: 'boot-loader-entry', takesValue: true, refuse: 'unitkitctl does not reboot the machine' },
  { long: 'now', takesValue: false, apply: (o) => { o.now = true; } },
  { long: 'message', takesValue: true, refuse: 'unitkitctl does not shut the machine down' },
  { long: 'show-transaction', short: 'T', takesValue: false, refuse: 'unitkitd does not report the jobs of a transaction' },
  { long: 'what', takesValue: true, refuse: 'unitkitctl has no clean verb' },
  { long: 'reboot-argument', takesValue: true, refuse: 'unitkitctl does not reboot the machine' },
  {
    long: 'timestamp', takesValue: true, apply: (_o, v) => {
      if (v !== 'pretty') throw new UsageError(`unitkitctl: --timestamp=${v} is not supported: unitkitctl prints timestamps in the 'pretty' style only.`);
    },
  },
  { long: 'read-only', takesValue: false, refuse: 'unitkitctl has no bind verb' },
  { long: 'mkdir', takesValue: false, refuse: 'unitkitctl has no bind verb' },
  { long: 'marked', takesValue: false, refuse: 'unitkitd does not mark units for restart' },
  // unitkitctl's own: the runtime directory of the unitkitd to talk to.
  { long: 'runtime-dir', takesValue: true, own: true, apply: (o, v) => { o.runtimeDir = v; } },
  { long: 'unit', short: 'u', takesValue: true, own: true, apply: (o, v) => { o.units.push(v); } },
  { long: 'follow', takesValue: false, own: true, apply: (o) => { o.follow = true; } },
];

function displayName(spec: CtlOptionSpec): string {
  return spec.long && spec.short ? `-${spec.short}/--${spec.long}` : spec.long ? `--${spec.long}` : `-${spec.short}`;
}

const specByShort = new Map(ctlOptionTable.filter((s) => s.short).map((s) => [s.short!, s]));
/**
 * The options a long name may mean, as getopt_long matches them: the exact name, else every
 * option it is a prefix of — systemctl's first, so that unitkitctl's own options (`--follow`,
 * `--unit`, `--runtime-dir`) leave systemctl's abbreviations (`--fo`, `--u`, `--runt`) as they are.
 */
function longCandidates(name: string): CtlOptionSpec[] {
  const exact = ctlOptionTable.find((s) => s.long === name);
  if (exact) return [exact];
  const all = ctlOptionTable.filter((s) => s.long?.startsWith(name));
  const systemctls = all.filter((s) => !s.own);
  return systemctls.length > 0 ? systemctls : all;
}

/** A long option's name as getopt_long resolves it: exact, else a unique prefix. */
function resolveLong(name: string, prog: string, raw: string): CtlOptionSpec | undefined {
  const candidates = longCandidates(name);
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw new UsageError(`${prog}: option '${raw}' is ambiguous; possibilities:${candidates.map((s) => ` '--${s.long}'`).join('')}`);
  }
  return undefined;
}

function emptyOptions(): CtlOptions {
  return {
    args: [], properties: [], all: false, value: false, noBlock: false, noLegend: false, noPager: false, quiet: false,
    full: false, reverse: false, after: false, before: false, showTypes: false, plain: false, output: 'short', noReload: false,
    states: [], types: [], follow: false, force: false, runtime: false, now: false, units: [], help: false, version: false,
    listOutputModes: false, listUnitTypes: false, listStates: false,
  };
}

/**
 * Parses unitkitctl's argv (without node and the script) as getopt_long with systemctl's table:
 * options and positionals in any order, `--` ends options; a long option's value is after `=` or
 * the next argument, a short one's the rest of its bundle or the next argument, whatever either
 * starts with. Errors are getopt's, for the first bad argument in argv order.
 */
export function parseCtlOptions(argv: string[], prog = 'unitkitctl'): CtlOptions {
  const o = emptyOptions();
  const positional: string[] = [];
  const use = (spec: CtlOptionSpec, value: string) => {
    if (spec.refuse) throw new UsageError(`${prog}: ${displayName(spec)} is not supported: ${spec.refuse}.`);
    spec.apply!(o, value);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const spec = resolveLong(a.slice(2, eq === -1 ? undefined : eq), prog, a);
      if (!spec) throw new UsageError(`${prog}: unrecognized option '${a}'`);
      let value: string | undefined;
      if (eq !== -1) {
        if (!spec.takesValue) throw new UsageError(`${prog}: option '--${spec.long}' doesn't allow an argument`);
        value = a.slice(eq + 1);
      } else if (spec.takesValue) {
        if (i + 1 >= argv.length) throw new UsageError(`${prog}: option '--${spec.long}' requires an argument`);
        value = argv[++i]!;
      }
      use(spec, value ?? '');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        const spec = specByShort.get(letter);
        if (!spec) throw new UsageError(`${prog}: invalid option -- '${letter}'`);
        if (!spec.takesValue) {
          use(spec, '');
          continue;
        }
        // The rest of the bundle is the value, else the next argument.
        let value = a.slice(j + 1);
        if (value === '') {
          if (i + 1 >= argv.length) throw new UsageError(`${prog}: option requires an argument -- '${letter}'`);
          value = argv[++i]!;
        }
        use(spec, value);
        break;
      }
      continue;
    }
    positional.push(a);
  }
  o.noLegend = o.legend === false;
  o.verb = positional[0];
  o.args = positional.slice(1);
  return o;
}
