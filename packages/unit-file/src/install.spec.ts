import { expect } from 'chai';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatInstallChanges, UnitFileInstaller } from './install.js';

// States checked against `systemctl --root=DIR is-enabled` of systemd 252 on the same layout.
describe('UnitFileInstaller', () => {
  let root: string;
  let inst: UnitFileInstaller;
  const lib = '/usr/lib/systemd/system';
  const put = (p: string, text: string) => {
    mkdirSync(path.dirname(root + p), { recursive: true });
    writeFileSync(root + p, text);
  };
  const link = (target: string, p: string) => {
    mkdirSync(path.dirname(root + p), { recursive: true });
    symlinkSync(target, root + p);
  };
  const isLink = (p: string) => {
    try {
      return lstatSync(root + p).isSymbolicLink() ? readlinkSync(root + p) : undefined;
    } catch {
      return undefined;
    }
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'unitkit-install-'));
    const svc = (extra: string) => `[Service]\nExecStart=/bin/true\n${extra}`;
    put(`${lib}/a.service`, svc('[Install]\nWantedBy=multi-user.target\n'));
    put(`${lib}/b.service`, svc(''));
    put(`${lib}/c.service`, svc('[Install]\nWantedBy=multi-user.target\nAlias=cc.service\n'));
    put(`${lib}/d.service`, svc('[Install]\nAlso=a.service\n'));
    put(`${lib}/e.service`, svc('[Install]\nWantedBy=multi-user.target\n'));
    put(`${lib}/f.service`, svc('[Install]\nWantedBy=multi-user.target\n'));
    put(`${lib}/g.service`, svc('[Install]\nWantedBy=multi-user.target\n'));
    put(`${lib}/t@.service`, svc('[Install]\nWantedBy=multi-user.target\nDefaultInstance=one\n'));
    put(`${lib}/r.service`, svc('[Install]\nRequiredBy=x.target\nWantedBy=y.target z.target\n'));
    link('../a.service', `${lib}/multi-user.target.wants/a.service`);
    link('../b.service', `${lib}/multi-user.target.wants/b.service`);
    link(`${lib}/e.service`, '/run/systemd/system/multi-user.target.wants/e.service');
    link(`${lib}/f.service`, '/etc/systemd/system/other.service');
    link('/dev/null', '/etc/systemd/system/g.service');
    inst = new UnitFileInstaller({ scope: 'system', root, searchPath: ['/etc/systemd/system', '/run/systemd/system', lib] });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('computes the states systemd computes', () => {
    const states = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((u) => [u, inst.state(`${u}.service`)]));
    expect(states).to.deep.equal({ a: 'disabled', b: 'static', c: 'disabled', d: 'indirect', e: 'enabled-runtime', f: 'indirect', g: 'masked' });
    expect(() => inst.state('nope.service')).to.throw(/does not exist/);
  });
  it('lists every unit file once with its state, filtered by pattern and state (unit_file_get_list)', () => {
    const rows = inst.list().map((e) => `${e.name} ${e.state} ${e.path}`).sort();
    expect(rows).to.deep.equal([
      `a.service disabled ${lib}/a.service`,
      `b.service static ${lib}/b.service`,
      `c.service disabled ${lib}/c.service`,
      `d.service indirect ${lib}/d.service`,
      `e.service enabled-runtime ${lib}/e.service`,
      `f.service indirect ${lib}/f.service`,
      'g.service masked /etc/systemd/system/g.service',
      'other.service alias /etc/systemd/system/other.service',
      `r.service disabled ${lib}/r.service`,
      `t@.service disabled ${lib}/t@.service`,
    ]);
    expect(inst.list({ patterns: ['[ab]*', 'g.*'] }).map((e) => e.name).sort()).to.deep.equal(['a.service', 'b.service', 'g.service']);
    expect(inst.list({ states: ['static', 'masked'] }).map((e) => e.name).sort()).to.deep.equal(['b.service', 'g.service']);
  });
  it('reads presets: the first matching line of the *.preset files in name order, enable when none matches', () => {
    put('/usr/lib/systemd/system-preset/90-default.preset', 'enable a.service\ndisable *\n');
    put('/etc/systemd/system-preset/10-local.preset', '# comment\ndisable a.*\nenable b.service\n');
    put('/usr/lib/systemd/system-preset/10-local.preset', 'enable a.service\n');
    expect(['a.service', 'b.service', 'c.service'].map((n) => inst.preset(n))).to.deep.equal(['disabled', 'enabled', 'disabled']);
    const none = new UnitFileInstaller({ scope: 'user', root, searchPath: [lib] });
    expect(none.preset('a.service')).to.equal('enabled');
  });
  it('enables with WantedBy= and Alias=, and reports the changes like systemctl', () => {
    const changes = inst.enable(['c.service']);
    expect(formatInstallChanges(changes)).to.deep.equal([
      `Created symlink ${root}/etc/systemd/system/cc.service \u2192 ${lib}/c.service.`,
      `Created symlink ${root}/etc/systemd/system/multi-user.target.wants/c.service \u2192 ${lib}/c.service.`,
    ]);
    expect(inst.state('c.service')).to.equal('enabled');
    expect(inst.state('cc.service')).to.equal('alias');
    expect(inst.enable(['c.service'])).to.deep.equal([]);
  });
  it('disables by removing every link to the unit', () => {
    inst.enable(['c.service']);
    const changes = inst.disable(['c.service']);
    expect(changes.map((c) => c.type)).to.deep.equal(['unlink', 'unlink']);
    expect(inst.state('c.service')).to.equal('disabled');
    expect(isLink('/etc/systemd/system/g.service')).to.equal('/dev/null');
  });
  it('enables Also= units and RequiredBy=', () => {
    inst.enable(['d.service', 'r.service']);
    expect(isLink('/etc/systemd/system/multi-user.target.wants/a.service')).to.equal(`${lib}/a.service`);
    expect(isLink('/etc/systemd/system/x.target.requires/r.service')).to.equal(`${lib}/r.service`);
    expect(isLink('/etc/systemd/system/z.target.wants/r.service')).to.equal(`${lib}/r.service`);
    expect(inst.state('a.service')).to.equal('enabled');
  });
  it('enables a template with its DefaultInstance, or a given instance', () => {
    inst.enable(['t@.service', 't@two.service']);
    expect(isLink('/etc/systemd/system/multi-user.target.wants/t@one.service')).to.equal(`${lib}/t@.service`);
    expect(isLink('/etc/systemd/system/multi-user.target.wants/t@two.service')).to.equal(`${lib}/t@.service`);
    expect(inst.state('t@.service')).to.equal('enabled');
    expect(inst.state('t@two.service')).to.equal('enabled');
    expect(inst.state('t@three.service')).to.equal('disabled');
    inst.disable(['t@two.service']);
    expect(isLink('/etc/systemd/system/multi-user.target.wants/t@two.service')).to.equal(undefined);
    expect(isLink('/etc/systemd/system/multi-user.target.wants/t@one.service')).to.equal(`${lib}/t@.service`);
    inst.disable(['t@.service']);
    expect(isLink('/etc/systemd/system/multi-user.target.wants/t@one.service')).to.equal(undefined);
  });
  it('enables at runtime', () => {
    inst.enable(['a.service'], { runtime: true });
    expect(inst.state('a.service')).to.equal('enabled-runtime');
  });
  it('masks and unmasks', () => {
    expect(formatInstallChanges(inst.mask(['b.service']))).to.deep.equal([`Created symlink ${root}/etc/systemd/system/b.service \u2192 /dev/null.`]);
    expect(inst.state('b.service')).to.equal('masked');
    expect(formatInstallChanges(inst.unmask(['b.service', 'g.service']))).to.deep.equal([
      `Removed "${root}/etc/systemd/system/b.service".`, `Removed "${root}/etc/systemd/system/g.service".`,
    ]);
    expect(inst.state('g.service')).to.equal('disabled');
    expect(existsSync(`${root}${lib}/b.service`)).to.equal(true);
  });
  it('refuses to enable a masked unit and to mask over a real file', () => {
    expect(() => inst.enable(['g.service'])).to.throw(/masked/);
    put('/etc/systemd/system/h.service', '[Service]\nExecStart=/bin/true\n');
    expect(() => inst.mask(['h.service'])).to.throw(/already exists/);
  });
  it('reads [Install] with specifiers', () => {
    put(`${lib}/s@.service`, '[Install]\nWantedBy=%p-%i.target\nAlias=x@%i.service\n');
    const info = inst.installInfo('s@q.service');
    expect(info.wantedBy).to.deep.equal(['s-q.target']);
    expect(info.alias).to.deep.equal(['x@q.service']);
  });
});

describe('UnitFileInstaller with a unit directory before the configuration directories', () => {
  it('counts links in the configuration directory as enabled wherever it sits in the path (a trailing-colon unit path)', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'unitkit-install-order-'));
    try {
      mkdirSync(`${root}/units`, { recursive: true });
      writeFileSync(`${root}/units/w.service`, '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=default.target\n');
      const inst = new UnitFileInstaller({
        scope: 'user',
        root,
        searchPath: ['/units', '/config/systemd/user', '/usr/lib/systemd/user'],
        configDirs: { persistent: '/config/systemd/user', runtime: '/run/user/systemd/user' },
      });
      expect(inst.state('w.service')).to.equal('disabled');
      inst.enable(['w.service']);
      expect(lstatSync(`${root}/config/systemd/user/default.target.wants/w.service`).isSymbolicLink()).to.equal(true);
      expect(inst.state('w.service')).to.equal('enabled');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
