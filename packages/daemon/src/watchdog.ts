/**
 * sd_watchdog_enabled(3) and a keep-alive helper.
 */
import { notifyWatchdog, type NotifyOptions } from './notify.js';

/** Options of watchdogEnabled(). */
export interface WatchdogOptions {
  unsetEnvironment?: boolean;
  env?: NodeJS.ProcessEnv;
  pid?: number;
}

/**
 * The watchdog interval in microseconds when the manager expects WATCHDOG=1 pings from this
 * process (WATCHDOG_USEC set, WATCHDOG_PID unset or ours), 0 otherwise.
 */
export function watchdogEnabled(opts: WatchdogOptions = {}): number {
  const env = opts.env ?? process.env;
  try {
    const usecText = env.WATCHDOG_USEC;
    if (!usecText || !/^[0-9]+$/.test(usecText)) return 0;
    const usec = Number(usecText);
    if (usec <= 0) return 0;
    const pidText = env.WATCHDOG_PID;
    if (pidText !== undefined && Number(pidText) !== (opts.pid ?? process.pid)) return 0;
    return usec;
  } finally {
    if (opts.unsetEnvironment) {
      delete env.WATCHDOG_USEC;
      delete env.WATCHDOG_PID;
    }
  }
}

/** A running keep-alive. */
export interface WatchdogKeepAlive {
  /** The interval the manager asked for, µs. */
  readonly usec: number;
  stop(): void;
}

/**
 * Sends WATCHDOG=1 at half the manager's interval, as sd_watchdog_enabled(3) recommends.
 * Returns undefined when no watchdog is enabled. The timer does not keep the process alive.
 */
export function startWatchdog(opts: WatchdogOptions & NotifyOptions = {}): WatchdogKeepAlive | undefined {
  const usec = watchdogEnabled(opts);
  if (usec === 0) return undefined;
  const ping = () => {
    try {
      notifyWatchdog(opts);
    } catch {
      // The manager may be restarting; the next ping tries again.
    }
  };
  ping();
  const timer = setInterval(ping, Math.max(1, Math.floor(usec / 2000)));
  timer.unref();
  return { usec, stop: () => clearInterval(timer) };
}
