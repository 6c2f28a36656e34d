/**
 * What journald does to each line of a service's stdout stream before it becomes an entry, for
 * implementations of the OutputCapture port: the "<N>" level prefix (SyslogLevelPrefix=), the
 * level ceiling (LogLevelMax=) and the rate limit (LogRateLimitIntervalSec=/Burst=, which systemd
 * hands to journald for the unit; journald counts per unit, this counts per stream).
 */
import type { CapturedStreamOptions } from './ports/output-capture.js';
import { RateLimit } from './rate-limit.js';

/** A line as it is to be recorded, or what the rate limit suppressed before it. */
export interface FilteredLine {
  priority: number;
  message: string;
  /** Lines dropped by the rate limit since the last line that passed (journald reports them). */
  suppressed?: number;
}

/**
 * The rate limits of journald.conf's defaults (RateLimitIntervalSec=30s, RateLimitBurst=10000),
 * which apply when the unit sets none.
 */
export const DEFAULT_RATE_LIMIT = { intervalUsec: 30_000_000, burst: 10_000 };

/** One stream's filter. `now` is the realtime clock in µs. */
export class OutputLineFilter {
  private suppressed = 0;
  private readonly limit: RateLimit;

  constructor(
    private readonly defaultPriority: number,
    private readonly options: CapturedStreamOptions = {},
  ) {
    const r = options.rateLimit && options.rateLimit.intervalUsec > 0 && options.rateLimit.burst > 0 ? options.rateLimit : DEFAULT_RATE_LIMIT;
    this.limit = new RateLimit(r.intervalUsec, r.burst);
  }

  /** Judges one line; undefined when it is not recorded. */
  line(text: string, now: number): FilteredLine | undefined {
    let priority = this.defaultPriority;
    let message = text;
    if (this.options.levelPrefix !== false) {
      // journald's syslog_parse_priority(): "<N>" with N of one to three digits; the facility bits are not the stream's.
      const m = /^<([0-9]{1,3})>/.exec(text);
      if (m && Number(m[1]) <= 191) {
        priority = Number(m[1]) & 7;
        message = text.slice(m[0].length);
      }
    }
    if (this.options.levelMax !== undefined && priority > this.options.levelMax) return undefined;
    if (!this.limit.below(now)) {
      this.suppressed++;
      return undefined;
    }
    const out: FilteredLine = { priority, message };
    if (this.suppressed > 0) {
      out.suppressed = this.suppressed;
      this.suppressed = 0;
    }
    return out;
  }
}
