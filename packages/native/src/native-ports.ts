/**
 * Every port of core on the native layer, ready to hand to createManager(): the production event
 * loop, spawner, notify socket, fd operations and socket backend, and a logger. A program that
 * composes its own manager takes this module instead of binding each port by hand; unitkitd does
 * the same with its journal-backed logger and output capture.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerModule } from 'inversify';
import type { LogLevel } from '@unitkit/core';
import { EventLoop, FdOperations, Inotify, IpcObjects, UtmpRecords, Logger, NotifyReceiver, OutputCapture, ProcessSpawner, SocketBackend, StderrLogger, UserDatabase, VolatileMounts } from '@unitkit/core';
import { NativeInotify } from './native-inotify.js';
import { NativeVolatileMounts } from './native-volatile-mounts.js';
import { NativeIpcObjects } from './native-ipc-objects.js';
import { NativeUtmpRecords } from './native-utmp-records.js';
import { NssUserDatabase } from './nss-user-database.js';
import { NativeEventLoop } from './native-event-loop.js';
import { NativeFdOperations } from './native-fd-operations.js';
import { NativeNotifyReceiver } from './native-notify-receiver.js';
import { NativeProcessSpawner } from './native-process-spawner.js';
import { NativeSocketBackend } from './native-socket-backend.js';

/** Options of {@link nativePorts}. */
export interface NativePortsOptions {
  /**
   * The directory that holds the notify socket (`notify`), created with mode 0755 if missing (a
   * service running as another user must reach the socket, whose own mode is 0777).
   * Use a directory of the manager's own: a stale `notify` in it is replaced.
   */
  runtimeDir: string;
  /** The notify socket inherited across a manager re-exec: adopted, not bound again. */
  notifyFd?: number;
  /** The logger; a {@link StderrLogger} at `logLevel` by default. */
  logger?: Logger;
  /** Level of the default logger ('info' by default). */
  logLevel?: LogLevel;
  /**
   * Where services' stdout/stderr go when they ask for the journal; unbound by default (the output
   * is inherited from the manager).
   */
  outputCapture?: (loop: NativeEventLoop) => OutputCapture;
}

/** The native ports as one module, with the objects behind them and a way to release them. */
export interface NativePorts {
  /** Binds EventLoop, ProcessSpawner, NotifyReceiver, Logger, FdOperations, SocketBackend, UserDatabase, VolatileMounts, IpcObjects, UtmpRecords, Inotify (and OutputCapture when given). */
  module: ContainerModule;
  loop: NativeEventLoop;
  notify: NativeNotifyReceiver;
  logger: Logger;
  /**
   * Closes the notify socket and the loop's handles. Call it after `manager.dispose()`: together
   * they let the Node process exit.
   */
  close(): void;
}

/** Removes a file left by a previous run, if there is one. */
function unlinkIfExists(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Opens the native ports. Binds the notify socket at once (throws an ErrnoError when it cannot).
 */
export function nativePorts(options: NativePortsOptions): NativePorts {
  fs.mkdirSync(options.runtimeDir, { recursive: true, mode: 0o755 });
  const logger = options.logger ?? new StderrLogger({ level: options.logLevel });
  const loop = new NativeEventLoop();
  const spawner = new NativeProcessSpawner({ logger });
  const notifyPath = path.join(options.runtimeDir, 'notify');
  // unlink, not rmSync: rmSync loads Node's rimraf module into every manager for good (issue #19).
  if (options.notifyFd === undefined) unlinkIfExists(notifyPath);
  const notify = new NativeNotifyReceiver({ address: notifyPath, loop, logger, fd: options.notifyFd });
  const capture = options.outputCapture?.(loop);
  const module = new ContainerModule(({ bind }) => {
    bind(EventLoop).toConstantValue(loop);
    bind(ProcessSpawner).toConstantValue(spawner);
    bind(NotifyReceiver).toConstantValue(notify);
    bind(Logger).toConstantValue(logger);
    bind(FdOperations).toConstantValue(new NativeFdOperations());
    bind(SocketBackend).toConstantValue(new NativeSocketBackend());
    bind(UserDatabase).toConstantValue(new NssUserDatabase());
    bind(VolatileMounts).toConstantValue(new NativeVolatileMounts());
    bind(IpcObjects).toConstantValue(new NativeIpcObjects());
    bind(UtmpRecords).toConstantValue(new NativeUtmpRecords());
    bind(Inotify).toConstantValue(new NativeInotify());
    if (capture) bind(OutputCapture).toConstantValue(capture);
  });
  return {
    module,
    loop,
    notify,
    logger,
    close: () => {
      notify.close();
      loop.close();
    },
  };
}
