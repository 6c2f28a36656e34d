/**
 * The record of one FakeEventLoop.watchFd() call: the handle the code under test holds and the
 * thing a test inspects to see what is being watched.
 */
import type { FdEvents, FdWatch } from '@unitkit/core';

/** A watch on a fake fd. */
export class FakeFdWatch implements FdWatch {
  /** Whether dispose() has been called. */
  disposed = false;
  /** The events delivered to this watch so far, oldest first. */
  readonly deliveries: FdEvents[] = [];
  private wantedEvents: FdEvents;

  constructor(
    /** The watched fd. */
    readonly fd: number,
    events: FdEvents,
    /** @internal The code under test's callback. */
    readonly callback: (events: FdEvents) => void,
    private readonly onDispose: (watch: FakeFdWatch) => void,
  ) {
    this.wantedEvents = { ...events };
  }

  /** The events currently wanted (a copy). */
  get events(): FdEvents {
    return { ...this.wantedEvents };
  }

  update(events: FdEvents): void {
    if (this.disposed) throw new Error(`fd ${this.fd}: update() on a disposed watch`);
    this.wantedEvents = { ...events };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose(this);
  }

  /**
   * The part of `events` this watch receives: the wanted readiness bits plus hangup, which
   * poll() reports whether asked for or not. Undefined when nothing would be delivered.
   */
  filter(events: FdEvents): FdEvents | undefined {
    const out: FdEvents = {};
    if (events.readable && this.wantedEvents.readable) out.readable = true;
    if (events.writable && this.wantedEvents.writable) out.writable = true;
    if (events.hangup) out.hangup = true;
    return Object.keys(out).length > 0 ? out : undefined;
  }
}
