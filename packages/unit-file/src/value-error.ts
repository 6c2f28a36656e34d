/**
 * Thrown by a value parser when a right-hand side is not acceptable.
 *
 * The loader turns it into a {@link Diagnostic} naming unit, file, line and
 * directive. `fatal` overrides the directive's own `fatal` flag for this one
 * value: systemd does this for Exec lines prefixed with `-`, whose errors are
 * logged and ignored instead of failing the unit.
 */
export class ValueError extends Error {
  /** When set, decides whether this error makes the unit `bad-setting`, regardless of the directive. */
  readonly fatal?: boolean;

  constructor(message: string, options?: { fatal?: boolean }) {
    super(message);
    this.name = 'ValueError';
    if (options?.fatal !== undefined) this.fatal = options.fatal;
  }
}
