import { statSync } from 'node:fs';
import type { UnitDefinition } from './types.js';

/** The modification time of `path` in ms, or undefined when it cannot be stat'ed. */
export function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Whether one file read at load time changed on disk since, as systemd's fragment_mtime_newer():
 * gone counts as changed; a masked file is changed once it no longer masks (is neither empty nor
 * /dev/null); any other file when its mtime is newer than the one recorded. Files under /proc and
 * /sys never count (systemd assumes it watches them).
 */
export function fileChangedSince(path: string | undefined, mtime: number | undefined, masked: boolean): boolean {
  if (!path || path.startsWith('/proc/') || path.startsWith('/sys/')) return false;
  let st;
  try {
    st = statSync(path);
  } catch {
    return true;
  }
  if (masked) return !(st.isCharacterDevice() && st.rdev === DEV_NULL) && !(st.isFile() && st.size === 0);
  return mtime !== undefined && st.mtimeMs > mtime;
}

// makedev(1, 3), /dev/null's device number as Linux encodes it.
const DEV_NULL = (1 << 8) | 3;

/**
 * systemd's unit_need_daemon_reload(): true when what a unit was loaded from changed on disk —
 * the fragment (or, for a masked unit, the mask) or the SourcePath= file, the set of drop-ins
 * (`currentDropIns`, found now as a load would find them; only compared for a loaded unit), or
 * the contents of one of the drop-ins read.
 */
export function unitNeedsDaemonReload(def: UnitDefinition, currentDropIns: readonly string[]): boolean {
  if (fileChangedSince(def.fragmentPath, def.mtimes?.fragment, def.loadState === 'masked')) return true;
  if (fileChangedSince(def.sourcePath, def.mtimes?.source, false)) return true;
  const now = def.loadState === 'loaded' ? currentDropIns : [];
  if (now.length !== def.dropInPaths.length || now.some((p, i) => p !== def.dropInPaths[i])) return true;
  return def.dropInPaths.some((p) => fileChangedSince(p, def.mtimes?.dropIns, false));
}
