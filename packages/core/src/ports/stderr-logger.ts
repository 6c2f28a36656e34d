/**
 * A Logger for programs that compose a manager (unitkitd among them): one line per record on
 * stderr, in systemd's words ("unit: message"), with the syslog priority as a `<N>` prefix when
 * stderr is not a terminal, as systemd's console logging does for a journal-less setup.
 */
import type { LogLevel, LogRecord, Logger } from './logger.js';
import { logLevelNumber } from './logger.js';

/** Options of {@link StderrLogger}. */
export interface StderrLoggerOptions {
  /** Records above this level are dropped. Default 'info'. */
  level?: LogLevel;
  /** Prefix lines with `<priority>`. Default: when stderr is not a TTY. */
  prefixPriority?: boolean;
  /** Where lines go; process.stderr by default. */
  write?: (line: string) => void;
}

/** Writes log records to stderr. */
export class StderrLogger implements Logger {
  private readonly max: number;
  private readonly prefix: boolean;
  private readonly write: (line: string) => void;

  constructor(options: StderrLoggerOptions = {}) {
    this.max = logLevelNumber[options.level ?? 'info'];
    this.prefix = options.prefixPriority ?? !process.stderr.isTTY;
    this.write = options.write ?? ((line) => process.stderr.write(line));
  }

  enabled(level: LogLevel): boolean {
    return logLevelNumber[level] <= this.max;
  }

  log(record: LogRecord): void {
    if (!this.enabled(record.level)) return;
    const p = this.prefix ? `<${logLevelNumber[record.level]}>` : '';
    const text = record.unit ? `${record.unit}: ${record.message}` : record.message;
    this.write(`${p}${text}\n`);
  }
}

/** Parses a log level as systemd's --log-level takes it: a name or a number 0–7. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const byNumber = Object.entries(logLevelNumber).find(([, n]) => String(n) === text);
  if (byNumber) return byNumber[0] as LogLevel;
  const aliases: Record<string, LogLevel> = { error: 'err', warn: 'warning', emergency: 'emerg', critical: 'crit' };
  const name = aliases[text] ?? text;
  return name in logLevelNumber ? (name as LogLevel) : undefined;
}
