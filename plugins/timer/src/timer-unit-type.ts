/**
 * The timer unit type (systemd.timer(5)): starts another unit (Unit=, by default the service of the
 * same name) when a monotonic time span after some event has passed (OnActiveSec=, OnBootSec=,
 * OnStartupSec=, OnUnitActiveSec=, OnUnitInactiveSec=) or a calendar event elapses (OnCalendar=),
 * following systemd 252's timer.c: the states dead/waiting/running/elapsed/failed, one-shot
 * monotonic values that disable themselves once passed, re-arming when the triggered unit changes
 * state, AccuracySec= coalescing, RandomizedDelaySec=, and Persistent= stamp files.
 */
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inject, injectable } from 'inversify';
import { EventLoop, type Unit, type UnitActionResult, type UnitDefinition, type UnitType, UnitLoadError, type PropertyList } from '@unitkit/core';
import { nextCalendarElapse } from '@unitkit/unit-file';
import { bootPerturbation, coalescedWakeup } from './timer-coalesce.js';
import { readTimerSettings, type TimerSettings, type TimerValueSpec } from './timer-section-table.js';
import { type TimerResult, type TimerState, timerStateTable } from './timer-state.js';
import { timerProperties } from './timer-properties.js';

/** One On*= value with its runtime state. */
export interface TimerValue extends TimerValueSpec {
  /** When it elapses next: µs on the monotonic clock, or realtime for OnCalendar=; 0 before the first computation. */
  nextElapse: number;
  /** A one-shot value that already elapsed. */
  disabled: boolean;
}

/** Per-unit state of a timer. */
export interface TimerData {
  state: TimerState;
  result: TimerResult;
  settings: TimerSettings;
  values: TimerValue[];
  /** The unit it triggers. */
  trigger?: string;
  /** µs; Infinity when not armed. */
  nextElapseMonotonic: number;
  nextElapseRealtime: number;
  lastTrigger: { realtime: number; monotonic: number };
  /** Persistent='s stamp file. */
  stampPath?: string;
  deserializedState?: TimerState;
}

const MONOTONIC = 'monotonic';
const REALTIME = 'realtime';

/** The timer vtable. */
@injectable()
export class TimerUnitType implements UnitType<TimerData> {
  readonly suffix = 'timer';
  readonly sections: readonly string[] = ['Timer'];
  readonly canFail = true;
  readonly canTrigger = true;
  readonly startLimited = true;

  /** The monotonic time the manager started at: OnStartupSec='s base (the userspace timestamp). */
  private readonly startup: number;
  private readonly perturb: number;

