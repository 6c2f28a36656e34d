/**
 * A job: a request to bring one unit into a state (start, stop, reload, restart, verify-active,
 * nop). Jobs are built in a Transaction, then installed on their unit, run when ordering allows,
 * and finished with a result.
 */
import type { Disposable, Usec } from './ports/event-loop.js';
import type { JobResult, JobState, JobType } from './job-type.js';
import type { Unit } from './unit.js';

/**
 * A link between two jobs of one transaction: `subject` pulled `object` in. `matters` links make the
 * object essential to the subject; `conflicts` marks a stop pulled in by Conflicts=.
 */
export interface JobDependency {
  subject: Job | undefined;
  object: Job;
  matters: boolean;
  conflicts: boolean;
}

let nextJobId = 1;

/** One job. */
export class Job {
  /** A number unique within the process, as systemd's job ids. */
  readonly id: number;
  state: JobState = 'waiting';
  result?: JobResult;
  /** True once the job is the unit's installed job. */
  installed = false;
  /** Set by replace-irreversibly: later transactions may not cancel it. */
  irreversible = false;
  /** Set by ignore-dependencies: the job runs regardless of ordering. */
  ignoreOrder = false;
  /** Monotonic time the job was created; JobTimeoutSec= counts from here. */
  readonly beginUsec: Usec;

  /** @internal Transaction bookkeeping, as in systemd's transaction.c. */
  generation = 0;
  /** @internal */
  marker: Job | undefined = undefined;
  /** @internal */
  mattersToAnchor = false;
  /** @internal Links where this job pulled others in. */
  subjectList: JobDependency[] = [];
  /** @internal Links where this job was pulled in. */
  objectList: JobDependency[] = [];
  /** @internal */
  timer: Disposable | undefined = undefined;

  private waiters: Array<(result: JobResult) => void> = [];

  constructor(
    public unit: Unit,
    public type: JobType,
    now: Usec,
    /** A job carried across a manager re-exec keeps its id; later ids follow it. */
    id?: number,
  ) {
    this.beginUsec = now;
    this.id = id ?? nextJobId++;
    if (this.id >= nextJobId) nextJobId = this.id + 1;
  }

  /** A promise for the job's result: "enqueue and wait". */
  wait(): Promise<JobResult> {
    if (this.result !== undefined && !this.installed) return Promise.resolve(this.result);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** @internal Resolves the waiters once the job is finished. */
  settle(result: JobResult): void {
    this.result = result;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(result);
  }

  /** The "unit/type" form systemd uses in messages. */
  toString(): string {
    return `${this.unit.id}/${this.type}`;
  }
}
