/**
 * The [Timer] directive table (systemd's load-fragment-gperf rows for Timer.*). Every On*= line is
 * stored under one key, `Timers`, in file order, so an empty assignment of any of them resets all
 * of them, as config_parse_timer() frees every value.
 */
import type { DirectiveSpec, DirectiveTable } from '@unitkit/core';
import {
  ValueError,
  booleanDirective,
  parseCalendarSpec,
  parseTimeSpan,
  timeSpanDirective,
  triggerUnitDirective,
  type CalendarSpec,
} from '@unitkit/unit-file';

/** The kinds of timer values, as systemd names their bases (TimerBase). */
export type TimerBase = 'OnActiveSec' | 'OnBootSec' | 'OnStartupSec' | 'OnUnitActiveSec' | 'OnUnitInactiveSec' | 'OnCalendar';

/** The monotonic bases, in systemd's order. */
export const MONOTONIC_BASES: readonly TimerBase[] = ['OnActiveSec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'OnUnitInactiveSec'];

/** One On*= line: a time span after its base, or a calendar event. */
export interface TimerValueSpec {
  base: TimerBase;
  /** µs after the base (monotonic bases). */
  value: number;
  /** The parsed event (OnCalendar=). */
  calendar?: CalendarSpec;
}

const timerValue = (base: TimerBase): DirectiveSpec =>
  ({
    kind: 'list',
    canonical: 'Timers',
    parse: (v: string): TimerValueSpec[] => {
      if (base === 'OnCalendar') {
        try {
          return [{ base, value: 0, calendar: parseCalendarSpec(v) }];
        } catch {
          throw new ValueError(`Failed to parse calendar specification, ignoring: ${v}`);
        }
      }
      try {
        return [{ base, value: parseTimeSpan(v) }];
      } catch {
        throw new ValueError(`Failed to parse timer value, ignoring: ${v}`);
      }
    },
  }) as DirectiveSpec;

/** The [Timer] section, for .timer units only. */
export const timerSectionTable: DirectiveTable = {
  section: 'Timer',
  unitTypes: ['timer'],
  directives: {
    OnCalendar: timerValue('OnCalendar'),
    OnActiveSec: timerValue('OnActiveSec'),
    OnBootSec: timerValue('OnBootSec'),
    OnStartupSec: timerValue('OnStartupSec'),
    OnUnitActiveSec: timerValue('OnUnitActiveSec'),
    OnUnitInactiveSec: timerValue('OnUnitInactiveSec'),
    OnClockChange: booleanDirective(),
    OnTimezoneChange: booleanDirective(),
    Persistent: booleanDirective(),
    WakeSystem: booleanDirective(),
    RemainAfterElapse: booleanDirective(),
    AccuracySec: timeSpanDirective(),
    RandomizedDelaySec: timeSpanDirective(),
    FixedRandomDelay: booleanDirective(),
    Unit: triggerUnitDirective('timer'),
  },
};

/** The resolved [Timer] settings of one unit, with systemd's defaults. */
export interface TimerSettings {
  values: TimerValueSpec[];
  onClockChange: boolean;
  onTimezoneChange: boolean;
  persistent: boolean;
  wakeSystem: boolean;
  remainAfterElapse: boolean;
  accuracy: number;
  randomizedDelay: number;
  fixedRandomDelay: boolean;
  unit?: string;
}

/** Reads the [Timer] section; absent keys take timer_init()'s defaults (AccuracySec=1min, RemainAfterElapse=yes). */
export function readTimerSettings(section: ReadonlyMap<string, unknown> | undefined): TimerSettings {
  const sec = section ?? new Map<string, unknown>();
  const get = <T>(k: string, d: T): T => (sec.get(k) as T | undefined) ?? d;
  return {
    values: get<TimerValueSpec[]>('Timers', []),
    onClockChange: get('OnClockChange', false),
    onTimezoneChange: get('OnTimezoneChange', false),
    persistent: get('Persistent', false),
    wakeSystem: get('WakeSystem', false),
    remainAfterElapse: get('RemainAfterElapse', true),
    accuracy: get('AccuracySec', 60_000_000),
    randomizedDelay: get('RandomizedDelaySec', 0),
    fixedRandomDelay: get('FixedRandomDelay', false),
    unit: get<string | undefined>('Unit', undefined),
  };
}
