#!/usr/bin/env node
/**
 * unitkitctl: systemctl's interface to unitkitd. The same verbs, flags, output formats and exit
 * codes as systemctl(1) of systemd 252, spoken over unitkitd's control socket, plus
 * `logs -u UNIT [-f] [-n N]` for the captured service output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { ControlCallError, ControlClient } from './control-client.js';
import type { JobOutcome, JobRow, JournalEntry, UnitRow } from './control-protocol.js';
import { ExitStatus, callFailure, exitStatusOfError, jobFailureMessage, jobResultFailed } from './ctl-exit-status.js';
import type { CtlOut, ShowReply } from './ctl-show-output.js';
import { printActiveStates, printShow } from './ctl-show-output.js';
import type { CtlOptions } from './ctl-options.js';
import { UsageError, outputModes, parseCtlOptions, unitTypes } from './ctl-options.js';
import type { TableStyle } from './ctl-tables.js';
import { stateHelpLines } from './ctl-state-names.js';
import { formatDependencyTree, formatListJobs, formatListSockets, formatListUnits, selectUnits } from './ctl-tables.js';
import { choosePager, runningEscalated, startPager } from './ctl-pager.js';
import type { RunningPager } from './ctl-pager.js';
import { checkJournalOutputMode, formatJournalEntry } from './journal-output.js';
import { activeTriggeringUnits, catOutdatedWarning, triggeringUnitsWarning, unitFileChangedWarning, warningLine } from './ctl-warnings.js';
import { formatStatus, stateBullet } from './status-format.js';
import type { Colors } from './terminal-colors.js';
import { terminalColors } from './terminal-colors.js';
import { importEnvironment, setEnvironment, showEnvironment, unsetEnvironment } from './verbs/environment.js';
import { listTimers } from './verbs/list-timers.js';
import { listUnitFiles } from './verbs/list-unit-files.js';
import { hostName } from '@unitkit/unit-file/system-facts';
import { daemonReexec } from './ctl-daemon-reexec.js';
import { controlSocketPath } from './ctl-socket-path.js';
import { exportVerbArgs, runExportVerb } from './verbs/export.js';

const prog = 'unitkitctl';

/** Where a run writes: stdout and stderr, collected so tests can call verbs in-process too. */
type Out = CtlOut;

const stdio: Out = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

export { controlSocketPath } from './ctl-socket-path.js';

type Verb = (c: ControlClient, o: CtlOptions, io: Out, colors: Colors) => Promise<number>;

/** How the list verbs print their tables, from --legend/--no-legend/-q, --plain and -o. */
function tableStyle(o: CtlOptions, colors: Colors): TableStyle {
  return { legend: !o.noLegend, plain: o.plain, output: o.output, color: colors.enabled };
}

/** Journal lines in the -o mode; the unit field is the user one when talking to a user manager. */
function journalFormatter(o: CtlOptions, colors: Colors): (e: JournalEntry) => string[] {
  const user = o.scope === 'user' || (o.scope === undefined && process.getuid?.() !== 0);
  // Read once for all the lines: it is a file read per call.
  const host = hostName();
  return (e) => formatJournalEntry(e, o.output, user, host, colors.enabled);
}

/** The verbs whose output goes through a pager, as systemctl's call pager_open(). */
const pagedVerbs = new Set(['list-units', 'list-sockets', 'list-jobs', 'list-dependencies', 'status', 'show', 'cat', 'logs']);

function needUnits(o: CtlOptions): void {
  if (o.args.length === 0) throw new UsageError('Too few arguments.');
}

const jobVerbs = new Set(['start', 'stop', 'reload', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'isolate', 'condrestart', 'force-reload']);
const jobVerbAliases: Record<string, string> = { condrestart: 'try-restart', 'force-reload': 'try-reload-or-restart' };

