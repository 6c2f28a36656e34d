import { expect } from 'chai';
import { UsageError, parseCtlOptions } from './ctl-options.js';
import { globMatch, formatTable, compareUnitIds, formatListUnits, formatListSockets, formatListJobs, formatDependencyTree, formatJson, defaultTableStyle } from './ctl-tables.js';
import type { UnitRow } from './control-protocol.js';
import { choosePager } from './ctl-pager.js';
import { formatJournalEntry, checkJournalOutputMode } from './journal-output.js';
import { exitStatusOfError, jobFailureMessage } from './ctl-exit-status.js';
import { formatRelative } from './status-format.js';
import { controlSocketPath, parseSignalArg } from './unitkitctl.js';
import { terminalColors } from './terminal-colors.js';

describe('unitkitctl options', () => {
  it('parses systemctl-style options anywhere, joined or separate, bundled short ones', () => {
    const o = parseCtlOptions(['show', '-pId,Names', 'a.target', '--property', 'Description', '--value', '-aq', '--no-pager', '--user']);
    expect(o.verb).to.equal('show');
    expect(o.args).to.deep.equal(['a.target']);
    expect(o.properties).to.deep.equal(['Id', 'Names', 'Description']);
    expect([o.value, o.all, o.quiet, o.noPager, o.scope]).to.deep.equal([true, true, true, true, 'user']);
    const l = parseCtlOptions(['list-units', '--state=failed,active', '-t', 'service', '--no-legend', '--', '-x*']);
    expect([l.states, l.types, l.noLegend, l.args]).to.deep.equal([['failed', 'active'], ['service'], true, ['-x*']]);
    const g = parseCtlOptions(['logs', '-u', 'x.service', '-n', '5', '-f']);
    expect([g.units, g.lines, g.follow]).to.deep.equal([['x.service'], 5, true]);
  });

  it("refuses bad options with getopt's words", () => {
    expect(() => parseCtlOptions(['--frob'])).to.throw(UsageError, "unitkitctl: unrecognized option '--frob'");
    expect(() => parseCtlOptions(['--frob=1'])).to.throw(UsageError, "unitkitctl: unrecognized option '--frob=1'");
    expect(() => parseCtlOptions(['show', '--p', 'Id'])).to.throw(UsageError, "unitkitctl: option '--p' is ambiguous; possibilities: '--property' '--plain' '--preset-mode'");
    expect(() => parseCtlOptions(['--prop'])).to.throw(UsageError, "unitkitctl: option '--property' requires an argument");
    expect(() => parseCtlOptions(['-a-p'])).to.throw(UsageError, "unitkitctl: invalid option -- '-'");
    expect(() => parseCtlOptions(['--legend=maybe'])).to.throw(UsageError, 'Failed to parse boolean argument to --legend: maybe.');
    expect(() => parseCtlOptions(['-o', 'fancy'])).to.throw(UsageError, "Unknown output 'fancy'.");
    expect(() => parseCtlOptions(['-z'])).to.throw(UsageError, "unitkitctl: invalid option -- 'z'");
    expect(() => parseCtlOptions(['show', '-p'])).to.throw(UsageError, "unitkitctl: option requires an argument -- 'p'");
    expect(() => parseCtlOptions(['--value=1'])).to.throw(UsageError, "unitkitctl: option '--value' doesn't allow an argument");
    expect(() => parseCtlOptions(['logs', '-n', 'x'])).to.throw(UsageError, "Failed to parse lines 'x'");
  });
});

