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

/** Token and interface of the output-capture port. */
export const OutputCapture = Symbol('OutputCapture');
export interface OutputCapture {
  /**
   * Opens a stream whose lines become journal entries of `unit` with `identifier` (SyslogIdentifier=,
   * by default the program name) and `priority` (SyslogLevel=, 6 = info by default; stderr streams
   * pass 3 = err only when the unit asks for it, as systemd keeps info).
   */
  open(unit: string, identifier: string, priority: number): CapturedStream;
}
