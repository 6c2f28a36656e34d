/**
 * The UserDatabase port of core on NSS: getpwnam_r(), getpwuid_r(), getgrnam_r(), getgrgid_r()
 * in the addon (csrc/users.c), so User=, Group= and SupplementaryGroups= resolve through whatever
 * the machine's nsswitch.conf configures, as systemd's do. Lookups run in the manager, never in
 * a spawned child (they allocate and may load NSS modules).
 */
import type { GroupRecord, UserDatabase, UserRecord } from '@unitkit/core';
import { addon } from './addon.js';

/** NSS lookups; each answer is fresh (no cache: a user added later is seen without a reload). */
export class NssUserDatabase implements UserDatabase {
  /** See UserDatabase.userByName. */
  userByName(name: string): UserRecord | undefined {
    return addon.getpwnam(name);
  }

  /** See UserDatabase.userById. */
  userById(uid: number): UserRecord | undefined {
    return addon.getpwuid(uid);
  }

  /** See UserDatabase.groupByName. */
  groupByName(name: string): GroupRecord | undefined {
    return addon.getgrnam(name);
  }

  /** See UserDatabase.groupById. */
  groupById(gid: number): GroupRecord | undefined {
    return addon.getgrgid(gid);
  }
}