describe('unitkitctl formatting helpers', () => {
  it('matches unit patterns as fnmatch does and sorts units by type, then name', () => {
    expect(globMatch('a*', 'a.target')).to.equal(true);
    expect(globMatch('*.service', 'a.target')).to.equal(false);
    expect(globMatch('[ab].target', 'b.target')).to.equal(true);
    expect(['b.target', 'x.service', 'a.target', 'app.slice'].sort(compareUnitIds)).to.deep.equal(['x.service', 'app.slice', 'a.target', 'b.target']);
  });

  it('lays out tables without trailing blanks', () => {
    expect(formatTable(['A', 'BB', 'C'], [['xxx', 'y', '']])).to.deep.equal(['A   BB C', 'xxx y']);
  });

  it("maps manager errors to systemctl's exit codes and job results to its messages", () => {
    expect(['NoSuchUnit', 'JobTypeNotApplicable', 'NoIsolation', 'AccessDenied', 'LoadFailed', 'UnitMasked'].map(exitStatusOfError)).to.deep.equal([5, 3, 4, 4, 6, 1]);
    expect(jobFailureMessage('x.service', 'failed', 'exit-code', ' --user')).to.equal(
      'Job for x.service failed because the control process exited with error code.\nSee "unitkitctl --user status x.service" and "unitkitctl --user logs -u x.service" for details.',
    );
    expect(jobFailureMessage('x.target', 'failed', undefined, '')).to.equal('Job failed. See "unitkitctl status x.target" and "unitkitctl logs -u x.target" for details.');
    expect(jobFailureMessage('x.target', 'dependency', undefined, '')).to.equal("A dependency job for x.target failed. See 'unitkitctl list-units --failed' for details.");
    expect(jobFailureMessage('x.target', 'done', undefined, '')).to.equal(undefined);
  });

  it("formats relative times as systemd's format_timestamp_relative", () => {
    const s = 1_000_000;
    expect(formatRelative(0, 76_000)).to.equal('76ms ago');
    expect(formatRelative(0, 4 * s + 500_000)).to.equal('4s ago');
    expect(formatRelative(0, 65 * s)).to.equal('1min 5s ago');
    expect(formatRelative(0, 3700 * s)).to.equal('1h 1min ago');
    expect(formatRelative(5, 5)).to.equal('now');
  });

  it('parses signals by name, SIG-less name, number and RTMIN+n', () => {
    expect(['TERM', 'SIGKILL', '9', 'RTMIN+1', 'FOO', '0'].map(parseSignalArg)).to.deep.equal([15, 9, 9, 35, undefined, undefined]);
  });

  it('colours only on a terminal and never with NO_COLOR', () => {
    expect(terminalColors(true, {}).enabled).to.equal(true);
    expect(terminalColors(false, {}).enabled).to.equal(false);
    expect(terminalColors(true, { NO_COLOR: '1' }).enabled).to.equal(false);
    expect(terminalColors(true, { NO_COLOR: '' }).enabled).to.equal(false);
  });
});

