/**
 * A transaction: the set of jobs one request implies, built by following dependencies, then
 * checked and simplified before anything is installed — systemd's src/core/transaction.c, step by
 * step: find what matters to the anchor, minimize impact, drop redundant jobs, break ordering
 * cycles, merge jobs per unit, refuse destructive changes, apply.
 */
import { Job } from './job.js';
import type { JobDependency } from './job.js';
import type { JobMode, JobType } from './job-type.js';
import {
  jobTypeCollapse,
  jobTypeIsConflicting,
  jobTypeIsMergeable,
  jobTypeIsRedundant,
  jobTypeMergeAndCollapse,
} from './job-type.js';
import { ManagerError } from './manager-error.js';
import type { Manager } from './manager.js';
import type { Unit } from './unit.js';
import { isInactiveOrFailed, isActiveOrActivating } from './unit-active-state.js';
import type { AtomName } from './unit-dependency.js';

/** Options of one job added with its dependencies. */
interface AddOptions {
  matters: boolean;
  conflicts: boolean;
  ignoreRequirements: boolean;
  ignoreOrder: boolean;
}

/** A transaction under construction. Used once: build with addJobAndDependencies(), then activate(). */
export class Transaction {
  /** Prospective jobs per unit; more than one per unit until merged. */
  readonly jobs = new Map<Unit, Job[]>();
  anchor: Job | undefined;
  private generation = 1;

  constructor(
    private readonly manager: Manager,
    private readonly irreversible: boolean,
  ) {}

  /**
   * Adds a job of `type` for `unit` and, recursively, the jobs its dependencies imply. `by` is the
   * job that pulled it in (none for the anchor). Throws ManagerError when the unit cannot take the
   * job, the way systemd's transaction_add_job_and_dependencies() returns errors.
   */
  addJobAndDependencies(type: JobType, unit: Unit, by: Job | undefined, opts: AddOptions): Job {
    if (type !== 'stop') this.manager.validateLoadState(unit);
    if (!this.manager.jobIsApplicable(unit, type)) {
      throw new ManagerError('JobTypeNotApplicable', `Job type ${type} is not applicable for unit ${unit.id}.`);
    }
    const { job, isNew } = this.addOneJob(type, unit);
    if (opts.ignoreOrder) job.ignoreOrder = true;
    if (by) this.link(by, job, opts.matters, opts.conflicts);
    else this.anchor = job;

    if (!isNew || opts.ignoreRequirements || type === 'nop') return job;

    const ignoreOrder = opts.ignoreOrder;
    if (type === 'start' || type === 'restart') {
      this.pullIn('start', job, 'PullInStart', true, false, ignoreOrder, 'fail');
      this.pullIn('start', job, 'PullInStartIgnored', false, false, ignoreOrder, 'ignore');
      this.pullIn('verify-active', job, 'PullInVerify', true, false, ignoreOrder, 'fail');
      this.pullIn('stop', job, 'PullInStop', true, true, ignoreOrder, 'fail');
      this.pullIn('stop', job, 'PullInStopIgnored', false, false, ignoreOrder, 'ignore');
    }
    if (type === 'stop' || type === 'restart') {
      // A restart propagates as try-restart, so it does not start units that were not running.
      const ptype: JobType = type === 'restart' ? 'try-restart' : 'stop';
      const atom: AtomName = type === 'restart' ? 'PropagateRestart' : 'PropagateStop';
      for (const dep of unit.unitsWithAtom(atom)) {
        const nt = jobTypeCollapse(ptype, dep.activeState());
        if (nt === 'nop') continue;
        this.tryAdd(nt, dep, job, { matters: true, conflicts: false, ignoreRequirements: false, ignoreOrder }, 'fail');
      }
    }
    if (type === 'reload') {
      for (const dep of unit.unitsWithAtom('PropagatesReloadTo')) {
        const nt = jobTypeCollapse('try-reload', dep.activeState());
        if (nt === 'nop') continue;
        this.tryAdd(nt, dep, job, { matters: false, conflicts: false, ignoreRequirements: false, ignoreOrder }, 'warn');
      }
    }
    return job;
  }

  private pullIn(type: JobType, job: Job, atom: AtomName, matters: boolean, conflicts: boolean, ignoreOrder: boolean, onError: 'fail' | 'ignore'): void {
    for (const dep of job.unit.unitsWithAtom(atom)) {
      this.tryAdd(type, dep, job, { matters, conflicts, ignoreRequirements: false, ignoreOrder }, onError);
    }
  }

