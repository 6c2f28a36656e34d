/**
 * The whole stack for end-to-end tests, in this process: core with every plugin on the real
 * ports of @unitkit/native, unit files read from a scratch directory, real cgroup scopes where the
 * machine has them. This is the composition unitkitd uses, minus the control socket.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createManager, unitFileSourceModule, type Manager } from '@unitkit/core';
import { nativePorts } from '@unitkit/native';
import { MemoryLogger } from '@unitkit/testing';
import { searchPath } from '@unitkit/unit-file';
import { timerModule } from '@unitkit/plugin-timer';
import { pathModule } from '@unitkit/plugin-path';
import { sliceModule } from '@unitkit/plugin-slice';
import { targetModule } from '@unitkit/plugin-target';
import { serviceModule } from '@unitkit/plugin-service';
import { socketModule } from '@unitkit/plugin-socket';
import { KillCgroupProcessScopes, createKillCgroupModule } from '@unitkit/plugin-kill-cgroup';

/** The test package's fixtures directory. */
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** A running stack. */
export interface NativeStack {
  manager: Manager;
  logger: MemoryLogger;
  /** Scratch directory; unit files go to `${dir}/units`. */
  dir: string;
  /** Writes a unit file (text may use {dir} and {node} and {fixtures}). */
  unit(name: string, text: string): void;
  /** Enqueues a job and waits for its result. */
  run(type: 'start' | 'stop' | 'restart', name: string): Promise<string>;
  /** "ActiveState/SubState". */
  state(name: string): string;
  prop(name: string, property: string): string;
  waitFor(cond: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Builds the stack. */
export function nativeStack(
  opts: {
    unitDir?: string;
    backend?: 'auto' | 'process-group';
    /** The manager's scope ('user' by default). */
    scope?: 'system' | 'user';
    /** The manager environment: PATH and HOME={dir} by default; `{dir}` is replaced. */
    environment?: Record<string, string>;
  } = {},
): NativeStack {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-e2e-'));
  fs.mkdirSync(path.join(dir, 'units'));
  const logger = new MemoryLogger({ echo: process.env.UNITKIT_TEST_LOG === '1' });
  // The same ports unitkitd composes (nativePorts), with a logger the tests can read.
  const native = nativePorts({ runtimeDir: dir, logger });
  const scope = opts.scope ?? 'user';
  const environment = opts.environment
    ? Object.fromEntries(Object.entries(opts.environment).map(([k, v]) => [k, v.replaceAll('{dir}', dir)]))
    : { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const { manager, container } = createManager({
    modules: [
      native.module,
      // A trailing ':' appends systemd's user search path, where basic.target and friends live.
      unitFileSourceModule({
        scope,
        searchPath: searchPath(scope, { ...process.env, UNITKIT_UNIT_PATH: `${opts.unitDir ?? path.join(dir, 'units')}:` }),
        specifiers: { runtimeDir: dir },
      }),
      targetModule,
      serviceModule,
      socketModule,
      timerModule,
      pathModule,
      sliceModule,
      createKillCgroupModule({ backend: opts.backend ?? 'auto' }),
    ],
    options: { scope, environment },
  });
  const fill = (text: string) =>
    text.replaceAll('{dir}', dir).replaceAll('{node}', process.execPath).replaceAll('{fixtures}', fixturesDir);
  const waitFor = (cond: () => boolean, ms = 8000) =>
    new Promise<void>((resolve, reject) => {
      const start = Date.now();
      const tick = () => {
        if (cond()) return resolve();
        if (Date.now() - start > ms) return reject(new Error(`timed out; log:\n${logger.lines().slice(-40).join('\n')}`));
        setTimeout(tick, 10);
      };
      tick();
    });
  const state = (name: string) => {
    const u = manager.loadUnit(name);
    return `${u.activeState()}/${u.subState()}`;
  };
  return {
    manager,
    logger,
    dir,
    unit: (name, text) => fs.writeFileSync(path.join(dir, 'units', name), fill(text)),
    run: async (type, name) => {
      manager.reload();
      return manager.addJob(type, name, 'replace', { manual: true }).wait();
    },
    state,
    prop: (name, property) => {
      const v = manager.properties(manager.loadUnit(name)).find(([n]) => n === property)?.[1];
      return v ? String((v as { value: unknown }).value) : '<missing>';
    },
    waitFor,
    close: async () => {
      // Stop what still runs, so no process outlives the test.
      for (const u of manager.allUnits()) {
        if (u.activeState() !== 'inactive' && u.activeState() !== 'failed') {
          try {
            manager.addJob('stop', u, 'replace');
          } catch {
            // a unit that cannot be stopped is left to the scope cleanup below
          }
        }
      }
      await waitFor(() => manager.installedJobs().length === 0, 10000).catch(() => undefined);
      manager.dispose();
      container.get<KillCgroupProcessScopes>(KillCgroupProcessScopes).dispose?.();
      native.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Compiles a C fixture against libsystemd into `dir`; returns its path, or why it cannot. */
export function buildCFixture(name: string, dir: string): { path?: string; skip?: string } {
  const out = path.join(dir, name);
  try {
    execFileSync('cc', ['-O2', '-o', out, path.join(fixturesDir, `${name}.c`), '-lsystemd'], { stdio: 'pipe' });
    return { path: out };
  } catch (e) {
    return { skip: `cannot build ${name}.c against libsystemd (${String((e as { stderr?: Buffer }).stderr ?? e).split('\n')[0]}); install libsystemd-dev` };
  }
}