/** start, stop, restart, …: enqueue, and unless --no-block wait and explain failures. */
const jobVerb: Verb = async (c, o, io, colors) => {
  needUnits(o);
  const verb = jobVerbAliases[o.verb!] ?? o.verb!;
  if (verb === 'isolate' && o.args.length > 1) throw new UsageError('Too many arguments.');
  const wait = !o.noBlock;
  type Reply = { jobs: Array<JobOutcome & { error?: { name: string; message: string } }>; scope?: string };
  let reply: Reply;
  try {
    reply = await c.call<Reply>('enqueue', { verb, units: o.args, mode: o.jobMode, wait });
  } catch (e) {
    // A refusal of the whole request (AccessDenied, bad job mode) is reported for each unit, as systemctl does.
    if (!(e instanceof ControlCallError)) throw e;
    reply = { jobs: o.args.map((u) => ({ unit: mangle(u), id: 0, result: 'failed', error: e.error })) };
  }
  const { jobs, scope } = reply;
  const userFlag = (scope ?? o.scope) === 'user' || o.scope === 'user' ? ' --user' : '';
  let rc = 0;
  for (const j of jobs) {
    if (j.error) {
      const shown = verb === 'isolate' ? 'start' : verb;
      io.err(`Failed to ${shown} ${j.unit}: ${j.error.message}`);
      if (!['NoSuchUnit', 'UnitMasked', 'JobTypeNotApplicable', 'AccessDenied', 'InvalidArgs'].includes(j.error.name)) {
        io.err(`See ${userFlag ? 'user' : 'system'} logs and 'unitkitctl${userFlag} status ${j.unit}' for details.`);
      }
      rc ||= exitStatusOfError(j.error.name);
      continue;
    }
    if (j.needDaemonReload) io.err(warningLine(unitFileChangedWarning(j.unit, userFlag), colors));
  }
  for (const j of jobs) {
    if (j.error) continue;
    const msg = jobFailureMessage(j.unit, j.result, j.unitResult, userFlag);
    if (msg && !o.quiet) io.err(msg);
    if (jobResultFailed(j.result)) rc ||= ExitStatus.failure;
  }
  // After a blocking stop whose jobs all succeeded: which active units can start the unit again.
  if (verb === 'stop' && wait && !o.quiet && !jobs.some((j) => !j.error && jobResultFailed(j.result))) {
    const stopped = jobs.filter((j) => !j.error).map((j) => j.unit);
    for (const [unit, by] of await activeTriggeringUnits(c, stopped)) for (const l of triggeringUnitsWarning(unit, by)) io.err(warningLine(l, colors));
  }
  return rc;
};

const show: Verb = async (c, o, io) =>
  printShow(await c.call<ShowReply>('show', { units: o.args, properties: o.properties, all: o.all, value: o.value }), io);

const isActive = (failedMode: boolean): Verb => async (c, o, io) => {
  needUnits(o);
  const { units } = await c.call<ShowReply>('show', { units: o.args, properties: ['ActiveState'], value: true });
  return printActiveStates(units, failedMode, o.quiet, io);
};

const status: Verb = async (c, o, io, colors) => {
  if (o.args.length === 0) {
    const [{ state }, { units }, { jobs }] = await Promise.all([
      c.call<{ state: string }>('is-system-running'),
      c.call<{ units: UnitRow[] }>('list-units'),
      c.call<{ jobs: JobRow[] }>('list-jobs'),
    ]);
    const failed = units.filter((u) => u.active === 'failed').length;
    io.out(`${stateBullet(state === 'running' ? 'active' : state === 'degraded' ? 'failed' : 'activating', colors)} ${hostName()}`);
    io.out(`    State: ${state}`);
    io.out(`    Units: ${units.length} loaded`);
    io.out(`     Jobs: ${jobs.length} queued`);
    io.out(`   Failed: ${failed} units`);
    return 0;
  }
  checkJournalOutputMode(o.output);
  const [{ units, scope }, list] = await Promise.all([
    c.call<{ scope?: string; units: Array<{ props: Record<string, string>; journal: JournalEntry[] }> }>('status', { units: o.args, lines: o.lines ?? 10 }),
    c.call<{ units: UnitRow[] }>('list-units'),
  ]);
  const states = new Map(list.units.map((u) => [u.id, u.active]));
  let rc = 0;
  let first = true;
  for (const u of units) {
    const p = u.props;
    if (p.LoadState === 'not-found' && p.ActiveState === 'inactive' && !p.FragmentPath) {
      io.err(`Unit ${p.Id} could not be found.`);
      rc ||= ExitStatus.unknown;
      continue;
    }
    if (!first) io.out('');
    first = false;
    for (const l of formatStatus({ props: p, journal: u.journal, now: Date.now() * 1000, colors, activeStateOf: (x) => states.get(x), formatEntry: journalFormatter(o, colors) })) io.out(l);
    if (p.NeedDaemonReload === 'yes') io.err(warningLine(unitFileChangedWarning(p.Id ?? '', (scope ?? o.scope) === 'user' ? ' --user' : ''), colors));
    if (p.ActiveState !== 'active' && p.ActiveState !== 'reloading') rc ||= ExitStatus.notRunning;
  }
  return rc;
};

