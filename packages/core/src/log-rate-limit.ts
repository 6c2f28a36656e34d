/**
 * Rate limiting of log lines that something outside the manager can trigger at will (a flood of
 * bad notify datagrams), in the spirit of systemd's log_ratelimit_*(): within a window, the first
 * `burst` lines pass and the rest are dropped; the first line of the next window says how many
 * were dropped, so the log stays honest without growing with the flood.
 */
import type { Usec } from './ports/event-loop.js';
import { RateLimit } from './rate-limit.js';

/** How many lines one source may log per window by default: 10 per 10 s. */
export const defaultLogRateLimit = { interval: 10_000_000, burst: 10 } as const;

/** One source of rate-limited lines. */
export class LogRateLimit {
  private readonly limit: RateLimit;
  private suppressed = 0;

  constructor(interval: Usec = defaultLogRateLimit.interval, burst: number = defaultLogRateLimit.burst) {
    this.limit = new RateLimit(interval, burst);
  }

  /**
   * Whether a line may be logged at `now`. Returns undefined when it must be dropped, otherwise a
   * suffix to append to it: '' or " (N similar messages suppressed)" after a dropped run.
   */
  admit(now: Usec): string | undefined {
    if (!this.limit.below(now)) {
      this.suppressed++;
      return undefined;
    }
    const n = this.suppressed;
    this.suppressed = 0;
    return n > 0 ? ` (${n} similar message${n === 1 ? '' : 's'} suppressed)` : '';
  }
}
