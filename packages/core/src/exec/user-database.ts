/**
 * User= and Group= resolution on top of the UserDatabase port, with systemd's rules
 * (get_user_creds(), get_group_creds()): "root" and "0" always resolve, a numeric id resolves
 * even without an entry (home "/", shell /bin/sh… as systemd's fallback), anything else must be
 * known to NSS.
 */
import type { GroupRecord, UserDatabase, UserRecord } from '../ports/user-database.js';

export type { GroupRecord, UserRecord } from '../ports/user-database.js';

/** The database used when none is bound: no NSS, so only ids and root resolve. */
export const noUserDatabase: UserDatabase = {
  userByName: () => undefined,
  userById: () => undefined,
  groupByName: () => undefined,
  groupById: () => undefined,
};

const numeric = /^[0-9]+$/;

/** A user for User=: by name through NSS, or a numeric uid (with or without an entry). */
export function resolveUser(db: UserDatabase, nameOrUid: string): UserRecord | undefined {
  if (nameOrUid === 'root' || nameOrUid === '0') return db.userByName('root') ?? { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh' };
  if (numeric.test(nameOrUid)) {
    const uid = Number(nameOrUid);
    // systemd takes a numeric uid as is; without an entry the gid is the same number and home is "/".
    return db.userById(uid) ?? { name: nameOrUid, uid, gid: uid, home: '/', shell: '/bin/sh' };
  }
  return db.userByName(nameOrUid);
}

/** A group for Group=/SupplementaryGroups=: by name through NSS, or a numeric gid. */
export function resolveGroup(db: UserDatabase, nameOrGid: string): GroupRecord | undefined {
  if (nameOrGid === 'root' || nameOrGid === '0') return { name: 'root', gid: 0 };
  if (numeric.test(nameOrGid)) return db.groupById(Number(nameOrGid)) ?? { name: nameOrGid, gid: Number(nameOrGid) };
  return db.groupByName(nameOrGid);
}
