/**
 * LoadCredential= and SetCredential= (systemd.exec(5), "Credentials"): the credentials a process
 * finds in $CREDENTIALS_DIRECTORY, one file per ID, 0400 and owned by the service's user, in
 * /run/credentials/UNIT (system) or $XDG_RUNTIME_DIR/credentials/UNIT (user), as systemd's
 * setup_credentials() lays them out: as root, a private ramfs mounted read-only once filled (through
 * the VolatileMounts port); otherwise a plain directory made read-only (0500) once filled, which
 * is systemd's own fallback when it may not mount. The encrypted variants need systemd-creds' TPM/host key and are
 * refused at load time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValueError } from '@unitkit/unit-file';
import type { VolatileMounts } from '../ports/volatile-mounts.js';

/** LoadCredential=ID:PATH; `path` is absolute, or relative to the manager's own $CREDENTIALS_DIRECTORY. */
export interface LoadCredential {
  id: string;
  path: string;
}

/** SetCredential=ID:VALUE, the value with C escapes resolved. */
export interface SetCredential {
  id: string;
  value: string;
}

/** A credential name: a valid file name (credential_name_valid()). */
function validId(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !id.includes('/') && id.length <= 255;
}

/** One LoadCredential= assignment ("ID:PATH", or "ID" for the manager's own credential of that name). */
export function parseLoadCredential(value: string): LoadCredential {
  const colon = value.indexOf(':');
  const id = colon < 0 ? value : value.slice(0, colon);
  const p = colon < 0 ? id : value.slice(colon + 1);
  if (!validId(id)) throw new ValueError(`Credential name "${id}" not valid, ignoring.`);
  if (p.startsWith('/')) {
    if (path.normalize(p) !== p.replace(/\/+$/, '') && path.normalize(p) !== p) throw new ValueError(`Credential source "${p}" not valid, ignoring.`);
  } else if (!validId(p)) throw new ValueError(`Credential source "${p}" not valid, ignoring.`);
  return { id, path: p };
}

/** One SetCredential= assignment ("ID:VALUE"). */
export function parseSetCredential(value: string): SetCredential {
  const colon = value.indexOf(':');
  if (colon < 0) throw new ValueError(`Encrypted credential data missing ':', ignoring: ${value}`.replace('Encrypted credential data', 'Credential data'));
  const id = value.slice(0, colon);
  if (!validId(id)) throw new ValueError(`Credential name "${id}" not valid, ignoring.`);
  return { id, value: cunescape(value.slice(colon + 1)) };
}

/** C escapes as systemd's cunescape(): \n, \t, \\, \xNN, \NNN (octal)… */
function cunescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_m, e: string) => {
    if (e.startsWith('x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };
    return map[e] ?? e;
  });
}

/** The credentials directory of a unit: <runtime prefix>/credentials/<unit>. */
export function credentialsDirectory(runtimePrefix: string, unit: string): string {
  return path.join(runtimePrefix, 'credentials', unit);
}

/** Why the credentials could not be set up (the child fails with 243/CREDENTIALS). */
export class CredentialsError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

/**
 * Writes the unit's credentials into `dir` afresh: LoadCredential= files (a directory source loads
 * every regular file in it under its own name), then SetCredential= for IDs not loaded. Files are 0400, the directory 0500 at the end; both owned by `owner` when given.
 * `managerCredentials` is the manager's own $CREDENTIALS_DIRECTORY, for relative sources.
 */
export function setupCredentials(
  dir: string,
  load: readonly LoadCredential[],
  set: readonly SetCredential[],
  owner: { uid: number; gid: number } | undefined,
  managerCredentials: string | undefined,
  mounts?: VolatileMounts,
): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  removeCredentials(dir, mounts);
  fs.mkdirSync(dir, { mode: 0o700 });
  // As root, a private ramfs that is read-only once filled (systemd's way); else the plain 0700
  // directory made read-only by its mode, systemd's fallback when it may not mount.
  let mounted = false;
  if (mounts && process.geteuid?.() === 0) {
    try {
      mounts.mountVolatile(dir, 0o700);
      mounted = true;
    } catch {
      // No ramfs/tmpfs, or mounting refused (a container): the plain directory it is.
    }
  }
  try {
    const written = new Set<string>();
    const write = (id: string, data: Buffer | string): void => {
      const file = path.join(dir, id);
      fs.writeFileSync(file, data, { mode: 0o400, flag: 'wx' });
      fs.chmodSync(file, 0o400);
      if (owner) fs.chownSync(file, owner.uid, owner.gid);
      written.add(id);
    };
    for (const l of load) {
      if (written.has(l.id)) continue;
      let source = l.path;
      if (!source.startsWith('/')) {
        if (!managerCredentials) {
          if (set.some((s) => s.id === l.id)) continue;
          throw new CredentialsError(`Failed to set up credentials: No such file or directory`, 'ENOENT');
        }
        source = path.join(managerCredentials, source);
      }
      try {
        const st = fs.statSync(source);
        if (st.isDirectory()) {
          for (const e of fs.readdirSync(source).sort()) {
            const f = path.join(source, e);
            if (fs.statSync(f).isFile() && validId(e) && !written.has(e)) write(e, fs.readFileSync(f));
          }
        } else write(l.id, fs.readFileSync(source));
      } catch (e) {
        // A SetCredential= of the same ID is the fallback when loading fails.
        if (set.some((s) => s.id === l.id)) continue;
        const err = e as NodeJS.ErrnoException;
        throw new CredentialsError(`Failed to set up credentials: ${err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied' : err.message}`, err.code ?? 'EIO');
      }
    }
    for (const s of set) if (!written.has(s.id)) write(s.id, s.value);
    fs.chmodSync(dir, 0o500);
    if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    if (mounted) mounts!.remountReadOnly(dir, 0o500);
  } catch (e) {
    // Nothing half-written stays behind (nor a ramfs mounted over it).
    removeCredentials(dir, mounts);
    throw e;
  }
}

/** Removes a unit's credentials directory when it stops (exec_context_destroy_credentials()). */
export function removeCredentials(dir: string, mounts?: VolatileMounts): void {
  try {
    // A read-only ramfs left mounted there goes first (lazily: a process may still use it).
    while (mounts?.unmount(dir)) {
      // Mounted twice over (a crash between two starts): detach them all.
    }
  } catch {
    // Not ours to unmount: remove what can be removed below.
  }
  try {
    fs.chmodSync(dir, 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Gone already, or not removable: nothing the stop could do about it.
  }
}
