/**
 * What specifiers and the manager's properties say about the running system: architecture, host
 * name, kernel release, the user. Read from /proc and /etc rather than through node:os, which cost
 * every manager ~0.3 MB for these few values (issue #19); node:os is loaded only for a user that
 * /etc/passwd does not list (one from NSS: LDAP, systemd-homed).
 */
import { readFileSync } from 'node:fs';
import { nodeOs } from './node-os.js';
import type { SpecifierContext } from './types.js';

function readTrim(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function osRelease(): Record<string, string> {
  const text = readTrim('/etc/os-release') ?? readTrim('/usr/lib/os-release') ?? '';
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// systemd's architecture names for Node's process.arch values.
const ARCH: Record<string, string> = {
  x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: littleEndian ? 'ppc64-le' : 'ppc64',
  s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64', mips: 'mips', mipsel: 'mips-le', mips64el: 'mips64-le',
};

/** The architecture by systemd's names (architecture_to_string()) for a Node `process.arch`. */
export function architectureName(arch: string = process.arch): string {
  return ARCH[arch] ?? arch;
}

/** The host name (uname's nodename, of this UTS namespace). */
export function hostName(): string {
  return readTrim('/proc/sys/kernel/hostname') ?? nodeOs().hostname();
}

/** The kernel release (uname -r). */
export function kernelRelease(): string {
  return readTrim('/proc/sys/kernel/osrelease') ?? nodeOs().release();
}

/** The passwd entry of `uid`: /etc/passwd first, then NSS through node:os for the calling user. */
function passwdEntry(uid: number): Omit<CurrentUser, 'uid'> {
  for (const line of (readTrim('/etc/passwd') ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && f[2] === String(uid)) return { username: f[0]!, gid: Number(f[3]), homedir: f[5]!, shell: f[6] || null };
  }
  const u = nodeOs().userInfo();
  return { username: u.username, gid: u.gid, homedir: u.homedir, shell: u.shell };
}

/** A user's passwd entry. */
export interface CurrentUser {
  username: string;
  uid: number;
  gid: number;
  homedir: string;
  shell: string | null;
}

/** The effective user's passwd entry, as os.userInfo() gives it. */
export function currentUser(): CurrentUser {
  const uid = process.geteuid?.() ?? 0;
  return { uid, ...passwdEntry(uid) };
}

/**
 * Reads the facts specifiers resolve to from the running system (machine id, boot id,
 * os-release, user), for a system or user manager. Values given in `overrides` win.
 * Called once per loader, not per unit.
 */
export function systemSpecifierContext(scope: 'system' | 'user', overrides: SpecifierContext = {}, env: NodeJS.ProcessEnv = process.env): SpecifierContext {
  const rel = osRelease();
  let user: CurrentUser;
  if (scope === 'system') user = { username: 'root', uid: 0, gid: 0, homedir: '/root', shell: '/bin/sh' };
  else {
    const u = currentUser();
    user = { ...u, homedir: env.HOME || u.homedir };
  }
  const home = user.homedir;
  const runtime = scope === 'system' ? '/run' : env.XDG_RUNTIME_DIR ?? `/run/user/${user.uid}`;
  const state = scope === 'system' ? '/var/lib' : env.XDG_STATE_HOME ?? `${home}/.local/state`;
  const base: SpecifierContext = {
    architecture: architectureName(),
    imageVersion: rel.IMAGE_VERSION ?? '',
    bootId: (readTrim('/proc/sys/kernel/random/boot_id') ?? '').replace(/-/g, ''),
    buildId: rel.BUILD_ID ?? '',
    hostname: hostName(),
    machineId: readTrim('/etc/machine-id') ?? '',
    imageId: rel.IMAGE_ID ?? '',
    osId: rel.ID ?? '',
    kernelRelease: kernelRelease(),
    osVersionId: rel.VERSION_ID ?? '',
    osVariantId: rel.VARIANT_ID ?? '',
    userName: user.username,
    uid: user.uid,
    groupName: scope === 'system' ? 'root' : groupNameOf(user.gid) ?? String(user.gid),
    gid: user.gid,
    home,
    shell: scope === 'system' ? '/bin/sh' : user.shell ?? '/bin/sh',
    runtimeDir: runtime,
    stateDir: state,
    cacheDir: scope === 'system' ? '/var/cache' : env.XDG_CACHE_HOME ?? `${home}/.cache`,
    logsDir: scope === 'system' ? '/var/log' : `${state}/log`,
    configDir: scope === 'system' ? '/etc' : env.XDG_CONFIG_HOME ?? `${home}/.config`,
    tmpDir: env.TMPDIR || '/tmp',
    varTmpDir: env.TMPDIR || '/var/tmp',
    credentialsDir: '',
  };
  return { ...base, ...overrides };
}

function groupNameOf(gid: number): string | undefined {
  const text = readTrim('/etc/group');
  if (!text) return undefined;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[2] === String(gid)) return f[0];
  }
  return undefined;
}
