/** Shared test helpers: a real fd loop with a hand-driven clock for timers, a capturing logger. */
import type { Disposable, LogRecord, Logger } from '@unitkit/core';
import { NativeEventLoop } from '@unitkit/native';
import type { DbusConnectionOptions } from './connection.js';

/** The real NativeEventLoop for fds, with timers on a manual clock (`advance`) so tests never wait on time. */
export class TestLoop {
  readonly native = new NativeEventLoop({ subreaper: false });
  private time = 0;
  private timers: { at: number; cb: () => void; live: boolean }[] = [];

  readonly loop: DbusConnectionOptions['loop'] = {
    watchFd: (fd, events, cb) => this.native.watchFd(fd, events, cb),
    now: () => this.time,
    armTimer: (at, cb): Disposable => {
      const t = { at, cb, live: true };
      this.timers.push(t);
      return { dispose: () => void (t.live = false) };
    },
  };

  /** Moves the clock forward and fires due timers. */
  advance(usec: number): void {
    this.time += usec;
    for (const t of this.timers.filter((x) => x.live && x.at <= this.time)) {
      t.live = false;
      t.cb();
    }
  }

  close(): void {
    this.native.close();
  }
}

/** A logger keeping every record. */
export class CaptureLogger implements Logger {
  readonly records: LogRecord[] = [];
  log(record: LogRecord): void {
    this.records.push(record);
  }
  enabled(): boolean {
    return true;
  }
  /** Messages at warning or worse. */
  get warnings(): string[] {
    return this.records.filter((r) => r.level !== 'debug' && r.level !== 'info').map((r) => r.message);
  }
}

/** Resolves when `test()` holds, checking after each turn of the event loop (the mocha timeout bounds it). */
export async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setImmediate(r));
}
