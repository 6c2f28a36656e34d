/**
 * How unitkitd composes its manager. This is ordinary code meant to be copied: pick the ports and
 * the plugins you want, hand their modules to createManager().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerModule } from 'inversify';
import type { LogLevel, Manager } from '@unitkit/core';
import { EventLoop, Logger, NotifyReceiver, ProcessSpawner, createManager, unitFileSourceModule } from '@unitkit/core';
import { NativeEventLoop, NativeNotifyReceiver, NativeProcessSpawner } from '@unitkit/native';
import { targetModule } from '@unitkit/plugin-target';
import { StderrLogger } from './stderr-logger.js';

/** What the manager needs to know about where it runs. */
export interface ComposeOptions {
  scope: 'system' | 'user';
  /** Unit search path (already resolved, trailing-colon rule applied). */
  unitPath?: string[];
  /** Holds the notify socket (and, later, the control socket). Created with mode 0700. */
  runtimeDir: string;
  logLevel?: LogLevel;
  environment?: Record<string, string>;
}

/** A running composition: the manager and the ports it sits on. */
export interface ComposedDaemon {
  manager: Manager;
  loop: NativeEventLoop;
  notify: NativeNotifyReceiver;
  logger: Logger;
  /** Releases the notify socket and the loop's handles. */
  close(): void;
}

/** Builds the production manager: native ports, unit files from disk, and the plugins. */
export function composeManager(opts: ComposeOptions): ComposedDaemon {
  fs.mkdirSync(opts.runtimeDir, { recursive: true, mode: 0o700 });
  const logger = new StderrLogger({ level: opts.logLevel });
  const loop = new NativeEventLoop();
  const spawner = new NativeProcessSpawner({ logger });
  const notifyPath = path.join(opts.runtimeDir, 'notify');
  fs.rmSync(notifyPath, { force: true });
  const notify = new NativeNotifyReceiver({ address: notifyPath, loop, logger });
  const ports = new ContainerModule(({ bind }) => {
    bind(EventLoop).toConstantValue(loop);
    bind(ProcessSpawner).toConstantValue(spawner);
    bind(NotifyReceiver).toConstantValue(notify);
    bind(Logger).toConstantValue(logger);
  });
  const { manager } = createManager({
    modules: [ports, unitFileSourceModule({ scope: opts.scope, searchPath: opts.unitPath }), targetModule],
    options: { scope: opts.scope, environment: opts.environment },
  });
  return {
    manager,
    loop,
    notify,
    logger,
    close: () => {
      manager.dispose();
      notify.close();
      loop.close();
    },
  };
}