  /**
   * Adds a dependency job. A job type that does not apply to the unit is never an error; other
   * errors fail the transaction for essential dependencies and are logged for the rest.
   */
  private tryAdd(type: JobType, dep: Unit, by: Job, opts: AddOptions, onError: 'fail' | 'ignore' | 'warn'): void {
    try {
      this.addJobAndDependencies(type, dep, by, opts);
    } catch (e) {
      if (!(e instanceof ManagerError)) throw e;
      if (e.errorName === 'JobTypeNotApplicable') return;
      if (onError === 'fail') throw e;
      const quiet = onError === 'ignore' && ['UnitMasked', 'NoSuchUnit'].includes(e.errorName);
      dep.log(quiet ? 'debug' : 'warning', `Cannot add dependency job, ignoring: ${e.message}`);
    }
  }

  private addOneJob(type: JobType, unit: Unit): { job: Job; isNew: boolean } {
    const list = this.jobs.get(unit);
    const found = list?.find((j) => j.type === type);
    if (found) return { job: found, isNew: false };
    const job = new Job(unit, type, this.manager.loop.now());
    job.irreversible = this.irreversible;
    if (list) list.unshift(job);
    else this.jobs.set(unit, [job]);
    return { job, isNew: true };
  }

  private link(subject: Job, object: Job, matters: boolean, conflicts: boolean): void {
    const l: JobDependency = { subject, object, matters, conflicts };
    subject.subjectList.push(l);
    object.objectList.push(l);
  }

  /** Adds stop jobs for every unit that is running (or has a job) and is not part of the transaction (isolate mode). */
  addIsolateJobs(): void {
    for (const u of this.manager.allUnits()) {
      if (isInactiveOrFailed(u.activeState()) && !u.job) continue;
      if (u.settings.ignoreOnIsolate) continue;
      if (this.jobs.has(u)) continue;
      try {
        this.addJobAndDependencies('stop', u, this.anchor, { matters: true, conflicts: false, ignoreRequirements: false, ignoreOrder: false });
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        u.log('warning', `Cannot add isolate job, ignoring: ${e.message}`);
      }
    }
  }

  /** Adds stop jobs for the units that trigger the anchor's unit (mode triggering). */
  addTriggeringJobs(unit: Unit): void {
    for (const u of unit.unitsWithAtom('TriggeredBy')) {
      if (isInactiveOrFailed(u.activeState()) && !u.job) continue;
      if (this.jobs.has(u)) continue;
      try {
        this.addJobAndDependencies('stop', u, this.anchor, { matters: true, conflicts: false, ignoreRequirements: false, ignoreOrder: false });
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        u.log('warning', `Cannot add triggered by job, ignoring: ${e.message}`);
      }
    }
  }

  // --- activation ---

  /**
   * Checks and simplifies the transaction and installs its jobs. Returns the installed anchor job
   * (which may be an existing job the anchor merged into). Throws ManagerError when the
   * transaction cannot be applied; nothing is installed then.
   */
  activate(mode: JobMode): Job {
    const anchor = this.anchor!;
    this.findJobsThatMatterToAnchor(anchor, this.generation++);
    if (mode === 'fail') this.minimizeImpact();
    this.dropRedundant();
    for (;;) {
      if (mode !== 'isolate') this.collectGarbage();
      if (this.verifyOrder()) break;
    }
    for (;;) {
      if (this.mergeJobs()) break;
      if (mode !== 'isolate') this.collectGarbage();
    }
    this.dropRedundant();
    this.checkDestructive(mode);
    return this.apply(mode);
  }

  private findJobsThatMatterToAnchor(j: Job, generation: number): void {
    j.mattersToAnchor = true;
    j.generation = generation;
    for (const l of j.subjectList) {
      if (!l.matters) continue;
      if (l.object.generation === generation) continue;
      this.findJobsThatMatterToAnchor(l.object, generation);
    }
  }

  private unitMattersToAnchor(u: Unit): boolean {
    return (this.jobs.get(u) ?? []).some((j) => j.mattersToAnchor);
  }

  /** Fail mode: drop jobs that do not matter and would stop a running unit or reverse a queued job. */
  private minimizeImpact(): void {
    rescan: for (;;) {
      for (const list of this.jobs.values()) {
        for (const j of list) {
          if (j.mattersToAnchor) continue;
          const stopsRunning = j.type === 'stop' && isActiveOrActivating(j.unit.activeState());
          const changesExisting = !!j.unit.job && jobTypeIsConflicting(j.type, j.unit.job.type);
          if (!stopsRunning && !changesExisting) continue;
          if (stopsRunning) j.unit.log('debug', `${j} would stop a running service.`);
          if (changesExisting) j.unit.log('debug', `${j} would change existing job.`);
          j.unit.log('debug', `Deleting ${j} to minimize impact.`);
          this.deleteJob(j, true);
          continue rescan;
        }
      }
      return;
    }
  }

