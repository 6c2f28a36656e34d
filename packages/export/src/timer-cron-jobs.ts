/**
 * Which timers can leave the pod as CronJobs (`--cron-jobs`): a timer whose service is
 * self-contained — nothing else in the pod pulls the service in, and the service pulls in nothing
 * but the special targets — and that has at least one OnCalendar= cron can express. Monotonic
 * timers (OnActiveSec=, OnBootSec=, OnUnitActiveSec=…) count from events of the pod's manager,
 * which a CronJob has no equivalent of: they do not carry over, and the report says so.
 */
import type { UnitDefinition } from '@unitkit/unit-file';
import { formatCalendarSpec, formatTimeSpan, unitNamePrefix, unitNameType } from '@unitkit/unit-file';
import { readTimerSettings } from '@unitkit/plugin-timer';
import type { ExportReport } from './export-report.js';
import { cronSchedule } from './cron-schedule.js';
import { isStubbedTarget } from './special-targets.js';
import { pulledUnits, type PodUnits } from './unit-set.js';

/** A timer that becomes a CronJob: its service and one schedule per convertible OnCalendar=. */
export interface CronJobPlan {
  timer: string;
  service: string;
  schedules: Array<{ schedule: string; timeZone?: string }>;
  /** Persistent=yes: a run missed while the cluster could not start it is caught up. */
  persistent: boolean;
  /** AccuracySec= in seconds: how late a run may start before it counts as missed. */
  accuracySec: number;
}

/** The plan for `timer` of `pod`, or undefined (with the reason reported) when it stays in the pod. */
export function planCronJob(pod: PodUnits, timer: string, localZone: string | undefined, report: ExportReport): CronJobPlan | undefined {
  const def = pod.units.get(timer)!;
  const settings = readTimerSettings(def.sections.get('Timer'));
  const service = settings.unit ?? `${unitNamePrefix(timer)}.service`;
  const stay = (why: string) => {
    report.add('note', timer, '', `stays in the pod, run by unitkitd, not as a CronJob: ${why}`);
    return undefined;
  };
  const serviceDef: UnitDefinition | undefined = pod.units.get(service);
  if (!serviceDef || unitNameType(service) !== 'service') return stay(`${service} is not a service of this pod`);
  for (const [other, otherDef] of pod.units) {
    if (other === timer || other === service) continue;
    if (pulledUnits(other, otherDef).some((p) => p.name === service)) return stay(`${other} pulls ${service} in too`);
  }
  const needs = pulledUnits(service, serviceDef).filter((p) => !isStubbedTarget(p.name));
  if (needs.length > 0) return stay(`${service} pulls in ${needs.map((p) => p.name).join(', ')}`);
  const schedules: CronJobPlan['schedules'] = [];
  for (const v of settings.values) {
    if (v.base === 'OnCalendar' && v.calendar) {
      const r = cronSchedule(v.calendar, localZone);
      if ('schedule' in r) schedules.push(r);
      else report.add('does-not-map', timer, `OnCalendar=${formatCalendarSpec(v.calendar)}`, `not expressible in cron: ${r.reason}`);
    } else {
      report.add('does-not-map', timer, `${v.base}=${formatTimeSpan(v.value)}`, 'counts from an event of the pod\'s manager; a CronJob has calendar schedules only');
    }
  }
  if (schedules.length === 0) return stay('no OnCalendar= that cron can express');
  if (settings.randomizedDelay > 0) report.add('does-not-map', timer, `RandomizedDelaySec=${formatTimeSpan(settings.randomizedDelay)}`, 'a CronJob starts on the minute');
  if (settings.wakeSystem) report.add('does-not-map', timer, 'WakeSystem=yes', 'a cluster does not suspend');
  report.add('note', timer, '', `becomes a CronJob: ${service} runs in a pod of its own at each elapse, sharing no files with the pod it was in`);
  return { timer, service, schedules, persistent: settings.persistent, accuracySec: Math.max(1, Math.ceil(settings.accuracy / 1e6)) };
}
