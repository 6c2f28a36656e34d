/**
 * The volatile mounts port: a private ramfs for a unit's credentials, mounted read-only once
 * filled, as systemd's setup_credentials() does when it may mount. Only native code can mount;
 * `@unitkit/native` binds it. Without a binding (or without the privilege) the credentials go to
 * a plain directory, systemd's own fallback.
 */

/** Token and interface of the volatile mounts port. */
export const VolatileMounts = Symbol('VolatileMounts');
export interface VolatileMounts {
  /** Mounts a fresh ramfs (a tmpfs where ramfs is missing) on `dir` with `mode`, nodev,nosuid,noexec. Throws an errno error. */
  mountVolatile(dir: string, mode: number): void;
  /** Makes the mount on `dir` read-only (and sets its root's mode). Throws an errno error. */
  remountReadOnly(dir: string, mode: number): void;
  /** Detaches whatever is mounted on `dir`; false when nothing was. */
  unmount(dir: string): boolean;
}
