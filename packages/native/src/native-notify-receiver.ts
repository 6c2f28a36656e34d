/**
 * The production NotifyReceiver of core: an AF_UNIX datagram socket with SO_PASSCRED, read with
 * recvmsg() in C (csrc/notify.c) whenever the event loop says it is readable.
 */
import type { Disposable, EventLoop, FdWatch, Logger, NotifyDatagram, NotifyReceiver } from '@unitkit/core';
import { LogRateLimit } from '@unitkit/core';
import { addon } from './addon.js';
import { formatSocketAddress, parseSocketAddress } from './socket-address.js';

/** Options of {@link NativeNotifyReceiver}. */
export interface NativeNotifyReceiverOptions {
  /** An already bound notify socket to adopt instead of binding `address` (a manager re-exec). */
  fd?: number;
  /** A path (`/run/unitkit/notify`) or an abstract name (`@unitkit/notify`). */
  address: string;
  /** The loop that watches the socket. */
  loop: EventLoop;
  /** Refused datagrams are reported here at warning level. */
  logger?: Logger;
}

/** Datagrams read per wake-up before yielding to other events. */
const BATCH = 64;

/** systemd's words for the datagrams refused before parsing (csrc/notify.c's reasons). */
const refusalText: Record<string, string> = {
  'oversized datagram': 'Received notify message exceeded maximum size. Ignoring.',
  'control data truncated (too many fds)': 'Received notify message with too many file descriptors. Ignoring.',
  'no sender credentials': 'Received notify message without valid credentials. Ignoring.',
  'embedded NUL bytes': 'Received notify message with embedded NUL bytes. Ignoring.',
};

/**
 * The notify socket. The socket is bound in the constructor (an ErrnoError is thrown if it cannot
 * be) and watched while a handler is installed; call {@link close} to release it.
 */
export class NativeNotifyReceiver implements NotifyReceiver {
  /** The NOTIFY_SOCKET value for services: a path or `@name`. */
  readonly address: string;
  /** The socket's fd (native extra, e.g. to pass it across a manager re-exec). */
  readonly fd: number;
  private readonly loop: EventLoop;
  private readonly logger: Logger | undefined;
  private handler: ((datagram: NotifyDatagram) => void) | undefined;
  private watch: FdWatch | undefined;
  private closed = false;
  /** Anyone may send to the socket: what refusals make us log is rate-limited. */
  private readonly logLimit = new LogRateLimit();

  constructor(options: NativeNotifyReceiverOptions) {
    const parsed = parseSocketAddress(options.address);
    if (parsed.family !== 'unix') throw new Error(`The notify socket must be a path or @name, not '${options.address}'`);
    // An adopted fd (a manager re-exec) was bound to this address by the previous image, with
    // SO_PASSCRED on: datagrams sent meanwhile wait in its queue.
    this.fd = options.fd ?? addon.notifyOpen(parsed);
    this.address = formatSocketAddress(parsed);
    this.loop = options.loop;
    this.logger = options.logger;
  }

  /** See NotifyReceiver.onDatagram. Datagrams arriving while no handler is installed stay queued. */
  onDatagram(handler: (datagram: NotifyDatagram) => void): Disposable {
    if (this.closed) throw new Error('NativeNotifyReceiver is closed');
    this.handler = handler;
    this.watch ??= this.loop.watchFd(this.fd, { readable: true }, () => void this.dispatch());
    return {
      dispose: () => {
        if (this.handler !== handler) return;
        this.handler = undefined;
        this.watch?.dispose();
        this.watch = undefined;
      },
    };
  }

  /** See NotifyReceiver.drain: reads until the socket is empty. */
  drain(): void {
    while (this.handler && !this.closed && this.dispatch()) {
      // dispatch() returns true only when it stopped at its batch limit with more to read.
    }
  }

  /** See NotifyReceiver.closeFds. */
  closeFds(fds: readonly number[]): void {
    for (const fd of fds) {
      try {
        addon.close(fd);
      } catch {
        // Already closed: nothing to release.
      }
    }
  }

  /** Stops watching and closes the socket (a path socket's node is left for the caller to remove). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.watch?.dispose();
    this.watch = undefined;
    addon.close(this.fd);
  }

  /** Reads up to one batch; true when the batch filled up (more may be queued). */
  private dispatch(): boolean {
    for (let i = 0; i < BATCH && this.handler && !this.closed; i++) {
      let message;
      try {
        message = addon.notifyReceive(this.fd);
      } catch (error) {
        this.warn(`Failed to receive notification message: ${(error as Error).message}`);
        return false;
      }
      if (!message) return false;
      if (message.refused !== undefined) {
        // Its fds were closed in C already.
        const from = message.pid !== undefined ? ` (PID ${message.pid}, ${message.size} bytes)` : ` (${message.size} bytes)`;
        this.warn((refusalText[message.refused] ?? `Received invalid notify message: ${message.refused}. Ignoring.`) + from);
        continue;
      }
      const handler = this.handler;
      if (!handler) {
        // The handler went away while this batch ran: nobody owns these fds, so close them.
        for (const fd of message.fds) addon.close(fd);
        return false;
      }
      try {
        handler({ pid: message.pid, uid: message.uid, gid: message.gid, text: message.text, fds: message.fds });
      } catch (error) {
        // The handler owns the fds once called (core's closes what it does not keep, even on errors);
        // an exception must not stop the batch or reach the event loop.
        this.warn(`Failed to handle notification message from PID ${message.pid}: ${(error as Error)?.stack ?? String(error)}`);
      }
    }
    return this.handler !== undefined && !this.closed;
  }

  private warn(message: string): void {
    const suffix = this.logLimit.admit(this.loop.now());
    if (suffix !== undefined) this.logger?.log({ level: 'warning', message: message + suffix });
  }
}
