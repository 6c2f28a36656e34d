/**
 * Raw fd operations for the socket and service plugins: what node:fs and node:net cannot do on an
 * arbitrary fd number. Every function throws an ErrnoError on failure.
 */
import { addon, type AddressInfo, type SocketInfo } from './addon.js';

/** Closes an fd (EINTR counts as closed, as on Linux it is). */
export function closeFd(fd: number): void {
  addon.close(fd);
}

/** A CLOEXEC copy of `fd` at the lowest free number ≥ `minFd` (default 3). */
export function dupFd(fd: number, minFd = 3): number {
  return addon.dup(fd, minFd);
}

/** dup3(): puts a copy of `fd` at `target`, closing what was there. */
export function dupFdTo(fd: number, target: number, cloexec = false): number {
  return addon.dup3(fd, target, cloexec);
}

/**
 * A sealed memory file holding `data` (CLOEXEC, offset 0), named `name` in /proc (systemd names
 * the one of StandardInput=data "data-fd").
 */
export function memfdSealed(name: string, data: Uint8Array): number {
  return addon.memfdSealed(name, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

/** A new pseudo-terminal: its master fd (CLOEXEC) and the path of its peer, unlocked for opening. */
export function openPty(): { master: number; path: string } {
  return addon.openPty();
}

/** Sets or clears FD_CLOEXEC. */
export function setCloexec(fd: number, on: boolean): void {
  addon.setCloexec(fd, on);
}

/** Whether FD_CLOEXEC is set. */
export function getCloexec(fd: number): boolean {
  return addon.getCloexec(fd);
}

/** Sets or clears O_NONBLOCK. */
export function setNonblocking(fd: number, on: boolean): void {
  addon.setNonblock(fd, on);
}

/** read(): up to `max` bytes; an empty Buffer at EOF; null when a non-blocking fd has nothing. */
export function readFd(fd: number, max = 65536): Buffer | null {
  return addon.read(fd, max);
}

/** write(): bytes written; null when a non-blocking fd is full. */
export function writeFd(fd: number, data: Buffer | string): number | null {
  return addon.write(fd, typeof data === 'string' ? Buffer.from(data) : data);
}

/** pipe2(O_CLOEXEC): [readEnd, writeEnd]. */
export function pipe(nonblocking = false): [number, number] {
  return addon.pipe2(nonblocking);
}

/** socketpair(AF_UNIX, type|SOCK_CLOEXEC). */
export function socketPair(type: 'stream' | 'dgram' | 'seqpacket', nonblocking = false): [number, number] {
  return addon.socketpair(socketTypeNumber[type], nonblocking);
}

/** SOCK_* numbers on Linux. */
export const socketTypeNumber = { stream: 1, dgram: 2, raw: 3, seqpacket: 5 } as const;

/** AF_* numbers on Linux. */
export const addressFamilyNumber = { unix: 1, inet: 2, inet6: 10, netlink: 16, packet: 17, vsock: 40 } as const;

/** What kind of file `fd` is (fstat): 'socket', 'fifo', 'regular', 'directory', 'character-device'… */
export function fdType(fd: number): string {
  return addon.fdType(fd);
}

/** Family, type, protocol and listening state of a socket fd (sd_is_socket() facts). Throws ENOTSOCK. */
export function socketInfo(fd: number): SocketInfo {
  return addon.socketInfo(fd);
}

/** The local address of a socket, with `text` as systemd prints it. */
export function localAddress(fd: number): AddressInfo {
  return addon.getsockname(fd);
}

/** The peer address of a connected socket, with `text` as systemd prints it. */
export function peerAddress(fd: number): AddressInfo {
  return addon.getpeername(fd);
}

/** accept4(SOCK_CLOEXEC|SOCK_NONBLOCK): the connection's fd, or null when none is queued. */
export function acceptConnection(fd: number): number | null {
  return addon.accept(fd);
}

/** SO_PEERCRED of a connected AF_UNIX socket. */
export function peerCredentials(fd: number): { pid: number; uid: number; gid: number } {
  return addon.peerCred(fd);
}

/** What {@link receiveWithFds} read: `data` is empty at end of stream. */
export interface ReceivedWithFds {
  data: Buffer;
  /** Descriptors that arrived with these bytes (CLOEXEC); the caller owns and must close them. */
  fds: number[];
  /** The kernel dropped some descriptors (MSG_CTRUNC): treat the stream as broken. */
  fdsTruncated: boolean;
}

/**
 * Non-blocking sendmsg() on a stream socket, with `fds` as SCM_RIGHTS (they travel with the first
 * byte). Returns the bytes written, or null on EAGAIN; after a partial write send the rest without fds.
 * Node's `net` cannot pass fds over AF_UNIX stream sockets; D-Bus needs this.
 */
export function sendWithFds(fd: number, data: Buffer, fds: number[] = []): number | null {
  return addon.sendFds(fd, data, fds.length ? fds : null);
}

/** Non-blocking recvmsg() of up to `max` bytes with any SCM_RIGHTS fds; null on EAGAIN. */
export function receiveWithFds(fd: number, max = 65536): ReceivedWithFds | null {
  return addon.recvFds(fd, max);
}

/**
 * A non-blocking, CLOEXEC AF_UNIX stream socket connected to `path` (`@name` = abstract). Local
 * stream connects complete at once; EAGAIN (backlog full) and ECONNREFUSED are thrown as errno errors.
 */
export function connectUnixStream(path: string): number {
  const fd = addon.socket(addressFamilyNumber.unix, socketTypeNumber.stream);
  try {
    const abstract = path.startsWith('@');
    addon.connect(fd, { family: 'unix', path: abstract ? path.slice(1) : path, abstract });
    return fd;
  } catch (error) {
    addon.close(fd);
    throw error;
  }
}