  constructor(@inject(EventLoop) loop: EventLoop) {
    this.startup = loop.now();
    let bootId = '';
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      // No /proc: any fixed grid will do.
    }
    this.perturb = bootPerturbation(bootId);
  }

  /** A fresh timer is dead, with timer_init()'s defaults. */
  init(): TimerData {
    return {
      state: 'dead',
      result: 'success',
      settings: readTimerSettings(undefined),
      values: [],
      nextElapseMonotonic: Infinity,
      nextElapseRealtime: Infinity,
      lastTrigger: { realtime: 0, monotonic: 0 },
    };
  }

  /**
   * Reads [Timer]; adds Before=/Triggers= on the unit to trigger and the default dependencies
   * (timer_add_default_dependencies()); refuses a timer without any On*= value.
   */
  load(unit: Unit<TimerData>, definition: UnitDefinition): void {
    const d = unit.data;
    const s = readTimerSettings(definition.sections.get('Timer'));
    d.settings = s;
    d.values = s.values.map((v) => ({ ...v, nextElapse: 0, disabled: false }));
    d.trigger = s.unit ?? `${unit.id.slice(0, -'.timer'.length)}.service`;
    if (unit.settings.defaultDependencies) {
      unit.addDependency('Before', 'timers.target');
      if (unit.manager.scope === 'system') {
        unit.addDependency('Requires', 'sysinit.target');
        unit.addDependency('After', 'sysinit.target');
        if (d.values.some((v) => v.base === 'OnCalendar')) {
          unit.addDependency('After', 'time-set.target');
          unit.addDependency('After', 'time-sync.target');
        }
      }
      unit.addDependency('Conflicts', 'shutdown.target');
      unit.addDependency('Before', 'shutdown.target');
    }
    unit.addDependency('Before', d.trigger);
    unit.addDependency('Triggers', d.trigger);
    if (s.persistent) d.stampPath = this.stampPath(unit);
    if (d.values.length === 0 && !s.onClockChange && !s.onTimezoneChange) throw new UnitLoadError('Timer unit lacks value setting. Refusing.');
  }

  /** Restores a deserialized state and re-arms a waiting timer. */
  done(unit: Unit<TimerData>): void {
    const s = unit.data.deserializedState;
    unit.data.deserializedState = undefined;
    if (s === undefined || s === unit.data.state) return;
    if (s === 'waiting') this.enterWaiting(unit, false);
    else if (s === 'running' || s === 'elapsed' || s === 'failed') this.setState(unit, s);
  }

  /** timer_start(): checks the unit to trigger, reads the stamp file, and starts waiting. */
  start(unit: Unit<TimerData>): UnitActionResult {
    const d = unit.data;
    if (!unit.triggerIfLoaded()) return 'failed';
    unit.manager.acquireInvocationId(unit as Unit);
    d.lastTrigger = { realtime: 0, monotonic: 0 };
    // OnActiveSec= counts from this start: it may elapse again. A passed OnBootSec=/OnStartupSec=
    // stays disabled, as timer_start() leaves it.
    for (const v of d.values) if (v.base === 'OnActiveSec') v.disabled = false;
    if (d.stampPath) this.readStamp(unit);
    d.result = 'success';
    this.enterWaiting(unit, false);
    return 'started';
  }

  /** timer_stop(): back to dead at once. */
  stop(unit: Unit<TimerData>): UnitActionResult {
    this.enterDead(unit, 'success');
    return 'started';
  }

  activeState(unit: Unit<TimerData>) {
    return timerStateTable[unit.data.state];
  }

  subState(unit: Unit<TimerData>): string {
    return unit.data.state;
  }

  /** The monotonic or realtime deadline passed. */
  timerEvent(unit: Unit<TimerData>, key: string): void {
    const d = unit.data;
    if (d.state !== 'waiting') return;
    if (key === REALTIME) {
      // The realtime deadline is armed on the monotonic clock; if the wall clock was set back
      // meanwhile it is not due yet.
      const now = unit.manager.loop.realtime();
      const wake = this.realtimeWakeup(d);
      if (now < wake) {
        unit.setTimer(REALTIME, unit.manager.loop.now() + (wake - now));
        return;
      }
    }
    unit.log('debug', 'Timer elapsed.');
    this.enterRunning(unit);
  }

  /** timer_trigger_notify(): the triggered unit changed state. */
  triggerNotify(unit: Unit<TimerData>, other: Unit): void {
    const d = unit.data;
    if (other.id !== d.trigger) return;
    // Values relative to the triggered unit's state may elapse again.
    for (const v of d.values) if (v.base === 'OnUnitActiveSec' || v.base === 'OnUnitInactiveSec') v.disabled = false;
    switch (d.state) {
      case 'waiting':
      case 'elapsed':
        this.enterWaiting(unit, false);
        break;
      case 'running': {
        const s = other.activeState();
        if (s === 'inactive' || s === 'failed') {
          unit.log('debug', 'Got notified about unit deactivation.');
          this.enterWaiting(unit, false);
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * The wall clock was set: realtime deadlines are computed again (their monotonic alarms were
   * armed against the old clock), or with OnClockChange= the unit is triggered. A last trigger now
   * in the future means the clock went back: it is moved to now, as systemd does.
   */
  timeChange(unit: Unit<TimerData>): void {
    const d = unit.data;
    if (d.state !== 'waiting') return;
    const now = unit.manager.loop.realtime();
    if (now < d.lastTrigger.realtime) {
      unit.log('warning', 'System clock has been set back. Resetting last-trigger timestamp.');
      d.lastTrigger = { ...d.lastTrigger, realtime: now };
      if (d.stampPath) this.touchStamp(unit, now);
    }
    if (d.settings.onClockChange) {
      unit.log('debug', 'Time change, triggering activation.');
      this.enterRunning(unit);
    } else {
      unit.log('debug', 'Time change, recalculating next elapse.');
      this.enterWaiting(unit, true);
    }
  }

  /** The local time zone changed: calendar values in local time are computed again, or OnTimezoneChange= triggers. */
  timezoneChange(unit: Unit<TimerData>): void {
    if (unit.data.state !== 'waiting') return;
    if (unit.data.settings.onTimezoneChange) {
      unit.log('debug', 'Timezone change, triggering activation.');
      this.enterRunning(unit);
    } else {
      unit.log('debug', 'Timezone change, recalculating next elapse.');
      this.enterWaiting(unit, false);
    }
  }

  /** Forgets a failure. */
  resetFailed(unit: Unit<TimerData>): void {
    if (unit.data.state === 'failed') this.setState(unit, 'dead');
    unit.data.result = 'success';
  }

  /** Past StartLimitBurst=: the timer fails with start-limit-hit. */
  startLimitHit(unit: Unit<TimerData>): void {
    this.enterDead(unit, 'start-limit-hit');
  }

  properties(unit: Unit<TimerData>): PropertyList {
    return timerProperties(unit);
  }

  serialize(unit: Unit<TimerData>): Record<string, unknown> {
    const d = unit.data;
    return { state: d.state, result: d.result, lastTrigger: d.lastTrigger, disabled: d.values.map((v) => v.disabled) };
  }

  deserialize(unit: Unit<TimerData>, state: Record<string, unknown>): void {
    const d = unit.data;
    if (typeof state.state === 'string' && state.state in timerStateTable) d.deserializedState = state.state as TimerState;
    if (state.result === 'success' || state.result === 'resources' || state.result === 'start-limit-hit') d.result = state.result;
    const lt = state.lastTrigger as { realtime?: unknown; monotonic?: unknown } | undefined;
    if (lt && typeof lt.realtime === 'number' && typeof lt.monotonic === 'number') d.lastTrigger = { realtime: lt.realtime, monotonic: lt.monotonic };
    if (Array.isArray(state.disabled)) state.disabled.forEach((x, i) => { if (d.values[i]) d.values[i]!.disabled = x === true; });
  }

  /**
   * timer_enter_waiting(): computes each value's next elapse, arms the earliest monotonic and
   * realtime deadlines, or — when nothing is left to wait for — enters elapsed (or dead).
   * `timeChange` is true after a clock jump, when one-shot values are not disabled.
   */
  private enterWaiting(unit: Unit<TimerData>, timeChange: boolean): void {
    const d = unit.data;
    const m = unit.manager;
    const trigger = d.trigger ? m.getUnit(d.trigger) : undefined;
    if (!trigger) {
      unit.log('err', 'Unit to trigger vanished.');
      this.enterDead(unit, 'resources');
      return;
    }
    const nowMono = m.loop.now();
    const nowReal = m.loop.realtime();
    let nextMono = Infinity;
    let nextReal = Infinity;
    let leaveAround = false;
    const lastTriggerSet = d.lastTrigger.realtime > 0 || d.lastTrigger.monotonic > 0;

    for (const v of d.values) {
      if (v.disabled) continue;
      if (v.base === 'OnCalendar') {
        // Relative to the last trigger if known (Persistent= or an earlier elapse), else to the
        // timer's activation.
        const base = d.lastTrigger.realtime > 0 ? d.lastTrigger.realtime : unit.inactiveExitTimestamp.realtime > 0 ? unit.inactiveExitTimestamp.realtime : nowReal;
        const next = v.calendar ? nextCalendarElapse(v.calendar, base) : undefined;
        if (next === undefined) continue;
        // A time already past is due now, but no earlier than the manager's start, so that
        // RandomizedDelaySec= spreads catch-ups at boot too.
        const rebased = nowReal - (nowMono - this.startup);
        v.nextElapse = Math.max(next, rebased);
        nextReal = Math.min(nextReal, v.nextElapse);
        continue;
      }
      let base: number;
      switch (v.base) {
        case 'OnActiveSec':
          base = timerStateTable[d.state] === 'active' ? unit.inactiveExitTimestamp.monotonic : nowMono;
          break;
        case 'OnBootSec':
          // CLOCK_MONOTONIC counts from boot; in a container, from the container's start instead.
          base = runsInContainer() ? this.startup : 0;
          break;
        case 'OnStartupSec':
          base = this.startup;
          break;
        case 'OnUnitActiveSec':
          leaveAround = true;
          base = Math.max(trigger.inactiveExitTimestamp.monotonic, d.lastTrigger.monotonic);
          if (base <= 0) continue;
          break;
        default:
          leaveAround = true;
          base = Math.max(trigger.inactiveEnterTimestamp.monotonic, d.lastTrigger.monotonic);
          if (base <= 0) continue;
          break;
      }
      v.nextElapse = base + v.value;
      // A one-time value that already passed. systemd compares with "<": its clock has always
      // moved on since the trigger; on a clock that has not (the fake one), "now" has passed too.
      if (lastTriggerSet && !timeChange && v.nextElapse <= nowMono && (v.base === 'OnActiveSec' || v.base === 'OnBootSec' || v.base === 'OnStartupSec')) {
        v.disabled = true;
        continue;
      }
      nextMono = Math.min(nextMono, v.nextElapse);
    }

    if (nextMono === Infinity && nextReal === Infinity && !d.settings.onTimezoneChange && !d.settings.onClockChange) {
      unit.log('debug', 'Timer is elapsed.');
      this.enterElapsed(unit, leaveAround);
      return;
    }

    const s = d.settings;
    if (nextMono !== Infinity) {
      d.nextElapseMonotonic = this.addRandom(unit, nextMono);
      const wake = coalescedWakeup(d.nextElapseMonotonic, d.nextElapseMonotonic + s.accuracy, this.perturb);
      unit.setTimer(MONOTONIC, wake);
    } else {
      d.nextElapseMonotonic = Infinity;
      unit.clearTimer(MONOTONIC);
    }
    if (nextReal !== Infinity) {
      d.nextElapseRealtime = this.addRandom(unit, nextReal);
      const wake = this.realtimeWakeup(d);
      unit.setTimer(REALTIME, nowMono + Math.max(0, wake - nowReal));
    } else {
      d.nextElapseRealtime = Infinity;
      unit.clearTimer(REALTIME);
    }
    this.setState(unit, 'waiting');
  }

  /** The wall-clock instant the realtime deadline really fires at, within AccuracySec=. */
  private realtimeWakeup(d: TimerData): number {
    return coalescedWakeup(d.nextElapseRealtime, d.nextElapseRealtime + d.settings.accuracy, this.perturb);
  }

  /** RandomizedDelaySec=: a random delay, or with FixedRandomDelay= one fixed per unit and machine. */
  private addRandom(unit: Unit<TimerData>, at: number): number {
    const max = unit.data.settings.randomizedDelay;
    if (!(max > 0)) return at;
    let add: number;
    if (unit.data.settings.fixedRandomDelay) {
      let h = 0x811c9dc5;
      const key = `${machineId()}:${unit.id}`;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
      add = h % max;
    } else {
      add = Math.floor(Math.random() * max);
    }
    unit.log('debug', `Adding ${add} µs random time.`);
    return at + add;
  }

  /** timer_enter_running(): starts the unit to trigger and records the trigger time. */
  private enterRunning(unit: Unit<TimerData>): void {
    const d = unit.data;
    const m = unit.manager;
    const trigger = d.trigger ? m.getUnit(d.trigger) : undefined;
    if (!trigger) {
      this.enterDead(unit, 'resources');
      return;
    }
    // Don't start anything when the timer itself is about to stop.
    if (unit.job?.type === 'stop') return;
    try {
      m.addJob('start', trigger, 'replace');
    } catch (e) {
      unit.log('warning', `Failed to queue unit startup job: ${e instanceof Error ? e.message : String(e)}`);
      this.enterDead(unit, 'resources');
      return;
    }
    d.lastTrigger = m.dualNow();
    if (d.stampPath) this.touchStamp(unit, d.lastTrigger.realtime);
    this.setState(unit, 'running');
  }

  /** RemainAfterElapse= (or values relative to the triggered unit) keep the timer around as elapsed. */
  private enterElapsed(unit: Unit<TimerData>, leaveAround: boolean): void {
    if (unit.data.settings.remainAfterElapse || leaveAround) this.setState(unit, 'elapsed');
    else this.enterDead(unit, 'success');
  }

  /** The first failure wins; a failure leaves the timer failed. */
  private enterDead(unit: Unit<TimerData>, result: TimerResult): void {
    const d = unit.data;
    if (d.result === 'success') d.result = result;
    if (d.result !== 'success') unit.log('notice', `Failed with result '${d.result}'.`);
    this.setState(unit, d.result !== 'success' ? 'failed' : 'dead');
  }

  /** The one place a timer's state is written; leaving waiting disarms both deadlines. */
  private setState(unit: Unit<TimerData>, state: TimerState): void {
    const d = unit.data;
    const old = d.state;
    if (state !== 'waiting') {
      unit.clearTimer(MONOTONIC);
      unit.clearTimer(REALTIME);
      d.nextElapseMonotonic = Infinity;
      d.nextElapseRealtime = Infinity;
    }
    d.state = state;
    if (old !== state) unit.log('debug', `Changed ${old} -> ${state}`);
    unit.notifyStateChange();
  }

  /** Where Persistent= keeps the last trigger time: /var/lib/systemd/timers, or the user's data home. */
  private stampPath(unit: Unit<TimerData>): string {
    const m = unit.manager;
    if (m.scope === 'system') return `/var/lib/systemd/timers/stamp-${unit.id}`;
    const env = m.environment;
    const dataHome = env.XDG_DATA_HOME || (env.HOME ?? process.env.HOME ?? '/') + '/.local/share';
    return join(dataHome, 'systemd', 'timers', `stamp-${unit.id}`);
  }

  /** The stamp's mtime is the last trigger; a timer that never ran gets a stamp now. */
  private readStamp(unit: Unit<TimerData>): void {
    const d = unit.data;
    const path = d.stampPath!;
    try {
      const st = statSync(path);
      const mtime = Math.floor(st.mtimeMs * 1000);
      if (mtime < unit.manager.loop.realtime()) d.lastTrigger = { realtime: mtime, monotonic: 0 };
      else unit.log('debug', `Not using persistent file timestamp ${new Date(mtime / 1000).toISOString()} as it is in the future.`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.touchStamp(unit, undefined);
    }
  }

  private touchStamp(unit: Unit<TimerData>, realtime: number | undefined): void {
    const path = unit.data.stampPath!;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      writeFileSync(path, '', { flag: 'a' });
      if (realtime !== undefined) utimesSync(path, realtime / 1e6, realtime / 1e6);
    } catch (e) {
      unit.log('warning', `Failed to update timestamp file ${path}: ${(e as Error).message}`);
    }
  }
}

function runsInContainer(): boolean {
  return Boolean(process.env.container) || process.pid === 1;
}

let cachedMachineId: string | undefined;
function machineId(): string {
  if (cachedMachineId === undefined) {
    try {
      cachedMachineId = readFileSync('/etc/machine-id', 'utf8').trim();
    } catch {
      cachedMachineId = '';
    }
  }
  return cachedMachineId;
}