describe('unitkitctl options as getopt_long reads them', () => {
  it('expands unambiguous abbreviations and takes any next argument as a value', () => {
    const o = parseCtlOptions(['list-units', '--no-leg', '--sta', 'failed', 'show', '-p', '--all', '--', '--x']);
    expect([o.noLegend, o.states, o.properties, o.all, o.args]).to.deep.equal([true, ['failed'], ['--all'], false, ['show', '--x']]);
    expect(parseCtlOptions(['-P', 'Id', 'show']).value).to.equal(true);
    expect(parseCtlOptions(['-aqpId']).properties).to.deep.equal(['Id']);
    // unitkitctl's own options do not make systemctl's abbreviations ambiguous.
    expect(parseCtlOptions(['--fo', '--u', '--runt'])).to.include({ force: true, scope: 'user', runtime: true });
    expect(parseCtlOptions(['--runtime-d=/x', '--uni', 'a']).runtimeDir).to.equal('/x');
  });

  it('keeps the legend tri-state in argv order: -q and -o json switch it off, a later --legend= wins', () => {
    expect(parseCtlOptions(['-q']).noLegend).to.equal(true);
    expect(parseCtlOptions(['--legend=yes', '-q']).noLegend).to.equal(false);
    const j = parseCtlOptions(['-o', 'json']);
    expect([j.noLegend, j.plain, j.output]).to.deep.equal([true, true, 'json']);
    expect(parseCtlOptions(['-ojson', '--legend=1']).noLegend).to.equal(false);
    expect(parseCtlOptions(['-o', 'help']).listOutputModes).to.equal(true);
    const t = parseCtlOptions(['-t', 'service,masked', '--type=socket']);
    expect([t.types, t.states]).to.deep.equal([['service', 'socket'], ['masked']]);
    expect(parseCtlOptions(['-t', 'help']).listUnitTypes).to.equal(true);
    expect(() => parseCtlOptions(['-t', 'srvice'])).to.throw(UsageError, "Unknown unit type or load state 'srvice'.\nUse -t help to see a list of allowed values.");
    expect(() => parseCtlOptions(['--type='])).to.throw(UsageError, '--type= requires arguments.');
    expect(parseCtlOptions(['--state=help']).listStates).to.equal(true);
  });

  it('refuses what it cannot honour, with the reason, instead of ignoring it', () => {
    expect(() => parseCtlOptions(['-H', 'host', 'status'])).to.throw(UsageError, /^unitkitctl: -H\/--host is not supported: .*this machine/);
    expect(() => parseCtlOptions(['--machine=c1', 'status'])).to.throw(UsageError, /^unitkitctl: -M\/--machine is not supported/);
    expect(() => parseCtlOptions(['-Mc1'])).to.throw(UsageError, /-M\/--machine is not supported/);
    for (const a of ['--global', '--wait', '--root=/', '-T', '--what=cache', '--with-dependencies', '--marked', '--timestamp=utc']) {
      expect(() => parseCtlOptions([a, 'status']), a).to.throw(UsageError, /is not supported/);
    }
    expect(() => parseCtlOptions(['--check-inhibitors=x'])).to.throw(UsageError, 'Failed to parse --check-inhibitors= argument: x');
  });

  it('honours the options that change what verbs do', () => {
    const o = parseCtlOptions(['--show-types', '--after', '--plain', '--no-reload', '--irreversible', '--timestamp=pretty', '-i', '--no-ask-password']);
    expect([o.showTypes, o.after, o.plain, o.noReload, o.jobMode]).to.deep.equal([true, true, true, true, 'replace-irreversibly']);
    expect(parseCtlOptions(['--after', '--reverse'])).to.include({ after: false, reverse: true });
  });

  it('connects --system to the system manager even for an unprivileged user', () => {
    const o = parseCtlOptions(['--system', 'status']);
    expect(controlSocketPath(o, {}, 1000)).to.equal('/run/unitkit/private');
    expect(controlSocketPath(parseCtlOptions(['status']), { XDG_RUNTIME_DIR: '/run/user/1000' }, 1000)).to.equal('/run/user/1000/unitkit/private');
    expect(controlSocketPath(parseCtlOptions(['status']), {}, 0)).to.equal('/run/unitkit/private');
    expect(controlSocketPath(parseCtlOptions(['--user']), { XDG_RUNTIME_DIR: '/r' }, 0)).to.equal('/r/unitkit/private');
    expect(controlSocketPath(parseCtlOptions(['--system', '--runtime-dir=/x']), {}, 1000)).to.equal('/x/private');
    expect(controlSocketPath(o, { UNITKIT_RUNTIME_DIR: '/y' }, 1000)).to.equal('/y/private');
  });
});

