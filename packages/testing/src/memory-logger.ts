/**
 * A Logger that keeps what it is given, so a test can assert on the lines a plugin writes —
 * which are part of its behaviour, since users read them as they read systemd's.
 */
import type { LogLevel, LogRecord, Logger } from '@unitkit/core';
import { logLevelNumber } from '@unitkit/core';

/** Something that tells the time, such as a FakeEventLoop; lets records carry virtual timestamps. */
export interface LogClock {
  now(): number;
}

/** One record as the MemoryLogger kept it. */
export interface MemoryLogRecord extends LogRecord {
  /** Monotonic time (µs) when it was logged, when the logger was given a clock. */
  at?: number;
}

/** Options of a MemoryLogger. */
export interface MemoryLoggerOptions {
  /** The least important level kept; `debug` (everything) by default. */
  level?: LogLevel;
  /** Also write every kept line to stderr; defaults to whether `UNITKIT_TEST_LOG=1` is set. */
  echo?: boolean;
  /** Stamps each record with `clock.now()`. */
  clock?: LogClock;
}

/** Formats a record the way systemd prints a unit's message: `unit: message`. */
export function formatLogRecord(record: LogRecord): string {
  return record.unit === undefined ? record.message : `${record.unit}: ${record.message}`;
}

/** A Logger that records into memory, for tests. */
export class MemoryLogger implements Logger {
  /** Everything kept, oldest first. */
  readonly records: MemoryLogRecord[] = [];
  /** The least important level kept; may be changed at any time. */
  level: LogLevel;
  private readonly echo: boolean;
  private readonly clock: LogClock | undefined;

  constructor(options: MemoryLoggerOptions = {}) {
    this.level = options.level ?? 'debug';
    this.echo = options.echo ?? process.env['UNITKIT_TEST_LOG'] === '1';
    this.clock = options.clock;
  }

  log(record: LogRecord): void {
    if (!this.enabled(record.level)) return;
    // Copy, so a caller that reuses its record object cannot rewrite history.
    const kept: MemoryLogRecord = { ...record };
    if (record.fields) kept.fields = { ...record.fields };
    if (this.clock) kept.at = this.clock.now();
    this.records.push(kept);
    if (this.echo) process.stderr.write(`<${logLevelNumber[record.level]}>${formatLogRecord(record)}\n`);
  }

  enabled(level: LogLevel): boolean {
    return logLevelNumber[level] <= logLevelNumber[this.level];
  }

  /** Every kept record as a line, `unit: message`. */
  lines(): string[] {
    return this.records.map(formatLogRecord);
  }

  /** The first record whose formatted line matches `pattern` (a substring or a RegExp). */
  find(pattern: RegExp | string): MemoryLogRecord | undefined {
    return this.records.find((r) => matches(pattern, formatLogRecord(r)));
  }

  /** Every record whose formatted line matches `pattern`. */
  filter(pattern: RegExp | string): MemoryLogRecord[] {
    return this.records.filter((r) => matches(pattern, formatLogRecord(r)));
  }

  /** The records about one unit. */
  forUnit(unit: string): MemoryLogRecord[] {
    return this.records.filter((r) => r.unit === unit);
  }

  /** Forgets everything kept so far, e.g. after a test's setup phase. */
  clear(): void {
    this.records.length = 0;
  }
}

function matches(pattern: RegExp | string, line: string): boolean {
  if (typeof pattern === 'string') return line.includes(pattern);
  // A global or sticky RegExp keeps lastIndex between calls, which would make find() flaky.
  pattern.lastIndex = 0;
  return pattern.test(line);
}
