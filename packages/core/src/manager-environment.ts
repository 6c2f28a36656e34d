/**
 * The manager environment as systemd 252 keeps it: the environment the manager was started with
 * (its "transient" environment, sorted once) and the assignments clients made since
 * (SetEnvironment/UnsetEnvironment, `systemctl set-environment`), kept sorted. Every process the
 * manager starts afterwards inherits the merge of both; a client can override or remove only
 * what clients set — unsetting a variable the manager was started with leaves it in place, as in
 * systemd.
 */
import { ManagerError } from './manager-error.js';

/** systemd's env_name_is_valid(): letters, digits and '_', not starting with a digit. */
export function isValidEnvironmentName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * systemd 252's env_value_is_valid(): valid UTF-8 without NUL. Control characters (newline, tab,
 * escape…) are allowed in values; show-environment quotes them.
 */
export function isValidEnvironmentValue(value: string): boolean {
  // A lone surrogate is not valid UTF-8; NUL cannot be part of a C string.
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value) && !value.includes('\0');
}

/** systemd's env_assignment_is_valid() for "NAME=value". */
export function isValidEnvironmentAssignment(a: string): boolean {
  const eq = a.indexOf('=');
  return eq > 0 && isValidEnvironmentName(a.slice(0, eq)) && isValidEnvironmentValue(a.slice(eq + 1));
}

/** strcmp() order, as strv_sort() sorts whole "NAME=value" strings. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function split(a: string): [string, string] {
  const eq = a.indexOf('=');
  return [a.slice(0, eq), a.slice(eq + 1)];
}

/** The manager's environment: the one it started with plus what clients set. */
export class ManagerEnvironment {
  /** The environment the manager started with, sorted as "NAME=value" strings. */
  private readonly initial: ReadonlyArray<[string, string]>;
  /** Client assignments, sorted. */
  private client: Array<[string, string]> = [];
  private cached?: Readonly<Record<string, string>>;

  constructor(initial: Record<string, string>) {
    this.initial = Object.entries(initial)
      .map(([k, v]) => `${k}=${v}`)
      .sort(byBytes)
      .map(split);
  }

  /**
   * Sets client variables (systemd's SetEnvironment). All are checked before any is applied:
   * an invalid assignment, or two assignments to the same name, refuse the whole call.
   */
  set(assignments: readonly string[]): void {
    this.modify([], assignments);
  }

  /**
   * Removes client variables (UnsetEnvironment): a bare name removes that variable, a
   * "NAME=value" removes it only while it has exactly that value.
   */
  unset(namesOrAssignments: readonly string[]): void {
    this.modify(namesOrAssignments, []);
  }

  /** Removes `minus`, then sets `plus` (systemd's UnsetAndSetEnvironment). */
  modify(minus: readonly string[], plus: readonly string[]): void {
    if (!minus.every((m) => (m.includes('=') ? isValidEnvironmentAssignment(m) : isValidEnvironmentName(m)))) {
      throw new ManagerError('InvalidArgs', 'Invalid environment variable names or assignments');
    }
    const names = plus.map((p) => split(p)[0]);
    if (!plus.every(isValidEnvironmentAssignment) || new Set(names).size !== names.length) {
      throw new ManagerError('InvalidArgs', 'Invalid environment assignments');
    }
    if (minus.length === 0 && plus.length === 0) return;
    const matches = ([k, v]: [string, string], pattern: string) => (pattern.includes('=') ? `${k}=${v}` === pattern : k === pattern);
    const next = new Map(this.client.filter((e) => !minus.some((m) => matches(e, m))));
    for (const p of plus) next.set(...split(p));
    this.client = [...next].map(([k, v]) => `${k}=${v}`).sort(byBytes).map(split);
    this.cached = undefined;
  }

  /**
   * The effective environment in systemd's order (its Environment property): the initial
   * variables in order, a client value replacing one in place, then the other client variables.
   */
  list(): string[] {
    const merged = new Map<string, string>(this.initial);
    for (const [k, v] of this.client) merged.set(k, v);
    return [...merged].map(([k, v]) => `${k}=${v}`);
  }

  /** What clients set, as "NAME=value" (a re-executed manager starts from the same initial block). */
  clientAssignments(): string[] {
    return this.client.map(([k, v]) => `${k}=${v}`);
  }

  /** The effective environment as a record (what processes inherit). Do not modify it. */
  record(): Readonly<Record<string, string>> {
    this.cached ??= Object.freeze(Object.fromEntries([...this.initial, ...this.client]));
    return this.cached;
  }
}
