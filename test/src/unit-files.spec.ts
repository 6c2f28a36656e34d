/**
 * Core on real unit files: @unitkit/unit-file reads a directory, core acts on what it read.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainerModule } from 'inversify';
import { createManager, formatShow, unitFileSourceModule } from '@unitkit/core';
import { createFakes, createTestManager } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { toyModule } from './toy-unit-type.js';

describe('unit files on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-units-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };

  const make = () => {
    const fakes = createFakes();
    const toy = toyModule();
    const toySection = new ContainerModule(() => {});
    const { manager } = createManager({
      modules: [fakes.module, unitFileSourceModule({ scope: 'user', searchPath: [dir] }), targetModule, toy.module, toySection],
    });
    const run = () => fakes.loop.runPending();
    return { manager, fakes, run };
  };

  it('loads fragments, drop-ins, aliases and masks, and starts what a target wants', () => {
    write('app.target', '[Unit]\nDescription=The app\nWants=web.service db.service\n');
    write('web.service', '# comment\n[Unit]\nDescription=first \\\n  second\nAfter=db.service\n');
    write('web.service.d/10-desc.conf', '[Unit]\nDescription=from drop-in\n');
    write('db.service', '[Unit]\nDescription=DB\n');
    fs.symlinkSync(path.join(dir, 'db.service'), path.join(dir, 'database.service'));
    fs.symlinkSync('/dev/null', path.join(dir, 'masked.service'));
    const { manager, run } = make();
    const job = manager.addJob('start', 'app.target');
    run();
    expect(job.result).to.equal('done');
    const web = manager.ref(manager.loadUnit('web.service'));
    expect(web.description).to.equal('from drop-in');
    expect(web.activeState()).to.equal('active');
    expect(formatShow(manager.properties(web), { properties: ['FragmentPath', 'DropInPaths', 'UnitFileState'] })).to.deep.equal([
      `FragmentPath=${dir}/web.service`,
      `DropInPaths=${dir}/web.service.d/10-desc.conf`,
      'UnitFileState=static',
    ]);
    expect(manager.loadUnit('database.service').id).to.equal('db.service');
    expect(() => manager.addJob('start', 'masked.service')).to.throw('Unit masked.service is masked.');
  });

  it('a broken unit file gives a load error with file and line, and every other unit keeps working', () => {
    write('ok.service', '[Unit]\nDescription=fine\n');
    write('broken.service', '[Unit\nDescription=x\n');
    const { manager, run } = make();
    manager.addJob('start', 'ok.service');
    run();
    const broken = manager.ref(manager.loadUnit('broken.service'));
    expect(broken.loadState).to.equal('error');
    expect(broken.loadError).to.match(/broken\.service:1/);
    expect(() => manager.addJob('start', 'broken.service')).to.throw(/failed to load properly/);
    expect(manager.getUnit('ok.service')?.activeState()).to.equal('active');
  });

  it('unknown keys warn with file and line and are ignored', () => {
    write('w.service', '[Unit]\nDescription=w\nNoSuchKey=1\n');
    const t = make();
    const u = t.manager.ref(t.manager.loadUnit('w.service'));
    expect(u.loadState).to.equal('loaded');
    const warning = u.definition!.diagnostics.find((d) => d.key === 'NoSuchKey');
    expect(warning).to.include({ severity: 'warning', line: 3 });
  });

  it('daemon-reload sees edited files', () => {
    write('r.service', '[Unit]\nDescription=before\n');
    const { manager, run } = make();
    const u = manager.ref(manager.loadUnit('r.service'));
    write('r.service', '[Unit]\nDescription=after\n');
    manager.reload();
    run();
    expect(u.description).to.equal('after');
  });

  // As systemd 252 answers NeedDaemonReload= for the same edits (unit_need_daemon_reload()).
  it('NeedDaemonReload= says when a loaded unit\'s files changed on disk, until daemon-reload', () => {
    write('n.service', '[Unit]\nDescription=n\n');
    write('n.service.d/a.conf', '[Unit]\nDescription=drop-in\n');
    const { manager, run } = make();
    const u = manager.ref(manager.loadUnit('n.service'));
    const need = () => formatShow(manager.properties(u), { properties: ['NeedDaemonReload'], value: true })[0];
    const reload = () => {
      manager.reload();
      run();
    };
    const future = (name: string) => {
      const t = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(dir, name), t, t);
    };
    expect(need()).to.equal('no');
    future('n.service');
    expect(need()).to.equal('yes');
    reload();
    expect(need()).to.equal('no');
    future('n.service.d/a.conf');
    expect(need()).to.equal('yes', 'a drop-in edited');
    reload();
    write('n.service.d/b.conf', '[Unit]\n');
    expect(need()).to.equal('yes', 'a drop-in added');
    reload();
    fs.rmSync(path.join(dir, 'n.service.d/a.conf'));
    expect(need()).to.equal('yes', 'a drop-in removed');
    reload();
    write('n.service.d/notes.txt', 'not a drop-in');
    expect(need()).to.equal('no');
    write('service.d/all.conf', '[Unit]\n');
    expect(need()).to.equal('no', 'a drop-in directory made after the last reload is not looked at (systemd\'s unit path cache)');
    fs.rmSync(path.join(dir, 'n.service'));
    expect(need()).to.equal('yes', 'the fragment removed');
  });

  it('the test kit\'s in-memory source needs a reload once a loaded unit is redefined', () => {
    const t = createTestManager({ modules: [targetModule] });
    t.units.add('m.target', { Unit: { Description: 'one' } });
    const u = t.manager.ref(t.manager.loadUnit('m.target'));
    expect(t.manager.unitNeedsDaemonReload(u)).to.equal(false);
    t.units.add('m.target', { Unit: { Description: 'two' } });
    expect(t.manager.unitNeedsDaemonReload(u)).to.equal(true);
    t.manager.reload();
    t.run();
    expect(t.manager.unitNeedsDaemonReload(u)).to.equal(false);
    expect(u.description).to.equal('two');
  });

  it('the test kit parses unit-file text with the same parser', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module, targetModule] });
    t.units.file('a.service', '[Unit]\nRequires=b.service\nAfter=b.service\n[Toy]\nMode=manual\n');
    t.units.file('b.service', '[Unit]\nDescription=B\n');
    const j = t.start('a.service');
    expect(t.state('b.service')).to.equal('active/running');
    expect(j.state).to.equal('running');
  });
});
