/** Errors of the D-Bus package: protocol violations (which close a connection) and D-Bus error replies. */

/**
 * The peer broke the wire protocol (bad signature, bad length, truncated data…). A connection that
 * meets one while reading closes itself with this as the logged reason.
 */
export class DbusProtocolError extends Error {
  override readonly name = 'DbusProtocolError';
}

/**
 * A D-Bus error reply: `name` is the error name (`org.freedesktop.DBus.Error.UnknownMethod`), the
 * message its first string argument. Method handlers throw it to send an error reply; call()
 * rejects with it when the peer replies with an error.
 */
export class DbusError extends Error {
  /** The D-Bus error name. */
  readonly errorName: string;
  /** The full body of the error reply, when it came from the wire. */
  readonly body: unknown[];

  constructor(errorName: string, message = '', body?: unknown[]) {
    super(message);
    this.errorName = errorName;
    this.body = body ?? (message ? [message] : []);
  }

  override get name(): string {
    return 'DbusError';
  }
}

/** Well-known error names of org.freedesktop.DBus.Error, as sd-bus uses them. */
export const DbusErrorNames = {
  Failed: 'org.freedesktop.DBus.Error.Failed',
  NoMemory: 'org.freedesktop.DBus.Error.NoMemory',
  ServiceUnknown: 'org.freedesktop.DBus.Error.ServiceUnknown',
  NoReply: 'org.freedesktop.DBus.Error.NoReply',
  AccessDenied: 'org.freedesktop.DBus.Error.AccessDenied',
  InvalidArgs: 'org.freedesktop.DBus.Error.InvalidArgs',
  InvalidSignature: 'org.freedesktop.DBus.Error.InvalidSignature',
  UnknownMethod: 'org.freedesktop.DBus.Error.UnknownMethod',
  UnknownObject: 'org.freedesktop.DBus.Error.UnknownObject',
  UnknownInterface: 'org.freedesktop.DBus.Error.UnknownInterface',
  UnknownProperty: 'org.freedesktop.DBus.Error.UnknownProperty',
  PropertyReadOnly: 'org.freedesktop.DBus.Error.PropertyReadOnly',
  Disconnected: 'org.freedesktop.DBus.Error.Disconnected',
  NotSupported: 'org.freedesktop.DBus.Error.NotSupported',
  Timeout: 'org.freedesktop.DBus.Error.Timeout',
} as const;
