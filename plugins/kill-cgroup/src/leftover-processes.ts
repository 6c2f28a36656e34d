/**
 * What a unitkitd that died without stopping its units (SIGKILL, a crash) left behind: its subtree
 * `unitkit-PID` below the manager's cgroup, with the units' processes still running in it. Left
 * alone they keep their sockets bound (the new manager's sockets fail with EADDRINUSE) and run
 * beside the copies the new manager starts. A manager starting up therefore finds the subtrees
 * of dead managers, says what is in them, kills those processes and removes the directories.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeCgroupTree } from './cgroup-hierarchy.js';
import { processName } from './proc-table.js';

/** One process found in a dead manager's subtree. */
export interface LeftoverProcess {
  pid: number;
  /** The unit whose cgroup holds it (the cgroup directory's name). */
  unit: string;
  /** The pid of the manager that owned the subtree. */
  managerPid: number;
}

/** Pids in a cgroup and every cgroup below it, with the unit each sits in. */
function processesBelow(dir: string, unit: string, managerPid: number, out: LeftoverProcess[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  try {
    for (const l of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (l) out.push({ pid: Number(l), unit, managerPid });
  } catch {
    // Gone meanwhile.
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    // Slices group units; below a unit's own directory everything belongs to that unit.
    const child = unit === '' && e.name.endsWith('.slice') ? '' : unit === '' ? e.name : unit;
    processesBelow(path.join(dir, e.name), child, managerPid, out);
  }
}

/** Whether `pid` is a running manager that may still own its subtree. */
function managerAlive(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`) && pid !== 0;
}

/** The subtrees of managers that are gone, below `ownDir` (the cgroup our manager runs in). */
export function deadManagerSubtrees(ownDir: string): Array<{ dir: string; managerPid: number }> {
  let names: string[];
  try {
    names = fs.readdirSync(ownDir);
  } catch {
    return [];
  }
  const out: Array<{ dir: string; managerPid: number }> = [];
  // As the init of a PID namespace of its own (a container) the manager cannot see the managers of
  // the outer namespace: their pids do not exist here, alive or not. Nothing but its own name is
  // then its to judge.
  if (process.pid === 1) return [];
  for (const name of names) {
    const m = /^unitkit-([0-9]+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid || managerAlive(Number(m[1]))) continue;
    out.push({ dir: path.join(ownDir, name), managerPid: Number(m[1]) });
  }
  return out;
}

/** Blocks the thread briefly: startup waits for killed processes to release their sockets. */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Kills what dead managers left below `ownDir` and removes their subtrees. Each process is
 * reported through `report` before it is killed; returns what was found. Waits up to `waitMs` for
 * the processes to be gone, so that their sockets are free before the new manager binds its own.
 */
export function stopLeftoverProcesses(ownDir: string, report: (p: LeftoverProcess, name: string) => void, waitMs = 2000): LeftoverProcess[] {
  const found: LeftoverProcess[] = [];
  for (const { dir, managerPid } of deadManagerSubtrees(ownDir)) {
    const all: LeftoverProcess[] = [];
    processesBelow(dir, '', managerPid, all);
    // A pid of 0 in cgroup.procs is a process of another PID namespace: the subtree belongs to a
    // manager this one cannot see (it runs in a container sharing the cgroup tree). Leave it.
    if (all.some((p) => p.pid === 0)) continue;
    // Init and this manager are never anyone's left-over, whatever cgroup they were moved into
    // (an older manager accepted MAINPID=1 and migrated pid 1): they are left where they are.
    const spared = all.filter((p) => p.pid <= 1 || p.pid === process.pid);
    const here = all.filter((p) => !spared.includes(p));
    for (const p of here) report(p, processName(p.pid));
    found.push(...here);
    if (here.length > 0) {
      let killedByCgroup = false;
      // cgroup.kill spares nobody: only when nobody in the subtree is to be spared.
      if (spared.length === 0) {
        try {
          fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1');
          killedByCgroup = true;
        } catch {
          // Kernels before 5.14 have no cgroup.kill.
        }
      }
      if (!killedByCgroup) {
        for (const p of here) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
    }
    // A subtree holding a spared process cannot be removed: do not wait for it.
    if (spared.length > 0) continue;
    for (let waited = 0; !removeCgroupTree(dir) && waited < waitMs; waited += 10) sleepMs(10);
  }
  return found;
}
