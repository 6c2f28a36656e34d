/**
 * A NotifyReceiver without a socket: a test plays the service side of sd_notify(3) with send(),
 * choosing the sender's pid and credentials the kernel would otherwise vouch for.
 */
import type { Disposable, NotifyDatagram, NotifyReceiver } from '@unitkit/core';
import { errnoError } from './errno-error.js';
import type { FakeEventLoop } from './fake-event-loop.js';

/** The address fake services get in NOTIFY_SOCKET. */
export const FAKE_NOTIFY_ADDRESS = '/run/unitkit-test/notify';

/**
 * The largest datagram the manager accepts; systemd reads notify messages into a buffer of
 * NOTIFY_BUFFER_MAX (PIPE_BUF) bytes and drops longer ones.
 */
export const NOTIFY_BUFFER_MAX = 4096;

/** Credentials and fds of a fake datagram; uid and gid are 0 unless given. */
export interface NotifySendOptions {
  uid?: number;
  gid?: number;
  fds?: number[];
}

/** A datagram the receiver refused, and why. */
export interface DroppedDatagram {
  datagram: NotifyDatagram;
  reason: string;
}

/** A NotifyReceiver for tests. */
export class FakeNotifyReceiver implements NotifyReceiver {
  /** Every datagram handed to the handler, in order. */
  readonly delivered: NotifyDatagram[] = [];
  /** Fds handed back through closeFds(), in order: what the real receiver would have closed. */
  readonly closedFds: number[] = [];
  /** Datagrams the real receiver would have logged and dropped; they never reach the handler. */
  readonly dropped: DroppedDatagram[] = [];
  private handler: ((datagram: NotifyDatagram) => void) | undefined;

  constructor(
    /** The loop that runs the deferred work a datagram causes. */
    readonly loop: FakeEventLoop,
    /** The NOTIFY_SOCKET value. */
    readonly address: string = FAKE_NOTIFY_ADDRESS,
  ) {}

  /** One handler at a time, as the port says; a second one while the first is active throws (EBUSY). */
  /** Records the fds as closed. */
  closeFds(fds: readonly number[]): void {
    this.closedFds.push(...fds);
  }

  onDatagram(handler: (datagram: NotifyDatagram) => void): Disposable {
    if (this.handler) throw errnoError('EBUSY', 'onDatagram: a handler is already installed');
    this.handler = handler;
    let active = true;
    return {
      dispose: () => {
        if (!active) return;
        active = false;
        if (this.handler === handler) this.handler = undefined;
      },
    };
  }

  /**
   * Process `pid` sends `text` (e.g. "READY=1\nSTATUS=up") to the manager: the handler gets it at
   * once, then the loop dispatches whatever that caused. Returns false when the datagram was
   * dropped as malformed (empty, longer than NOTIFY_BUFFER_MAX, or containing a NUL byte).
   * Throws when no handler is installed: nothing reads the socket, so the test is missing setup.
   */
  send(pid: number, text: string, options: NotifySendOptions = {}): boolean {
    if (!this.handler) throw new Error(`FakeNotifyReceiver.send(): no onDatagram handler is installed at ${this.address}`);
    const datagram: NotifyDatagram = {
      pid,
      uid: options.uid ?? 0,
      gid: options.gid ?? 0,
      text,
      fds: [...(options.fds ?? [])],
    };
    const reason = malformation(text);
    if (reason) {
      this.dropped.push({ datagram, reason });
      return false;
    }
    this.delivered.push(datagram);
    const handler = this.handler;
    // Ride on the loop's event queue so the handler runs as a dispatched event, deferred work after.
    this.loop.post(() => handler({ ...datagram, fds: [...datagram.fds] }));
    if (!this.loop.isDispatching()) this.loop.runPending();
    return true;
  }

  /** Whether a handler is installed. */
  hasHandler(): boolean {
    return this.handler !== undefined;
  }
}

function malformation(text: string): string | undefined {
  if (text.length === 0) return 'empty';
  if (Buffer.byteLength(text, 'utf8') > NOTIFY_BUFFER_MAX) return `longer than ${NOTIFY_BUFFER_MAX} bytes`;
  if (text.includes('\0')) return 'contains a NUL byte';
  return undefined;
}
