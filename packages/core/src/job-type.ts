/**
 * Job types and the algebra the engine uses on them: merging, collapsing, redundancy and ordering,
 * as systemd's src/core/job.c defines it.
 */
import type { UnitActiveState } from './unit-active-state.js';
import { isActiveOrActivating, isActiveOrReloading, isInactiveOrFailed } from './unit-active-state.js';

/**
 * What a job asks of its unit. The last three are collapsed into one of the others (or nop) before
 * they enter a transaction, depending on the unit's state at that moment.
 */
export type JobType =
  | 'start' | 'verify-active' | 'stop' | 'reload' | 'restart'
  | 'try-restart' | 'try-reload' | 'reload-or-start'
  | 'nop';

/** How a new transaction treats the jobs already queued (systemctl --job-mode=). */
export type JobMode =
  | 'fail' | 'replace' | 'replace-irreversibly' | 'isolate' | 'flush'
  | 'ignore-dependencies' | 'ignore-requirements' | 'triggering';

/** All job modes, for validating user input. */
export const jobModes: readonly JobMode[] = [
  'fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements', 'triggering',
];

/** How a job ended, with systemd's names. */
export type JobResult =
  | 'done' | 'canceled' | 'timeout' | 'failed' | 'dependency' | 'skipped'
  | 'invalid' | 'assert' | 'unsupported' | 'collected' | 'once';

/** A job is waiting (queued, maybe blocked by ordering) or running (its unit is acting on it). */
export type JobState = 'waiting' | 'running';

/**
 * The merge table: the type two jobs for one unit merge into, or undefined when they conflict.
 * Only the types that can live in a transaction appear (start, verify-active, stop, reload, restart).
 */
const mergeTable: Record<string, JobType | undefined> = {
  'start|verify-active': 'start',
  'start|reload': 'reload-or-start',
  'start|restart': 'restart',
  'verify-active|reload': 'reload',
  'verify-active|restart': 'restart',
  'reload|restart': 'restart',
};

/** The type `a` and `b` merge into (before collapsing), or undefined when they cannot be merged. */
export function jobTypeLookupMerge(a: JobType, b: JobType): JobType | undefined {
  if (a === b) return a;
  return mergeTable[`${a}|${b}`] ?? mergeTable[`${b}|${a}`];
}

/** True when jobs of the two types can be merged into one. */
export function jobTypeIsMergeable(a: JobType, b: JobType): boolean {
  return jobTypeLookupMerge(a, b) !== undefined;
}

/** True when two jobs for one unit contradict each other (start and stop, say). */
export function jobTypeIsConflicting(a: JobType, b: JobType): boolean {
  return !jobTypeIsMergeable(a, b);
}

/** True when a job of type `a` already does everything one of type `b` would. */
export function jobTypeIsSuperset(a: JobType, b: JobType): boolean {
  return jobTypeLookupMerge(a, b) === a;
}

/**
 * True when a job of this type would change nothing for a unit in state `s`, so the transaction
 * may drop it.
 */
export function jobTypeIsRedundant(type: JobType, s: UnitActiveState): boolean {
  switch (type) {
    case 'start':
    case 'verify-active':
      return isActiveOrReloading(s);
    case 'stop':
      return isInactiveOrFailed(s);
    case 'reload':
      return s === 'reloading';
    case 'restart':
      // A restart of a unit that is still starting would only start it again.
      return s === 'activating';
    case 'nop':
      return true;
    default:
      throw new Error(`job type ${type} should have been collapsed`);
  }
}

/**
 * Turns the conditional job types into what they mean for a unit in state `s` right now:
 * try-restart and try-reload act only on an active unit, reload-or-start reloads an active one and
 * starts an inactive one.
 */
export function jobTypeCollapse(type: JobType, s: UnitActiveState): JobType {
  switch (type) {
    case 'try-restart':
      // A unit that is still starting is restarted too, so it picks up what changed.
      return isActiveOrActivating(s) ? 'restart' : 'nop';
    case 'try-reload':
      return isActiveOrReloading(s) ? 'reload' : 'nop';
    case 'reload-or-start':
      return isActiveOrReloading(s) ? 'reload' : 'start';
    default:
      return type;
  }
}

/** Merges two job types and collapses the result for a unit in state `s`; undefined when they conflict. */
export function jobTypeMergeAndCollapse(a: JobType, b: JobType, s: UnitActiveState): JobType | undefined {
  const t = jobTypeLookupMerge(a, b);
  return t === undefined ? undefined : jobTypeCollapse(t, s);
}

/**
 * Whether a queued job may be merged into a job of the same unit that is already running. A reload
 * may not: the running reload may already have read the old configuration.
 */
export function jobTypeAllowsLateMerge(type: JobType): boolean {
  return type !== 'reload';
}
