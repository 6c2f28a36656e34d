import { expect } from 'chai';
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestManager, type TestManager } from '@unitkit/testing';
import { IN, formatShow, type Unit } from '@unitkit/core';
import { serviceModule } from '@unitkit/plugin-service';
import { targetModule } from '@unitkit/plugin-target';
import { pathModule } from './path-module.js';
import type { PathData } from './path-unit-type.js';
import { globFirst, directoryNotEmpty } from './path-checks.js';

describe('PathUnitType', () => {
  let t: TestManager;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unitkit-path-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const make = (files: Record<string, string>, scope: 'user' | 'system' = 'user') => {
    t = createTestManager({ modules: [pathModule, serviceModule, targetModule], options: { scope } });
    for (const [name, text] of Object.entries({ 'basic.target': '', ...files })) t.units.file(name, text.replaceAll('@DIR@', dir));
    return t;
  };
  const unit = (name = 'p.path') => t.unit(name) as Unit<PathData>;
  const ids = (us: Iterable<Unit>) => [...us].map((u) => u.id).sort();
  const show = (name: string, ...props: string[]) => formatShow(t.manager.properties(t.unit(name)), { properties: props }).map((l) => `${l}\n`).join('');
  const state = (name: string) => t.state(name);
  const oneshot = '[Service]\nType=oneshot\nExecStart=/bin/true\n';
  const finishService = () => {
    t.loop.runPending();
    t.spawner.last().exit(0);
    t.loop.runPending();
  };

  describe('loading', () => {
    it('triggers its service, before it, requires the mounts of its paths, with default dependencies', () => {
      make({ 'p.path': '[Path]\nPathExists=/run/x//y/\nDirectoryNotEmpty=/var/spool/q\n', 'p.service': oneshot });
      expect(ids(unit().dependencies('Triggers'))).to.deep.equal(['p.service']);
      expect(ids(unit().dependencies('Before'))).to.deep.equal(['p.service', 'paths.target', 'shutdown.target']);
      expect(ids(unit().dependencies('Conflicts'))).to.deep.equal(['shutdown.target']);
      expect(unit().settings.requiresMountsFor).to.deep.equal(['/run/x/y', '/var/spool/q']);
      expect(show('p.path', 'Unit', 'Paths', 'MakeDirectory', 'DirectoryMode', 'Result', 'TriggerLimitIntervalUSec', 'TriggerLimitBurst')).to.equal(
        'Unit=p.service\nPaths=/var/spool/q (DirectoryNotEmpty)\nPaths=/run/x/y (PathExists)\nMakeDirectory=no\nDirectoryMode=0755\nResult=success\nTriggerLimitIntervalUSec=2s\nTriggerLimitBurst=200\n',
      );
    });

    it('refuses a path unit without paths, and ignores a relative path', () => {
      make({ 'p.path': '[Path]\nPathExists=relative/x\nMakeDirectory=yes\n' });
      expect(unit().loadState).to.equal('bad-setting');
      expect(t.logger.find('Path is not absolute, ignoring: relative/x')).to.not.equal(undefined);
    });
  });

  describe('PathExists=', () => {
    it('waits with watches from / down to the deepest existing directory, and runs when the file appears', () => {
      make({ 'p.path': '[Path]\nPathExists=@DIR@/sub/flag\n', 'p.service': oneshot });
      t.job('start', 'p.path');
      expect(state('p.path')).to.equal('active/waiting');
      const watched = t.inotify.watches().map((w) => w.path);
      expect(watched[0]).to.equal('/');
      expect(watched).to.include(dir);
      expect(watched).to.not.include(join(dir, 'sub'));
      // The directory appears: the watch on its parent fires, the unit watches one level deeper.
      mkdirSync(join(dir, 'sub'));
      t.inotify.emit(dir, IN.CREATE, 'sub');
      expect(state('p.path')).to.equal('active/waiting');
      expect(t.inotify.watches().map((w) => w.path)).to.include(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'flag'), '');
      t.inotify.emit(join(dir, 'sub'), IN.CREATE, 'flag');
      t.loop.runPending();
      expect(state('p.path')).to.equal('active/running');
      expect(state('p.service')).to.equal('activating/start');
      expect(t.inotify.openFds()).to.deep.equal([]);
      // The file is gone before the service ends: back to waiting.
      rmSync(join(dir, 'sub', 'flag'));
      finishService();
      expect(state('p.path')).to.equal('active/waiting');
    });

    it('runs at once when the path already exists, and again while it stays, until the trigger limit', () => {
      writeFileSync(join(dir, 'flag'), '');
      make({ 'p.path': '[Path]\nPathExists=@DIR@/flag\nTriggerLimitBurst=3\n', 'p.service': oneshot });
      t.job('start', 'p.path');
      expect(state('p.path')).to.equal('active/running');
      finishService();
      finishService();
      expect(state('p.path')).to.equal('active/running');
      finishService();
      expect(state('p.path')).to.equal('failed/failed');
      expect(show('p.path', 'Result')).to.equal('Result=trigger-limit-hit\n');
      expect(t.logger.find('Trigger limit hit, refusing further activation.')).to.not.equal(undefined);
    });
  });

  describe('PathChanged= and PathModified=', () => {
    it('PathChanged= runs on a close after writing to the path, not on other events of its directory', () => {
      writeFileSync(join(dir, 'conf'), 'a');
      make({ 'p.path': '[Path]\nPathChanged=@DIR@/conf\n', 'p.service': oneshot });
      t.job('start', 'p.path');
      expect(state('p.path')).to.equal('active/waiting');
      t.inotify.emit(dir, IN.CREATE, 'other');
      expect(state('p.path')).to.equal('active/waiting');
      const primary = t.inotify.watches().find((w) => w.path === join(dir, 'conf'))!;
      expect(primary.mask & IN.MODIFY).to.equal(0);
      expect(primary.mask & IN.CLOSE_WRITE).to.not.equal(0);
      t.inotify.emit(join(dir, 'conf'), IN.CLOSE_WRITE);
      t.loop.runPending();
      expect(state('p.path')).to.equal('active/running');
      finishService();
      expect(state('p.path')).to.equal('active/waiting');
    });

    it('PathModified= also watches every write', () => {
      writeFileSync(join(dir, 'log'), '');
      make({ 'p.path': '[Path]\nPathModified=@DIR@/log\n', 'p.service': oneshot });
      t.job('start', 'p.path');
      t.inotify.emit(join(dir, 'log'), IN.MODIFY);
      t.loop.runPending();
      expect(state('p.path')).to.equal('active/running');
    });

    it('PathChanged= runs when the path appears after the start', () => {
      make({ 'p.path': '[Path]\nPathChanged=@DIR@/late\n', 'p.service': oneshot });
      t.job('start', 'p.path');
      expect(state('p.path')).to.equal('active/waiting');
      writeFileSync(join(dir, 'late'), '');
      t.inotify.emit(dir, IN.CREATE, 'late');
      t.loop.runPending();
      expect(state('p.path')).to.equal('active/running');
    });
  });

  describe('DirectoryNotEmpty= and MakeDirectory=', () => {
    it('creates the directory with DirectoryMode= and runs when an entry that is not hidden or a backup appears', () => {
      make({ 'p.path': '[Path]\nDirectoryNotEmpty=@DIR@/spool\nMakeDirectory=yes\nDirectoryMode=0700\n', 'p.service': oneshot });
      t.job('start', 'p.path');
      expect(statSync(join(dir, 'spool')).mode & 0o777).to.equal(0o700);
      expect(state('p.path')).to.equal('active/waiting');
      writeFileSync(join(dir, 'spool', '.hidden'), '');
      writeFileSync(join(dir, 'spool', 'job~'), '');
      t.inotify.emit(join(dir, 'spool'), IN.CREATE, '.hidden');
      expect(state('p.path')).to.equal('active/waiting');
      writeFileSync(join(dir, 'spool', 'job'), '');
      t.inotify.emit(join(dir, 'spool'), IN.CREATE, 'job');
      t.loop.runPending();
      expect(state('p.path')).to.equal('active/running');
    });
  });

  it('stop drops the watches', () => {
    make({ 'p.path': '[Path]\nPathExists=@DIR@/none\n', 'p.service': oneshot });
    t.job('start', 'p.path');
    expect(t.inotify.openFds()).to.have.length(1);
    t.job('stop', 'p.path');
    expect(state('p.path')).to.equal('inactive/dead');
    expect(t.inotify.openFds()).to.deep.equal([]);
  });

  it('globs and empty directories as glob(3) and dir_is_empty() see them', () => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'x.conf'), '');
    writeFileSync(join(dir, 'a', '.y.conf'), '');
    expect(globFirst(`${dir}/*/*.conf`)).to.equal(join(dir, 'a', 'x.conf'));
    expect(globFirst(`${dir}/*/*.txt`)).to.equal(undefined);
    expect(globFirst(`${dir}/a/.*.conf`)).to.equal(join(dir, 'a', '.y.conf'));
    expect(directoryNotEmpty(join(dir, 'a'))).to.equal(true);
    expect(directoryNotEmpty(join(dir, 'missing'))).to.equal(false);
  });
});