const cat: Verb = async (c, o, io, colors) => {
  needUnits(o);
  const { units, scope } = await c.call<{ scope?: string; units: string[][] }>('show', { units: o.args, properties: ['Id', 'FragmentPath', 'DropInPaths', 'LoadState', 'NeedDaemonReload'] });
  let rc = 0;
  let printed = false;
  for (const lines of units) {
    const p = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const files = [p.FragmentPath, ...(p.DropInPaths ?? '').split(' ')].filter(Boolean) as string[];
    if (p.LoadState === 'masked') {
      // systemctl says so on stdout, as a comment, without failing and without a separator.
      io.out(`# Unit ${p.Id} is masked.`);
      continue;
    }
    if (files.length === 0) {
      io.err(`No files found for ${p.Id}.`);
      rc = ExitStatus.failure;
      continue;
    }
    let outdated = p.NeedDaemonReload === 'yes';
    for (const f of files) {
      if (printed) io.out('');
      printed = true;
      if (outdated) for (const l of catOutdatedWarning(p.Id ?? '', (scope ?? o.scope) === 'user' ? ' --user' : '', colors)) io.err(l);
      outdated = false;
      io.out(`# ${f}`);
      try {
        const text = fs.readFileSync(f, 'utf8');
        // Line by line as systemctl reads it: an empty file prints nothing, a last line without
        // a newline gets one.
        if (text !== '') for (const l of text.replace(/\n$/, '').split('\n')) io.out(l);
      } catch (e) {
        io.err(`Failed to read "${f}": ${(e as Error).message}`);
        rc = ExitStatus.failure;
      }
    }
  }
  return rc;
};

const listUnits: Verb = async (c, o, io, colors) => {
  const { units } = await c.call<{ units: UnitRow[] }>('list-units');
  const f = { all: o.all, states: o.states, types: o.types, patterns: o.args };
  for (const l of formatListUnits(selectUnits(units, f), f, tableStyle(o, colors), colors)) io.out(l);
  return 0;
};

const listSockets: Verb = async (c, o, io, colors) => {
  const { units } = await c.call<{ units: UnitRow[] }>('list-units');
  for (const l of formatListSockets(units, o.all, o.args, tableStyle(o, colors), o.showTypes)) io.out(l);
  return 0;
};

const listJobs: Verb = async (c, o, io) => {
  if (o.after || o.before) throw new UsageError(`${prog}: list-jobs --after/--before is not supported: unitkitd does not report which jobs wait for which.`);
  const { jobs } = await c.call<{ jobs: JobRow[] }>('list-jobs');
  for (const l of formatListJobs(jobs, !o.noLegend)) io.out(l);
  return 0;
};

const listDependencies: Verb = async (c, o, io, colors) => {
  const roots = o.args.length > 0 ? o.args : ['default.target'];
  // show loads the roots (and with them their dependencies) before the snapshot is taken.
  const { units: shown } = await c.call<{ units: string[][] }>('show', { units: roots, properties: ['Id'], value: true });
  const { units } = await c.call<{ units: UnitRow[] }>('list-units');
  const byId = new Map(units.map((u) => [u.id, u]));
  shown.forEach((lines, i) => {
    if (i > 0) io.out('');
    for (const l of formatDependencyTree(lines[0] ?? roots[i]!, byId, { reverse: o.reverse, after: o.after, before: o.before, all: o.all, plain: o.plain, colors })) io.out(l);
  });
  return 0;
};