  /** Drops the jobs of every unit whose jobs would all change nothing. */
  private dropRedundant(): void {
    let again = true;
    while (again) {
      again = false;
      for (const [unit, list] of this.jobs) {
        const keep = list.some(
          (k) =>
            k === this.anchor ||
            !jobTypeIsRedundant(k.type, unit.activeState()) ||
            (unit.job !== undefined && jobTypeIsConflicting(k.type, unit.job.type)),
        );
        if (!keep) {
          this.deleteJob(list[0]!, false);
          again = true;
          break;
        }
      }
    }
  }

  /** Drops jobs nothing depends on any more (the anchor stays). */
  private collectGarbage(): void {
    let again = true;
    while (again) {
      again = false;
      for (const list of this.jobs.values()) {
        const j = list.find((x) => x !== this.anchor && x.objectList.length === 0);
        if (j) {
          j.unit.log('debug', `Garbage collecting job ${j}`);
          this.deleteJob(j, true);
          again = true;
          break;
        }
      }
    }
  }

  /**
   * Looks for ordering cycles among the jobs. When it finds one, it deletes a job on the cycle that
   * does not matter to the anchor and returns false (the caller collects garbage and checks again);
   * when every job on the cycle matters, the transaction fails.
   */
  private verifyOrder(): boolean {
    const generation = this.generation++;
    for (const list of this.jobs.values()) {
      for (const j of list) {
        const r = this.verifyOrderOne(j, undefined, generation);
        if (r === 'again') return false;
      }
    }
    return true;
  }

  private verifyOrderOne(j: Job, from: Job | undefined, generation: number): 'ok' | 'again' {
    if (j.generation === generation) {
      // Seen on this sweep: without a marker it was already found loop-free.
      if (!j.marker) return 'ok';
      // A cycle. Walk it backwards through the markers and find a job we may delete.
      const path: Job[] = [];
      let victim: Job | undefined;
      for (let k: Job | undefined = from; k; k = k.generation === generation && k.marker !== k ? k.marker : undefined) {
        path.push(k);
        if (!victim && this.jobs.has(k.unit) && !this.unitMattersToAnchor(k.unit)) victim = k;
        if (k === j) break;
      }
      path.forEach((k, i) => j.unit.log('warning', `Found ${i === 0 ? 'ordering cycle' : 'dependency'} on ${k}`));
      if (victim) {
        j.unit.log('err', `Job ${victim} deleted to break ordering cycle starting with ${j}`);
        this.deleteUnit(victim.unit);
        return 'again';
      }
      j.unit.log('err', `Unable to break cycle starting with ${j}`);
      throw new ManagerError('TransactionOrderIsCyclic', 'Transaction order is cyclic. See system logs for details.');
    }
    // The marker points to where we came from, the start points to itself.
    j.marker = from ?? j;
    j.generation = generation;
    for (const atom of ['Before', 'After'] as const) {
      for (const u of j.unit.unitsWithAtom(atom)) {
        const o = this.jobs.get(u)?.[0] ?? u.job;
        if (!o) continue;
        // Follow the edge only if j really runs before o.
        if (jobCompare(j, o, atom) >= 0) continue;
        if (this.verifyOrderOne(o, j, generation) === 'again') return 'again';
      }
    }
    j.marker = undefined;
    return 'ok';
  }

  /**
   * Merges the jobs of each unit into one. Where two cannot be merged, deletes one that does not
   * matter and returns false; when both matter, fails the transaction.
   */
  private mergeJobs(): boolean {
    for (const [unit, list] of this.jobs) {
      let t = list[0]!.type;
      for (const k of list.slice(1)) {
        const merged = jobTypeMergeAndCollapse(t, k.type, unit.activeState());
        if (merged !== undefined) {
          t = merged;
          continue;
        }
        if (this.deleteOneUnmergeableJob(list)) return false;
        throw new ManagerError(
          'TransactionJobsConflicting',
          `Transaction contains conflicting jobs '${t}' and '${k.type}' for ${unit.id}. Probably contradicting requirement dependencies configured.`,
        );
      }
    }
    for (const [unit, list] of this.jobs) {
      if (list.length === 1) continue;
      let t = list[0]!.type;
      for (const k of list.slice(1)) t = jobTypeMergeAndCollapse(t, k.type, unit.activeState())!;
      // The anchor survives the merge, so callers keep their handle on it.
      const keep = list.includes(this.anchor!) ? this.anchor! : list[0]!;
      for (const other of list) if (other !== keep) this.mergeAndDeleteJob(keep, other);
      keep.type = t;
      this.jobs.set(unit, [keep]);
    }
    return true;
  }

