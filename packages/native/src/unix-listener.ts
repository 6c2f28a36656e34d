/**
 * A listening AF_UNIX stream socket served on an EventLoop: what unitkitd's own servers (the
 * control socket, systemd's private D-Bus socket) accept their clients with, on the addon's
 * sockets rather than node:net.
 *
 * Connections are accepted in batches of at most 64 per wake-up, so a storm of clients cannot hold
 * the loop. When accept() fails for want of file descriptors (EMFILE, ENFILE) or memory, the
 * pending connection stays queued and the socket stays readable: watching it again at once would
 * spin the loop, so the watch pauses for 100 ms and accepting resumes after.
 */
import type { Disposable, EventLoop, FdWatch, Usec } from '@unitkit/core';
import type { OpenedSocket } from './addon.js';
import { acceptConnection, closeFd } from './fd-ops.js';
import { openSocket } from './sockets.js';

/** Connections accepted per wake-up. */
const ACCEPTS_PER_WAKEUP = 64;
/** How long accepting pauses after it failed, µs. */
const RETRY_AFTER: Usec = 100_000;

/** Options of {@link UnixListener}. */
export interface UnixListenerOptions {
  /** The socket path (`@name`: abstract), bound unless `fd` is given. */
  path: string;
  /** The loop that watches the socket (the manager's). */
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
  /** File mode of the socket node, set before listen() (default 0o600). */
  socketMode?: number;
  /** An already bound and listening socket to serve instead (a re-exec hands its listener on). */
  fd?: number;
  /** Each accepted connection: a non-blocking, close-on-exec fd the callee now owns. */
  onConnection(fd: number): void;
  /** An accept() that failed (it is retried after a pause). */
  onAcceptError?(error: Error): void;
}

/** See the module comment. */
export class UnixListener {
  /** The listening socket. */
  readonly fd: number;
  /** Tuning options that could not be applied when it was bound. */
  readonly warnings: OpenedSocket['warnings'];
  private readonly watch: FdWatch;
  private retry: Disposable | undefined;
  private closed = false;

  constructor(private readonly options: UnixListenerOptions) {
    if (options.fd !== undefined) {
      this.fd = options.fd;
      this.warnings = [];
    } else {
      const opened = openSocket('stream', options.path, { socketMode: options.socketMode ?? 0o600 });
      this.fd = opened.fd;
      this.warnings = opened.warnings;
    }
    this.watch = options.loop.watchFd(this.fd, { readable: true }, () => this.acceptSome());
  }

  /** Stops listening and closes the socket; the node is left for the caller to remove. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.dispose();
    this.retry?.dispose();
    closeFd(this.fd);
  }

  private acceptSome(): void {
    for (let i = 0; i < ACCEPTS_PER_WAKEUP && !this.closed; i++) {
      let fd: number | null;
      try {
        fd = acceptConnection(this.fd);
      } catch (error) {
        this.options.onAcceptError?.(error as Error);
        this.pause();
        return;
      }
      if (fd === null) return;
      this.options.onConnection(fd);
    }
  }

  private pause(): void {
    if (this.closed || this.retry) return;
    this.watch.update({ readable: false });
    this.retry = this.options.loop.armTimer(this.options.loop.now() + RETRY_AFTER, () => {
      this.retry = undefined;
      if (!this.closed) this.watch.update({ readable: true });
    });
  }
}
