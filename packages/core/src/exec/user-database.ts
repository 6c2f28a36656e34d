/**
 * User and group lookup for User=, Group= and SupplementaryGroups=, by reading /etc/passwd and
 * /etc/group (what getpwnam()/getgrnam() return on a machine without NSS modules). Node has no
 * getpwnam(); reading the files keeps core free of native code.
 */
import { readFileSync } from 'node:fs';

/** One passwd entry. */
export interface UserRecord {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Where users and groups come from; tests may pass their own. */
export interface UserDatabase {
  /** A user by name or numeric uid; undefined when unknown (a numeric uid without entry gets defaults). */
  user(nameOrUid: string): UserRecord | undefined;
  /** A group's gid by name or number; undefined when unknown. */
  group(nameOrGid: string): number | undefined;
}

/** Reads the colon-separated files each time (they are small; a daemon-reload need not be required to see new users). */
export class FileUserDatabase implements UserDatabase {
  constructor(private readonly passwd = '/etc/passwd', private readonly groupFile = '/etc/group') {}

  user(nameOrUid: string): UserRecord | undefined {
    const numeric = /^[0-9]+$/.test(nameOrUid);
    for (const line of readLines(this.passwd)) {
      const [name, , uid, gid, , home, shell] = line.split(':');
      if (name === undefined || uid === undefined) continue;
      if (numeric ? uid === nameOrUid : name === nameOrUid) {
        return { name, uid: Number(uid), gid: Number(gid), home: home || '/', shell: shell || '/bin/sh' };
      }
    }
    // systemd accepts any numeric uid, with the gid of the same number and "/" as home.
    if (numeric) return { name: nameOrUid, uid: Number(nameOrUid), gid: Number(nameOrUid), home: '/', shell: '/bin/sh' };
    return undefined;
  }

  group(nameOrGid: string): number | undefined {
    if (/^[0-9]+$/.test(nameOrGid)) return Number(nameOrGid);
    for (const line of readLines(this.groupFile)) {
      const [name, , gid] = line.split(':');
      if (name === nameOrGid && gid !== undefined) return Number(gid);
    }
    return undefined;
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  } catch {
    return [];
  }
}