describe('unitkitctl tables as JSON and plain', () => {
  const row = (id: string, active: string, sub: string, extra: Partial<UnitRow> = {}): UnitRow =>
    ({ id, load: 'loaded', active, sub, description: `D ${id}`, deps: [], rdeps: [], after: [], before: [], listen: [], triggers: [], ...extra }) as UnitRow;
  const f = { all: false, states: [], types: [], patterns: [] };

  it('prints list-units -o json as systemctl: one array, lower-case column keys, job only when some unit has one', () => {
    const units = [row('c.service', 'active', 'running'), row('s.service', 'activating', 'start', { job: { id: 3, type: 'start' } as UnitRow['job'] })];
    const style = { legend: false, plain: true, output: 'json' };
    expect(formatListUnits(units, f, style, terminalColors(false, {}))).to.deep.equal([
      '[{"unit":"c.service","load":"loaded","active":"active","sub":"running","job":"","description":"D c.service"},' +
        '{"unit":"s.service","load":"loaded","active":"activating","sub":"start","job":"start","description":"D s.service"}]',
    ]);
    expect(formatListUnits([], f, style, terminalColors(false, {}))).to.deep.equal(['[]']);
    expect(formatListUnits([row('a.target', 'active', 'active')], f, { ...style, output: 'json-pretty' }, terminalColors(false, {}))).to.deep.equal([
      '[', '\t{', '\t\t"unit" : "a.target",', '\t\t"load" : "loaded",', '\t\t"active" : "active",', '\t\t"sub" : "active",', '\t\t"description" : "D a.target"', '\t}', ']',
    ]);
    expect(formatJson([], 'json-seq')).to.deep.equal(['\x1e[]']);
    // On a terminal the strings (keys too) are green inside their quotes, as systemd colours them.
    expect(formatJson({ k: 'v' }, 'json', true)).to.deep.equal(['{"\x1b[0;32mk\x1b[0m":"\x1b[0;32mv\x1b[0m"}']);
    expect(formatJson([], 'json-sse')).to.deep.equal(['data: []', '']);
  });

  it('drops the bullet column with --plain and keeps columns for non-JSON -o modes', () => {
    const units = [row('f.service', 'failed', 'failed'), row('a.target', 'active', 'active')];
    expect(formatListUnits(units, f, { legend: false, plain: true, output: 'short' }, terminalColors(false, {}))).to.deep.equal([
      'f.service loaded failed failed D f.service',
      'a.target  loaded active active D a.target',
    ]);
    expect(formatListUnits(units, f, { ...defaultTableStyle, legend: false, output: 'verbose' }, terminalColors(false, {}))[0]).to.equal('\u25cf f.service loaded failed failed D f.service');
  });

  it('prints list-sockets with --show-types and as JSON', () => {
    const s = row('e.socket', 'active', 'listening', { listen: [['Stream', '/run/e']], triggers: ['e.service'] });
    expect(formatListSockets([s], false, [], { legend: false, plain: false, output: 'json' }, true)).to.deep.equal(['[{"listen":"/run/e","type":"Stream","unit":"e.socket","activates":"e.service"}]']);
    expect(formatListSockets([s], false, [], defaultTableStyle, true).slice(0, 2)).to.deep.equal(['LISTEN TYPE   UNIT     ACTIVATES', '/run/e Stream e.socket e.service']);
  });

  it('left-aligns list-jobs ids as systemctl 252', () => {
    expect(formatListJobs([{ id: 95, unit: 'w.target', type: 'start', state: 'waiting' }, { id: 180, unit: 's.service', type: 'start', state: 'running' }], false)).to.deep.equal([
      '95  w.target  start waiting',
      '180 s.service start running',
    ]);
  });

  it('prints list-dependencies --plain as a flat list without glyphs or cycles', () => {
    const units = new Map([
      ['a.target', row('a.target', 'active', 'active', { deps: ['b.target'] })],
      ['b.target', row('b.target', 'active', 'active', { deps: ['c.service', 'a.target'] })],
      ['c.service', row('c.service', 'active', 'running')],
    ]);
    const colors = terminalColors(false, {});
    expect(formatDependencyTree('a.target', units, { reverse: false, after: false, before: false, all: false, plain: true, colors })).to.deep.equal(['a.target', '  b.target', '  c.service']);
    expect(formatDependencyTree('a.target', units, { reverse: false, after: false, before: false, all: false, colors })).to.deep.equal([
      'a.target', '\u25cf \u2514\u2500b.target', '\u25cf   \u251c\u2500c.service', '    \u2514\u2500...',
    ]);
  });
});

