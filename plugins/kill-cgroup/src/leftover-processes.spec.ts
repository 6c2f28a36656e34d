/**
 * A manager killed with SIGKILL leaves its units' processes in its cgroup subtree; the next one
 * finds them, says so and stops them before it binds anything.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCgroup2Location, managerSubtreeName, probeWritable } from './cgroup-hierarchy.js';
import { stopLeftoverProcesses } from './leftover-processes.js';
import type { LeftoverProcess } from './leftover-processes.js';

function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('left-over processes of a dead manager', function () {
  this.timeout(10000);
  let ownDir: string;

  before(function () {
    const loc = findCgroup2Location();
    const reason = 'reason' in loc ? loc.reason : probeWritable(path.join(loc.ownDir, `unitkit-probe-${process.pid}`));
    if (!('reason' in loc)) fs.rmSync(path.join(loc.ownDir, `unitkit-probe-${process.pid}`), { recursive: true, force: true });
    if (reason) {
      console.log(`      skipped: no writable cgroup v2: ${reason}`);
      return this.skip();
    }
    ownDir = (loc as { ownDir: string }).ownDir;
  });

  it('are reported with their unit, killed, and the dead manager\'s subtree removed; a live manager\'s is left alone', async () => {
    // A pid that is certainly not running: a process that has exited.
    const deadPid = spawnSync('true').pid!;
    const subtree = path.join(ownDir, `unitkit-${deadPid}`);
    const unitDir = path.join(subtree, 'app.slice', 'left.service');
    fs.mkdirSync(unitDir, { recursive: true });
    // A live manager: any running process will do (not pid 1: a manager that is PID 1 of a PID
    // namespace of its own, run by another test at the same time, names its subtree unitkit-1).
    const liveManager = spawn('sleep', ['100'], { stdio: 'ignore' });
    const live = path.join(ownDir, `unitkit-${liveManager.pid}`);
    fs.mkdirSync(live, { recursive: true });
    const child = spawn('sleep', ['100'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(unitDir, 'cgroup.procs'), String(child.pid));
      const reported: Array<LeftoverProcess & { name: string }> = [];
      const found = stopLeftoverProcesses(ownDir, (p, name) => reported.push({ ...p, name }));
      expect(found.map((p) => p.pid)).to.deep.equal([child.pid]);
      expect(reported).to.deep.equal([{ pid: child.pid, unit: 'left.service', managerPid: deadPid, name: 'sleep' }]);
      expect(alive(child.pid!)).to.equal(false);
      expect(fs.existsSync(subtree)).to.equal(false);
      expect(fs.existsSync(live)).to.equal(true);
    } finally {
      child.kill('SIGKILL');
      liveManager.kill('SIGKILL');
      fs.rmSync(live, { recursive: true, force: true });
      for (const d of [unitDir, path.dirname(unitDir), subtree]) if (fs.existsSync(d)) fs.rmdirSync(d);
    }
  });
});

describe('left-over processes of a manager in another PID namespace', () => {
  it('leaves a subtree alone whose processes read as pid 0 (invisible from here)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-leftover-'));
    try {
      const deadPid = spawnSync('true').pid!;
      const unitDir = path.join(dir, `unitkit-${deadPid}`, 'app.slice', 'other.service');
      fs.mkdirSync(unitDir, { recursive: true });
      fs.writeFileSync(path.join(unitDir, 'cgroup.procs'), '0\n0\n');
      const reported: unknown[] = [];
      expect(stopLeftoverProcesses(dir, (p) => reported.push(p), 0)).to.deep.equal([]);
      expect(reported).to.deep.equal([]);
      expect(fs.existsSync(unitDir)).to.equal(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});


describe('the manager subtree name', () => {
  it('is unitkit-PID, and for pid 1 (a container\'s init) names its PID namespace too, so two inits in one cgroup never share one', () => {
    expect(managerSubtreeName(4242)).to.equal('unitkit-4242');
    expect(managerSubtreeName(1, () => '4026532300')).to.equal('unitkit-1-ns4026532300');
    expect(managerSubtreeName(1, () => undefined)).to.equal('unitkit-1');
    // Our own namespace's is a number, as the kernel names it.
    expect(managerSubtreeName(1)).to.match(/^unitkit-1-ns[0-9]+$/);
  });
});
