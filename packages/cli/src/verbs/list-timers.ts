/**
 * `unitkitctl list-timers [PATTERN…]`: the loaded timer units, whichever plugin implements them,
 * from systemd's timer properties — NEXT / LEFT / LAST / PASSED / UNIT / ACTIVATES, sorted by the
 * next elapse, "N timers listed." and the --all hint, as systemctl 252 prints them.
 */
import type { TimerRow } from '../control-protocol.js';
import { outputIsJson } from '../ctl-options.js';
import { formatJson, formatTable, globMatch } from '../ctl-tables.js';
import { formatRelative } from '../status-format.js';
import type { CtlVerb } from './verb.js';

/** What the manager answered for list-timers. */
export interface TimersReply {
  timers: TimerRow[];
}

/**
 * systemctl's calc_next_elapse(): the earlier of the realtime and the monotonic elapse converted
 * to realtime through `now` (the manager computes it, knowing both its clocks).
 */
export function nextElapse(t: Pick<TimerRow, 'nextRealtime' | 'nextMonotonic'>, now: { realtime: number; monotonic: number }): number {
  if (t.nextMonotonic <= 0) return t.nextRealtime;
  const converted = now.realtime + (t.nextMonotonic - now.monotonic);
  return t.nextRealtime > 0 ? Math.min(converted, t.nextRealtime) : converted;
}

/** The list-timers lines. `realNow` is the client's wall clock for LEFT and PASSED. */
export function formatListTimers(
  reply: TimersReply,
  f: { all: boolean; states: string[]; patterns: string[]; legend: boolean; output?: string; color?: boolean },
  realNow: number,
): string[] {
  const timers = reply.timers
    .filter((t) => f.patterns.length === 0 || f.patterns.some((p) => globMatch(p, t.id)))
    .filter((t) => f.states.length === 0 || f.states.some((s) => s === t.load || s === t.active || s === t.sub))
    .filter((t) => f.all || f.states.length > 0 || t.active !== 'inactive' || t.job)
    .map((t) => ({ t, next: t.next }))
    .sort((a, b) => a.next - b.next || (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  if (f.output && outputIsJson(f.output)) {
    // systemd's table as JSON: the timestamps as µs (LEFT and PASSED carry the same values).
    const objects = timers.map(({ t, next }) => ({ next, left: next, last: t.last, passed: t.last, unit: t.id, activates: t.triggers.join(', ') }));
    return formatJson(objects, f.output, f.color);
  }
  const rows = timers.map(({ t, next }) => [
    t.nextText || '-',
    next > 0 && Number.isFinite(next) ? formatRelative(realNow, next).replace(/ ago$/, ' left') : '-',
    t.lastText || '-',
    t.last > 0 ? formatRelative(t.last, realNow) : '-',
    t.id,
    t.triggers.join(', ') || '-',
  ]);
  const header = ['NEXT', 'LEFT', 'LAST', 'PASSED', 'UNIT', 'ACTIVATES'];
  if (!f.legend) return formatTable(undefined, rows);
  const out = [...formatTable(header, rows), '', `${rows.length} timers listed.`];
  if (!f.all) out.push('Pass --all to see loaded but inactive timers, too.');
  return out;
}

/** The verb. */
export const listTimers: CtlVerb = async (c, o, io, colors) => {
  const reply = await c.call<TimersReply>('list-timers');
  const f = { all: o.all, states: o.states, patterns: o.args, legend: !o.noLegend, output: o.output, color: colors.enabled };
  for (const l of formatListTimers(reply, f, Date.now() * 1000)) io.out(l);
  return 0;
};
