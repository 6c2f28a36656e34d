/**
 * Errors the manager returns to callers, named as systemd's D-Bus errors so a client can map them
 * to systemctl's messages and exit codes.
 */

/** The error names, as systemd's org.freedesktop.systemd1.* and org.freedesktop.DBus.Error.* names. */
export type ManagerErrorName =
  | 'NoSuchUnit'
  | 'LoadFailed'
  | 'BadUnitSetting'
  | 'UnitMasked'
  | 'UnitGenerated'
  | 'JobTypeNotApplicable'
  | 'TransactionIsDestructive'
  | 'TransactionOrderIsCyclic'
  | 'TransactionJobsConflicting'
  | 'OnlyByDependency'
  | 'NoIsolation'
  | 'InvalidArgs'
  | 'NoSuchJob'
  | 'NotSupported'
  | 'AccessDenied';

/** A refusal from the manager, with systemd's error name and message. */
export class ManagerError extends Error {
  constructor(
    readonly errorName: ManagerErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'ManagerError';
  }
}
