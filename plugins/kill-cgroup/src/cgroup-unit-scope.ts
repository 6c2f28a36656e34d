/**
 * The cgroup v2 backend of one unit: a directory `…/app.slice/foo.service` that every process of the
 * unit joins before exec and cannot leave without privileges, so enumeration (cgroup.procs), killing
 * and empty detection (cgroup.events "populated 0", raised as POLLPRI) are exact — what systemd does
 * on the unified hierarchy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scopeProperties } from './scope-properties.js';
import { signalUntilSettled } from './signal-until-settled.js';
import { applyResourceControl, notEnforcedText, type ResourceControlResult } from './cgroup-resource-control.js';
import { defaultTasksMax } from './default-tasks-max.js';
import type { PropertyList } from '@unitkit/core';
import type { EventLoop, FdWatch, ProcessSpawner, Unit, UnitScope } from '@unitkit/core';

const SIGKILL = 9;

/** What a CgroupUnitScope needs from its ProcessScopes. */
export interface CgroupUnitScopeContext {
  loop: EventLoop;
  spawner: ProcessSpawner;
  /** The cgroup2 mount point (ControlGroup= is relative to it). */
  mountPoint: string;
  /** The manager's subtree the unit's directory sits in. */
  root: string;
}

/** Reads a small kernfs file from offset 0 (a fresh read is what re-arms POLLPRI). */
function readAt0(fd: number): string {
  const buf = Buffer.alloc(256);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  return buf.toString('utf8', 0, n);
}

/** Parses "populated 1\nfrozen 0\n". */
export function parsePopulated(eventsText: string): boolean {
  return /^populated 1$/m.test(eventsText);
}

/** One unit's cgroup. */
export class CgroupUnitScope implements UnitScope {
  readonly backend = 'cgroup' as const;
  /** The absolute directory of the unit's cgroup. */
  dir: string;
  controlGroup: string;
  readonly description: string;
  private eventsFd: number | undefined;
  private watch: FdWatch | undefined;
  /** Whether we have seen the cgroup populated since it was last reported empty. */
  private populated = false;

  constructor(
    readonly unit: Unit,
    /** "app.slice/foo.service": the path below the manager's subtree ('' for the root slice). */
    public relativePath: string,
    private readonly ctx: CgroupUnitScopeContext,
  ) {
    this.dir = path.join(ctx.root, relativePath);
    this.controlGroup = '/' + path.relative(ctx.mountPoint, this.dir);
    this.description =
      `cgroup v2 (${this.dir}): every process the unit forks stays in its cgroup, so stop, kill and ` +
      `empty detection cover them all; resource-control settings are written where the manager's subtree has the controller ` +
      `(tasks are counted from cgroup.threads where pids.current is missing)`;
  }

  /**
   * Moves the scope to another place in the tree (Slice= changed at a daemon-reload). Only while
   * the cgroup is empty: running processes stay where they are until the unit is started again,
   * as in systemd.
   */
  retarget(relativePath: string): void {
    if (relativePath === this.relativePath || !this.isEmpty()) return;
    this.stopWatching();
    this.relativePath = relativePath;
    this.dir = path.join(this.ctx.root, relativePath);
    this.controlGroup = '/' + path.relative(this.ctx.mountPoint, this.dir);
  }

  prepare(): string | undefined {
    fs.mkdirSync(this.dir, { recursive: true });
    const c = this.unit.cgroupContext;
    if (c) {
      this.resourceControl = applyResourceControl(this.ctx.root, this.dir, c, { tasksDefault: this.tasksDefault() });
      if (this.resourceControl.enforced.length > 0) this.unit.log('debug', `Applied ${this.resourceControl.enforced.join(', ')} to ${this.controlGroup}.`);
    }
    this.startWatching();
    return this.dir;
  }

  /** See UnitScope.delegateTo: root's processes need nothing handed over. */
  delegateTo(uid: number, gid: number): void {
    if (!this.unit.cgroupContext?.delegate || (uid === 0 && gid === 0)) return;
    for (const f of ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads']) {
      try {
        fs.chownSync(path.join(this.dir, f), uid, gid);
      } catch (e) {
        this.unit.log('warning', `Failed to delegate ${path.join(this.controlGroup, f)} to ${uid}:${gid}: ${(e as Error).message}`);
      }
    }
  }

