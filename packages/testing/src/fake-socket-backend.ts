/**
 * A SocketBackend with fake fds: records what was opened with which options, lets a test queue
 * connections on a listener (and then fire the fd through the fake loop), and checks that every
 * fd is closed exactly once.
 */
import type { AcceptedConnection, ListenKind, ListenOptions, OpenedListener, SocketBackend } from '@unitkit/core';
import { errnoError } from './errno-error.js';

/** One fake listener. */
export interface FakeListener {
  fd: number;
  kind: ListenKind;
  address: string;
  options: ListenOptions;
  /** Connections waiting to be accepted. */
  pending: Array<Omit<AcceptedConnection, 'fd'>>;
  closed: boolean;
}

/** The fake socket backend. Fds start at 100 so they never look like stdio. */
export class FakeSocketBackend implements SocketBackend {
  readonly listeners: FakeListener[] = [];
  /** Connection fds handed out by accept(), with where they came from. */
  readonly connections: Array<AcceptedConnection & { listener: number; closed: boolean }> = [];
  readonly closed: number[] = [];
  readonly unlinked: string[] = [];
  readonly symlinks: Array<{ target: string; path: string }> = [];
  readonly flushed: number[] = [];
  private nextFd = 100;
  private readonly failures = new Map<string, string>();

  /** Makes open() of `address` fail with errno `code` (e.g. EADDRINUSE). */
  failOpen(address: string, code: string): void {
    this.failures.set(address, code);
  }

  open(kind: ListenKind, address: string, options: ListenOptions): OpenedListener {
    const code = this.failures.get(address);
    if (code) throw errnoError(code, `open ${kind} ${address}`, 'bind');
    const fd = this.nextFd++;
    this.listeners.push({ fd, kind, address, options: { ...options }, pending: [], closed: false });
    return { fd, warnings: [] };
  }

  /** The listener opened for `address` (the latest one, if opened several times). */
  listener(address: string): FakeListener | undefined {
    return [...this.listeners].reverse().find((l) => l.address === address);
  }

  /** Queues a connection on the listener for `address`; fire its fd on the loop afterwards. */
  connect(address: string, from: Partial<Omit<AcceptedConnection, 'fd'>> = {}): void {
    const l = this.listener(address);
    if (!l || l.closed) throw new Error(`no open fake listener for ${address}`);
    l.pending.push({ remote: '127.0.0.1:40000', local: address, family: 'inet', ...from });
  }

  accept(fd: number): AcceptedConnection | undefined {
    const l = this.listeners.find((x) => x.fd === fd && !x.closed);
    if (!l) throw errnoError('EBADF', `accept on fd ${fd}`, 'accept4');
    const c = l.pending.shift();
    if (!c) return undefined;
    const conn = { ...c, fd: this.nextFd++ };
    this.connections.push({ ...conn, listener: fd, closed: false });
    return conn;
  }

  flush(fd: number): void {
    this.flushed.push(fd);
    const l = this.listeners.find((x) => x.fd === fd);
    if (l) l.pending.length = 0;
  }

  close(fd: number): void {
    const l = this.listeners.find((x) => x.fd === fd && !x.closed);
    const c = this.connections.find((x) => x.fd === fd && !x.closed);
    if (!l && !c) throw new Error(`fake fd ${fd} closed twice or never opened`);
    if (l) l.closed = true;
    if (c) c.closed = true;
    this.closed.push(fd);
  }

  unlink(path: string): void {
    this.unlinked.push(path);
  }

  symlink(target: string, path: string): void {
    this.symlinks.push({ target, path });
  }

  /** Fds opened and not closed yet. */
  openFds(): number[] {
    return [...this.listeners.filter((l) => !l.closed).map((l) => l.fd), ...this.connections.filter((c) => !c.closed).map((c) => c.fd)];
  }
}
