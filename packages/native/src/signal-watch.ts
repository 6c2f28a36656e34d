/**
 * Watching any signal by number, real-time ones included: Node's process.on() knows only the
 * signals of os.constants.signals, and a container's init must hear SIGRTMIN+3 (`docker stop` on
 * an image with STOPSIGNAL SIGRTMIN+3) and the other real-time signals systemd gives a meaning.
 * Also the broadcast kill(-1, sig) with which a PID 1 ends what is left in its namespace.
 */
import type { Disposable } from '@unitkit/core';
import { addon, type RawSignalWatch } from './addon.js';

/**
 * Calls `callback` on the event loop each time `signal` arrives. Coexists with process.on() for
 * the same signal (libuv fans each delivery out to every watcher) and does not keep the process
 * alive by itself. Throws for SIGKILL, SIGSTOP and numbers that are not signals.
 */
export function watchSignal(signal: number, callback: (signal: number) => void): Disposable {
  const raw = addon.signalStart(signal, callback);
  // Held until disposed: a handle the caller dropped must not be collected (its finalizer stops the watch).
  live.add(raw);
  let disposed = false;
  return {
    dispose: () => {
      if (disposed) return;
      disposed = true;
      live.delete(raw);
      addon.signalStop(raw);
    },
  };
}

/** The watches not disposed yet. */
const live = new Set<RawSignalWatch>();

/** This libc's SIGRTMIN (34 with glibc, which keeps the first two real-time signals for itself). */
export function sigrtmin(): number {
  return addon.sigrtmin();
}

/**
 * kill(-1, signal): every process the caller may signal, except itself — in a PID namespace whose
 * PID 1 calls it, everything else in the namespace. False when there was nobody to signal.
 */
export function killAllProcesses(signal: number): boolean {
  return addon.killAll(signal);
}
