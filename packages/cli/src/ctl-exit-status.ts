/**
 * systemctl's exit statuses (LSB codes, systemctl(1) "EXIT STATUS") and how a manager error
 * becomes one, as systemctl's translate_bus_error_to_exit_status() does.
 */

/** The exit statuses systemctl uses. */
export const ExitStatus = {
  success: 0,
  failure: 1,
  /** "program is not running" (is-active, status of an inactive unit); also "not implemented" for job errors. */
  notRunning: 3,
  notImplemented: 3,
  /** No such unit (status), or no permission (job requests). */
  unknown: 4,
  noPermission: 4,
  notInstalled: 5,
  notConfigured: 6,
} as const;

/** The exit status for a refused request, by the manager's D-Bus error name. */
export function exitStatusOfError(name: string): number {
  switch (name) {
    case 'AccessDenied':
    case 'OnlyByDependency':
    case 'NoIsolation':
    case 'TransactionIsDestructive':
      return ExitStatus.noPermission;
    case 'NoSuchUnit':
      return ExitStatus.notInstalled;
    case 'JobTypeNotApplicable':
    case 'NotSupported':
      return ExitStatus.notImplemented;
    case 'LoadFailed':
      return ExitStatus.notConfigured;
    default:
      return ExitStatus.failure;
  }
}

/**
 * What systemctl prints for a job that ended with `result` (bus-wait-for-jobs.c), pointing to
 * the unitkitctl commands that show the unit's state and output, or undefined
 * for done and skipped. `unitResult` is the unit's Result property (services), `userFlag` is
 * " --user" for a user manager.
 */
export function jobFailureMessage(unit: string, result: string, unitResult: string | undefined, userFlag: string): string | undefined {
  switch (result) {
    case 'done':
    case 'skipped':
    case 'queued':
      return undefined;
    case 'canceled':
      return `Job for ${unit} canceled.`;
    case 'timeout':
      return `Job for ${unit} timed out.`;
    case 'dependency':
      return `A dependency job for ${unit} failed. See 'unitkitctl${userFlag} list-units --failed' for details.`;
    case 'invalid':
      return `${unit} is not active, cannot reload.`;
    case 'assert':
      return `Assertion failed on job for ${unit}.`;
    case 'unsupported':
      return `Operation on or unit type of ${unit} not supported on this system.`;
    case 'collected':
      return `Queued job for ${unit} was garbage collected.`;
    case 'once':
      return `Unit ${unit} was started already once and can't be started again.`;
  }
  const quoted = /^[A-Za-z0-9_.@:+=,/-]+$/.test(unit) ? unit : `'${unit.replace(/'/g, `'\\''`)}'`;
  // systemctl points to journalctl and itself; unitkit's journal is read with `unitkitctl logs`.
  const see = `See "unitkitctl${userFlag} status ${quoted}" and "unitkitctl${userFlag} logs -u ${quoted}" for details.`;
  if (!unit.endsWith('.service')) return `Job failed. ${see}`;
  const explanations: Record<string, string> = {
    resources: 'of unavailable resources or another system error',
    protocol: 'the service did not take the steps required by its unit configuration',
    timeout: 'a timeout was exceeded',
    'exit-code': 'the control process exited with error code',
    signal: 'a fatal signal was delivered to the control process',
    'core-dump': 'a fatal signal was delivered causing the control process to dump core',
    watchdog: 'the service failed to send watchdog ping',
    'start-limit': 'start of the service was attempted too often',
  };
  const why = unitResult ? explanations[unitResult] : undefined;
  let text = why ? `Job for ${unit} failed because ${why}.\n${see}` : `Job for ${unit} failed.\n${see}`;
  if (unitResult === 'start-limit') text += `\nTo force a start use "unitkitctl${userFlag} reset-failed ${quoted}"\nfollowed by "unitkitctl${userFlag} start ${quoted}" again.`;
  return text;
}

/** Job results that make the waiting systemctl fail (everything but done and skipped). */
export function jobResultFailed(result: string): boolean {
  return !['done', 'skipped', 'queued'].includes(result);
}

/**
 * What unitkitctl prints and exits with when the manager refuses a verb's request as a whole:
 * systemctl's "Failed to <verb>: <message>" (its own wording for daemon-reload and daemon-reexec).
 * AccessDenied is 1 for verbs other than the job verbs, as systemctl's polkit failures are.
 */
export function callFailure(verb: string, error: { name: string; message: string }, jobVerb: boolean): { message: string; status: number } {
  const message =
    verb === 'daemon-reload' ? `Failed to reload daemon: ${error.message}`
    : verb === 'daemon-reexec' ? `Failed to reexecute daemon: ${error.message}`
    : `Failed to ${verb}: ${error.message}`;
  return { message, status: error.name === 'AccessDenied' && !jobVerb ? ExitStatus.failure : exitStatusOfError(error.name) };
}