  /** What the last prepare() applied. */
  private resourceControl: ResourceControlResult | undefined;

  /** The TasksMax= a unit of this type gets when it sets none. */
  private tasksDefault(): number {
    return this.unit.type.suffix === 'slice' ? Infinity : defaultTasksMax();
  }

  /** Which settings are not enforced: as the last start found, or as a start would find now. */
  resourceControlNote(): string | undefined {
    const c = this.unit.cgroupContext;
    if (!c) return undefined;
    const r = this.resourceControl ?? applyResourceControl(this.ctx.root, this.dir, c, { tasksDefault: this.tasksDefault(), dryRun: true });
    return notEnforcedText(r, this.ctx.root);
  }

  add(pid: number): void {
    // The spawner placed the child before exec; a pid that is elsewhere (a spawner that ignores
    // cgroupPath, a process adopted later) is moved in, as systemd's unit_attach_pids() does.
    if (!this.contains(pid)) {
      try {
        fs.mkdirSync(this.dir, { recursive: true });
        fs.writeFileSync(path.join(this.dir, 'cgroup.procs'), `${pid}\n`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') this.unit.log('warning', `Failed to move process ${pid} into ${this.controlGroup}: ${(e as Error).message}`);
      }
    }
    this.startWatching();
    if (!this.isEmpty()) this.populated = true;
  }

  /**
   * Whether `pid` is in this cgroup or below it, by /proc/PID/cgroup — which still names the cgroup
   * of a zombie, whereas cgroup.procs no longer lists it: a process that sent a notify datagram and
   * exited at once is still attributed to its unit until it is reaped (systemd looks up a notify
   * sender the same way).
   */
  contains(pid: number): boolean {
    try {
      const line = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
      const p = line?.slice(3);
      return p !== undefined && (p === this.controlGroup || p.startsWith(this.controlGroup + '/'));
    } catch {
      return false;
    }
  }

  pids(): number[] {
    const out = new Set<number>();
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        for (const s of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (s) out.add(Number(s));
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      // Sub-cgroups (a unit that manages its own, Delegate=-style) belong to the unit too.
      for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
    };
    walk(this.dir);
    return [...out].sort((a, b) => a - b);
  }

  isEmpty(): boolean {
    try {
      return !parsePopulated(fs.readFileSync(path.join(this.dir, 'cgroup.events'), 'utf8'));
    } catch {
      return true;
    }
  }

  signalAll(signal: number, except?: ReadonlySet<number>): number {
    // cgroup.kill is race-free against forks, but spares nobody: use it only when nobody is spared.
    if (signal === SIGKILL && (!except || except.size === 0 || this.pids().every((p) => !except.has(p)))) {
      const n = this.pids().length;
      if (n === 0) return 0;
      try {
        fs.writeFileSync(path.join(this.dir, 'cgroup.kill'), '1');
        return n;
      } catch {
        // Kernels before 5.14 have no cgroup.kill: fall through to the loop.
      }
    }
    return signalUntilSettled(() => this.pids(), (pid, sig) => this.ctx.spawner.kill(pid, sig), signal, except);
  }

  /** Slice=, ControlGroup=, TasksCurrent=… for `show`. */
  properties(active: boolean): PropertyList {
    return scopeProperties(this, { active });
  }

  stats(): { tasks?: number; memory?: number; cpuNsec?: number; io?: { rbytes: number; wbytes: number; rios: number; wios: number } } {
    const read = (f: string): string | undefined => {
      try {
        return fs.readFileSync(path.join(this.dir, f), 'utf8');
      } catch {
        return undefined;
      }
    };
    if (!fs.existsSync(this.dir)) return {};
    // systemd reads each counter only when its accounting is on (Memory/Tasks by default, CPU/IO not).
    const acct = this.unit.cgroupContext ?? { memoryAccounting: true, tasksAccounting: true, cpuAccounting: false, ioAccounting: false };
    const out: ReturnType<CgroupUnitScope['stats']> = {};
    const pidsCurrent = read('pids.current');
    if (!acct.tasksAccounting) {
      // not counted
    } else if (pidsCurrent !== undefined) out.tasks = Number(pidsCurrent.trim());
    else {
      // No pids controller on this hierarchy: count the threads ourselves (what pids.current counts).
      let n = 0;
      const walk = (dir: string): void => {
        try {
          n += fs.readFileSync(path.join(dir, 'cgroup.threads'), 'utf8').split('\n').filter(Boolean).length;
          for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
        } catch {
          /* vanished meanwhile */
        }
      };
      walk(this.dir);
      out.tasks = n;
    }
    const mem = acct.memoryAccounting ? read('memory.current') : undefined;
    if (mem !== undefined) out.memory = Number(mem.trim());
    // cpu.stat's usage_usec is there without the cpu controller (cgroup v2 core statistics).
    const usage = acct.cpuAccounting ? /^usage_usec (\d+)$/m.exec(read('cpu.stat') ?? '') : null;
    if (usage) out.cpuNsec = Number(usage[1]) * 1000;
    const io = acct.ioAccounting ? read('io.stat') : undefined;
    if (io !== undefined) out.io = parseIoStat(io);
    return out;
  }

  release(): void {
    this.stopWatching();
    this.populated = false;
    // rmdir fails with EBUSY while processes are left (KillMode=process…): the directory then stays,
    // as systemd leaves the cgroup of a unit whose leftovers it was told not to kill.
    if (!this.isEmpty()) return;
    // The root slice is the manager's subtree itself: it goes when the manager does.
    if (this.relativePath === '') return;
    // A slice's own cgroup may still hold the (empty) cgroups of units that are merely stopped.
    if (this.unit.type.suffix === 'slice') removeCgroupTreeIfEmpty(this.dir);
    else if (!removeDir(this.dir)) return;
    // Without slice units, nobody else removes the slices' directories: empty ones go up to the
    // manager's subtree. Slice units remove their own when they stop.
    if (this.unit.slice()) return;
    for (let d = path.dirname(this.dir); d.startsWith(this.ctx.root + '/'); d = path.dirname(d)) if (!removeDir(d)) break;
  }

  /** Whether the cgroup directory exists now (the unit was started and not yet released). */
  exists(): boolean {
    return fs.existsSync(this.dir);
  }

  /** The cgroup's inode number: systemd's ControlGroupId= on cgroup v2. */
  id(): number {
    try {
      return fs.statSync(this.dir).ino;
    } catch {
      return 0;
    }
  }

  /** Closes the events watch (the manager is going away). */
  dispose(): void {
    this.stopWatching();
  }

  private startWatching(): void {
    if (this.watch) return;
    try {
      this.eventsFd = fs.openSync(path.join(this.dir, 'cgroup.events'), 'r');
    } catch {
      return;
    }
    this.populated ||= parsePopulated(readAt0(this.eventsFd));
    this.watch = this.ctx.loop.watchFd(this.eventsFd, { priority: true }, () => this.onEvents());
  }

  private stopWatching(): void {
    this.watch?.dispose();
    this.watch = undefined;
    if (this.eventsFd !== undefined) fs.closeSync(this.eventsFd);
    this.eventsFd = undefined;
  }

  /** cgroup.events changed: a populated cgroup that is now empty is reported to the unit once. */
  private onEvents(): void {
    if (this.eventsFd === undefined) return;
    let now: boolean;
    try {
      now = parsePopulated(readAt0(this.eventsFd));
    } catch {
      return;
    }
    if (now) {
      this.populated = true;
      return;
    }
    if (!this.populated) return;
    this.populated = false;
    this.unit.manager.dispatchScopeEmpty(this.unit);
  }
}

/** Sums io.stat's per-device lines ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 …"). */
export function parseIoStat(text: string): { rbytes: number; wbytes: number; rios: number; wios: number } {
  const sum = { rbytes: 0, wbytes: 0, rios: 0, wios: 0 };
  for (const m of text.matchAll(/\b(rbytes|wbytes|rios|wios)=(\d+)/g)) sum[m[1] as keyof typeof sum] += Number(m[2]);
  return sum;
}

/** Removes an empty cgroup and empty cgroups below it, deepest first; stops at one that holds processes. */
function removeCgroupTreeIfEmpty(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  for (const e of entries) if (e.isDirectory() && !removeCgroupTreeIfEmpty(path.join(dir, e.name))) return false;
  return removeDir(dir);
}

function removeDir(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