const isSystemRunning: Verb = async (c, o, io) => {
  const { state } = await c.call<{ state: string }>('is-system-running');
  if (!o.quiet) io.out(state);
  return state === 'running' ? 0 : ExitStatus.failure;
};

const daemonReload: Verb = async (c) => {
  await c.call('daemon-reload');
  return 0;
};

const resetFailed: Verb = async (c, o, io) => {
  if (o.args.length === 0) {
    await c.call('reset-failed', {});
    return 0;
  }
  let rc = 0;
  for (const u of o.args) {
    try {
      await c.call('reset-failed', { units: [u] });
    } catch (e) {
      if (!(e instanceof ControlCallError)) throw e;
      io.err(`Failed to reset failed state of unit ${mangle(u)}: ${e.message}`);
      rc = ExitStatus.failure;
    }
  }
  return rc;
};

/** systemctl's name mangling for messages: a name without a suffix is a service. */
function mangle(n: string): string {
  return /\.[a-z]+$/.test(n) ? n : `${n}.service`;
}

/** Parses a signal as systemd's signal_from_string: a name with or without SIG, or a number. */
export function parseSignalArg(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 64 ? n : undefined;
  }
  const name = text.startsWith('SIG') ? text : `SIG${text}`;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? /^SIGRTMAX(?:-(\d+))?$/.exec(name);
  if (rt) return name.startsWith('SIGRTMIN') ? 34 + Number(rt[1] ?? 0) : 64 - Number(rt[1] ?? 0);
  return (os.constants.signals as Record<string, number>)[name];
}

const kill: Verb = async (c, o, io) => {
  needUnits(o);
  const signal = o.signal === undefined ? 15 : parseSignalArg(o.signal);
  if (signal === undefined) {
    io.err(`Failed to parse signal string "${o.signal}".`);
    return ExitStatus.failure;
  }
  let rc = 0;
  for (const u of o.args) {
    try {
      await c.call('kill', { units: [u], whom: o.killWhom ?? 'all', signal });
    } catch (e) {
      if (!(e instanceof ControlCallError)) throw e;
      io.err(`Failed to kill unit ${mangle(u)}: ${e.message}`);
      rc = ExitStatus.failure;
    }
  }
  return rc;
};

const enabledStates = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated']);

const isEnabled: Verb = async (c, o, io) => {
  needUnits(o);
  const { states } = await c.call<{ states: Array<{ unit: string; state?: string; error?: string }> }>('is-enabled', { units: o.args });
  let any = false;
  for (const s of states) {
    if (s.error) {
      io.err(`Failed to get unit file state for ${s.unit}: ${s.error}`);
      return ExitStatus.failure;
    }
    if (!o.quiet) io.out(s.state!);
    if (enabledStates.has(s.state!)) any = true;
  }
  return any ? 0 : ExitStatus.failure;
};

const noInstallInfoText = `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled using unitkitctl.
 
Possible reasons for having this kind of units are:
\u2022 A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
\u2022 A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
\u2022 A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted unitkitctl call, ...).
\u2022 In case of template units, the unit is meant to be enabled with some
  instance name specified.`;

const install: Verb = async (c, o, io, colors) => {
  needUnits(o);
  const { changes, noInstallInfo } = await c.call<{ changes: string[]; noInstallInfo: boolean }>(o.verb!, { units: o.args, runtime: o.runtime, force: o.force });
  if (!o.quiet) for (const l of changes) io.err(l);
  if (noInstallInfo && !o.quiet) io.err(noInstallInfoText);
  if (!o.noReload) await c.call('daemon-reload');
  if (o.now && (o.verb === 'enable' || o.verb === 'disable' || o.verb === 'mask')) {
    return jobVerb(c, { ...o, verb: o.verb === 'enable' ? 'start' : 'stop' }, io, colors);
  }
  return 0;
};

