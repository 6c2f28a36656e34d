import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installSectionTable } from './install-section.js';
import type { DirectiveTable } from './types.js';
import { UnitFileLoader } from './unit-file-loader.js';
import { unitSectionTable } from './unit-section.js';
import { environmentDirective, execDirective } from './value-directives.js';

const serviceTable: DirectiveTable = {
  section: 'Service', unitTypes: ['service'],
  directives: { ExecStart: execDirective(), Environment: environmentDirective() },
};

describe('UnitFileLoader', () => {
  let root: string;
  let etc: string, run: string, lib: string;
  let loader: UnitFileLoader;
  const put = (p: string, text: string) => {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  const link = (target: string, p: string) => {
    mkdirSync(path.dirname(p), { recursive: true });
    symlinkSync(target, p);
  };

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'unitkit-loader-'));
    etc = `${root}/etc`; run = `${root}/run`; lib = `${root}/lib`;
    put(`${lib}/a.service`, '[Unit]\nDescription=A\n[Service]\nExecStart=/bin/a\nEnvironment=FROM=fragment\n[Install]\nWantedBy=multi.target\n');
    link('a.service', `${lib}/b.service`);
    put(`${lib}/a.service.d/10-x.conf`, '[Unit]\nDescription=from lib 10\n');
    put(`${etc}/a.service.d/10-x.conf`, '[Unit]\nDescription=from etc 10\n');
    put(`${lib}/a.service.d/20-y.conf`, '[Service]\nEnvironment=Y=1\n');
    put(`${lib}/a.service.d/.hidden.conf`, '[Unit]\nDescription=hidden\n');
    put(`${lib}/a.service.d/notes.txt`, 'not a drop-in');
    put(`${lib}/b.service.d/alias.conf`, '[Service]\nEnvironment=ALIAS=1\n');
    put(`${lib}/service.d/05-all.conf`, '[Service]\nEnvironment=ALL=1\n');
    put(`${lib}/multi.target`, '[Unit]\nDescription=Multi\n');
    link('../a.service', `${lib}/multi.target.wants/a.service`);
    link('../tpl@.service', `${lib}/multi.target.wants/tpl@.service`);
    put(`${lib}/c.service`, '[Service]\nExecStart=/bin/c\n');
    link('/dev/null', `${etc}/c.service`);
    put(`${lib}/empty.service`, '');
    put(`${lib}/tpl@.service`, '[Unit]\nDescription=T %i %I\n[Service]\nExecStart=/bin/t %i\n');
    put(`${lib}/tpl@special.service`, '[Unit]\nDescription=special\n');
    put(`${lib}/tpl@.service.d/50.conf`, '[Service]\nEnvironment=T=template\n');
    put(`${lib}/tpl@x.service.d/60.conf`, '[Service]\nEnvironment=T=instance\n');
    link('tpl@.service', `${lib}/alias-tpl@.service`);
    put(`${lib}/tpl@.service.wants/dep@.service`, '');
    put(`${lib}/foo-bar-baz.service`, '[Service]\nExecStart=/bin/f\n');
    put(`${lib}/foo-.service.d/10.conf`, '[Unit]\nDescription=foo-\n');
    put(`${lib}/foo-bar-.service.d/20.conf`, '[Unit]\nDescription=foo-bar-\n');
    put(`${lib}/foo-bar-.service.d/10.conf`, '[Unit]\nDescription=foo-bar- 10\n');
    put(`${lib}/bad.service`, '[Unit]\nDescription=bad\n[Service]\nExecStart=relative/x\n');
    put(`${lib}/broken.service`, '[Unit\n');
    put(`${run}/r.service`, '[Service]\nExecStart=/bin/r\n');
    put(`${lib}/r.service`, '[Service]\nExecStart=/bin/never\n');
    put(`${lib}/warn.service`, '[Unit]\nBogus=1\n[Service]\nExecStart=/bin/w\n');
    loader = new UnitFileLoader({
      searchPath: [etc, run, lib], tables: [unitSectionTable, installSectionTable, serviceTable], specifiers: { hostname: 'h' },
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const env = (name: string) => loader.load(name).sections.get('Service')?.get('Environment');

  it('loads a fragment with drop-ins in lexical order, higher directories overriding same names', () => {
    const d = loader.load('a.service');
    expect(d.loadState).to.equal('loaded');
    expect(d.fragmentPath).to.equal(`${lib}/a.service`);
    expect(d.dropInPaths).to.deep.equal([`${lib}/service.d/05-all.conf`, `${etc}/a.service.d/10-x.conf`, `${lib}/a.service.d/20-y.conf`, `${lib}/b.service.d/alias.conf`]);
    expect(d.sections.get('Unit')!.get('Description')).to.equal('from etc 10');
    expect(d.sections.get('Service')!.get('Environment')).to.deep.equal(['FROM=fragment', 'ALL=1', 'Y=1', 'ALIAS=1']);
  });
  it('resolves an alias symlink to the unit it names, with all names', () => {
    const d = loader.load('b.service');
    expect(d.id).to.equal('a.service');
    expect(d.names).to.deep.equal(['a.service', 'b.service']);
    expect(loader.load('a.service').names).to.deep.equal(['a.service', 'b.service']);
  });
  it('adds dependencies from .wants directories, instantiating templates', () => {
    const d = loader.load('multi.target');
    expect(d.sections.get('Unit')!.get('Wants')).to.deep.equal(['a.service']);
    expect(d.diagnostics.some((x) => /template unit tpl@\.service/.test(x.message))).to.equal(true);
    expect(loader.load('tpl@q.service').sections.get('Unit')!.get('Wants')).to.deep.equal(['dep@q.service']);
  });
  it('masks by /dev/null symlink and by empty file', () => {
    expect(loader.load('c.service').loadState).to.equal('masked');
    expect(loader.load('c.service').fragmentPath).to.equal(`${etc}/c.service`);
    expect(loader.load('empty.service').loadState).to.equal('masked');
  });
  it('reports not-found', () => {
    const d = loader.load('nope.service');
    expect(d.loadState).to.equal('not-found');
    expect(d.fragmentPath).to.equal(undefined);
  });
  it('loads slices without a fragment', () => expect(loader.load('nope.slice').loadState).to.equal('loaded'));
  it('refuses an invalid or template name', () => {
    expect(loader.load('foo').loadState).to.equal('error');
    expect(loader.load('tpl@.service').loadState).to.equal('error');
  });
  it('instantiates templates with specifiers and template+instance drop-ins', () => {
    const d = loader.load('tpl@x.service');
    expect(d.fragmentPath).to.equal(`${lib}/tpl@.service`);
    expect(d.instance).to.equal('x');
    expect(d.template).to.equal('tpl@.service');
    expect(d.sections.get('Unit')!.get('Description')).to.equal('T x x');
    expect(d.dropInPaths).to.deep.equal([`${lib}/service.d/05-all.conf`, `${lib}/tpl@.service.d/50.conf`, `${lib}/tpl@x.service.d/60.conf`]);
    expect(env('tpl@x.service')).to.deep.equal(['ALL=1', 'T=instance']);
  });
  it('prefers an instance file over the template', () => {
    expect(loader.load('tpl@special.service').sections.get('Unit')!.get('Description')).to.equal('special');
  });
  it('follows template aliases for instances', () => {
    const d = loader.load('alias-tpl@y.service');
    expect(d.id).to.equal('tpl@y.service');
    expect(d.names).to.include('alias-tpl@y.service');
  });
  it('applies "-" prefix drop-ins, more specific ones winning', () => {
    const d = loader.load('foo-bar-baz.service');
    expect(d.dropInPaths).to.deep.equal([`${lib}/service.d/05-all.conf`, `${lib}/foo-bar-.service.d/10.conf`, `${lib}/foo-bar-.service.d/20.conf`]);
    expect(d.sections.get('Unit')!.get('Description')).to.equal('foo-bar-');
  });
  it('makes a bad fatal value bad-setting with file and line', () => {
    const d = loader.load('bad.service');
    expect(d.loadState).to.equal('bad-setting');
    expect(d.loadError).to.equal(`${lib}/bad.service:4: Invalid value for ExecStart=: 'relative/x' (Neither a valid executable name nor an absolute path: relative/x)`);
  });
  it('makes a file systemd refuses error', () => expect(loader.load('broken.service').loadState).to.equal('error'));
  it('lets the first search directory win', () => expect(loader.load('r.service').fragmentPath).to.equal(`${run}/r.service`));
  it('loads with warnings for unknown keys', () => {
    const d = loader.load('warn.service');
    expect(d.loadState).to.equal('loaded');
    expect(d.diagnostics.map((x) => [x.file, x.line, x.severity])).to.deep.equal([[`${lib}/warn.service`, 2, 'warning']]);
  });
  it('reports unit file states', () => {
    expect(loader.load('a.service').unitFileState).to.equal('disabled');
    expect(loader.load('multi.target').unitFileState).to.equal('static');
  });
  it('lists unit files', () => expect(loader.listUnitFileNames()).to.include.members(['a.service', 'b.service', 'tpl@.service']));
});
