/**
 * The production IpcObjects port of core (RemoveIPC=): System V objects found in /proc/sysvipc and
 * removed with IPC_RMID, POSIX shared memory under /dev/shm (directories depth first) and POSIX
 * message queues under /dev/mqueue unlinked — everything owned by the uid or gid, as systemd's
 * clean-ipc.c. Root's objects are never touched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IpcObjects } from '@unitkit/core';
import { addon } from './addon.js';

/** /proc/sysvipc files, the addon's kind, and the columns of id, owner uid and owner gid. */
const SYSV_TABLES = [
  { file: 'shm', kind: 0, id: 1, uid: 7, gid: 8 },
  { file: 'sem', kind: 1, id: 1, uid: 4, gid: 5 },
  { file: 'msg', kind: 2, id: 1, uid: 7, gid: 8 },
] as const;

/** IpcObjects on this machine's /proc, /dev/shm and /dev/mqueue (the roots can be moved, for tests). */
export class NativeIpcObjects implements IpcObjects {
  constructor(
    private readonly roots: { sysvipc: string; shm: string; mqueue: string } = { sysvipc: '/proc/sysvipc', shm: '/dev/shm', mqueue: '/dev/mqueue' },
  ) {}

  /** See IpcObjects.removeOwnedBy. */
  removeOwnedBy(uid: number | undefined, gid: number | undefined): number {
    const owned = (u: number, g: number) => (uid !== undefined && uid !== 0 && u === uid) || (gid !== undefined && gid !== 0 && g === gid);
    let removed = 0;
    for (const t of SYSV_TABLES) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(this.roots.sysvipc, t.file), 'utf8');
      } catch {
        continue; // No System V IPC in this kernel.
      }
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length <= t.gid || !owned(Number(cols[t.uid]), Number(cols[t.gid]))) continue;
        try {
          if (addon.sysvIpcRemove(t.kind, Number(cols[t.id]))) removed++;
        } catch {
          // Not permitted (another IPC namespace's view): skip it, as systemd logs and goes on.
        }
      }
    }
    removed += this.removeFiles(this.roots.shm, owned, true);
    removed += this.removeFiles(this.roots.mqueue, owned, false);
    return removed;
  }

  /** Unlinks what `owned` says below `dir` (recursing into directories when `deep`); returns the count. */
  private removeFiles(dir: string, owned: (uid: number, gid: number) => boolean, deep: boolean): number {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return 0;
    }
    let removed = 0;
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        continue;
      }
      if (e.isDirectory() && deep) removed += this.removeFiles(p, owned, deep);
      if (!owned(st.uid, st.gid)) continue;
      try {
        if (e.isDirectory()) fs.rmdirSync(p);
        else fs.unlinkSync(p);
        removed++;
      } catch {
        // In use or not empty: left, as systemd leaves it.
      }
    }
    return removed;
  }
}
