/**
 * Control requests: packages/cli's ControlHandler.call() with random methods and params on a
 * manager with every plugin and a few units. Only ManagerError may come out of a call; the
 * manager is driven until the call settles (a `wait` enqueue resolves when its job ends).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagerError } from '@unitkit/core';
import { ControlHandler, type MethodContext } from '@unitkit/cli';
import type { TestManager } from '@unitkit/testing';
import type { FuzzTarget } from '../fuzz-target.js';
import { drive, fuzzManager } from '../fuzz-manager.js';
import { Prng } from '../prng.js';
import { builtInUnits } from '../seed-corpus.js';

/** One call. */
export interface ControlCall {
  method: string;
  params: Record<string, unknown>;
}

/** A sequence of calls on one fresh manager. */
export interface ControlRequestInput {
  calls: ControlCall[];
  drive: number;
}

const methods = ['hello', 'is-system-running', 'enqueue', 'enqueue', 'enqueue', 'show', 'show', 'status', 'list-units', 'list-jobs', 'kill', 'reset-failed', 'daemon-reload', 'is-enabled', 'enable', 'disable', 'mask', 'unmask', 'journal', 'nonexistent', '', '__proto__', 'constructor', 'toString'];
const unitNames = ['fuzz.service', 'fuzz.socket', 'fuzz.target', 'fuzz@a.service', 'fuzz@.service', 'echo.service', 'missing.service', 'foo', 'a b', '', '.service', '-.slice', 'x.mount', 'fuzz@%i.service', '../etc/passwd', '/abs/path.service', 'é.service', 'x'.repeat(300), '*.service', 'fuzz*'];
const paramKeys = ['verb', 'mode', 'units', 'wait', 'properties', 'all', 'value', 'lines', 'whom', 'signal', 'runtime', 'force', 'follow', '__proto__', 'constructor'];
const verbs = ['start', 'stop', 'reload', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'verify-active', 'isolate', 'kill', '', 'toString', '__proto__'];
const modes = ['replace', 'fail', 'isolate', 'ignore-dependencies', 'ignore-requirements', 'flush', 'replace-irreversibly', 'triggering', 'restart-dependencies', 'bogus'];

/** A random JSON value, biased towards the types and names the methods look at. */
function value(rng: Prng, key: string, depth = 0): unknown {
  if (rng.chance(0.15)) return rng.pick<unknown>([null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 65, 'x', '', [], {}, [1, 'a'], { a: 1 }]);
  switch (key) {
    case 'verb': return rng.pick(verbs);
    case 'mode': return rng.pick(modes);
    case 'units': return rng.chance(0.9) ? Array.from({ length: rng.size(5) }, () => rng.pick(unitNames)) : rng.pick(unitNames);
    case 'properties': return Array.from({ length: rng.size(4) }, () => rng.pick(['Id', 'ActiveState', 'MainPID', 'Listen', 'ExecStart', 'Environment', 'Result', '', 'x']));
    case 'lines': return rng.pick([0, 1, 10, -1, 1e9, 1.5, Infinity, '5']);
    case 'whom': return rng.pick(['main', 'control', 'all', 'main-fail', 'control-fail', 'all-fail', 'nobody']);
    case 'signal': return rng.pick([1, 9, 15, 0, 64, 65, -1, 1.5, '9', 'SIGKILL']);
    default:
      if (depth < 3 && rng.chance(0.2)) return Object.fromEntries(Array.from({ length: rng.size(3) }, () => [rng.pick(paramKeys), value(rng, '', depth + 1)]));
      return rng.pick([true, false, 1, 'yes']);
  }
}

function call(rng: Prng): ControlCall {
  const params: Record<string, unknown> = {};
  for (let i = rng.size(6); i > 0; i--) {
    const k = rng.pick(paramKeys);
    // Plain assignment, as JSON.parse builds objects: "__proto__" becomes an own key there too.
    Object.defineProperty(params, k, { value: value(rng, k), enumerable: true, writable: true, configurable: true });
  }
  return { method: rng.pick(methods), params };
}

let unitDir: string | undefined;

/** Builds a manager with the built-in sample units, and a handler whose install verbs write only into a temporary directory. */
export function controlFixture(): { t: TestManager; handler: ControlHandler } {
  const t = fuzzManager();
  for (const u of builtInUnits) t.units.file(u.name, u.text);
  if (!unitDir) {
    unitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-fuzz-units-'));
    for (const u of builtInUnits) fs.writeFileSync(path.join(unitDir, u.name), u.text);
    process.once('exit', () => fs.rmSync(unitDir!, { recursive: true, force: true }));
  }
  const env = { HOME: unitDir, XDG_CONFIG_HOME: path.join(unitDir, 'config'), XDG_RUNTIME_DIR: path.join(unitDir, 'run') };
  const handler = new ControlHandler({ manager: t.manager, unitPath: [unitDir], systemState: () => 'running', env });
  return { t, handler };
}

/** Runs one call to its end, driving the manager meanwhile; rethrows anything but a ManagerError. */
export async function settle(t: TestManager, rng: Prng, p: Promise<unknown>): Promise<void> {
  let done = false;
  let failure: unknown;
  p.then(() => { done = true; }, (e) => { done = true; if (!(e instanceof ManagerError)) failure = e; });
  for (let i = 0; i < 100 && !done; i++) {
    for (let k = 0; k < 4 && !done; k++) await Promise.resolve();
    if (!done) drive(t, rng, 1);
  }
  if (failure !== undefined) throw failure;
}

/** The target. */
export const controlRequestTarget: FuzzTarget<ControlRequestInput> = {
  name: 'control-request',
  description: "ControlHandler.call() with random methods and params on a manager with every plugin",
  generate(rng) {
    return { calls: Array.from({ length: rng.size(6) }, () => call(rng)), drive: rng.int(2 ** 31) };
  },
  async run(input) {
    const rng = new Prng(input.drive);
    const { t, handler } = controlFixture();
    const closers: Array<() => void> = [];
    const ctx: MethodContext = { emit: () => true, onClose: (cb) => closers.push(cb) };
    for (const c of input.calls) {
      // As the server passes them: a JSON object parsed from the wire.
      const params = JSON.parse(JSON.stringify(c.params)) as Record<string, unknown>;
      let p: Promise<unknown>;
      try {
        p = handler.call(c.method, params, ctx);
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        continue;
      }
      await settle(t, rng, p);
    }
    for (const c of closers) c();
  },
  pathological: [
    {
      name: 'units in one show',
      sizes: [250, 500, 1000, 2000],
      make: (n) => ({ calls: [{ method: 'show', params: { units: Array.from({ length: n }, (_, i) => `u${i}.service`) } }], drive: 1 }),
    },
    {
      name: 'start jobs then list-units',
      sizes: [250, 500, 1000, 2000],
      make: (n) => ({ calls: [{ method: 'enqueue', params: { verb: 'start', units: Array.from({ length: n }, (_, i) => `fuzz@${i}.service`) } }, { method: 'list-units', params: {} }, { method: 'list-jobs', params: {} }], drive: 1 }),
    },
  ],
};
