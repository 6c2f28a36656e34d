/**
 * The logger port. unitkitd writes these lines in systemd's words to stderr; tests capture them.
 */

/** syslog priorities, by systemd's names. */
export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'err' | 'crit' | 'alert' | 'emerg';

/** The syslog number of each level (LOG_EMERG=0 … LOG_DEBUG=7). */
export const logLevelNumber: Readonly<Record<LogLevel, number>> = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/** One log record. `unit` names the unit a message is about, as systemd's UNIT= field. */
export interface LogRecord {
  level: LogLevel;
  message: string;
  unit?: string;
  /** Extra structured fields (JOB_ID=, JOB_RESULT=, …). */
  fields?: Record<string, string>;
}

/** Token and interface of the logger port. */
export const Logger = Symbol('Logger');
export interface Logger {
  log(record: LogRecord): void;
  /** Whether records of this level are kept at all (lets callers skip building debug messages). */
  enabled(level: LogLevel): boolean;
}
