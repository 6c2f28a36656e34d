/**
 * Capturing what services write to StandardOutput=journal / StandardError=journal (and kmsg): the
 * manager hands the child the write end of a pipe and turns each line it reads into a journal
 * entry for the unit. unitkitd keeps these in journal files of its own (`unitkitctl logs`).
 */

/** One captured stream, for one process. */
export interface CapturedStream {
  /** The fd to put into the child's ExecSpec stdio ({ kind: 'fd', fd }). */
  readonly fd: number;
  /** Call after the spawn: the manager closes its copy of the write end and keeps reading until EOF. */
  spawned(pid: number): void;
  /** Call instead of spawned() when no process was started: both ends of the pipe are closed. */
  abort(): void;
}

/**
 * How the lines of a stream are judged, as journald judges a stdout stream (see
 * {@link OutputLineFilter} in core for the one implementation of these rules).
 */
export interface CapturedStreamOptions {
  /** SyslogLevelPrefix= (default true): a line starting with "<N>" gets level N & 7, the prefix removed. */
  levelPrefix?: boolean;
  /** LogLevelMax=: lines of a higher level number (less important) are dropped. */
  levelMax?: number;
  /** LogRateLimitIntervalSec= (µs) and LogRateLimitBurst=: more lines than the burst in one interval are dropped and counted. */
  rateLimit?: { intervalUsec: number; burst: number };
}

/** Token and interface of the output-capture port. */
export const OutputCapture = Symbol('OutputCapture');
export interface OutputCapture {
  /**
   * Opens a stream whose lines become journal entries of `unit` with `identifier` (SyslogIdentifier=,
   * by default the program name) and `priority` (SyslogLevel=, 6 = info by default; stderr streams
   * pass 3 = err only when the unit asks for it, as systemd keeps info), each line judged by
   * `options` (SyslogLevelPrefix=, LogLevelMax=, the rate limit).
   */
  open(unit: string, identifier: string, priority: number, options?: CapturedStreamOptions): CapturedStream;
}
