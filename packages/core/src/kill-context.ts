/**
 * The kill settings of systemd.kill(5), shared by every unit type that runs processes. The
 * kill-mode plugin contributes the directive table that parses them (into the [Service],
 * [Socket], … sections); unit types read them with readKillContext() and hand them to the
 * ProcessScopes port when they stop.
 */

import { prop, type PropertyList } from './property.js';

/** KillMode=. */
export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';

/** systemd.kill(5)'s settings, resolved to values. Signals are numbers. */
export interface KillContext {
  killMode: KillMode;
  killSignal: number;
  restartKillSignal: number;
  finalKillSignal: number;
  watchdogSignal: number;
  sendSIGHUP: boolean;
  sendSIGKILL: boolean;
}

/** What a kill request is for, as systemd's KillOperation. */
export type KillOperation =
  /** Stopping: KillSignal= (SIGCONT and SIGHUP as configured). */
  | 'terminate'
  /** Stopping, logging each process that is still around. */
  | 'terminate-and-log'
  /** Stopping for a restart: RestartKillSignal=. */
  | 'restart'
  /** The stop timed out: FinalKillSignal= (SIGKILL), if SendSIGKILL=yes. */
  | 'kill'
  /** The watchdog fired: WatchdogSignal= (SIGABRT). */
  | 'watchdog';

/** systemd's defaults: control-group, SIGTERM, SIGKILL, SIGABRT, no SIGHUP, SIGKILL after the timeout. */
export const defaultKillContext: Readonly<KillContext> = {
  killMode: 'control-group',
  killSignal: 15,
  restartKillSignal: 15,
  finalKillSignal: 9,
  watchdogSignal: 6,
  sendSIGHUP: false,
  sendSIGKILL: true,
};

/**
 * Reads the kill settings of one section (as the kill-mode plugin's table parsed them).
 * RestartKillSignal= defaults to KillSignal=, as in systemd.
 */
export function readKillContext(section: ReadonlyMap<string, unknown> | undefined): KillContext {
  const get = <T>(k: string, d: T): T => (section?.get(k) as T | undefined) ?? d;
  const killSignal = get('KillSignal', defaultKillContext.killSignal);
  return {
    killMode: get('KillMode', defaultKillContext.killMode),
    killSignal,
    restartKillSignal: get('RestartKillSignal', killSignal),
    finalKillSignal: get('FinalKillSignal', defaultKillContext.finalKillSignal),
    watchdogSignal: get('WatchdogSignal', defaultKillContext.watchdogSignal),
    sendSIGHUP: get('SendSIGHUP', defaultKillContext.sendSIGHUP),
    sendSIGKILL: get('SendSIGKILL', defaultKillContext.sendSIGKILL),
  };
}

/** The kill context as `systemctl show` prints it after the exec context (KillMode= … WatchdogSignal=). */
export function killContextProperties(k: KillContext): PropertyList {
  return [
    ['KillMode', prop.string(k.killMode)],
    ['KillSignal', prop.int(k.killSignal)],
    ['RestartKillSignal', prop.int(k.restartKillSignal)],
    ['FinalKillSignal', prop.int(k.finalKillSignal)],
    ['SendSIGKILL', prop.bool(k.sendSIGKILL)],
    ['SendSIGHUP', prop.bool(k.sendSIGHUP)],
    ['WatchdogSignal', prop.int(k.watchdogSignal)],
  ];
}
