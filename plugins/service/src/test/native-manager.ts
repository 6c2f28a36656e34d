/**
 * A manager on the real ports of @unitkit/native, for the integration tests: real processes, the
 * real notify socket, real time. No ProcessScopes is bound, so the service type uses its
 * process-group fallback (the kill-mode plugin is written in parallel).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerModule } from 'inversify';
import { EventLoop, FdOperations, Logger, NotifyReceiver, ProcessSpawner, UnitDefinitionSource, createManager, type Manager } from '@unitkit/core';
import { NativeEventLoop, NativeFdOperations, NativeNotifyReceiver, NativeProcessSpawner } from '@unitkit/native';
import { MemoryLogger, MemoryUnitSource } from '@unitkit/testing';
import { serviceModule } from '../service-module.js';

/** A running native manager and its scratch directory. */
export interface NativeManager {
  manager: Manager;
  units: MemoryUnitSource;
  logger: MemoryLogger;
  dir: string;
  /** Resolves once `cond()` holds; rejects after `ms` with the log attached. */
  waitFor(cond: () => boolean, ms?: number): Promise<void>;
  /** "ActiveState/SubState". */
  state(name: string): string;
  close(): void;
}

/** Builds a manager on the native ports with the service plugin. */
export function nativeManager(): NativeManager {
  const dir = mkdtempSync(join(tmpdir(), 'unitkit-service-'));
  const logger = new MemoryLogger({ echo: process.env.UNITKIT_TEST_LOG === '1' });
  const loop = new NativeEventLoop();
  const spawner = new NativeProcessSpawner({ logger });
  const notify = new NativeNotifyReceiver({ address: join(dir, 'notify'), loop, logger });
  const units = new MemoryUnitSource();
  const ports = new ContainerModule(({ bind }) => {
    bind(EventLoop).toConstantValue(loop);
    bind(ProcessSpawner).toConstantValue(spawner);
    bind(NotifyReceiver).toConstantValue(notify);
    bind(Logger).toConstantValue(logger);
    bind(FdOperations).toConstantValue(new NativeFdOperations());
    bind(UnitDefinitionSource).toConstantValue(units);
  });
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const { manager } = createManager({ modules: [ports, serviceModule], options: { scope: 'user', environment: env } });
  const state = (name: string) => {
    const u = manager.loadUnit(name);
    return `${u.activeState()}/${u.subState()}`;
  };
  return {
    manager,
    units,
    logger,
    dir,
    state,
    waitFor: (cond, ms = 5000) =>
      new Promise((resolve, reject) => {
        const start = Date.now();
        const tick = () => {
          if (cond()) return resolve();
          if (Date.now() - start > ms) return reject(new Error(`timed out; log:\n${logger.lines().join('\n')}`));
          setTimeout(tick, 10);
        };
        tick();
      }),
    close: () => {
      manager.dispose();
      notify.close();
      loop.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
