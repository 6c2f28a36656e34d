/**
 * SocketUser=/SocketGroup= resolved to numeric ids, as get_user_creds()/get_group_creds() do:
 * a number is taken as is, a name is looked up in the passwd/group files. The socket type asks the
 * UserDatabase port (NSS) first when it is bound; these are the fallback.
 */
import { readFileSync } from 'node:fs';

function lookup(file: string, name: string): number | undefined {
  if (/^[0-9]+$/.test(name)) return Number(name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && /^[0-9]+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

/** The uid of SocketUser= (and its primary gid), or undefined when the name is unknown. */
export function resolveUser(name: string, passwd = '/etc/passwd'): { uid: number; gid?: number } | undefined {
  if (/^[0-9]+$/.test(name)) return { uid: Number(name) };
  const uid = lookup(passwd, name);
  if (uid === undefined) return undefined;
  try {
    const line = readFileSync(passwd, 'utf8').split('\n').find((l) => l.split(':')[0] === name);
    const gid = line?.split(':')[3];
    return { uid, gid: gid && /^[0-9]+$/.test(gid) ? Number(gid) : undefined };
  } catch {
    return { uid };
  }
}

/** The gid of SocketGroup=, or undefined when the name is unknown. */
export function resolveGroup(name: string, group = '/etc/group'): number | undefined {
  return lookup(group, name);
}
