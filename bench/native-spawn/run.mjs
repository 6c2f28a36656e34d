#!/usr/bin/env node
/**
 * Spawn-and-reap rate of a tiny program through @unitkit/native, beside a C posix_spawn() loop
 * compiled in the same run on the same machine. Usage:
 *   node bench/native-spawn/run.mjs [seconds-per-round=2] [rounds=5] [program=/bin/true]
 * Rounds alternate C and addon so machine noise hits both alike; the medians are compared.
 * Needs the addon built (npm install) and the package compiled (`npx tsc -b packages/native`).
 * Never part of the test command: the figures depend on the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 5);
const program = process.argv[4] ?? '/bin/true';

// Compile the C loop before the addon's reaper exists; afterwards this process spawns only
// through the addon (the C loop itself too), as a manager would.
const work = mkdtempSync(join(tmpdir(), 'unitkit-bench-'));
const loopBinary = join(work, 'posix-spawn-loop');
execFileSync('cc', ['-O2', '-o', loopBinary, join(here, 'posix-spawn-loop.c')], { stdio: 'inherit' });

const { NativeEventLoop, NativeProcessSpawner, pipe, readFd, closeFd } = await import('../../packages/native/dist/index.js');
const loop = new NativeEventLoop();
const spawner = new NativeProcessSpawner();
const env = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
const inherit = { kind: 'inherit' };

const waiters = new Map();
loop.onChildExit((exit) => {
  const waiter = waiters.get(exit.pid);
  waiters.delete(exit.pid);
  waiter?.(exit);
});
function spawnAndWait(spec) {
  const { pid } = spawner.spawn(spec);
  return new Promise((resolve) => waiters.set(pid, resolve));
}

async function cRate() {
  const [r, w] = pipe();
  const exit = await spawnAndWait({
    path: loopBinary,
    argv: [loopBinary, program, String(seconds)],
    env,
    stdin: inherit,
    stdout: { kind: 'fd', fd: w },
    stderr: inherit,
  });
  closeFd(w);
  const out = readFd(r).toString();
  closeFd(r);
  if (exit.status !== 0) throw new Error(`C loop failed: ${JSON.stringify(exit)}`);
  const [count, elapsed] = out.trim().split(' ').map(Number);
  return count / elapsed;
}

async function nativeRate(duration) {
  const spec = { path: program, argv: [program], env, stdin: inherit, stdout: inherit, stderr: inherit };
  let count = 0;
  const start = loop.now();
  let elapsed;
  do {
    const exit = await spawnAndWait(spec);
    if (exit.code !== 'exited' || exit.status !== 0) throw new Error(`child failed: ${JSON.stringify(exit)}`);
    count++;
    elapsed = (loop.now() - start) / 1e6;
  } while (elapsed < duration);
  return count / elapsed;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await nativeRate(0.3); // warm-up: JIT, page cache
const c = [];
const n = [];
for (let i = 0; i < rounds; i++) {
  c.push(await cRate());
  n.push(await nativeRate(seconds));
}
loop.close();
rmSync(work, { recursive: true, force: true });

const fmt = (x) => x.toFixed(0).padStart(7);
console.log(`spawn-and-reap of ${program}, sequential, ${rounds} alternating rounds of ${seconds}s`);
console.log(`  C posix_spawn + waitpid : ${fmt(median(c))} /s  (rounds: ${c.map((x) => x.toFixed(0)).join(' ')})`);
console.log(`  @unitkit/native         : ${fmt(median(n))} /s  (rounds: ${n.map((x) => x.toFixed(0)).join(' ')})`);
console.log(`  ratio of medians        : ${((median(n) / median(c)) * 100).toFixed(1)} % of C`);
