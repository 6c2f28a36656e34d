import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { unitSectionTable } from './unit-section.js';
import { UnitFileLoader } from './unit-file-loader.js';

describe('NeedDaemonReload (unit_need_daemon_reload)', () => {
  let dir: string;
  let loader: UnitFileLoader;
  const later = (p: string) => {
    const t = new Date(Date.now() + 60_000);
    utimesSync(p, t, t);
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'unitkit-ndr-'));
    loader = new UnitFileLoader({ searchPath: [dir], tables: [unitSectionTable], unitFileStates: false });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a fragment edited or removed after loading needs a reload; an older mtime does not', () => {
    writeFileSync(`${dir}/a.target`, '[Unit]\n');
    const def = loader.load('a.target');
    expect(loader.needsDaemonReload(def)).to.equal(false);
    utimesSync(`${dir}/a.target`, new Date(0), new Date(0));
    expect(loader.needsDaemonReload(def)).to.equal(false);
    later(`${dir}/a.target`);
    expect(loader.needsDaemonReload(def)).to.equal(true);
    unlinkSync(`${dir}/a.target`);
    expect(loader.needsDaemonReload(def)).to.equal(true);
  });

  it('a masked unit needs a reload once its mask is gone, not when the mask is touched', () => {
    symlinkSync('/dev/null', `${dir}/m.target`);
    writeFileSync(`${dir}/e.target`, '');
    const masked = loader.load('m.target');
    const empty = loader.load('e.target');
    expect([masked.loadState, empty.loadState]).to.deep.equal(['masked', 'masked']);
    later(`${dir}/e.target`);
    expect(loader.needsDaemonReload(masked)).to.equal(false);
    expect(loader.needsDaemonReload(empty)).to.equal(false);
    unlinkSync(`${dir}/m.target`);
    writeFileSync(`${dir}/e.target`, '[Unit]\n');
    expect(loader.needsDaemonReload(masked)).to.equal(true);
    expect(loader.needsDaemonReload(empty)).to.equal(true);
  });

  it('drop-ins: one added to a known directory, edited or removed needs a reload; other files do not', () => {
    writeFileSync(`${dir}/d.target`, '[Unit]\n');
    mkdirSync(`${dir}/d.target.d`);
    writeFileSync(`${dir}/d.target.d/a.conf`, '[Unit]\n');
    const def = loader.load('d.target');
    expect(def.dropInPaths).to.deep.equal([`${dir}/d.target.d/a.conf`]);
    writeFileSync(`${dir}/d.target.d/readme`, 'x');
    expect(loader.needsDaemonReload(def)).to.equal(false);
    writeFileSync(`${dir}/d.target.d/b.conf`, '[Unit]\n');
    expect(loader.needsDaemonReload(def)).to.equal(true);
    unlinkSync(`${dir}/d.target.d/b.conf`);
    expect(loader.needsDaemonReload(def)).to.equal(false);
    later(`${dir}/d.target.d/a.conf`);
    expect(loader.needsDaemonReload(def)).to.equal(true);
  });

  it('a not-found unit never needs a reload', () => {
    const def = loader.load('nope.target');
    writeFileSync(`${dir}/nope.target`, '[Unit]\n');
    expect(loader.needsDaemonReload(def)).to.equal(false);
  });
});
