/**
 * A byte stream over a connected, non-blocking socket fd, driven by an EventLoop's fd watch:
 * what a net.Socket gives a server, without node:net. unitkitd's control socket runs on it, as its
 * D-Bus server runs on the addon's sockets: loading node:net (and the cluster, child_process and
 * dgram modules its listen() pulls in) cost every idle manager ~2.5 MB (issue #19).
 *
 * Output that the peer does not take at once is queued and written as the socket drains; reading
 * can be paused so that a client that does not read its replies waits in its own socket buffer
 * rather than in the manager's memory. The stream owns the fd: it is closed with the stream.
 */
import type { EventLoop, FdEvents, FdWatch } from '@unitkit/core';
import { closeFd, readFd, writeFd } from './fd-ops.js';

/** How many reads one readiness callback makes, so one busy peer cannot starve the others. */
const READS_PER_WAKEUP = 16;
const READ_CHUNK = 65536;

/** What a {@link FdStream} tells its owner. */
export interface FdStreamHandlers {
  /** Bytes arrived. */
  data(chunk: Buffer): void;
  /** The output queue has been written out (after a write that had to be queued). */
  drain?(): void;
  /** The stream is closed: the peer hung up, a read or write failed, or destroy() was called. Called once. */
  close(reason: string): void;
}

/** See the module comment. */
export class FdStream {
  private readonly watch: FdWatch;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private paused = false;
  private closed = false;
  private broken = false;
  private needDrain = false;

  /** `fd` must be non-blocking (acceptConnection() gives such fds). */
  constructor(
    readonly fd: number,
    loop: Pick<EventLoop, 'watchFd'>,
    private readonly handlers: FdStreamHandlers,
  ) {
    this.watch = loop.watchFd(fd, { readable: true }, (ev) => this.onEvents(ev));
  }

  /** Bytes written but not yet taken by the peer. */
  get queuedBytes(): number {
    return this.queued;
  }

  /**
   * Writes now what the socket takes and queues the rest. After the peer stopped reading and closed
   * its end (EPIPE), output is dropped: what it sent last is still read and handled.
   */
  write(data: Buffer | string): void {
    if (this.closed || this.broken) return;
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    if (this.queue.length === 1) this.flush();
    if (this.queue.length > 0) this.needDrain = true;
  }

  /** Stops reading until resume(). */
  pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.updateWatch();
  }

  /** Reads again after pause(). */
  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.updateWatch();
  }

  /** Closes the fd at once, dropping queued output. */
  destroy(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.dispose();
    this.queue.length = 0;
    this.queued = 0;
    try {
      closeFd(this.fd);
    } catch {
      // already gone
    }
    this.handlers.close(reason);
  }

  private updateWatch(): void {
    this.watch.update({ readable: !this.paused, writable: this.queue.length > 0 });
  }

  private onEvents(ev: FdEvents): void {
    try {
      if (ev.writable) this.flush();
      if (this.closed) return;
      if (ev.readable) this.readSome();
      // A hang-up with reading paused: nothing more will be taken either.
      else if (ev.hangup) this.destroy('the peer hung up');
    } catch (error) {
      // The owner's handler threw: a bug, not the peer's fault; never escape into the loop.
      this.destroy(`internal error: ${(error as Error).message}`);
    }
  }

  private flush(): void {
    while (this.queue.length > 0 && !this.closed) {
      const head = this.queue[0]!;
      let n: number | null;
      try {
        n = writeFd(this.fd, head);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'EPIPE' && code !== 'ECONNRESET') return this.destroy(`write failed: ${(error as Error).message}`);
        this.broken = true;
        this.queue.length = 0;
        this.queued = 0;
        break;
      }
      if (n === null) break;
      this.queued -= n;
      if (n >= head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
    if (this.closed) return;
    this.updateWatch();
    if (this.needDrain && this.queue.length === 0) {
      this.needDrain = false;
      this.handlers.drain?.();
    }
  }

  private readSome(): void {
    for (let i = 0; i < READS_PER_WAKEUP && !this.closed && !this.paused; i++) {
      let chunk: Buffer | null;
      try {
        chunk = readFd(this.fd, READ_CHUNK);
      } catch (error) {
        return this.destroy(`read failed: ${(error as Error).message}`);
      }
      if (chunk === null) return;
      if (chunk.length === 0) return this.destroy('the peer closed the connection');
      this.handlers.data(chunk);
    }
  }
}
