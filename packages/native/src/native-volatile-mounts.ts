/**
 * The VolatileMounts port of core on mount(2)/umount2(2) (csrc/mounts.c): the ramfs behind a
 * unit's $CREDENTIALS_DIRECTORY, remounted read-only once filled, as systemd's
 * setup_credentials(). Called by the manager, never in a spawned child.
 */
import type { VolatileMounts } from '@unitkit/core';
import { addon, type ErrnoError } from './addon.js';

const MS_RDONLY = 1;
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;
const MS_REMOUNT = 32;
const MS_BIND = 4096;
const MNT_DETACH = 2;
const SAFE = MS_NODEV | MS_NOSUID | MS_NOEXEC;

/** mount(2)-backed volatile mounts. */
export class NativeVolatileMounts implements VolatileMounts {
  /** See VolatileMounts.mountVolatile: ramfs, or tmpfs on a kernel without ramfs. */
  mountVolatile(dir: string, mode: number): void {
    const data = `mode=${mode.toString(8).padStart(4, '0')}`;
    try {
      addon.mount('ramfs', dir, 'ramfs', SAFE, data);
    } catch (e) {
      if ((e as ErrnoError).code !== 'ENODEV') throw e;
      addon.mount('tmpfs', dir, 'tmpfs', SAFE, data);
    }
  }

  /** See VolatileMounts.remountReadOnly: the mount point becomes read-only (a bind remount, as systemd's). */
  remountReadOnly(dir: string, _mode: number): void {
    addon.mount(null, dir, null, MS_REMOUNT | MS_BIND | MS_RDONLY | SAFE, null);
  }

  /** See VolatileMounts.unmount: a lazy unmount; false when nothing is mounted on `dir`. */
  unmount(dir: string): boolean {
    try {
      addon.umount2(dir, MNT_DETACH);
      return true;
    } catch (e) {
      const code = (e as ErrnoError).code;
      if (code === 'EINVAL' || code === 'ENOENT') return false;
      throw e;
    }
  }
}