  private deleteOneUnmergeableJob(list: Job[]): boolean {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const j = list[a]!;
        const k = list[b]!;
        if (jobTypeIsMergeable(j.type, k.type)) continue;
        let d: Job;
        if (!j.mattersToAnchor && !k.mattersToAnchor) {
          // Neither matters: rather drop a stop than a start, unless the stop comes from Conflicts=.
          if (j.type === 'stop') d = isConflictedBy(j) ? k : j;
          else if (k.type === 'stop') d = isConflictedBy(k) ? j : k;
          else d = j;
        } else if (!j.mattersToAnchor) d = j;
        else if (!k.mattersToAnchor) d = k;
        else return false;
        d.unit.log('debug', `Fixing conflicting jobs ${j},${k} by deleting job ${d}`);
        this.deleteJob(d, true);
        return true;
      }
    }
    return false;
  }

  /** Moves `other`'s links onto `keep` and drops `other`. */
  private mergeAndDeleteJob(keep: Job, other: Job): void {
    for (const l of other.subjectList) {
      l.subject = keep;
      keep.subjectList.push(l);
    }
    for (const l of other.objectList) {
      l.object = keep;
      keep.objectList.push(l);
    }
    other.subjectList = [];
    other.objectList = [];
    keep.mattersToAnchor ||= other.mattersToAnchor;
    keep.irreversible ||= other.irreversible;
    keep.ignoreOrder ||= other.ignoreOrder;
  }

  /** Fails when applying would cancel queued jobs that may not be replaced. */
  private checkDestructive(mode: JobMode): void {
    for (const [unit, list] of this.jobs) {
      const j = list[0]!;
      const installed = unit.job;
      if (installed && (mode === 'fail' || installed.irreversible) && jobTypeIsConflicting(installed.type, j.type)) {
        const a = this.anchor!;
        throw new ManagerError(
          'TransactionIsDestructive',
          `Transaction for ${a.unit.id}/${a.type} is destructive (${unit.id} has '${installed.type}' job queued, but '${j.type}' is included in transaction).`,
        );
      }
    }
  }

  private apply(mode: JobMode): Job {
    if (mode === 'isolate' || mode === 'flush') {
      // Cancel every installed job that is not part of the new transaction.
      for (const j of this.manager.installedJobs()) {
        if (j.unit.settings.ignoreOnIsolate) continue;
        if (this.jobs.has(j.unit)) continue;
        this.manager.finishJob(j, 'canceled', false, false);
      }
    }
    let installedAnchor: Job | undefined;
    for (const [, list] of this.jobs) {
      const j = list[0]!;
      j.subjectList = [];
      j.objectList = [];
      const installed = this.manager.installJob(j);
      if (j === this.anchor) installedAnchor = installed;
      this.manager.addToRunQueue(installed);
    }
    this.jobs.clear();
    return installedAnchor!;
  }

  // --- deletion ---

  private deleteUnit(u: Unit): void {
    const list = this.jobs.get(u);
    if (list && list.length > 0) this.deleteJob(list[0]!, true);
  }

  /**
   * Removes a job from the transaction. With `deleteDependencies`, jobs that needed it (through a
   * link that matters) go too.
   */
  private deleteJob(j: Job, deleteDependencies: boolean): void {
    const list = this.jobs.get(j.unit);
    if (list) {
      const i = list.indexOf(j);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.jobs.delete(j.unit);
    }
    for (const l of j.subjectList) removeFrom(l.object.objectList, l);
    j.subjectList = [];
    const objects = j.objectList;
    j.objectList = [];
    for (const l of objects) {
      if (l.subject) removeFrom(l.subject.subjectList, l);
      if (deleteDependencies && l.matters && l.subject && this.jobs.get(l.subject.unit)?.includes(l.subject)) {
        l.subject.unit.log('debug', `Deleting job ${l.subject} as dependency of job ${j}`);
        this.deleteJob(l.subject, true);
      }
    }
    if (j === this.anchor) this.anchor = undefined;
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function isConflictedBy(j: Job): boolean {
  return j.objectList.some((l) => l.conflicts);
}

/**
 * The execution order of two jobs whose units are ordered: negative when `a` runs before `b`.
 * `dep` is the ordering a's unit has on b's unit. Stops go first: when b is a stop (or a restart,
 * which starts by stopping), b runs before a whatever the ordering says.
 */
export function jobCompare(a: Job, b: Job, dep: 'Before' | 'After'): number {
  if (a.type === 'nop' || b.type === 'nop') return 0;
  if (a.ignoreOrder || b.ignoreOrder) return 0;
  if (dep === 'After') return -jobCompare(b, a, 'Before');
  return b.type === 'stop' || b.type === 'restart' ? 1 : -1;
}
