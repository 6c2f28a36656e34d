/**
 * The numbers of sd_notify fields and PID files, parsed with the ranges systemd's parsers have:
 * a decimal that does not fit the C type is refused, never rounded into a Number that the native
 * layer then refuses (kill() of a pid past 2^31 throws) or that moves a timer past any date.
 */

/** The largest pid_t. */
export const PID_MAX = 2 ** 31 - 1;

/** The largest uint64_t, as systemd's safe_atou64() accepts. */
const U64_MAX = 18446744073709551615n;

/** Digits only, as `max` allows; undefined otherwise. Values above 2^53 come back rounded. */
function parseDecimal(text: string, max: bigint): number | undefined {
  if (!/^[0-9]+$/.test(text) || text.length > 30) return undefined;
  const n = BigInt(text);
  return n <= max ? Number(n) : undefined;
}

/** A pid as parse_pid() takes it: 1 … PID_MAX. */
export function parsePid(text: string): number | undefined {
  const pid = parseDecimal(text, BigInt(PID_MAX));
  return pid !== undefined && pid > 0 ? pid : undefined;
}

/** A µs value of WATCHDOG_USEC= or EXTEND_TIMEOUT_USEC=, as safe_atou64(). */
export function parseNotifyUsec(text: string): number | undefined {
  return parseDecimal(text, U64_MAX);
}

/** ERRNO=, as safe_atoi() with a non-negative result. */
export function parseNotifyErrno(text: string): number | undefined {
  return parseDecimal(text, BigInt(2 ** 31 - 1));
}
