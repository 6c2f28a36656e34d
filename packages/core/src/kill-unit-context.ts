/**
 * systemd's unit_kill_context(), independent of how a unit's processes are tracked: which
 * processes get which signal when a unit is stopped, killed after a timeout or hit by its
 * watchdog. ProcessScopes implementations (the kill-mode plugin, the test kit's fake) call it with
 * their UnitScope.
 */
import type { KillContext, KillOperation } from './kill-context.js';
import type { UnitScope } from './ports/process-scopes.js';
import type { KillWhom } from './unit-type.js';

const SIGHUP = 1;
const SIGKILL = 9;
const SIGCONT = 18;

/** What killUnitContext() needs besides the settings. */
export interface KillUnitContextRequest {
  scope: UnitScope;
  /** Sends a signal to one pid; false when it no longer exists (ESRCH). */
  signal(pid: number, signal: number): boolean;
  context: KillContext;
  operation: KillOperation;
  mainPid?: number;
  controlPid?: number;
  /** The main process is not our child: we will not see it exit, so we do not wait for it. */
  mainPidAlien?: boolean;
  /** Called for each process signalled by a noteworthy operation ("Killing process 42 (sleep) with signal SIGKILL."). */
  log?(pid: number, signal: number): void;
}

/** The signal an operation sends, and whether each kill is worth a log line. */
export function operationSignal(c: KillContext, op: KillOperation): { signal: number; noteworthy: boolean } {
  switch (op) {
    case 'terminate':
      return { signal: c.killSignal, noteworthy: false };
    case 'terminate-and-log':
      return { signal: c.killSignal, noteworthy: true };
    case 'restart':
      return { signal: c.restartKillSignal, noteworthy: false };
    case 'kill':
      return { signal: c.finalKillSignal, noteworthy: true };
    case 'watchdog':
      return { signal: c.watchdogSignal, noteworthy: true };
  }
}

/**
 * Signals the unit's processes as KillMode= says. Returns true when the caller should wait for
 * them to exit (arm its stop timer), false when there was nothing to wait for.
 */
export function killUnitContext(r: KillUnitContextRequest): boolean {
  const c = r.context;
  if (c.killMode === 'none') return false;
  const { signal, noteworthy } = operationSignal(c, r.operation);
  const sendSighup = c.sendSIGHUP && (r.operation === 'terminate' || r.operation === 'terminate-and-log') && signal !== SIGHUP;
  const killAndCont = (pid: number): boolean => {
    if (noteworthy) r.log?.(pid, signal);
    const alive = r.signal(pid, signal);
    // A stopped process must be woken to handle the signal; SIGKILL needs no help.
    if (alive && signal !== SIGCONT && signal !== SIGKILL) r.signal(pid, SIGCONT);
    return alive;
  };
  let wait = false;
  if (r.mainPid && r.mainPid > 0) {
    const alive = killAndCont(r.mainPid);
    if (!r.mainPidAlien) wait = true;
    if (alive && sendSighup) r.signal(r.mainPid, SIGHUP);
  }
  if (r.controlPid && r.controlPid > 0) {
    const alive = killAndCont(r.controlPid);
    wait = true;
    if (alive && sendSighup) r.signal(r.controlPid, SIGHUP);
  }
  if (c.killMode === 'control-group' || (c.killMode === 'mixed' && r.operation === 'kill')) {
    const except = new Set<number>();
    if (r.mainPid) except.add(r.mainPid);
    if (r.controlPid) except.add(r.controlPid);
    if (noteworthy && r.log) for (const pid of r.scope.pids()) if (!except.has(pid)) r.log(pid, signal);
    const n = r.scope.signalAll(signal, except);
    if (n > 0) {
      if (signal !== SIGCONT && signal !== SIGKILL) r.scope.signalAll(SIGCONT, except);
      wait = true;
      if (sendSighup) r.scope.signalAll(SIGHUP, except);
    }
  }
  return wait;
}

/** What killUnitProcesses() needs. */
export interface KillUnitProcessesRequest {
  scope: UnitScope;
  /** Sends a signal to one pid; false when it no longer exists. */
  signal(pid: number, signal: number): boolean;
  whom: KillWhom;
  /** The signal to send. */
  sig: number;
  mainPid?: number;
  controlPid?: number;
}

/**
 * `systemctl kill --kill-whom=`: the signal to the main process, the control process, or all of
 * the unit's processes (the `-fail` variants select the same processes; the caller reports an
 * error when nothing was signalled). Returns whether any process got the signal.
 */
export function killUnitProcesses(r: KillUnitProcessesRequest): boolean {
  const whom = r.whom.replace(/-fail$/, '');
  let killed = false;
  if ((whom === 'main' || whom === 'all') && r.mainPid && r.mainPid > 0) killed = r.signal(r.mainPid, r.sig) || killed;
  if ((whom === 'control' || whom === 'all') && r.controlPid && r.controlPid > 0) killed = r.signal(r.controlPid, r.sig) || killed;
  if (whom === 'all') {
    // With SIGKILL the main and control process are gone already, so the scope may take the rest
    // in one go (cgroup.kill, race-free against forks); other signals must not reach them twice.
    const except = r.sig === SIGKILL ? undefined : new Set([r.mainPid ?? 0, r.controlPid ?? 0]);
    if (r.scope.signalAll(r.sig, except) > 0) killed = true;
  }
  return killed;
}
