/**
 * User= and Group= resolution on top of the UserDatabase port, with systemd's rules
 * (get_user_creds(), get_group_creds()): "root"/"0" and "nobody"/"65534" are synthesized without
 * asking NSS, anything else — a numeric id too — must have an entry (systemd 252 fails a User=
 * of a uid without one with 217/USER).
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

/**
 * The shell systemd gives root (default_root_shell(): DEFAULT_USER_SHELL, /bin/bash in Debian's
 * build of systemd 252, which is what unitkit matches).
 */
export const ROOT_SHELL = '/bin/bash';

/** A user for User=: root and nobody synthesized as systemd does, others by name or uid through NSS. */
export function resolveUser(db: UserDatabase, nameOrUid: string): UserRecord | undefined {
  if (nameOrUid === 'root' || nameOrUid === '0') return { name: 'root', uid: 0, gid: 0, home: '/root', shell: ROOT_SHELL };
  // Nobody's home and shell are "/" and nologin, which systemd does not pass on (USER_CREDS_CLEAN).
  if (nameOrUid === 'nobody' || nameOrUid === '65534') return { name: 'nobody', uid: 65534, gid: 65534, home: '/', shell: '/usr/sbin/nologin' };
  if (numeric.test(nameOrUid)) return db.userById(Number(nameOrUid));
  return db.userByName(nameOrUid);
}

const NOLOGIN_SHELLS = ['/bin/nologin', '/sbin/nologin', '/usr/bin/nologin', '/usr/sbin/nologin', '/bin/true', '/usr/bin/true', '/bin/false', '/usr/bin/false'];

/** The home systemd passes on as $HOME: none when empty, "/" or not absolute (USER_CREDS_CLEAN). */
export function cleanHome(home: string): string | undefined {
  return home && home !== '/' && home.startsWith('/') ? home : undefined;
}

/** The shell systemd passes on as $SHELL: none when empty, not absolute or a nologin shell (is_nologin_shell()). */
export function cleanShell(shell: string): string | undefined {
  return shell && shell.startsWith('/') && !NOLOGIN_SHELLS.includes(shell) ? shell : undefined;
}

/** A group for Group=/SupplementaryGroups=: by name through NSS, or a numeric gid. */
export function resolveGroup(db: UserDatabase, nameOrGid: string): GroupRecord | undefined {
  if (nameOrGid === 'root' || nameOrGid === '0') return { name: 'root', gid: 0 };
  if (numeric.test(nameOrGid)) return db.groupById(Number(nameOrGid)) ?? { name: nameOrGid, gid: Number(nameOrGid) };
  return db.groupByName(nameOrGid);
}
