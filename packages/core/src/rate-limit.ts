/**
 * A fixed-window rate limit, as systemd's RateLimit: at most `burst` events per `interval`.
 */
import type { Usec } from './ports/event-loop.js';

/** Counts events in a window that starts with the first event after the previous window ended. */
export class RateLimit {
  private begin = 0;
  private count = 0;

  constructor(public interval: Usec, public burst: number) {}

  /** A limit with a zero interval or burst never refuses. */
  get configured(): boolean {
    return this.interval > 0 && this.burst > 0;
  }

  /** Records one event at `now`; false when it is over the limit. */
  below(now: Usec): boolean {
    if (!this.configured) return true;
    if (this.begin <= 0 || now - this.begin > this.interval) {
      this.begin = now;
      this.count = 1;
      return true;
    }
    this.count++;
    return this.count <= this.burst;
  }

  /** Forgets the current window (reset-failed does this for the start limit). */
  reset(): void {
    this.begin = 0;
    this.count = 0;
  }
}
