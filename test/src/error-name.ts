/**
 * What the specs assert about a refused request: the ManagerError's systemd error name.
 */
import { ManagerError } from '@unitkit/core';

/** The error name `fn` was refused with, or undefined when it was not refused. Other errors propagate. */
export function errorName(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManagerError) return e.errorName;
    throw e;
  }
  return undefined;
}
