/**
 * UtmpRecords that keeps the records in memory, for tests of UtmpIdentifier=/UtmpMode=.
 */
import type { UtmpRecords } from '@unitkit/core';

/** The fake utmp records port. */
export class FakeUtmpRecords implements UtmpRecords {
  /** Every record, in order: the started ones with their mode, the exits as mode 'dead'. */
  readonly records: Array<{ id: string; pid: number; mode: 'init' | 'login' | 'user' | 'dead'; line?: string; user?: string; code?: number; status?: number }> = [];

  /** See UtmpRecords.processStarted. */
  processStarted(r: Parameters<UtmpRecords['processStarted']>[0]): void {
    this.records.push({ id: r.id, pid: r.pid, mode: r.mode, ...(r.line !== undefined ? { line: r.line } : {}), ...(r.user !== undefined ? { user: r.user } : {}) });
  }

  /** See UtmpRecords.processExited. */
  processExited(r: Parameters<UtmpRecords['processExited']>[0]): void {
    this.records.push({ id: r.id, pid: r.pid, mode: 'dead', code: r.code, status: r.status });
  }
}
