/**
 * What `show`, `is-active` and `is-failed` print from the manager's `show` reply, and their exit
 * statuses. Shared by the full client (unitkitctl.ts) and its quick path (ctl-quick.ts), so both
 * print the same.
 */
import { ExitStatus } from './ctl-exit-status.js';

/** Where a run writes: stdout and stderr, a line at a time. */
export interface CtlOut {
  out(line: string): void;
  err(line: string): void;
}

/** The manager's answer to `show`: each unit's lines, or the error of a unit that could not even be loaded. */
export interface ShowReply {
  units: string[][];
  errors: Array<{ name: string; message: string } | null>;
}

/** `show`: the units' property lines, a blank line between units; exit 1 if one could not be shown. */
export function printShow({ units, errors }: ShowReply, io: CtlOut): number {
  let rc = 0;
  let printed = false;
  units.forEach((lines, i) => {
    const err = errors[i];
    if (err) {
      io.err(`Failed to get properties: ${err.message}`);
      rc = ExitStatus.failure;
      return;
    }
    if (printed) io.out('');
    printed = true;
    for (const l of lines) io.out(l);
  });
  return rc;
}

/**
 * `is-active` (`failedMode` false) and `is-failed`: each unit's ActiveState (unless `quiet`) from a
 * `show` of ActiveState with `value`; the exit status says whether any is active (or failed).
 */
export function printActiveStates(units: string[][], failedMode: boolean, quiet: boolean, io: CtlOut): number {
  let any = false;
  for (const lines of units) {
    // A unit the manager cannot load at all is reported inactive, as systemctl does when GetUnit fails.
    const state = lines[0] ?? 'inactive';
    if (!quiet) io.out(state);
    if (failedMode ? state === 'failed' : state === 'active' || state === 'reloading') any = true;
  }
  return any ? 0 : failedMode ? ExitStatus.failure : ExitStatus.notRunning;
}
