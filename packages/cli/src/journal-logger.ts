/**
 * A Logger that passes every record on and also keeps the ones about a unit in that unit's
 * journal, as systemd's own messages ("Started foo.service.") appear in `journalctl -u foo`.
 */
import type { LogRecord, Logger, LogLevel } from '@unitkit/core';
import { logLevelNumber } from '@unitkit/core';
import type { Journal } from './journal.js';

/** Tees unit records into the journal. */
export class JournalLogger implements Logger {
  constructor(
    private readonly next: Logger,
    private readonly journal: Journal,
    private readonly identifier = 'unitkitd',
  ) {}

  enabled(level: LogLevel): boolean {
    // The journal keeps info and above even when stderr is quieter.
    return this.next.enabled(level) || logLevelNumber[level] <= logLevelNumber.info;
  }

  log(record: LogRecord): void {
    if (this.next.enabled(record.level)) this.next.log(record);
    if (record.unit && logLevelNumber[record.level] <= logLevelNumber.info) {
      this.journal.append({
        time: Date.now() * 1000,
        unit: record.unit,
        pid: process.pid,
        priority: logLevelNumber[record.level],
        identifier: this.identifier,
        message: record.message,
      });
    }
  }
}
