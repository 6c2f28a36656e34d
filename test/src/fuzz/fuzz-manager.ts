/**
 * A test manager with every plugin on the fakes, and a random driver for it: processes exit, die,
 * fork and notify, sockets get connections and timers fire, as a random but reproducible sequence.
 * The unit-file, notify and control targets share it.
 */
import { ManagerError, formatShow, type Unit } from '@unitkit/core';
import { createTestManager, signals, type TestManager } from '@unitkit/testing';
import { serviceModule } from '@unitkit/plugin-service';
import { socketModule } from '@unitkit/plugin-socket';
import { targetModule } from '@unitkit/plugin-target';
import { killDirectivesModule } from '@unitkit/plugin-kill-cgroup';
import type { Prng } from './prng.js';

/** A manager with the service, socket, target and kill-cgroup plugins (its directives; the scopes are the fakes'). */
export function fuzzManager(): TestManager {
  return createTestManager({ modules: [serviceModule, socketModule, targetModule, killDirectivesModule], options: { scope: 'user' } });
}

/** Runs `f`, swallowing the ManagerError a manager answers bad requests with. */
export function refusable<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof ManagerError) return undefined;
    throw e;
  }
}

/** Formats every property of `u` as `show --all` would, which runs each type's property code. */
export function showAll(t: TestManager, u: Unit): void {
  formatShow(t.manager.properties(u), { all: true });
}

const exitCodes = [0, 0, 0, 1, 2, 3, 126, 127, 203, 255];
const deathSignals = [signals.SIGKILL, signals.SIGTERM, signals.SIGSEGV, signals.SIGABRT, signals.SIGHUP];

/**
 * Drives the manager for up to `steps` steps: each step runs what is pending, then either acts on
 * a running fake process (exit, signal, fork, READY=1, MAINPID=, a stray datagram), feeds a
 * listening socket a connection, or moves the clock to the next timer. Stops early when nothing
 * is left to happen.
 */
export function drive(t: TestManager, rng: Prng, steps: number): void {
  for (let step = 0; step < steps; step++) {
    t.run();
    const running = t.spawner.running();
    const action = rng.int(10);
    if (running.length > 0 && action < 6) {
      const p = rng.pick(running);
      switch (rng.int(7)) {
        case 0: p.exit(rng.pick(exitCodes)); break;
        case 1: p.kill(rng.pick(deathSignals)); break;
        case 2: p.fork({ newSession: rng.chance(0.5) }); break;
        case 3: t.notify.send(p.pid, 'READY=1'); break;
        case 4: t.notify.send(p.pid, rng.pick(['STOPPING=1', 'RELOADING=1', 'WATCHDOG=1', 'WATCHDOG=trigger', 'STATUS=x', 'EXTEND_TIMEOUT_USEC=1000000'])); break;
        case 5: {
          const other = rng.pick(t.spawner.spawned);
          t.notify.send(p.pid, `MAINPID=${other.pid}`);
          break;
        }
        default: p.exit(0); break;
      }
      continue;
    }
    const watches = t.loop.watches().filter((w) => !w.disposed);
    if (watches.length > 0 && action < 8) {
      const w = rng.pick(watches);
      const listener = t.sockets.listeners.find((l) => l.fd === w.fd);
      if (listener && rng.chance(0.8)) t.sockets.connect(listener.address);
      t.loop.fireFd(w.fd, { readable: true });
      continue;
    }
    if (!t.loop.advanceToNextTimer() && running.length === 0) return;
  }
}
