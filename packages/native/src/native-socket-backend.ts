/**
 * Core's SocketBackend port on the addon: what the socket plugin opens, accepts, flushes and
 * closes. Every fd is CLOEXEC and non-blocking.
 */
import { mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AcceptedConnection, ListenKind, ListenOptions, OpenedListener, SocketBackend } from '@unitkit/core';
import type { AddressInfo, ErrnoError } from './addon.js';
import { acceptConnection, setNonblocking, closeFd, localAddress, peerAddress, peerCredentials, readFd, socketInfo } from './fd-ops.js';
import { openFifo, openMessageQueue, openNetlink, openSocket, openSpecial, type SocketOptions } from './sockets.js';

/** The addon's socket options from the port's (the port spells IPTOS=/IPTTL= as systemd does). */
function socketOptions(o: ListenOptions): SocketOptions {
  const { ipTOS, ipTTL, pipeSize: _p, writable: _w, messageQueueMaxMessages: _m, messageQueueMessageSize: _s, ...rest } = o;
  const out: SocketOptions = { ...rest };
  if (ipTOS !== undefined) out.ipTos = ipTOS;
  if (ipTTL !== undefined) out.ipTtl = ipTTL;
  return out;
}

/** "Failed to set IP_TOS on socket, ignoring: Operation not permitted", as systemd logs such warnings. */
function warningText(e: ErrnoError): string {
  return `Failed to set ${e.option ?? e.syscall} on socket, ignoring: ${e.message}`;
}

/** "[::ffff:1.2.3.4]:80" → "1.2.3.4:80". */
function unmapped(text: string): string {
  const m = /^\[::ffff:([0-9.]+)\]:([0-9]+)$/i.exec(text);
  return m ? `${m[1]}:${m[2]}` : text;
}

function family(a: AddressInfo): AcceptedConnection['family'] {
  return a.family === 'inet' || a.family === 'inet6' || a.family === 'unix' ? a.family : 'other';
}

/** The production SocketBackend. */
export class NativeSocketBackend implements SocketBackend {
  /**
   * Opens one Listen*= line: `address` as written in the unit file (for netlink "family group",
   * for a message queue "/name"). Throws the addon's ErrnoError (code, errno, syscall, path).
   */
  open(kind: ListenKind, address: string, options: ListenOptions): OpenedListener {
    switch (kind) {
      case 'stream':
      case 'dgram':
      case 'seqpacket': {
        const r = openSocket(kind, address, socketOptions(options));
        return { fd: r.fd, warnings: r.warnings.map(warningText) };
      }
      case 'fifo':
        return {
          fd: openFifo(address, {
            mode: options.socketMode,
            directoryMode: options.directoryMode,
            pipeSize: options.pipeSize,
            ownerUid: options.ownerUid,
            ownerGid: options.ownerGid,
          }),
          warnings: [],
        };
      case 'special':
        return { fd: openSpecial(address, !!options.writable), warnings: [] };
      case 'netlink': {
        const [name, group] = address.trim().split(/\s+/);
        const fam = /^[0-9]+$/.test(name!) ? Number(name) : name!;
        const r = openNetlink(fam, group === undefined ? 0 : Number(group), socketOptions(options));
        return { fd: r.fd, warnings: r.warnings.map(warningText) };
      }
      case 'mqueue':
        return {
          fd: openMessageQueue(address, {
            mode: options.socketMode,
            maxMessages: options.messageQueueMaxMessages,
            messageSize: options.messageQueueMessageSize,
          }),
          warnings: [],
        };
    }
  }

  /**
   * Accepts one connection; undefined when none is queued. `local`/`remote` are printed as systemd
   * prints them, an IPv4-mapped pair as IPv4 (so instance names match systemd's); AF_UNIX peers
   * carry SO_PEERCRED and an empty `remote`.
   */
  accept(fd: number): AcceptedConnection | undefined {
    const cfd = acceptConnection(fd);
    if (cfd === null) return undefined;
    // The connection goes to a service that expects blocking I/O on it (systemd's exec_child
    // clears O_NONBLOCK on the socket fd); the manager itself never reads it.
    setNonblocking(cfd, false);
    try {
      const local = localAddress(cfd);
      const fam = family(local);
      if (fam === 'unix') {
        let peer: AcceptedConnection['peer'];
        try {
          peer = peerCredentials(cfd);
        } catch {
          peer = undefined; // another namespace: systemd names such instances "N-unknown"
        }
        return { fd: cfd, family: 'unix', local: local.text, remote: '', peer };
      }
      const remote = peerAddress(cfd);
      const r = unmapped(remote.text);
      const l = unmapped(local.text);
      // Only a pair that is IPv4 on both ends is printed as IPv4, as instance_from_socket_fd() does.
      const bothMapped = r !== remote.text || /^[0-9.]+:[0-9]+$/.test(remote.text);
      return { fd: cfd, family: fam, local: bothMapped ? l : local.text, remote: bothMapped ? r : remote.text };
    } catch (e) {
      closeFd(cfd);
      throw e;
    }
  }

  /**
   * FlushPending=: a listening socket has its queued connections accepted and closed, anything
   * else its queued data read and discarded (flush_accept()/flush_fd()).
   */
  flush(fd: number): void {
    let listening = false;
    try {
      listening = socketInfo(fd).listening;
    } catch {
      listening = false; // not a socket: a FIFO or special file
    }
    try {
      if (listening) {
        for (let c = acceptConnection(fd); c !== null; c = acceptConnection(fd)) closeFd(c);
      } else {
        for (let b = readFd(fd, 65536); b !== null && b.length > 0; b = readFd(fd, 65536));
      }
    } catch {
      // Flushing is best effort, as in systemd (message queues cannot be read this way).
    }
  }

  /** Closes an fd; an fd that is already closed is fine. */
  close(fd: number): void {
    try {
      closeFd(fd);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EBADF') throw e;
    }
  }

  /** Removes a node (RemoveOnStop=); a missing one is fine. */
  unlink(path: string): void {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
  }

  /** Creates `path` → `target` (Symlinks=), parent directories included, replacing a symlink or file there. */
  symlink(target: string, path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    symlinkSync(target, path);
  }
}
