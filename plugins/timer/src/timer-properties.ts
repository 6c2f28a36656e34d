/**
 * The timer's `systemctl show` properties (org.freedesktop.systemd1.Timer of systemd 252), in its
 * order and formats as `systemctl --user show x.timer` prints them.
 */
import { formatTimestamp, prop, type PropertyList, type Unit } from '@unitkit/core';
import { formatCalendarSpec, formatTimeSpan } from '@unitkit/unit-file';
import type { TimerData } from './timer-unit-type.js';

/** systemd's bus names of the monotonic bases: OnActiveSec= is shown as OnActiveUSec. */
const busBase = (base: string): string => base.replace(/Sec$/, 'USec');

/** Every Timer property of `unit`. */
export function timerProperties(unit: Unit<TimerData>): PropertyList {
  const d = unit.data;
  const s = d.settings;
  // systemd keeps the values in a list it prepends to: they are shown last line first.
  const values = [...d.values].reverse();
  const list: PropertyList = [['Unit', prop.string(d.trigger)]];
  for (const v of values) {
    if (v.base === 'OnCalendar') continue;
    const text = `{ ${busBase(v.base)}=${formatTimeSpan(v.value, 0)} ; next_elapse=${formatTimeSpan(v.nextElapse, 0)} }`;
    list.push(['TimersMonotonic', prop.raw(text, { busItem: [busBase(v.base), BigInt(v.value), BigInt(v.nextElapse)] })]);
  }
  for (const v of values) {
    if (v.base !== 'OnCalendar' || !v.calendar) continue;
    const next = v.nextElapse > 0 ? formatTimestamp(v.nextElapse) : '(null)';
    const spec = formatCalendarSpec(v.calendar);
    list.push(['TimersCalendar', prop.raw(`{ OnCalendar=${spec} ; next_elapse=${next} }`, { busItem: ['OnCalendar', spec, BigInt(v.nextElapse)] })]);
  }
  list.push(
    ['OnClockChange', prop.bool(s.onClockChange)],
    ['OnTimezoneChange', prop.bool(s.onTimezoneChange)],
    ['NextElapseUSecRealtime', prop.timestamp(Number.isFinite(d.nextElapseRealtime) ? d.nextElapseRealtime : 0)],
    ['NextElapseUSecMonotonic', prop.usec(d.nextElapseMonotonic)],
    ['LastTriggerUSec', prop.timestamp(d.lastTrigger.realtime)],
    ['LastTriggerUSecMonotonic', prop.int(d.lastTrigger.monotonic)],
    ['Result', prop.string(d.result)],
    ['AccuracyUSec', prop.usec(s.accuracy)],
    ['RandomizedDelayUSec', prop.usec(s.randomizedDelay)],
    ['FixedRandomDelay', prop.bool(s.fixedRandomDelay)],
    ['Persistent', prop.bool(s.persistent)],
    ['WakeSystem', prop.bool(s.wakeSystem)],
    ['RemainAfterElapse', prop.bool(s.remainAfterElapse)],
  );
  return list;
}
