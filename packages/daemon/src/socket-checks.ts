/**
 * sd_is_socket(3) and friends: what kind of file an inherited fd is.
 */
import * as fs from 'node:fs';
import { localAddress, socketInfo } from '@unitkit/native';

/** An address family by name or number; 0 or undefined matches any. */
export type FamilyFilter = 0 | 'unix' | 'inet' | 'inet6' | number;
/** A socket type by name or number; 0 or undefined matches any. */
export type TypeFilter = 0 | 'stream' | 'dgram' | 'seqpacket' | number;
/** Listening state: 1/true listening, 0/false not listening, -1/undefined either. */
export type ListeningFilter = -1 | 0 | 1 | boolean;

const familyNumbers: Record<string, number> = { unix: 1, inet: 2, inet6: 10 };
const typeNumbers: Record<string, number> = { stream: 1, dgram: 2, seqpacket: 5 };
const MQUEUE_MAGIC = 0x19800202;

function fstat(fd: number): fs.Stats | undefined {
  try {
    return fs.fstatSync(fd);
  } catch {
    return undefined;
  }
}

function socketMatches(fd: number, family: FamilyFilter | undefined, type: TypeFilter | undefined, listening: ListeningFilter | undefined): boolean {
  const st = fstat(fd);
  if (!st?.isSocket()) return false;
  let info;
  try {
    info = socketInfo(fd);
  } catch {
    return false;
  }
  const fam = typeof family === 'string' ? familyNumbers[family] : family;
  if (fam && info.family !== fam) return false;
  const typ = typeof type === 'string' ? typeNumbers[type] : type;
  if (typ && info.type !== typ) return false;
  const l = typeof listening === 'boolean' ? (listening ? 1 : 0) : listening ?? -1;
  if (l >= 0 && info.listening !== (l === 1)) return false;
  return true;
}

/** sd_is_socket(): a socket of `family`, `type` and listening state (each 0/-1 for "any"). */
export function isSocket(fd: number, family: FamilyFilter = 0, type: TypeFilter = 0, listening: ListeningFilter = -1): boolean {
  return socketMatches(fd, family, type, listening);
}

/** sd_is_socket_inet(): an AF_INET/AF_INET6 socket, optionally bound to `port` (0 = any). */
export function isSocketInet(fd: number, family: 0 | 'inet' | 'inet6' = 0, type: TypeFilter = 0, listening: ListeningFilter = -1, port = 0): boolean {
  if (family === 0) {
    if (!socketMatches(fd, 'inet', type, listening) && !socketMatches(fd, 'inet6', type, listening)) return false;
  } else if (!socketMatches(fd, family, type, listening)) return false;
  if (port > 0) {
    try {
      return localAddress(fd).port === port;
    } catch {
      return false;
    }
  }
  return true;
}

/** sd_is_socket_unix(): an AF_UNIX socket, optionally bound to `path` (`@name` for an abstract one). */
export function isSocketUnix(fd: number, type: TypeFilter = 0, listening: ListeningFilter = -1, path?: string): boolean {
  if (!socketMatches(fd, 'unix', type, listening)) return false;
  if (path === undefined) return true;
  try {
    const a = localAddress(fd);
    return a.abstract ? `@${a.path}` === path : a.path === path;
  } catch {
    return false;
  }
}

function samePath(st: fs.Stats, path: string | undefined): boolean {
  if (path === undefined) return true;
  try {
    const other = fs.statSync(path);
    return other.dev === st.dev && other.ino === st.ino;
  } catch {
    return false;
  }
}

/** sd_is_fifo(): a FIFO, optionally the one at `path`. */
export function isFifo(fd: number, path?: string): boolean {
  const st = fstat(fd);
  return !!st?.isFIFO() && samePath(st, path);
}

/** sd_is_special(): a regular file or character device, optionally the one at `path`. */
export function isSpecial(fd: number, path?: string): boolean {
  const st = fstat(fd);
  return !!st && (st.isFile() || st.isCharacterDevice()) && samePath(st, path);
}

/** sd_is_mq(): a POSIX message queue, optionally the one named `path` ("/name"). */
export function isMq(fd: number, path?: string): boolean {
  let type: number;
  try {
    // The fd's magic link leads to the mqueue file system; its type tells what it is.
    type = Number(fs.statfsSync(`/proc/self/fd/${fd}`).type);
  } catch {
    return false;
  }
  if (type !== MQUEUE_MAGIC) return false;
  if (path === undefined) return true;
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`) === path;
  } catch {
    return false;
  }
}
