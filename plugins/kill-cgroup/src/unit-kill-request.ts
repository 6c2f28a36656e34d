/**
 * `systemctl kill` as systemd 252's unit_kill_common() answers it: which processes --kill-whom=
 * selects, and the errors a client prints ("Failed to kill unit foo.service: No main process to
 * kill", exit status 1).
 */
import type { KillWhom, ProcessScopes, Unit } from '@unitkit/core';

/** The values --kill-whom= accepts. */
export const KILL_WHOM_VALUES: readonly KillWhom[] = ['main', 'control', 'all', 'main-fail', 'control-fail', 'all-fail'];

/** Parses --kill-whom=; undefined for a value systemd refuses ("Invalid who argument bogus"). */
export function parseKillWhom(text: string): KillWhom | undefined {
  return (KILL_WHOM_VALUES as readonly string[]).includes(text) ? (text as KillWhom) : undefined;
}

/** The outcome of a kill request: ok, or systemd's error text (BUS_ERROR_NO_SUCH_PROCESS, exit 1). */
export type UnitKillResult = { ok: true } | { ok: false; message: string };

/** What the unit type knows about its processes. */
export interface UnitKillTarget {
  mainPid?: number;
  controlPid?: number;
  /** False for types that never have a main process (sockets, mounts): "socket units have no main processes". */
  hasMainProcess?: boolean;
}

/**
 * Runs a kill request through the ProcessScopes port with systemd's checks around it:
 * - main/main-fail without a main process: "No main process to kill" (or "<type> units have no
 *   main processes");
 * - control/control-fail without a control process: "No control process to kill";
 * - a -fail variant that signalled nothing: "No matching processes to kill";
 * - plain `all` that found nothing is fine.
 */
export function unitKillCommon(scopes: ProcessScopes, unit: Unit, whom: KillWhom, signal: number, target: UnitKillTarget): UnitKillResult {
  const base = whom.replace(/-fail$/, '');
  if (base === 'main') {
    if (target.hasMainProcess === false) return { ok: false, message: `${unit.type.suffix} units have no main processes` };
    if (!target.mainPid) return { ok: false, message: 'No main process to kill' };
  }
  if (base === 'control' && !target.controlPid) return { ok: false, message: 'No control process to kill' };
  const killed = scopes.kill(unit, whom, signal, target.mainPid, target.controlPid);
  if (!killed && whom.endsWith('-fail')) return { ok: false, message: 'No matching processes to kill' };
  return { ok: true };
}
