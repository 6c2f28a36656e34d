/**
 * Calendar events: parseCalendarSpec() on mutated OnCalendar= expressions, then the next elapse
 * from a fixed time in a zone with daylight saving. Only ValueError may come out of the parse; the
 * search must end (it is bounded by the year 2199 and systemd's 1,000 iterations).
 */
import { ValueError, nextCalendarElapse, parseCalendarSpec } from '@unitkit/unit-file';
import type { FuzzTarget } from '../fuzz-target.js';
import { mutateText } from '../mutate.js';

const seeds = [
  'Mon..Fri *-*-* 9..17:00/15', '*-02~03', '*-*-1,15 12:00 Europe/Berlin', 'weekly', '*:*:0/2.5', '2026..2030-*-29 23:59:59',
  'Sat,Sun 08:05:40', '*-05~01..07/1', 'Fri *-*-13', '2028-02-29', '@1774656000', 'quarterly UTC', '05:40:23.4200004/3.1700005',
];
const env = { TZ: 'Europe/Berlin' };

/** The target. */
export const calendarSpecTarget: FuzzTarget<{ text: string }> = {
  name: 'calendar-spec',
  description: 'parseCalendarSpec() and nextCalendarElapse() on mutated OnCalendar= expressions',
  generate(rng) {
    return { text: mutateText(rng, rng.pick(seeds), ['*', ',', '-', '~', ':', '..', '/', ' ', '.', '0', '9', 'Mon', 'UTC'], 4) };
  },
  run({ text }) {
    let spec;
    try {
      spec = parseCalendarSpec(text, { env });
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      return;
    }
    nextCalendarElapse(spec, 1774656000e6, { env });
  },
  pathological: [
    { name: 'values in one component', sizes: [30, 60, 120, 240], make: (n) => ({ text: `*-*-* ${Array.from({ length: n }, (_, i) => i % 24).join(',')}:00` }) },
    { name: 'weekday list length', sizes: [100, 200, 400, 800], make: (n) => ({ text: `${Array.from({ length: n }, () => 'Mon').join(',')} *-*-* 00:00` }) },
  ],
};