describe('unitkitctl journal output modes', () => {
  const e = { time: 1764613892123456, unit: 'x.service', pid: 42, priority: 6, identifier: 'sh', message: 'hello' };
  it('prints cat, short-unix and JSON entries, and refuses modes it cannot fill', () => {
    expect(formatJournalEntry(e, 'cat', true, 'h')).to.deep.equal(['hello']);
    expect(formatJournalEntry(e, 'short-unix', true, 'h')).to.deep.equal(['1764613892.123456 h sh[42]: hello']);
    expect(JSON.parse(formatJournalEntry(e, 'json', true, 'h')[0]!)).to.deep.equal({
      __REALTIME_TIMESTAMP: '1764613892123456', _HOSTNAME: 'h', PRIORITY: '6', SYSLOG_IDENTIFIER: 'sh', _PID: '42', _SYSTEMD_USER_UNIT: 'x.service', MESSAGE: 'hello',
    });
    expect(() => checkJournalOutputMode('verbose')).to.throw(UsageError, /-o verbose is not supported/);
    expect(() => checkJournalOutputMode('short-iso')).not.to.throw();
  });
});

describe('unitkitctl pager selection (systemd pager.c)', () => {
  const tty = { onTty: true, disabled: false, escalated: false, exists: () => true };
  it('pages only on a terminal, without --no-pager, with a usable TERM', () => {
    expect(choosePager({ ...tty, env: { TERM: 'xterm' } })?.argv).to.deep.equal(['pager']);
    expect(choosePager({ ...tty, onTty: false, env: { TERM: 'xterm' } })).to.equal(undefined);
    expect(choosePager({ ...tty, disabled: true, env: { TERM: 'xterm' } })).to.equal(undefined);
    expect(choosePager({ ...tty, env: { TERM: 'dumb' } })).to.equal(undefined);
    expect(choosePager({ ...tty, env: {} })).to.equal(undefined);
  });

  it('turns off with an empty or cat pager, trusts $SYSTEMD_PAGER/$PAGER only with SYSTEMD_PAGERSECURE', () => {
    expect(choosePager({ ...tty, env: { TERM: 'xterm', SYSTEMD_PAGER: '' } })).to.equal(undefined);
    expect(choosePager({ ...tty, env: { TERM: 'xterm', PAGER: ' cat ' } })).to.equal(undefined);
    expect(choosePager({ ...tty, env: { TERM: 'xterm', SYSTEMD_PAGER: 'most -s' } })?.argv).to.deep.equal(['pager']);
    expect(choosePager({ ...tty, env: { TERM: 'xterm', SYSTEMD_PAGER: 'most -s', SYSTEMD_PAGERSECURE: '0' } })?.argv).to.deep.equal(['most', '-s']);
    expect(choosePager({ ...tty, env: { TERM: 'xterm', PAGER: 'most', SYSTEMD_PAGERSECURE: 'no' } })?.argv).to.deep.equal(['most']);
    const missing = { ...tty, exists: (c: string) => c !== 'most' && c !== 'pager' };
    expect(choosePager({ ...missing, env: { TERM: 'xterm', PAGER: 'most', SYSTEMD_PAGERSECURE: 'no' } })?.argv).to.deep.equal(['less']);
    expect(choosePager({ ...tty, exists: () => false, env: { TERM: 'xterm' } })).to.equal(undefined);
  });

  it("sets less's variables and uses only less in secure mode", () => {
    const plain = choosePager({ ...tty, env: { TERM: 'xterm', LANG: 'C.UTF-8' } })!;
    expect(plain.env).to.deep.equal({ LESS: 'FRSXMK', LESSSECURE: undefined, LESSCHARSET: 'utf-8' });
    const secure = choosePager({ ...tty, escalated: true, env: { TERM: 'xterm', LANG: 'C', SYSTEMD_LESS: 'R' } })!;
    expect([secure.argv, secure.env, secure.ignoreInterrupt]).to.deep.equal([['less'], { LESS: 'R', LESSSECURE: '1' }, true]);
    expect(choosePager({ ...tty, env: { TERM: 'xterm', SYSTEMD_PAGERSECURE: 'maybe' } })!.argv).to.deep.equal(['less']);
    expect(choosePager({ ...tty, env: { TERM: 'xterm', SYSTEMD_LESSCHARSET: 'latin1' } })!.env.LESSCHARSET).to.equal('latin1');
  });
});