const logs: Verb = async (c, o, io, colors) => {
  const units = [...o.units, ...o.args];
  if (units.length === 0) throw new UsageError('logs needs a unit: logs -u UNIT [-n N] [-f]');
  checkJournalOutputMode(o.output);
  const format = journalFormatter(o, colors);
  const print = (e: JournalEntry) => {
    for (const l of format(e)) io.out(l);
  };
  const follow = o.follow;
  const pending: JournalEntry[] = [];
  let replied = false;
  const { entries } = await c.call<{ entries: JournalEntry[] }>('journal', { units, lines: o.lines ?? (follow ? 10 : undefined), follow }, (ev) => {
    if (replied) print(ev.data as JournalEntry);
    else pending.push(ev.data as JournalEntry);
  });
  for (const e of entries) print(e);
  replied = true;
  for (const e of pending) print(e);
  if (follow) await c.closed();
  return 0;
};

const verbs: Record<string, Verb> = {
  'list-units': listUnits,
  'list-sockets': listSockets,
  'list-jobs': listJobs,
  'list-dependencies': listDependencies,
  status,
  show,
  cat,
  'is-active': isActive(false),
  'is-failed': isActive(true),
  'is-enabled': isEnabled,
  'is-system-running': isSystemRunning,
  'daemon-reload': daemonReload,
  'daemon-reexec': (c) => daemonReexec(c),
  'reset-failed': resetFailed,
  kill,
  enable: install,
  disable: install,
  mask: install,
  unmask: install,
  logs,
  'list-unit-files': listUnitFiles,
  'list-timers': listTimers,
  'show-environment': showEnvironment,
  'set-environment': setEnvironment,
  'unset-environment': unsetEnvironment,
  'import-environment': importEnvironment,
  // Loaded when used: edit brings node:child_process and node:crypto, which every other call would
  // otherwise load at start-up for nothing (issue #19).
  edit: async (c, o, io, colors) => (await import('./verbs/edit.js')).edit(c, o, io, colors),
};

const helpText = `${prog} [OPTIONS...] COMMAND ...

Query or send control commands to unitkitd, as systemctl does to systemd.

Unit Commands:
  list-units [PATTERN...]             List units currently in memory
  list-sockets [PATTERN...]           List socket units currently in memory
  list-dependencies [UNIT...]         Show unit dependency tree
  list-jobs                           List jobs
  is-active PATTERN...                Check whether units are active
  is-failed PATTERN...                Check whether units are failed
  status [UNIT...]                    Show runtime status of one or more units
  show [UNIT...]                      Show properties of one or more units
  cat UNIT...                         Show files and drop-ins of specified units
  list-unit-files [PATTERN...]        List installed unit files
  list-timers [PATTERN...]            List timer units currently in memory, ordered by next elapse
  edit UNIT...                        Edit one or more unit files
  start UNIT...                       Start (activate) one or more units
  stop UNIT...                        Stop (deactivate) one or more units
  reload UNIT...                      Reload one or more units
  restart UNIT...                     Start or restart one or more units
  try-restart UNIT...                 Restart one or more units if active
  reload-or-restart UNIT...           Reload one or more units if possible, otherwise start or restart
  isolate UNIT                        Start one unit and stop all others
  kill UNIT...                        Send signal to processes of a unit
  reset-failed [UNIT...]              Reset failed state for all, one, or more units
  enable/disable/mask/unmask UNIT...  Change unit files' [Install] symlinks and masks
  is-enabled UNIT...                  Check whether unit files are enabled
  daemon-reload                       Reload unit files
  show-environment                    Dump environment
  set-environment VARIABLE=VALUE...   Set one or more environment variables
  unset-environment VARIABLE...       Unset one or more environment variables
  import-environment VARIABLE...      Import all or some environment variables
  daemon-reexec                       Reexecute the manager
  is-system-running                   Check whether the manager is fully running
  logs -u UNIT [-n N] [-f]            Show the captured output of a unit
  export kubernetes [UNIT...]         Print Kubernetes manifests for units (export --help)

Options:
  -p --property=NAME  -P NAME  -a --all  --value  -t --type=TYPE  --state=STATE  --failed
  --legend=BOOL  --no-legend  --plain  -o --output=MODE (json, json-pretty, json-seq, json-sse,
  cat, short…)  --show-types  --reverse  --after  --before  --no-block  --job-mode=MODE
  --no-pager  --user  --system  -s --signal=SIGNAL  --kill-whom=WHOM  --runtime  --force
  --now  --no-reload  -n --lines=N  -f --follow  -q --quiet  --runtime-dir=DIR  -l --full
  --drop-in=NAME
  (-H, -M, --global, --wait, --root and the shutdown options are refused)

The control socket is $UNITKIT_RUNTIME_DIR/private (default /run/unitkit for root,
$XDG_RUNTIME_DIR/unitkit otherwise).`;

