import { readFileSync } from 'node:fs';
import * as os from 'node:os';
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

// systemd's architecture names for Node's process.arch values.
const ARCH: Record<string, string> = {
  x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: os.endianness() === 'LE' ? 'ppc64-le' : 'ppc64',
  s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64', mips: 'mips', mipsel: 'mips-le',
};

/**
 * Reads the facts specifiers resolve to from the running system (machine id, boot id,
 * os-release, user), for a system or user manager. Values given in `overrides` win.
 * Called once per loader, not per unit.
 */
export function systemSpecifierContext(scope: 'system' | 'user', overrides: SpecifierContext = {}, env: NodeJS.ProcessEnv = process.env): SpecifierContext {
  const rel = osRelease();
  let user: { username: string; uid: number; gid: number; homedir: string; shell: string | null };
  if (scope === 'system') user = { username: 'root', uid: 0, gid: 0, homedir: '/root', shell: '/bin/sh' };
  else {
    const u = os.userInfo();
    user = { username: u.username, uid: u.uid, gid: u.gid, homedir: env.HOME || u.homedir, shell: u.shell };
  }
  const home = user.homedir;
  const runtime = scope === 'system' ? '/run' : env.XDG_RUNTIME_DIR ?? `/run/user/${user.uid}`;
  const state = scope === 'system' ? '/var/lib' : env.XDG_STATE_HOME ?? `${home}/.local/state`;
  const base: SpecifierContext = {
    architecture: ARCH[process.arch] ?? process.arch,
    imageVersion: rel.IMAGE_VERSION ?? '',
    bootId: (readTrim('/proc/sys/kernel/random/boot_id') ?? '').replace(/-/g, ''),
    buildId: rel.BUILD_ID ?? '',
    hostname: os.hostname(),
    machineId: readTrim('/etc/machine-id') ?? '',
    imageId: rel.IMAGE_ID ?? '',
    osId: rel.ID ?? '',
    kernelRelease: os.release(),
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
