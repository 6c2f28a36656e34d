/**
 * `unitkitctl list-timers [PATTERN…]`: the loaded timer units, whichever plugin implements them,
 * from systemd's timer properties — NEXT / LEFT / LAST / PASSED / UNIT / ACTIVATES, sorted by the
 * next elapse, "N timers listed." and the --all hint, as systemctl 252 prints them.
 */
import { formatTimestamp } from '@unitkit/core';
import type { TimerRow } from '../control-protocol.js';
import { formatTable, globMatch } from '../ctl-tables.js';
import { formatRelative } from '../status-format.js';
import type { CtlVerb } from './verb.js';

/** What the manager answered for list-timers. */
export interface TimersReply {
  now: { realtime: number; monotonic: number };
  timers: TimerRow[];
}

/** systemctl's calc_next_elapse(): the earlier of the realtime and the converted monotonic elapse. */
export function nextElapse(t: TimerRow, now: { realtime: number; monotonic: number }): number {
  if (t.nextMonotonic <= 0) return t.nextRealtime;
  const converted = now.realtime + (t.nextMonotonic - now.monotonic);
  return t.nextRealtime > 0 ? Math.min(converted, t.nextRealtime) : converted;
}

/** The list-timers lines. `realNow` is the client's wall clock for LEFT and PASSED. */
export function formatListTimers(reply: TimersReply, f: { all: boolean; states: string[]; patterns: string[]; legend: boolean }, realNow: number): string[] {
  const timers = reply.timers
    .filter((t) => f.patterns.length === 0 || f.patterns.some((p) => globMatch(p, t.id)))
    .filter((t) => f.states.length === 0 || f.states.some((s) => s === t.load || s === t.active || s === t.sub))
    .filter((t) => f.all || f.states.length > 0 || t.active !== 'inactive' || t.job)
    .map((t) => ({ t, next: nextElapse(t, reply.now) }))
    .sort((a, b) => a.next - b.next || (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  const stamp = (us: number) => (us > 0 && Number.isFinite(us) ? formatTimestamp(us) : '-');
  const rows = timers.map(({ t, next }) => [
    stamp(next),
    next > 0 && Number.isFinite(next) ? formatRelative(realNow, next).replace(/ ago$/, ' left') : '-',
    stamp(t.last),
    t.last > 0 ? formatRelative(t.last, realNow) : '-',
    t.id,
    t.triggers.join(', ') || '-',
  ]);
  const header = ['NEXT', 'LEFT', 'LAST', 'PASSED', 'UNIT', 'ACTIVATES'];
  if (!f.legend) return formatTable(undefined, rows, new Set([1, 3]));
  const out = [...formatTable(header, rows, new Set([1, 3])), '', `${rows.length} timers listed.`];
  if (!f.all) out.push('Pass --all to see loaded but inactive timers, too.');
  return out;
}

/** The verb. */
export const listTimers: CtlVerb = async (c, o, io) => {
  const reply = await c.call<TimersReply>('list-timers');
  for (const l of formatListTimers(reply, { all: o.all, states: o.states, patterns: o.args, legend: !o.noLegend }, Date.now() * 1000)) io.out(l);
  return 0;
};
