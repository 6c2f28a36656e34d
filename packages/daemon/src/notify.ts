/**
 * sd_notify(3) for Node: status messages to the service manager over NOTIFY_SOCKET.
 */
import { sendNotifyDatagram } from '@unitkit/native';

/** Options of notify(). */
export interface NotifyOptions {
  /** Remove NOTIFY_SOCKET from the environment afterwards. */
  unsetEnvironment?: boolean;
  /** Fds to pass along (for FDSTORE=1). */
  fds?: readonly number[];
  /** The environment to read; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Sends `state` (newline-separated assignments, e.g. "READY=1\nSTATUS=up") to the manager.
 * Returns false when no manager listens (NOTIFY_SOCKET unset), true when sent; throws an errno
 * Error when the socket cannot be reached, as sd_notify() returns a negative errno.
 */
export function notify(state: string, opts: NotifyOptions = {}): boolean {
  const env = opts.env ?? process.env;
  const address = env.NOTIFY_SOCKET;
  try {
    if (!address) return false;
    if (state === '') throw Object.assign(new Error('empty notification'), { code: 'EINVAL' });
    sendNotifyDatagram(address, state, opts.fds ?? []);
    return true;
  } finally {
    if (opts.unsetEnvironment) delete env.NOTIFY_SOCKET;
  }
}

/** READY=1, with STATUS= when given. */
export function notifyReady(status?: string, opts?: NotifyOptions): boolean {
  return notify(status === undefined ? 'READY=1' : `READY=1\nSTATUS=${status}`, opts);
}

/** STATUS=text, shown by `status`. */
export function notifyStatus(text: string, opts?: NotifyOptions): boolean {
  return notify(`STATUS=${text}`, opts);
}

/** RELOADING=1 with MONOTONIC_USEC= (what Type=notify-reload requires). */
export function notifyReloading(opts?: NotifyOptions): boolean {
  const usec = process.hrtime.bigint() / 1000n;
  return notify(`RELOADING=1\nMONOTONIC_USEC=${usec}`, opts);
}

/** STOPPING=1. */
export function notifyStopping(opts?: NotifyOptions): boolean {
  return notify('STOPPING=1', opts);
}

/** WATCHDOG=1: the keep-alive ping. */
export function notifyWatchdog(opts?: NotifyOptions): boolean {
  return notify('WATCHDOG=1', opts);
}

/** FDSTORE=1 with FDNAME=: hands fds to the manager to keep across restarts. */
export function notifyFds(fds: readonly number[], name?: string, opts?: NotifyOptions): boolean {
  return notify(name === undefined ? 'FDSTORE=1' : `FDSTORE=1\nFDNAME=${name}`, { ...opts, fds });
}
