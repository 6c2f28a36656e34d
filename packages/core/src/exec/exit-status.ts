/**
 * How an exit of a process reads in systemd's terms: is_clean_exit() and the "3/NOTIMPLEMENTED"
 * form of unit_log_process_exit(). Shared by every unit type that runs processes.
 */
import { EXIT_STATUS_NAMES, signalName, type ExitStatusSet } from '@unitkit/unit-file';
import type { ChildExitCode } from '../ports/event-loop.js';

const SIGHUP = 1;
const SIGINT = 2;
const SIGPIPE = 13;
const SIGTERM = 15;

/** "3/NOTIMPLEMENTED", "9/KILL": an exit as systemd prints it. */
export function formatExitStatus(code: ChildExitCode, status: number): string {
  if (code === 'exited') return `${status}/${EXIT_STATUS_NAMES[status] ?? 'n/a'}`;
  return `${status}/${signalName(status).replace(/^SIG/, '')}`;
}

/**
 * systemd's is_clean_exit(): exit 0 or a status in `success`; for a daemon (`daemon`, the main
 * process of a service) also death by SIGHUP, SIGINT, SIGTERM or SIGPIPE. A command (a control
 * process) killed by a signal never ended cleanly.
 */
export function isCleanExit(code: ChildExitCode, status: number, daemon: boolean, success: ExitStatusSet = { statuses: [], signals: [] }): boolean {
  if (code === 'exited') return status === 0 || success.statuses.includes(status);
  if (code === 'killed') return (daemon && [SIGHUP, SIGINT, SIGTERM, SIGPIPE].includes(status)) || success.signals.includes(status);
  return false;
}
