/**
 * The user database port: User=, Group=, SupplementaryGroups= and DynamicUser= names resolved
 * as systemd's get_user_creds()/get_group_creds() do, through NSS (getpwnam_r and friends), which
 * only native code can call. `@unitkit/native` binds it; without a binding only numeric ids
 * resolve (see exec/user-database.ts).
 */

/** One passwd entry. */
export interface UserRecord {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** One group entry. */
export interface GroupRecord {
  name: string;
  gid: number;
}

/** Token and interface of the user database port. */
export const UserDatabase = Symbol('UserDatabase');
export interface UserDatabase {
  /** A user by name; undefined when unknown. Throws when the lookup itself failed. */
  userByName(name: string): UserRecord | undefined;
  /** A user by uid; undefined when no entry exists. */
  userById(uid: number): UserRecord | undefined;
  /** A group by name; undefined when unknown. */
  groupByName(name: string): GroupRecord | undefined;
  /** A group by gid; undefined when no entry exists. */
  groupById(gid: number): GroupRecord | undefined;
}
