import { expect } from 'chai';
import { parseUnitText } from './fragment-parser.js';
import { installSectionTable } from './install-section.js';
import type { DirectiveTable } from './types.js';
import { unitSectionTable } from './unit-section.js';
import { execDirective, environmentDirective, environmentNamesDirective } from './value-directives.js';
import { timeSpanDirective } from './common-parsers.js';

const serviceTable: DirectiveTable = {
  section: 'Service',
  unitTypes: ['service'],
  directives: {
    ExecStart: execDirective(),
    Environment: environmentDirective(),
    PassEnvironment: environmentNamesDirective('pass'),
    UnsetEnvironment: environmentNamesDirective('unset'),
    TimeoutSec: timeSpanDirective(),
  },
};
const tables = [unitSectionTable, installSectionTable, serviceTable];
const parse = (text: string, name = 'foo.service', dropIns?: { text: string; file: string }[]) =>
  parseUnitText(text, { name, tables, file: '/u/' + name, specifiers: { hostname: 'h' }, ...(dropIns ? { dropIns } : {}) });

describe('parseUnitText', () => {
  it('parses [Unit] directives into typed values', () => {
    const r = parseUnitText([
      '[Unit]', 'Description=Foo on %H', 'Documentation=man:foo(1) https://x.org bogus', 'After=a.service b.target', 'After=c.socket',
      'Wants=x@%i.service', 'StopWhenUnneeded=yes', 'JobTimeoutSec=0', 'StartLimitIntervalSec=1min 30s', 'StartLimitBurst=3',
      'OnFailureJobMode=isolate', 'CollectMode=inactive-or-failed', 'FailureAction=reboot', 'SourcePath=/etc//fstab',
      'ConditionPathExists=|!/tmp/x', 'AssertUser=root', 'RequiresMountsFor=/var /home/%i',
    ].join('\n'), { name: 'foo@inst.service', tables, specifiers: { hostname: 'h' } });
    expect(r.failure).to.equal(undefined);
    const u = r.sections.get('Unit')!;
    expect(u.get('Description')).to.equal('Foo on h');
    expect(u.get('Documentation')).to.deep.equal(['man:foo(1)', 'https://x.org']);
    expect(u.get('After')).to.deep.equal(['a.service', 'b.target', 'c.socket']);
    expect(u.get('Wants')).to.deep.equal(['x@inst.service']);
    expect(u.get('StopWhenUnneeded')).to.equal(true);
    expect(u.get('JobTimeoutSec')).to.equal(Infinity);
    expect(u.get('StartLimitIntervalSec')).to.equal(90_000_000);
    expect(u.get('StartLimitBurst')).to.equal(3);
    expect(u.get('OnFailureJobMode')).to.equal('isolate');
    expect(u.get('SourcePath')).to.equal('/etc/fstab');
    expect(u.get('ConditionPathExists')).to.deep.equal([{ kind: 'PathExists', trigger: true, negate: true, param: '/tmp/x' }]);
    expect(u.get('AssertUser')).to.deep.equal([{ kind: 'User', trigger: false, negate: false, param: 'root' }]);
    expect(u.get('RequiresMountsFor')).to.deep.equal(['/var', '/home/inst']);
  });
  it('lets the last scalar win and an empty assignment reset it', () => {
    const u = parse('[Unit]\nDescription=a\nDescription=b\n').sections.get('Unit')!;
    expect(u.get('Description')).to.equal('b');
    expect(parse('[Unit]\nDescription=a\nDescription=\n').sections.get('Unit')!.has('Description')).to.equal(false);
  });
  it('empties a list on an empty assignment, across drop-ins', () => {
    const r = parse('[Service]\nExecStart=/bin/a\nEnvironment=A=1 B=2\n', 'foo.service', [
      { text: '[Service]\nExecStart=\nExecStart=/bin/b x\nEnvironment=\nEnvironment=C=3\n', file: '/d/override.conf' },
    ]);
    const s = r.sections.get('Service')!;
    expect((s.get('ExecStart') as { argv: string[] }[]).map((c) => c.argv)).to.deep.equal([['/bin/b', 'x']]);
    expect(s.get('Environment')).to.deep.equal(['C=3']);
  });
  it('ignores an empty dependency assignment, as systemd cannot reset dependencies', () => {
    expect(parse('[Unit]\nAfter=a.service\nAfter=\n').sections.get('Unit')!.get('After')).to.deep.equal(['a.service']);
  });
  it('resets all conditions on an empty Condition assignment', () => {
    const u = parse('[Unit]\nConditionPathExists=/a\nConditionUser=root\nAssertUser=root\nConditionHost=\nConditionHost=h\n').sections.get('Unit')!;
    expect(u.has('ConditionPathExists')).to.equal(false);
    expect(u.has('ConditionUser')).to.equal(false);
    expect(u.get('ConditionHost')).to.deep.equal([{ kind: 'Host', trigger: false, negate: false, param: 'h' }]);
    expect(u.has('AssertUser')).to.equal(true);
  });
  it('warns about unknown keys and sections with file and line, ignores X- keys', () => {
    const r = parse('[Unit]\nFoo=bar\nX-Foo=bar\nbefore=a.service\n[Socket]\nListenStream=80\n[X-Mine]\nA=b\n');
    expect(r.failure).to.equal(undefined);
    expect(r.diagnostics.map((d) => [d.severity, d.line, d.message])).to.deep.equal([
      ['warning', 5, "Unknown section 'Socket'. Ignoring."],
      ['warning', 2, "Unknown key name 'Foo' in section 'Unit', ignoring."],
      ['warning', 4, "Unknown key name 'before' in section 'Unit', ignoring."],
    ]);
    expect(r.diagnostics[0]!.file).to.equal('/u/foo.service');
  });
  it('logs and ignores a bad non-fatal value', () => {
    const r = parse('[Service]\nTimeoutSec=5\nTimeoutSec=abc\n');
    expect(r.failure).to.equal(undefined);
    expect(r.sections.get('Service')!.get('TimeoutSec')).to.equal(5_000_000);
    expect(r.diagnostics[0]).to.include({ severity: 'warning', line: 3, key: 'TimeoutSec' });
  });
  it('makes the unit bad-setting on a bad fatal value, naming file and line', () => {
    const r = parse('[Unit]\nDescription=x\n[Service]\nExecStart=bin/foo\n');
    expect(r.failure?.state).to.equal('bad-setting');
    expect(r.failure?.message).to.match(/^\/u\/foo\.service:4: Invalid value for ExecStart=: 'bin\/foo'/);
    expect(r.diagnostics.find((d) => d.severity === 'error')).to.include({ file: '/u/foo.service', line: 4, key: 'ExecStart' });
  });
  it('fails the unit for a bad Exec line even with the "-" prefix, as systemd 252 does', () => {
    expect(parse('[Service]\nExecStart=-bin/foo\n').failure?.state).to.equal('bad-setting');
    expect(parse('[Service]\nExecStart=-\n').failure?.state).to.equal('bad-setting');
  });
  it('makes the unit error on an invalid section header', () => {
    expect(parse('[Unit\nDescription=x\n').failure?.state).to.equal('error');
  });
  it('fails an unresolvable specifier in a fatal directive only', () => {
    expect(parse('[Unit]\nDescription=%z\n').failure).to.equal(undefined);
    expect(parse('[Service]\nExecStart=/bin/echo %z\n').failure?.state).to.equal('bad-setting');
  });
  it('accepts deprecated spellings under their current names, with a warning', () => {
    const r = parse('[Unit]\nStartLimitInterval=10\nBindTo=a.service\nOnFailureIsolate=yes\n');
    const u = r.sections.get('Unit')!;
    expect(u.get('StartLimitIntervalSec')).to.equal(10_000_000);
    expect(u.get('BindsTo')).to.deep.equal(['a.service']);
    expect(u.get('OnFailureJobMode')).to.equal('isolate');
    expect(r.diagnostics.filter((d) => d.severity === 'warning')).to.have.length(1);
  });
  // As systemd 252 answers for After=a.service foo@.service bad b.target / Wants=%z.service c.service.
  it('skips invalid names in a dependency list, keeps the rest, instantiates templates', () => {
    const r = parse('[Unit]\nAfter=a.service foo@.service bad b.target\nWants=%z.service c.service\n', 'deps.service');
    expect(r.sections.get('Unit')!.get('After')).to.deep.equal(['a.service', 'foo@deps.service', 'b.target']);
    expect(r.sections.get('Unit')!.get('Wants')).to.deep.equal(['c.service']);
    expect(r.diagnostics).to.have.length(2);
    expect(parse('[Unit]\nAfter=foo@.service\n', 'x@inst.service').sections.get('Unit')!.get('After')).to.deep.equal(['foo@inst.service']);
  });
  // As systemd 252 (systemd-analyze --user verify): 'FailureAction= in user mode specified as
  // "reboot", using "exit-force" instead.'; kexec and halt are not 252 actions at all.
  it('takes a system-only emergency action as exit-force in a user manager, and refuses unknown ones', () => {
    const r = parseUnitText('[Unit]\nFailureAction=reboot\nSuccessAction=exit\nStartLimitAction=kexec\nJobTimeoutAction=poweroff-immediate\n', { name: 'a.service', tables, scope: 'user' });
    const unit = r.sections.get('Unit')!;
    expect(unit.get('FailureAction')).to.equal('exit-force');
    expect(unit.get('JobTimeoutAction')).to.equal('exit-force');
    expect(unit.get('SuccessAction')).to.equal('exit');
    expect(unit.has('StartLimitAction')).to.equal(false);
    expect(r.diagnostics.map((d) => d.message)).to.include.members([
      'FailureAction= in user mode specified as "reboot", using "exit-force" instead.',
    ]);
    const sys = parseUnitText('[Unit]\nFailureAction=reboot-force\n', { name: 'a.service', tables, scope: 'system' });
    expect(sys.sections.get('Unit')!.get('FailureAction')).to.equal('reboot-force');
  });
  // As systemd 252 shows them: Environment= merged in place, PassEnvironment=/UnsetEnvironment= without duplicates.
  it('merges environment settings across lines and drop-ins as systemd does while parsing', () => {
    const r = parse('[Service]\nEnvironment=FOO=base BAR=base\nEnvironment=FOO=tmpl "QUX=a b" FOO=again\nPassEnvironment=HOME PATH HOME\nUnsetEnvironment=BAR X=1 BAR\n', 'env.service', [
      { text: '[Service]\nEnvironment=BAR=drop ZED=1\nPassEnvironment=USER HOME 1BAD\nUnsetEnvironment=X=1 "Y=a b" =bad\n', file: '/d/a.conf' },
    ]);
    const s = r.sections.get('Service')!;
    expect(s.get('Environment')).to.deep.equal(['FOO=again', 'BAR=drop', 'QUX=a b', 'ZED=1']);
    expect(s.get('PassEnvironment')).to.deep.equal(['HOME', 'PATH', 'USER']);
    expect(s.get('UnsetEnvironment')).to.deep.equal(['BAR', 'X=1', 'Y=a b']);
    expect(r.diagnostics.map((d) => d.message)).to.deep.equal([
      'Invalid environment name for PassEnvironment, ignoring: 1BAD',
      'Invalid environment name or assignment UnsetEnvironment, ignoring: =bad',
    ]);
    const reset = parse('[Service]\nEnvironment=A=1\nPassEnvironment=HOME\n', 'env.service', [{ text: '[Service]\nEnvironment=\nEnvironment=A=2 B=1\nPassEnvironment=\n', file: '/d/b.conf' }]);
    expect(reset.sections.get('Service')!.get('Environment')).to.deep.equal(['A=2', 'B=1']);
    expect(reset.sections.get('Service')!.has('PassEnvironment')).to.equal(false);
  });
  it('stores a directive declared with section: in that section, last assignment winning across both', () => {
    const legacy: DirectiveTable = { section: 'Service', unitTypes: ['service'], directives: { StartLimitBurst: { kind: 'scalar', parse: Number, section: 'Unit' } } };
    const t = [unitSectionTable, legacy];
    const r = parseUnitText('[Unit]\nStartLimitBurst=3\n[Service]\nStartLimitBurst=2\n', { name: 'l.service', tables: t });
    expect(r.sections.get('Unit')!.get('StartLimitBurst')).to.equal(2);
    expect(r.sections.get('Service')?.has('StartLimitBurst') ?? false).to.equal(false);
    expect(r.diagnostics).to.deep.equal([]);
  });
  it('keys are case-sensitive', () => expect(parse('[Unit]\ndescription=x\n').sections.get('Unit')?.has('Description') ?? false).to.equal(false));
  it('records the raw assignments for cat', () => expect(parse('[Unit]\nA=1\n').assignments).to.deep.equal([{ file: '/u/foo.service', line: 2, section: 'Unit', key: 'A', value: '1' }]));
});
