/**
 * OnCalendar= → a CronJob's schedule (five-field cron) when the event can be said in cron:
 * seconds exactly 0, every year, no `~` (days from the month's end), and not both a day of the
 * month and a weekday restricted (systemd wants both to match, cron either). Anything else is
 * refused with the reason, for the report.
 */
import type { CalendarComponent, CalendarSpec } from '@unitkit/unit-file';

/** The schedule, or why there is none. */
export type CronResult = { schedule: string; timeZone?: string } | { reason: string };

/** One cron field from systemd's components over [min, max]; empty components mean `*`. */
function field(components: readonly CalendarComponent[], min: number, max: number): string {
  if (components.length === 0) return '*';
  const parts = components.map((k) => {
    if (k.repeat === 0 && k.stop < 0) return String(k.start);
    const stop = k.stop < 0 ? max : k.stop;
    if (k.repeat <= 1) return k.start === min && stop === max ? '*' : `${k.start}-${stop}`;
    return `${k.start}-${stop}/${k.repeat}`;
  });
  return parts.includes('*') ? '*' : parts.join(',');
}

/** The weekday field: systemd's bit set (Monday = bit 0) in cron's numbers (Sunday = 0). */
function weekdayField(bits: number): string {
  if (bits < 0 || (bits & 0x7f) === 0x7f) return '*';
  const days: number[] = [];
  for (let i = 0; i < 7; i++) if (bits & (1 << i)) days.push((i + 1) % 7);
  return days.sort((a, b) => a - b).join(',');
}

/** Converts one parsed OnCalendar= value; `localZone` is the zone an event without one is in. */
export function cronSchedule(spec: CalendarSpec, localZone: string | undefined): CronResult {
  const secondOnly0 = spec.second.length === 1 && spec.second[0]!.start === 0 && spec.second[0]!.stop < 0 && spec.second[0]!.repeat === 0;
  if (!secondOnly0) return { reason: 'it elapses at seconds other than :00; cron counts minutes' };
  if (spec.year.length > 0) return { reason: 'it names years; cron has no year field' };
  if (spec.endOfMonth) return { reason: 'it counts days from the end of the month (~); cron cannot' };
  const weekdays = weekdayField(spec.weekdays);
  const day = field(spec.day, 1, 31);
  if (weekdays !== '*' && day !== '*') return { reason: 'it restricts both the day of the month and the weekday, which systemd requires both of and cron either of' };
  const schedule = [field(spec.minute, 0, 59), field(spec.hour, 0, 23), day, field(spec.month, 1, 12), weekdays].join(' ');
  const timeZone = spec.utc ? 'Etc/UTC' : spec.timezone ?? (localZone === 'UTC' ? 'Etc/UTC' : localZone);
  return timeZone ? { schedule, timeZone } : { schedule };
}
