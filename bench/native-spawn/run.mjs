#!/usr/bin/env node
/**
 * Spawn-and-reap rate of a tiny program through @unitkit/native, beside a C posix_spawn() loop
 * compiled in the same run on the same machine. Usage: node bench/native-spawn/run.mjs [seconds]
 * [program]. Needs the addon built (npm install) and `npx tsc -b packages/native`.
 * Never part of the test command: the figures depend on the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? 3);
const program = process.argv[3] ?? '/bin/true';

// The C part first, synchronously: child_process must be done before the addon's reaper starts.
const work = mkdtempSync(join(tmpdir(), 'unitkit-bench-'));
const loopBinary = join(work, 'posix-spawn-loop');
execFileSync('cc', ['-O2', '-o', loopBinary, join(here, 'posix-spawn-loop.c')], { stdio: 'inherit' });
const [cCount, cElapsed] = execFileSync(loopBinary, [program, String(seconds)], { encoding: 'utf8' })
  .trim()
  .split(' ')
  .map(Number);
rmSync(work, { recursive: true, force: true });
const cRate = cCount / cElapsed;

const { NativeEventLoop, NativeProcessSpawner } = await import('../../packages/native/dist/index.js');
const loop = new NativeEventLoop();
const spawner = new NativeProcessSpawner();
const env = Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
const spec = {
  path: program,
  argv: [program],
  env,
  stdin: { kind: 'inherit' },
  stdout: { kind: 'inherit' },
  stderr: { kind: 'inherit' },
};

let waiting;
loop.onChildExit((exit) => {
  if (exit.code !== 'exited' || exit.status !== 0) throw new Error(`child failed: ${JSON.stringify(exit)}`);
  waiting?.(exit);
});

async function run(duration) {
  let count = 0;
  const start = loop.now();
  let elapsed;
  do {
    const exited = new Promise((resolve) => (waiting = resolve));
    spawner.spawn(spec);
    await exited;
    count++;
    elapsed = (loop.now() - start) / 1e6;
  } while (elapsed < duration);
  return count / elapsed;
}

await run(Math.min(0.5, seconds / 4)); // warm-up: JIT, page cache
const nativeRate = await run(seconds);
loop.close();

const fmt = (n) => n.toFixed(0).padStart(7);
console.log(`spawn-and-reap of ${program}, ${seconds}s each, sequential`);
console.log(`  C posix_spawn + waitpid : ${fmt(cRate)} /s`);
console.log(`  @unitkit/native         : ${fmt(nativeRate)} /s`);
console.log(`  ratio                   : ${((nativeRate / cRate) * 100).toFixed(1)} % of C`);
