import { expect } from 'chai';
import { parseExecLine, parseUnitText } from '@unitkit/unit-file';
import { buildExecSpec, ExecPrepareError } from './exec-spec.js';
import { execContextTable } from './exec-context-table.js';
import { readExecContext } from './exec-context.js';
import { execContextProperties, formatExecCommand } from './exec-properties.js';
import type { UserDatabase } from '../ports/user-database.js';
import { processDefaults } from './process-defaults.js';
import { securityLabelWrites } from './exec-security-labels.js';

const alice = { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/zsh' };
const groups: Record<string, number> = { wheel: 10, audio: 29, alice: 1000 };
const users: UserDatabase = {
  userByName: (n) => (n === 'alice' ? alice : undefined),
  userById: (u) => (u === 1000 ? alice : undefined),
  groupByName: (n) => (groups[n] !== undefined ? { name: n, gid: groups[n]! } : undefined),
  groupById: () => undefined,
};

function context(body: string) {
  const parsed = parseUnitText(`[Service]\n${body}`, { name: 'a.service', tables: [execContextTable('Service', ['service'])] });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
  return readExecContext(parsed.sections.get('Service'));
}

function build(body: string, line: string, extra: Partial<Parameters<typeof buildExecSpec>[0]> = {}) {
  return buildExecSpec({
    unitName: 'a.service', command: parseExecLine(line)[0]!, context: context(body), scope: 'system',
    managerEnvironment: { PATH: '/bin', HOME: '/root', KEEP: 'k' }, users, ...extra,
  });
}

describe('exec context', () => {
  it('builds the environment in systemd order and expands argv', () => {
    const { spec } = build('Environment=A=1 "B=two words"\nUnsetEnvironment=KEEP\nPassEnvironment=HOME',
      '/bin/echo $B ${A}x $$A $MAINPID', { invocationId: 'abc', environment: { MAINPID: '42' } });
    expect(spec.argv).to.deep.equal(['/bin/echo', 'two', 'words', '1x', '$A', '42']);
    expect(spec.env).to.include.members(['PATH=/bin', 'A=1', 'B=two words', 'INVOCATION_ID=abc', 'MAINPID=42', 'HOME=/root']);
    expect(spec.env.some((e) => e.startsWith('KEEP='))).to.equal(false);
    expect(spec.newSession).to.equal(true);
    expect(spec.umask).to.equal(0o022);
  });

  it('ignores SIGPIPE in the child unless IgnoreSIGPIPE=no; reads and shows the terminal and utmp settings', () => {
    expect(build('', '/bin/true').spec.ignoreSigpipe).to.equal(true);
    expect(build('IgnoreSIGPIPE=no', '/bin/true').spec.ignoreSigpipe).to.equal(false);
    const c = context('TTYPath=/dev/tty9\nTTYReset=yes\nTTYVHangup=yes\nTTYVTDisallocate=yes\nUtmpIdentifier=tty9\nUtmpMode=login\nIgnoreSIGPIPE=no');
    const shown = new Map(execContextProperties(c, 'system').map(([k, v]) => [k, v]));
    const text = (k: string) => { const v = shown.get(k) as { value: unknown } | undefined; return v?.value; };
    expect([text('TTYPath'), text('TTYReset'), text('TTYVHangup'), text('TTYVTDisallocate'), text('UtmpIdentifier'), text('UtmpMode'), text('IgnoreSIGPIPE')])
      .to.deep.equal(['/dev/tty9', true, true, true, 'tty9', 'login', false]);
  });

  it('does not expand with the ":" prefix', () => {
    expect(build('Environment=A=1', ':/bin/echo $A').spec.argv).to.deep.equal(['/bin/echo', '$A']);
  });

  it('resolves User=, Group= and SupplementaryGroups=, and sets the login variables', () => {
    const { spec } = build('User=alice\nGroup=wheel\nSupplementaryGroups=audio', '/bin/true');
    expect([spec.uid, spec.gid, spec.supplementaryGroups]).to.deep.equal([1000, 10, [29]]);
    expect(spec.env).to.include.members(['USER=alice', 'LOGNAME=alice', 'HOME=/home/alice', 'SHELL=/bin/zsh']);
    const plus = build('User=alice', '+/bin/true').spec;
    expect(plus.uid).to.equal(undefined);
    // As systemd, an unknown user fails the child at step USER (217), not the spawn.
    const bad = build('User=nobody-here', '/bin/true');
    expect(bad.spec.failure).to.deep.include({ step: 'USER', status: 217 });
    expect(bad.failureMessage).to.equal('Failed to determine user credentials: No such process');
    expect(build('Group=nogroup-here', '/bin/true').spec.failure).to.deep.include({ step: 'GROUP', status: 216 });
    // A uid needs an entry (systemd 252: 217/USER otherwise); root and nobody are synthesized.
    expect(build('User=4242', '/bin/true').spec.failure).to.deep.include({ step: 'USER', status: 217 });
    expect(build('User=1000', '/bin/true').spec).to.include({ uid: 1000, gid: 1000 });
    const nobody = build('User=nobody', '/bin/true').spec;
    expect(nobody).to.include({ uid: 65534, gid: 65534 });
    expect(nobody.env).to.include.members(['USER=nobody', 'HOME=/root']);
    expect(nobody.env.some((e) => e.startsWith('SHELL='))).to.equal(false);
  });

  it('maps the working directory, the user default and "~"', () => {
    expect(build('WorkingDirectory=-/srv', '/bin/true').spec).to.include({ cwd: '/srv', cwdMissingOk: true });
    expect(build('User=alice\nWorkingDirectory=~', '/bin/true').spec.cwd).to.equal('/home/alice');
    expect(build('', '/bin/true', { scope: 'user' }).spec).to.include({ cwd: '/root', cwdMissingOk: true });
  });

  it('maps standard streams', () => {
    const opened: string[] = [];
    const output = { open: (u: string, id: string, pr: number) => (opened.push(`${u} ${id} ${pr}`), { fd: 77, spawned() {}, abort() {} }) };
    const j = build('', '/usr/bin/foo', { output });
    expect([j.spec.stdin, j.spec.stdout, j.spec.stderr]).to.deep.equal([{ kind: 'null' }, { kind: 'fd', fd: 77 }, { kind: 'fd', fd: 77 }]);
    expect(opened).to.deep.equal(['a.service foo 6']);
    expect(build('', '/bin/true').spec.stdout).to.deep.equal({ kind: 'inherit' });
    const s = build('StandardInput=socket', '/bin/true', { socketFd: 9 }).spec;
    expect([s.stdin, s.stdout, s.stderr]).to.deep.equal([{ kind: 'fd', fd: 9 }, { kind: 'fd', fd: 9 }, { kind: 'fd', fd: 9 }]);
    const f = build('StandardOutput=append:/tmp/x\nStandardError=truncate:/tmp/y', '/bin/true').spec;
    expect([f.stdout, f.stderr]).to.deep.equal([{ kind: 'file', path: '/tmp/x', mode: 'append' }, { kind: 'file', path: '/tmp/y', mode: 'truncate' }]);
  });

  it('maps StandardInput=tty* to the terminal of TTYPath= (/dev/console by default), taken by start commands only, and sets TERM', () => {
    const t = build('StandardInput=tty-fail\nTTYPath=/dev/pts/7\nTTYReset=yes', '/bin/true').spec;
    const term = { kind: 'terminal', path: '/dev/pts/7' };
    expect([t.stdin, t.stdout, t.stderr]).to.deep.equal([{ ...term, acquire: 'try' }, term, term]);
    expect(t.terminalReset).to.deep.equal({ reset: true, vhangup: false, vtDisallocate: false });
    expect(t.env).to.include('TERM=vt220');
    expect(build('StandardInput=tty-force', '/bin/true').spec.stdin).to.deep.equal({ kind: 'terminal', path: '/dev/console', acquire: 'force' });
    expect(build('StandardInput=tty\nTTYPath=/dev/tty3', '/bin/true').spec.env).to.include('TERM=linux');
    // ExecStop=/ExecReload=: /dev/null in, output still to the terminal, nothing reset.
    const stop = build('StandardInput=tty\nTTYPath=/dev/pts/7\nTTYVHangup=yes', '/bin/true', { noTerminalInput: true }).spec;
    expect([stop.stdin, stop.stdout, stop.terminalReset]).to.deep.equal([{ kind: 'null' }, term, undefined]);
    // The console's type is the manager's own when the manager is the machine's init; Environment= wins.
    expect(build('StandardOutput=tty', '/bin/true', { managerPid: 1, managerEnvironment: { TERM: 'xterm' } }).spec.env).to.include('TERM=xterm');
    expect(build('StandardOutput=tty\nEnvironment=TERM=dumb', '/bin/true').spec.env).to.include('TERM=dumb');
    expect(build('', '/bin/true').spec.env.some((e) => e.startsWith('TERM='))).to.equal(false);
  });

  it('gives StandardInput=data the bytes of StandardInputText=/StandardInputData= in order, implied by them, and shows them', () => {
    const c = context('StandardInputText=hello %n\nStandardInputData=Zm9v  Cg==\nStandardInputText=ok\\xe9\u00e9\\t');
    expect(c.stdin).to.deep.equal({ kind: 'data' });
    expect(Buffer.from(c.stdinData).toString('latin1')).to.equal('hello a.service\nfoo\nok\xe9\xc3\xa9\t\n');
    const shown = new Map(execContextProperties(c, 'system'));
    expect((shown.get('StandardInputData') as { value: string }).value).to.equal(Buffer.from(c.stdinData).toString('base64'));
    expect(build('StandardInputText=x', '/bin/cat').spec.stdin).to.deep.equal({ kind: 'data', data: Uint8Array.from([0x78, 0x0a]) });
    // An empty assignment empties the buffer; data without bytes is /dev/null.
    expect(context('StandardInputText=x\nStandardInputData=').stdinData.length).to.equal(0);
    expect(build('StandardInput=data', '/bin/cat').spec.stdin).to.deep.equal({ kind: 'null' });
    // Bad lines are logged and ignored, as systemd does.
    const parsed = parseUnitText('[Service]\nStandardInputData=!!!\nStandardInputText=bad \\q\nStandardInputText=good', { name: 'a.service', tables: [execContextTable('Service', ['service'])] });
    expect(parsed.diagnostics.map((d) => d.message)).to.deep.equal(["Invalid value for StandardInputData=, ignoring: '!!!' (not base64)", "Invalid value for StandardInputText=, ignoring: 'bad \\q' (invalid C escape)"]);
    expect(Buffer.from(readExecContext(parsed.sections.get('Service')).stdinData).toString()).to.equal('good\n');
  });

  it('reads the logging settings, shows them as systemd does and hands the capture its line rules', () => {
    const body = 'SyslogFacility=local3\nSyslogLevelPrefix=no\nLogLevelMax=warning\nLogExtraFields=FOO=bar BAZ=qux\nLogExtraFields=ONE=1\nLogRateLimitIntervalSec=5s\nLogRateLimitBurst=20\nLogNamespace=myns';
    const shown = new Map(execContextProperties(context(body), 'system'));
    const v = (k: string) => (shown.get(k) as { value: unknown }).value;
    expect(['SyslogPriority', 'SyslogLevelPrefix', 'SyslogFacility', 'LogLevelMax', 'LogRateLimitIntervalUSec', 'LogRateLimitBurst', 'LogExtraFields', 'LogNamespace'].map(v))
      .to.deep.equal([158, false, 19, 4, 5_000_000, 20, 'FOO=bar BAZ=qux ONE=1', 'myns']);
    const opened: unknown[] = [];
    const output = { open: (...a: unknown[]) => (opened.push(a[3]), { fd: 77, spawned() {}, abort() {} }) };
    build(body, '/bin/true', { output });
    expect(opened[0]).to.deep.equal({ levelPrefix: false, levelMax: 4, rateLimit: { intervalUsec: 5_000_000, burst: 20 } });
    const plain = new Map(execContextProperties(context(''), 'system'));
    expect(['SyslogPriority', 'SyslogFacility', 'LogLevelMax'].map((k) => (plain.get(k) as { value: unknown }).value)).to.deep.equal([30, 3, -1]);
  });

  it('looks bare commands up in ExecSearchPath=, which is also $PATH unless the unit sets one', () => {
    const { spec } = build('ExecSearchPath=/nonexistent:/usr/bin:/bin', 'true');
    expect(spec.path).to.equal('/usr/bin/true');
    expect(spec.env).to.include('PATH=/nonexistent:/usr/bin:/bin');
    expect(build('ExecSearchPath=/usr/bin\nEnvironment=PATH=/mine', 'true').spec.env).to.include('PATH=/mine');
    const shown = new Map(execContextProperties(context('ExecSearchPath=/a:/b\nExecSearchPath=/c\nTimeoutCleanSec=7s\nRemoveIPC=yes'), 'system'));
    expect(['ExecSearchPath', 'TimeoutCleanUSec', 'RemoveIPC'].map((k) => (shown.get(k) as { value: unknown }).value)).to.deep.equal([['/a', '/b', '/c'], 7_000_000, true]);
    expect((new Map(execContextProperties(context('DynamicUser=yes'), 'system')).get('RemoveIPC') as { value: unknown }).value).to.equal(true);
  });

  it('shows security labels as set and writes them only where their module is active', () => {
    const c = context('SELinuxContext=-system_u:system_r:foo_t:s0\nAppArmorProfile=foo\nSmackProcessLabel=-bar');
    const shown = new Map(execContextProperties(c, 'system'));
    expect(['SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel'].map((k) => (shown.get(k) as { value: unknown }).value)).to.deep.equal(['-system_u:system_r:foo_t:s0', 'foo', '-bar']);
    expect(securityLabelWrites(c.misc, { selinux: false, apparmor: false, smack: false })).to.deep.equal([]);
    const all = securityLabelWrites(c.misc, { selinux: true, apparmor: true, smack: true });
    expect(all.map((w) => [w.text, w.status, w.ignoreErrors])).to.deep.equal([['bar', 236, true], ['system_u:system_r:foo_t:s0', 229, true], ['exec foo', 231, false]]);
  });

  it('keeps RestrictFileSystems= as an allow or deny list without its items, and TTYRows=/TTYColumns= for the terminal', () => {
    const show = (body: string, k: string) => new Map(execContextProperties(context(body), 'system')).get(k) as { value: unknown; bus?: unknown };
    expect([show('RestrictFileSystems=ext4 tmpfs\nRestrictFileSystems=~proc', 'RestrictFileSystems').value, show('RestrictFileSystems=~ext4', 'RestrictFileSystems').value, show('', 'RestrictFileSystems').value]).to.deep.equal(['', '~', '~']);
    expect([show('TTYRows=40', 'TTYRows').value, show('TTYRows=40', 'TTYRows').bus, show('', 'TTYColumns').bus]).to.deep.equal(['[unprintable]', 40, 65535]);
    const t = build('StandardInput=tty\nTTYPath=/dev/pts/3\nTTYRows=40\nTTYColumns=100', '/bin/true').spec.terminalReset;
    expect(t).to.deep.equal({ reset: false, vhangup: false, vtDisallocate: false, rows: 40, columns: 100 });
  });

  it('connects fd:NAME streams to the named fds handed over, each fd to one stream, and fails the spawn when a name is missing', () => {
    const fds = [{ fd: 10, name: 'a' }, { fd: 11, name: 'b' }, { fd: 12, name: 'a' }];
    const s = build('StandardInput=fd:a\nStandardOutput=fd:b\nStandardError=fd:a', '/bin/true', { fds }).spec;
    expect([s.stdin, s.stdout, s.stderr]).to.deep.equal([{ kind: 'fd', fd: 10 }, { kind: 'fd', fd: 11 }, { kind: 'fd', fd: 12 }]);
    // A name used twice needs two fds of that name, as in systemd.
    expect(() => build('StandardInput=fd:b\nStandardError=fd:b', '/bin/true', { fds })).to.throw(/Failed to load a named file descriptor/);
    expect(() => build('StandardInput=fd', '/bin/true', { fds })).to.throw(/named file descriptor/);
    const d = build('StandardInput=fd', '/bin/true', { fds: [{ fd: 9, name: 'stdin' }] }).spec;
    expect([d.stdin, d.stdout]).to.deep.equal([{ kind: 'fd', fd: 9 }, { kind: 'fd', fd: 9 }]);
    const shown = new Map(execContextProperties(context('StandardInput=fd\nStandardOutput=fd:x'), 'system'));
    expect(['StandardInput', 'StandardInputFileDescriptorName', 'StandardOutput', 'StandardOutputFileDescriptorName', 'StandardErrorFileDescriptorName'].map((k) => (shown.get(k) as { value: unknown }).value))
      .to.deep.equal(['fd', 'stdin', 'fd', 'x', '']);
  });

  it('refuses the disk-image settings at load, naming the setting', () => {
    const parsed = parseUnitText('[Service]\nRootImage=/srv/img.raw\nExecStart=/bin/true', { name: 'a.service', tables: [execContextTable('Service', ['service'])] });
    expect(parsed.failure?.state).to.equal('bad-setting');
    expect(parsed.failure?.message).to.match(/RootImage= is not supported by unitkit/);
  });

  it('passes limits and listen fds', () => {
    const { spec } = build('LimitNOFILE=1000:2000\nLimitCORE=infinity', '/bin/true', { fds: [{ fd: 5, name: 'a' }, { fd: 6, name: 'b' }], passListenFds: true });
    expect(spec.rlimits).to.deep.equal({ NOFILE: { soft: 1000, hard: 2000 }, CORE: { soft: Infinity, hard: Infinity } });
    expect([spec.fds, spec.listenFdNames]).to.deep.equal([[5, 6], ['a', 'b']]);
  });

  it('lowers an inherited soft NOFILE above 1024 to 1024 as systemd does, keeping the hard limit', () => {
    const nofile = build('', '/bin/true').spec.rlimits?.NOFILE;
    const inherited = processDefaults().limits.NOFILE!;
    expect(inherited.soft).to.be.at.most(1024);
    expect(nofile).to.deep.equal(inherited);
    if (inherited.hard > 1024) expect(inherited.soft).to.equal(1024);
    const props = new Map(execContextProperties(context(''), 'user'));
    expect(props.get('LimitNOFILESoft')?.value).to.equal(inherited.soft);
  });

  it('shows commands and the context as systemctl show does', () => {
    const cmd = parseExecLine("-/bin/sh -c 'exit 3'")[0]!;
    expect(formatExecCommand(cmd)).to.equal('{ path=/bin/sh ; argv[]=/bin/sh -c exit 3 ; ignore_errors=yes ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }');
    expect(formatExecCommand(cmd, { pid: 5, startRealtime: 0, exitRealtime: 0, code: 'killed', status: 9 }, true)).to.contain('flags=ignore-failure ;').and.contain('code=killed ; status=9/KILL }');
    const props = new Map(execContextProperties(context('Environment=A=1 "B=2 3"\nWorkingDirectory=-/tmp\nLimitNOFILE=1000:2000'), 'user'));
    expect(props.get('Environment')).to.deep.equal({ type: 'raw', value: 'A=1 "B=2 3"', bus: ['A=1', 'B=2 3'] });
    expect(props.get('WorkingDirectory')?.value).to.equal('!/tmp');
    expect(props.get('LimitNOFILESoft')?.value).to.equal(1000);
    expect(props.get('UMask')?.value).to.equal('0022');
  });

  // systemd 252 prints one EnvironmentFiles= line per file and none at all without files, even with --all.
  it('shows one EnvironmentFiles line per file and none without files', () => {
    const files = execContextProperties(context('EnvironmentFile=-/a\nEnvironmentFile=/b\nEnvironmentFile=-/a'), 'user')
      .filter(([name]) => name === 'EnvironmentFiles').map(([, v]) => v.value);
    expect(files).to.deep.equal(['/a (ignore_errors=yes)', '/b (ignore_errors=no)', '/a (ignore_errors=yes)']);
    expect(execContextProperties(context(''), 'user').some(([name]) => name === 'EnvironmentFiles')).to.equal(false);
  });

  it('passes Nice= and IOSchedulingClass=/IOSchedulingPriority= to the spawner and shows them', () => {
    const { spec } = build('Nice=5\nIOSchedulingClass=idle', '/bin/true');
    expect([spec.nice, spec.ioSchedulingClass, spec.ioSchedulingPriority]).to.deep.equal([5, 3, 4]);
    const props = new Map(execContextProperties(context('Nice=-3\nIOSchedulingPriority=6'), 'user'));
    expect([props.get('Nice')?.value, props.get('IOSchedulingClass')?.value, props.get('IOSchedulingPriority')?.value]).to.deep.equal([-3, 2, 6]);
    const reset = build('IOSchedulingClass=realtime\nIOSchedulingPriority=1\nIOSchedulingClass=', '/bin/true').spec;
    expect([reset.nice, reset.ioSchedulingClass]).to.deep.equal([undefined, undefined]);
    expect(build('IOSchedulingClass=none\nIOSchedulingPriority=6', '/bin/true').spec.ioSchedulingPriority).to.equal(4);
  });

  it('gives the process Environment= merged across lines, then EnvironmentFile=, with UnsetEnvironment= last', () => {
    const { spec } = build('Environment=A=1 B=1\nEnvironment=A=2\nPassEnvironment=KEEP\nEnvironment=KEEP=own\nUnsetEnvironment=B', '/bin/true');
    expect(spec.env).to.include.members(['A=2', 'KEEP=own']);
    expect(spec.env.some((e) => e.startsWith('B='))).to.equal(false);
  });
});

describe('buildExecSpec and captured output', () => {
  it('closes the streams it opened when the spec cannot be built', async () => {
    const { buildExecSpec, ExecPrepareError } = await import('./exec-spec.js');
    const { readExecContext } = await import('./exec-context.js');
    const opened: Array<{ aborted: boolean }> = [];
    const output = {
      open: () => {
        const s = { fd: 9, aborted: false, spawned() {}, abort() { s.aborted = true; } };
        opened.push(s);
        return s;
      },
    };
    const section = new Map<string, unknown>([['StandardOutput', { kind: 'journal' }], ['EnvironmentFile', [{ path: '/nonexistent/unitkit-env', optional: false }]]]);
    expect(() =>
      buildExecSpec({
        unitName: 'a.service',
        command: { path: '/bin/true', argv: ['/bin/true'], flags: {} } as never,
        context: readExecContext(section),
        scope: 'system',
        managerEnvironment: {},
        output,
      }),
    ).to.throw(ExecPrepareError);
    expect(opened.every((s) => s.aborted)).to.equal(true);
  });
});