/** Runs unitkitctl with `argv`; returns the exit status. */
export async function runCtl(argv: string[], env: NodeJS.ProcessEnv, io: Out = stdio, isTTY = process.stdout.isTTY): Promise<number> {
  const exportArgs = exportVerbArgs(argv);
  if (exportArgs) return runExportVerb(exportArgs, env, io);
  let o: CtlOptions;
  try {
    o = parseCtlOptions(argv, prog);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(e.message);
    return ExitStatus.failure;
  }
  if (o.help) {
    io.out(helpText);
    return 0;
  }
  if (o.version) {
    io.out('unitkit 0.1.0 (systemctl 252 compatible)');
    return 0;
  }
  if (o.listOutputModes) {
    for (const m of outputModes) io.out(m);
    return 0;
  }
  if (o.listUnitTypes) {
    io.out('Available unit types:');
    for (const t of unitTypes) io.out(t);
    return 0;
  }
  if (o.listStates) {
    for (const l of stateHelpLines()) io.out(l);
    return 0;
  }
  const verbName = o.verb ?? 'list-units';
  const verb = jobVerbs.has(verbName) ? jobVerb : verbs[verbName];
  if (!verb) {
    io.err(`Unknown command verb ${verbName}.`);
    return ExitStatus.failure;
  }
  o.verb = verbName;
  const colors = terminalColors(isTTY, env);
  const socketPath = controlSocketPath(o, env);
  let client: ControlClient;
  try {
    // A unitkitd started just before us may not listen yet: wait for it briefly.
    client = await ControlClient.connect(socketPath, Number(env.UNITKIT_CONNECT_TIMEOUT_MS ?? 2000));
  } catch (e) {
    io.err(`Failed to connect to ${socketPath}: ${describeError(e)}`);
    if (verbName === 'is-system-running' && !o.quiet) io.out('offline');
    return ExitStatus.failure;
  }
  // As systemctl: page the output of the listing verbs, on a terminal only (logs -f streams).
  let pager: RunningPager | undefined;
  if (io === stdio && pagedVerbs.has(verbName) && !(verbName === 'logs' && o.follow)) {
    const choice = choosePager({ env, onTty: !!process.stdout.isTTY && !!process.stderr.isTTY, disabled: o.noPager, escalated: runningEscalated(env) });
    if (choice) {
      const p = await startPager(choice, env);
      pager = p;
      // stderr goes into the pager too, so messages stay in order with the output.
      io = { out: (l) => p.write(`${l}\n`), err: (l) => p.write(`${l}\n`) };
    }
  }
  try {
    return await verb(client, o, io, colors);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      return ExitStatus.failure;
    }
    if (e instanceof ControlCallError) {
      const { message, status } = callFailure(verbName, e.error, jobVerbs.has(verbName));
      io.err(message);
      return status;
    }
    io.err(`${verbName}: ${describeError(e)}`);
    return ExitStatus.failure;
  } finally {
    client.close();
    await pager?.close();
  }
}

function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'ECONNREFUSED') return 'Connection refused';
  if (code === 'EACCES') return 'Permission denied';
  return (e as Error).message;
}

/** The program: runs with the process's argv and environment and sets the exit status. */
export function main(): void {
  // `unitkitctl … | head` must end quietly, as systemctl does.
  process.stdout.on('error', () => process.exit(0));
  void runCtl(process.argv.slice(2), process.env).then((rc) => {
    process.exitCode = rc;
  });
}

// Run when executed directly (node dist/unitkitctl.js), not when imported by the launcher or a test.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) main();
