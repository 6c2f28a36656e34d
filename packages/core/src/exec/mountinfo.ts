/**
 * /proc/self/mountinfo as a list: the mount points the manager sees, which its children see too
 * until they make a namespace of their own. The namespace plan reads it to find the submounts a
 * read-only or noexec path covers (systemd's bind_remount_recursive_with_mountinfo()).
 */
import * as fs from 'node:fs';

/** One mount: where, and its per-mount flags. */
export interface MountInfoEntry {
  path: string;
  fstype: string;
  readOnly: boolean;
  nosuid: boolean;
  nodev: boolean;
  noexec: boolean;
}

/** Decodes the octal escapes of mountinfo ("\040" for a space). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses the text of a mountinfo file; lines it does not understand are skipped. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-');
    if (f.length < 10 || dash < 6) continue;
    const opts = f[5]!.split(',');
    out.push({
      path: unescape(f[4]!),
      fstype: f[dash + 1] ?? '',
      readOnly: opts.includes('ro'),
      nosuid: opts.includes('nosuid'),
      nodev: opts.includes('nodev'),
      noexec: opts.includes('noexec'),
    });
  }
  return out;
}

/** The manager's mounts now; empty when /proc is not mounted. */
export function readMountInfo(file = '/proc/self/mountinfo'): MountInfoEntry[] {
  try {
    return parseMountInfo(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
