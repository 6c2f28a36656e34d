/**
 * The per-command status of a socket's Exec{Start,Stop}{Pre,Post}= commands and how `show` prints
 * it. The ExecSpec itself is built by core's exec module (buildExecSpec) from [Socket]'s exec context.
 */
import type { ChildExit, Usec } from '@unitkit/core';
import { childExitCodeNumber, formatTimestamp } from '@unitkit/core';
import { signalName, type ExecCommand } from '@unitkit/unit-file';

/** What happened to one command the last time it ran (systemd's ExecStatus). */
export interface ExecStatus {
  startRealtime: Usec;
  exitRealtime: Usec;
  pid: number;
  exit?: ChildExit;
}

/**
 * One exec command as `systemctl show` prints it:
 * `{ path=/bin/true ; argv[]=/bin/true a ; ignore_errors=no ; start_time=[…] ; stop_time=[…] ; pid=42 ; code=exited ; status=0 }`.
 */
export function formatExecCommand(cmd: ExecCommand, st: ExecStatus | undefined): string {
  const ts = (t: Usec | undefined) => (t ? formatTimestamp(t) : 'n/a');
  const code = st?.exit ? st.exit.code : '(null)';
  let status: string;
  if (!st?.exit) status = '0/0';
  else if (st.exit.code === 'exited') status = String(st.exit.status);
  else status = `${st.exit.status}/${signalName(st.exit.status).replace(/^SIG/, '')}`;
  return `{ path=${cmd.path} ; argv[]=${cmd.argv.join(' ')} ; ignore_errors=${cmd.flags.ignoreFailure ? 'yes' : 'no'} ; start_time=[${ts(st?.startRealtime)}] ; stop_time=[${ts(st?.exitRealtime)}] ; pid=${st?.pid ?? 0} ; code=${code} ; status=${status} }`;
}


/** One exec command as systemd's D-Bus element `(sasbttttuii)` (see core's execCommandBusItem). */
export function execCommandBusItem(cmd: ExecCommand, st: ExecStatus | undefined): unknown[] {
  return [cmd.path, [...cmd.argv], !!cmd.flags.ignoreFailure, st?.startRealtime || 0, 0, st?.exitRealtime || 0, 0, st?.pid ?? 0, (st?.exit ? childExitCodeNumber[st.exit.code] : 0), st?.exit?.status ?? 0];
}
