import { expect } from 'chai';
import { readKillContext } from '@unitkit/core';
import { parseUnitText } from '@unitkit/unit-file';
import { killDirectiveTables, KILL_MODE_NONE_WARNING } from './kill-directives.js';
import { parseCgroup2Location, unitCgroupRelativePath } from './cgroup-hierarchy.js';

const parse = (name: string, text: string) => parseUnitText(text, { name, tables: [...killDirectiveTables] });

describe('kill directives', () => {
  it('parses every setting into [Service], as readKillContext() reads it', () => {
    const r = parse('a.service', '[Service]\nKillMode=mixed\nKillSignal=SIGINT\nSendSIGHUP=yes\nSendSIGKILL=no\nFinalKillSignal=RTMIN+1\nWatchdogSignal=KILL\n');
    expect(r.diagnostics).to.deep.equal([]);
    expect(readKillContext(r.sections.get('Service'))).to.deep.equal({
      killMode: 'mixed', killSignal: 2, restartKillSignal: 2, finalKillSignal: 35, watchdogSignal: 9, sendSIGHUP: true, sendSIGKILL: false,
    });
  });

  it('ignores bad values with a warning, keeping the default (as systemd 252 does)', () => {
    const r = parse('a.service', '[Service]\nKillMode=foo\nKillSignal=SIGFOO\nFinalKillSignal=0\nRestartKillSignal=RTMAX+1\nSendSIGHUP=maybe\n');
    expect(r.failure).to.equal(undefined);
    expect(r.diagnostics.map((d) => d.key)).to.deep.equal(['KillMode', 'KillSignal', 'FinalKillSignal', 'RestartKillSignal', 'SendSIGHUP']);
    expect(readKillContext(r.sections.get('Service'))).to.include({ killMode: 'control-group', killSignal: 15, finalKillSignal: 9, sendSIGHUP: false });
  });

  it('warns about KillMode=none, and an empty assignment restores the default', () => {
    const r = parse('a.service', '[Service]\nKillMode=none\n');
    expect(r.diagnostics[0]!.message).to.contain(KILL_MODE_NONE_WARNING);
    expect(readKillContext(r.sections.get('Service')).killMode).to.equal('none');
    const e = parse('a.service', '[Service]\nKillMode=mixed\nKillMode=\nKillSignal=9\nKillSignal=\n');
    expect(readKillContext(e.sections.get('Service'))).to.include({ killMode: 'control-group', killSignal: 15 });
  });

  it('serves [Socket], [Mount], [Swap], [Scope] of their own unit types only', () => {
    expect(killDirectiveTables.map((t) => [t.section, t.unitTypes])).to.deep.equal([
      ['Service', ['service']], ['Socket', ['socket']], ['Mount', ['mount']], ['Swap', ['swap']], ['Scope', ['scope']],
    ]);
    const r = parse('a.socket', '[Socket]\nKillMode=process\n');
    expect(readKillContext(r.sections.get('Socket')).killMode).to.equal('process');
  });
});

describe('cgroup hierarchy', () => {
  it('finds the cgroup2 mount of a hybrid layout and the manager\'s cgroup in it', () => {
    const mountinfo = [
      '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
      '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    ].join('\n');
    expect(parseCgroup2Location(mountinfo, '1:cpu:/init.scope\n0::/init.scope\n')).to.deep.equal({
      mountPoint: '/sys/fs/cgroup/unified', ownPath: '/init.scope', ownDir: '/sys/fs/cgroup/unified/init.scope',
    });
    expect(parseCgroup2Location(mountinfo, '1:cpu:/\n')).to.have.property('reason').that.match(/no "0::" line/);
    expect(parseCgroup2Location(mountinfo.split('\n').slice(0, 2).join('\n'), '0::/\n')).to.have.property('reason').that.match(/no cgroup2/);
  });

  it('lays units out as systemd does: app.slice (user) or system.slice, instances in a slice of their template', () => {
    expect(unitCgroupRelativePath('foo.service', 'user')).to.equal('app.slice/foo.service');
    expect(unitCgroupRelativePath('foo.service', 'system')).to.equal('system.slice/foo.service');
    expect(unitCgroupRelativePath('foo@bar.service', 'user')).to.equal('app.slice/app-foo.slice/foo@bar.service');
    expect(unitCgroupRelativePath('a-b@1.service', 'system')).to.equal('system.slice/system-a\\x2db.slice/a-b@1.service');
  });
});
