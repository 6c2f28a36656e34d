import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCgroupContext, type CgroupContext } from '@unitkit/core';
import { FakeCgroupTree } from '@unitkit/testing';
import { applyResourceControl, notEnforcedText, resourceControlWrites } from './cgroup-resource-control.js';
import { findCgroup2Location } from './cgroup-hierarchy.js';
import { parseIoStat } from './cgroup-unit-scope.js';

const context = (over: Partial<CgroupContext>): CgroupContext => ({ ...defaultCgroupContext(4915), ...over });
const dev = (p: string) => (p === '/dev/vda' ? '254:0' : undefined);

describe('resource control on cgroup v2', () => {
  it('Delegate= enables the delegated controllers the subtree has down to the unit\'s cgroup, with no setting to write', () => {
    const tree = new FakeCgroupTree(['cpu', 'memory', 'pids']);
    try {
      const dir = tree.path('app.slice/d.service');
      fs.mkdirSync(dir, { recursive: true });
      const r = applyResourceControl(tree.root, dir, context({ delegate: true, delegateControllers: ['cpu', 'cpuset', 'io', 'memory', 'pids'] }), { tasksDefault: 4915 });
      for (const d of ['', 'app.slice']) expect(tree.read(path.join(d, 'cgroup.subtree_control')), d).to.equal('+cpu +memory +pids');
      expect(r.notEnforced).to.deep.equal([]);
      const none = new FakeCgroupTree(['memory']);
      try {
        const d2 = none.path('app.slice/e.service');
        fs.mkdirSync(d2, { recursive: true });
        applyResourceControl(none.root, d2, context({ delegate: false }), { tasksDefault: 4915 });
        expect(none.read('cgroup.subtree_control')).to.equal('');
      } finally {
        none.cleanup();
      }
    } finally {
      tree.cleanup();
    }
  });

  it('turns settings into interface-file writes, defaults left out', () => {
    const w = resourceControlWrites(
      context({
        memoryMin: 1024, memoryHigh: 2 ** 30, memoryMax: 2 ** 31, memorySwapMax: 0, cpuWeight: 200, cpuQuotaPerSec: 1_500_000,
        cpuQuotaPeriod: 50_000, allowedCpus: [0, 1, 3], tasksMax: 20, ioWeight: 300,
        ioReadBandwidthMax: [{ path: '/dev/vda', value: 10_000_000 }], ioWriteIopsMax: [{ path: '/dev/vda', value: 2000 }],
      }),
      dev,
      4915,
    );
    expect(w.map((x) => `${x.file}=${x.value}`)).to.deep.equal([
      'memory.min=1024', 'memory.high=1073741824', 'memory.max=2147483648', 'memory.swap.max=0', 'cpu.weight=200', 'cpu.max=75000 50000',
      'cpuset.cpus=0-1,3', 'pids.max=20', 'io.weight=default 300', 'io.max=254:0 rbps=10000000 wiops=2000',
    ]);
    expect(resourceControlWrites(defaultCgroupContext(4915), dev, 4915).map((x) => [x.file, x.implicit])).to.deep.equal([['pids.max', true]]);
    expect(resourceControlWrites(context({ cpuWeight: 0, cpuQuotaPeriod: 20_000 }), dev).map((x) => `${x.file}=${x.value}`)).to.deep.equal([
      'cpu.idle=1', 'cpu.max=max 20000', 'pids.max=4915',
    ]);
  });

  it('enables the controllers down the slice chain and writes the unit cgroup (a fake cgroup tree)', () => {
    const tree = new FakeCgroupTree(['cpu', 'memory', 'pids']);
    try {
      const dir = tree.path('a.slice/a-b.slice/x.service');
      fs.mkdirSync(dir, { recursive: true });
      const r = applyResourceControl(tree.root, dir, context({ memoryMax: 2 ** 30, cpuQuotaPerSec: 500_000, tasksMax: 20 }), { tasksDefault: 4915 });
      for (const d of ['', 'a.slice', 'a.slice/a-b.slice']) expect(tree.read(path.join(d, 'cgroup.subtree_control')), d).to.equal('+memory +cpu +pids');
      expect(tree.read('a.slice/a-b.slice/x.service/memory.max')).to.equal('1073741824');
      expect(tree.read('a.slice/a-b.slice/x.service/cpu.max')).to.equal('50000 100000');
      expect(tree.read('a.slice/a-b.slice/x.service/pids.max')).to.equal('20');
      expect(r.notEnforced).to.deep.equal([]);
      expect(notEnforcedText(r, tree.root)).to.equal(undefined);
    } finally {
      tree.cleanup();
    }
  });

  it('keeps what a missing controller would enforce and says so; a default alone is no news', () => {
    const tree = new FakeCgroupTree(['hugetlb']);
    try {
      const dir = tree.path('app.slice/x.service');
      fs.mkdirSync(dir, { recursive: true });
      const r = applyResourceControl(tree.root, dir, context({ memoryMax: 2 ** 30, tasksMax: 4915 }), { tasksDefault: 4915 });
      expect(tree.read('app.slice/x.service/memory.max')).to.equal(undefined);
      expect(tree.read('cgroup.subtree_control')).to.equal('');
      expect(r.notEnforced).to.deep.equal(['MemoryMax=1073741824']);
      expect(notEnforcedText(r, tree.root)).to.equal(`MemoryMax=1073741824 not enforced: no memory controller in ${tree.root}`);
      const dry = applyResourceControl(tree.root, dir, context({ tasksMax: 30 }), { tasksDefault: 4915, dryRun: true });
      expect(notEnforcedText(dry, tree.root)).to.equal(`TasksMax=30 not enforced: no pids controller in ${tree.root}`);
    } finally {
      tree.cleanup();
    }
  });

  it('sums io.stat', () => {
    expect(parseIoStat('254:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n8:0 rbytes=5 wbytes=0 rios=1 wios=0\n')).to.deep.equal({ rbytes: 15, wbytes: 20, rios: 2, wios: 2 });
  });

  it('writes memory.max in a real cgroup where the memory controller is delegated', function () {
    const loc = findCgroup2Location();
    if ('reason' in loc) {
      console.log(`      (skipped: ${loc.reason})`);
      this.skip();
    }
    const root = path.join(loc.ownDir, `unitkit-rc-test-${process.pid}`);
    try {
      fs.mkdirSync(root);
    } catch (e) {
      console.log(`      (skipped: cannot create ${root}: ${(e as NodeJS.ErrnoException).code})`);
      this.skip();
    }
    try {
      const available = fs.readFileSync(path.join(root, 'cgroup.controllers'), 'utf8').split(/\s+/);
      if (!available.includes('memory')) {
        console.log(`      (skipped: the memory controller is not available in ${root}: cgroup.controllers has "${available.join(' ').trim()}")`);
        this.skip();
      }
      const dir = path.join(root, 'x.service');
      fs.mkdirSync(dir);
      const r = applyResourceControl(root, dir, context({ memoryMax: 64 * 2 ** 20 }));
      expect(r.notEnforced).to.deep.equal([]);
      expect(fs.readFileSync(path.join(dir, 'memory.max'), 'utf8').trim()).to.equal(String(64 * 2 ** 20));
    } finally {
      for (const d of [path.join(root, 'x.service'), root]) {
        try {
          fs.rmdirSync(d);
        } catch {
          // already gone
        }
      }
    }
  });
});
