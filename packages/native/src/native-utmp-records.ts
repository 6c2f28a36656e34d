/**
 * The production UtmpRecords port of core (UtmpIdentifier=/UtmpMode=): records written with
 * glibc's pututxline()/updwtmpx() (csrc/utmp.c) to the system's utmp and wtmp, or to the files
 * given (tests). Failures are ignored, as systemd ignores them.
 */
import type { UtmpRecords } from '@unitkit/core';
import { addon } from './addon.js';

/** UtmpRecords on this machine's utmp and wtmp (other files for tests). */
export class NativeUtmpRecords implements UtmpRecords {
  constructor(private readonly files: { utmp?: string; wtmp?: string } = {}) {}

  /** See UtmpRecords.processStarted. */
  processStarted(r: Parameters<UtmpRecords['processStarted']>[0]): void {
    this.write({ type: r.mode, id: r.id, pid: r.pid, sid: r.sid, ...(r.line !== undefined ? { line: r.line } : {}), ...(r.user !== undefined ? { user: r.user } : {}) });
  }

  /** See UtmpRecords.processExited. */
  processExited(r: Parameters<UtmpRecords['processExited']>[0]): void {
    this.write({ type: 'dead', id: r.id, pid: r.pid, exitCode: r.code, exitStatus: r.status });
  }

  private write(record: Parameters<typeof addon.utmpRecord>[0]): void {
    try {
      addon.utmpRecord({ ...record, ...(this.files.utmp ? { file: this.files.utmp } : {}), ...(this.files.wtmp ? { wtmp: this.files.wtmp } : {}) });
    } catch {
      // No utmp on this system (a minimal container): nothing to record.
    }
  }
}
