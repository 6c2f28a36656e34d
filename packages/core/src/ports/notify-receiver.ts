/**
 * The notify port: the manager's end of the sd_notify(3) protocol. The production implementation
 * is an AF_UNIX datagram socket with SO_PASSCRED in `@unitkit/native`.
 */
import type { Disposable } from './event-loop.js';

/** One datagram received on the notify socket, with the sender's kernel-verified credentials. */
export interface NotifyDatagram {
  pid: number;
  uid: number;
  gid: number;
  /** The payload as sent (newline-separated KEY=VALUE assignments). */
  text: string;
  /** Fds passed with SCM_RIGHTS (for FDSTORE=1); the receiver owns them and must close unused ones. */
  fds: number[];
}

/** Token and interface of the notify port. */
export const NotifyReceiver = Symbol('NotifyReceiver');
export interface NotifyReceiver {
  /** The value services get in NOTIFY_SOCKET: a path, or `@name` for an abstract socket. */
  readonly address: string;
  /**
   * Installs the one handler for incoming datagrams (a second one while installed is a programming
   * error). Truncated or oversized datagrams never reach it; they are logged and dropped.
   */
  onDatagram(handler: (datagram: NotifyDatagram) => void): Disposable;
  /**
   * Optional. Delivers every datagram already queued on the socket to the handler now, without
   * waiting for the event loop — what the manager does before children are reaped (see
   * EventLoop.onBeforeReap).
   */
  drain?(): void;
  /** Closes fds that came with datagrams and that nobody kept (refused messages, FDSTORE over the limit). */
  closeFds(fds: readonly number[]): void;
}
