/**
 * Emergency actions (systemd's emergency_action.c): what SuccessAction=, FailureAction=,
 * StartLimitAction= and JobTimeoutAction= make the manager do. Core does the part that is about
 * units — starting exit.target, poweroff.target or reboot.target — and hands the rest (ending the
 * manager process with a status) to whoever runs the manager, as a {@link ManagerObjective} on the
 * manager's `objective` event: unitkitd exits; an embedding program decides for itself.
 *
 * unitkit never reboots or powers off the machine it runs on: a system manager is treated as a
 * container's init (systemd's detect_container() > 0), so `exit` stays `exit`, and `poweroff`,
 * `reboot` and their -force/-immediate variants end the manager rather than the host.
 */
import type { Manager } from './manager.js';
import { ManagerError } from './manager-error.js';
import { isActiveOrActivating } from './unit-active-state.js';

/** The actions systemd 252 knows (emergency_action_table; kexec and halt came later). */
export type EmergencyAction =
  | 'none'
  | 'reboot'
  | 'reboot-force'
  | 'reboot-immediate'
  | 'poweroff'
  | 'poweroff-force'
  | 'poweroff-immediate'
  | 'exit'
  | 'exit-force';

/** Every {@link EmergencyAction}, in systemd's order. */
export const emergencyActions: readonly EmergencyAction[] = [
  'none', 'reboot', 'reboot-force', 'reboot-immediate', 'poweroff', 'poweroff-force', 'poweroff-immediate', 'exit', 'exit-force',
];

/** How an action was triggered (systemd's EmergencyActionFlags). */
export interface EmergencyActionFlags {
  /** Log at warning rather than debug (StartLimitAction=, JobTimeoutAction=). */
  warn?: boolean;
}

/**
 * What the program running the manager is asked to do: end the manager with `exitStatus`.
 * `orderly` is false for the -force and -immediate actions (systemd sets its objective at once:
 * the main loop ends without stopping units) and true when the matching target could not be
 * started (no exit.target on the unit path, say), so the program must stop the units itself —
 * unitkitd then stops every unit as on SIGTERM before it exits.
 */
export interface ManagerObjective {
  /** 'exit' for exit/exit-force; 'poweroff' and 'reboot' end the manager too (never the host). */
  objective: 'exit' | 'poweroff' | 'reboot';
  /** The status to exit with: the manager's return value (ExitCode=, *ActionExitStatus=, the main process's status). */
  exitStatus: number;
  orderly: boolean;
  /** Why, e.g. "unit foo.service failed". */
  reason: string;
}

const targets = { exit: 'exit.target', poweroff: 'poweroff.target', reboot: 'reboot.target' } as const;

/**
 * Carries out `action` for `reason` (systemd's emergency_action()). `exitStatus` (0…255), when
 * given, becomes the manager's return value for exit and exit-force.
 */
export function runEmergencyAction(
  m: Manager,
  action: EmergencyAction,
  flags: EmergencyActionFlags,
  exitStatus: number | undefined,
  reason: string,
): void {
  if (action === 'reboot' || action === 'poweroff' || action === 'exit') {
    // Is shutdown.target active or queued? Then we are shutting down already.
    const shutdown = m.getUnit('shutdown.target');
    const pending = shutdown?.job && ['start', 'restart', 'reload-or-start'].includes(shutdown.job.type);
    if (shutdown && (isActiveOrActivating(shutdown.activeState()) || pending)) {
      m.log('notice', `Shutdown is already active. Skipping emergency action request ${action}.`);
      return;
    }
  }
  if (action === 'none') return;
  const say = (what: string) => m.log(flags.warn ? 'warning' : 'debug', `${what}: ${reason}`);
  const end = (objective: ManagerObjective['objective'], orderly: boolean): void => {
    m.events.emit('objective', { objective, exitStatus: objective === 'exit' ? m.exitStatus : 0, orderly, reason });
  };
  const startTarget = (objective: ManagerObjective['objective']) => {
    const name = targets[objective];
    try {
      m.addJob('start', name, 'replace-irreversibly');
    } catch (e) {
      if (!(e instanceof ManagerError)) throw e;
      m.log('warning', `Failed to enqueue ${name} job: ${e.message}`);
      // unitkit difference: without the target nothing would ever end the manager; stop the units
      // and end it instead, as the target would have.
      end(objective, true);
    }
  };
  switch (action) {
    case 'exit':
      if (exitStatus !== undefined) m.exitStatus = exitStatus;
      say('Exiting');
      return startTarget('exit');
    case 'exit-force':
      if (exitStatus !== undefined) m.exitStatus = exitStatus;
      say('Exiting immediately');
      return end('exit', false);
    case 'poweroff':
      say('Powering off');
      return startTarget('poweroff');
    case 'poweroff-force':
      say('Forcibly powering off');
      return end('poweroff', false);
    case 'poweroff-immediate':
      say('Powering off immediately');
      return end('poweroff', false);
    case 'reboot':
      say('Rebooting');
      return startTarget('reboot');
    case 'reboot-force':
      say('Forcibly rebooting');
      return end('reboot', false);
    case 'reboot-immediate':
      say('Rebooting immediately');
      return end('reboot', false);
  }
}

/**
 * The status SuccessAction=/FailureAction= exit with (unit_success_action_exit_status() and
 * unit_failure_action_exit_status()): the *ActionExitStatus= setting, else the main process's exit
 * status, 255 when it was killed by a signal, nothing when there is none (the return value stays).
 */
export function actionExitStatus(configured: number | undefined, unitStatus: number | 'abnormal' | undefined): number | undefined {
  if (configured !== undefined) return configured;
  if (unitStatus === 'abnormal') return 255;
  return unitStatus;
}
