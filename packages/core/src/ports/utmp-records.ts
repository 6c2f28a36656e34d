/**
 * The utmp records port: UtmpIdentifier= and UtmpMode= of systemd.exec(5). A process of a unit
 * with UtmpIdentifier= gets an INIT_PROCESS, LOGIN_PROCESS or USER_PROCESS record in utmp (and
 * wtmp) when it starts, and a DEAD_PROCESS record when it exits, as systemd's utmp_put_*() write
 * them (gettys and console logins rely on them for `who` and `last`). Only native code writes utmp;
 * `@unitkit/native` binds it, a fake in `@unitkit/testing` records the calls.
 */

/** The record types UtmpMode= chooses: init, login, user. */
export type UtmpRecordMode = 'init' | 'login' | 'user';

/** Token and interface of the utmp records port. */
export const UtmpRecords = Symbol('UtmpRecords');
export interface UtmpRecords {
  /**
   * A process started: `id` is UtmpIdentifier=, `line` the terminal without "/dev/" (TTYPath=),
   * `user` the process's user name for mode "user" ("LOGIN" is written for "login"). Failures are
   * ignored, as systemd ignores them.
   */
  processStarted(r: { id: string; pid: number; sid: number; line?: string; mode: UtmpRecordMode; user?: string }): void;
  /** The process of a record exited: its DEAD_PROCESS record, with the exit code and status. */
  processExited(r: { id: string; pid: number; code: number; status: number }): void;
}
