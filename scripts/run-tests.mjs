#!/usr/bin/env node
// The README's test command: builds every package, then runs every package's tests through lerna,
// and closes with one line "N passed, N failed, N skipped" summed over all packages.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The tests run in a runtime directory of their own: a unit whose path uses %t (the user's
// dbus.socket, gpg-agent's sockets) must never bind a path of the real session.
const runtimeDir = mkdtempSync(join(tmpdir(), 'unitkit-test-runtime-'));
process.env.XDG_RUNTIME_DIR = runtimeDir;
process.on('exit', () => rmSync(runtimeDir, { recursive: true, force: true }));

function run(args) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['lerna', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const build = await run(['run', 'build', '--stream']);
if (build.code !== 0) {
  console.log('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const test = await run(['run', 'test', '--stream', '--concurrency', '1', '--no-bail', '--no-sort']);
// lerna's progress lines, as well as each package's mocha summary, may carry ANSI colours.
const plain = test.out.replace(/\x1b\[[0-9;]*m/g, '');
const sum = (re) => [...plain.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
const passed = sum(/\b(\d+) passing\b/g);
const failed = sum(/\b(\d+) failing\b/g);
const skipped = sum(/\b(\d+) pending\b/g);
const broken = test.code !== 0 && failed === 0 ? 1 : 0;
console.log(`\n${passed} passed, ${failed + broken} failed, ${skipped} skipped`);
process.exit(test.code === 0 && failed === 0 ? 0 : 1);
