/**
 * DynamicUser= (systemd.exec(5)): a uid/gid pair picked from systemd's range 61184–65519 for as
 * long as the unit runs, named after User= or the unit. systemd records each allocation as a lock
 * file /run/systemd/dynamic-uid/<uid> holding the name; unitkit keeps the same files in a
 * directory of its own runtime directory, so two unitkit managers never hand out the same uid and
 * never collide with systemd's. A uid any NSS user or group already has is skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UserDatabase } from '../ports/user-database.js';

/** systemd's DYNAMIC_UID_MIN…DYNAMIC_UID_MAX. */
export const DYNAMIC_UID_MIN = 61184;
export const DYNAMIC_UID_MAX = 65519;

/** The user name systemd gives a DynamicUser= unit without User=: the unit's prefix when it is a valid user name. */
export function dynamicUserName(unitName: string): string {
  const prefix = unitName.replace(/\.[^.]+$/, '').replace(/@.*$/, '');
  if (/^[a-zA-Z_][a-zA-Z0-9_-]{0,30}$/.test(prefix)) return prefix;
  // systemd hashes an invalid name into "_du" + 16 hex digits.
  let h = 0n;
  for (const c of Buffer.from(unitName)) h = (h * 1099511628211n + BigInt(c)) & 0xffffffffffffffffn;
  return `_du${h.toString(16).padStart(16, '0')}`;
}

/** unitkit's runtime directory when none is configured: $XDG_RUNTIME_DIR/unitkit for a user manager, /run/unitkit for the system one. */
export function defaultUnitkitRuntimeDirectory(scope: 'system' | 'user', env: Readonly<Record<string, string>>): string {
  return scope === 'user' && env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'unitkit') : '/run/unitkit';
}

/** Where the allocation lock files live. */
export function dynamicUidDirectory(runtimeDir: string): string {
  return path.join(runtimeDir, 'dynamic-uid');
}

function nameHash(name: string): number {
  let h = 2166136261;
  for (const c of Buffer.from(name)) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h;
}

/**
 * The uid of `name`: the one already allocated to it, else a fresh one starting at a hash of the
 * name (so the same name tends to get the same uid, as systemd's suggestion does). Throws an
 * Error with code EBUSY when the range is exhausted.
 */
export function allocateDynamicUser(lockDir: string, name: string, users: UserDatabase): number {
  fs.mkdirSync(lockDir, { recursive: true, mode: 0o755 });
  for (const e of fs.readdirSync(lockDir)) {
    if (!/^[0-9]+$/.test(e)) continue;
    try {
      if (fs.readFileSync(path.join(lockDir, e), 'utf8') === name) return Number(e);
    } catch {
      // Released meanwhile.
    }
  }
  const span = DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1;
  const start = nameHash(name) % span;
  for (let i = 0; i < span; i++) {
    const uid = DYNAMIC_UID_MIN + ((start + i) % span);
    if (users.userById(uid) || users.groupById(uid)) continue;
    try {
      fs.writeFileSync(path.join(lockDir, String(uid)), name, { flag: 'wx', mode: 0o644 });
      return uid;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw Object.assign(new Error('No free dynamic user ID'), { code: 'EBUSY' });
}

/** The lock files of `name`'s allocated uids (one, unless something went wrong). */
function lockFilesOf(lockDir: string, name: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(lockDir);
  } catch {
    return [];
  }
  return entries.filter((e) => {
    try {
      return fs.readFileSync(path.join(lockDir, e), 'utf8') === name;
    } catch {
      // Gone already, or unreadable: not ours to count.
      return false;
    }
  });
}

/** The uid allocated to `name`, if it holds one. */
export function dynamicUidOf(lockDir: string, name: string): number | undefined {
  const first = lockFilesOf(lockDir, name)[0];
  return first !== undefined && /^[0-9]+$/.test(first) ? Number(first) : undefined;
}

/** Releases the uid of `name` (when its unit stopped). */
export function releaseDynamicUser(lockDir: string, name: string): void {
  for (const e of lockFilesOf(lockDir, name)) fs.rmSync(path.join(lockDir, e), { force: true });
}
