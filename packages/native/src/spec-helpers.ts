/**
 * Shared by the specs only (not part of the package's API): the compiled probe program, one event
 * loop whose reaper collects every child, and bounded waits so no test can hang.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildExit } from '@unitkit/core';
import { NativeEventLoop } from './native-event-loop.js';
import { NativeProcessSpawner } from './native-process-spawner.js';
import { closeFd, pipe, readFd } from './fd-ops.js';
import { killProcess } from './process-ops.js';

/** The package directory (dist/..). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A scratch directory for this test run. */
export const scratch = mkdtempSync(join(tmpdir(), 'unitkit-native-'));
// Children that drop to another user must still reach the probe program in here.
chmodSync(scratch, 0o755);
// A root-level hook (registered while mocha loads this module): the run leaves nothing behind.
after(() => {
  killLeftovers();
  rmSync(scratch, { recursive: true, force: true });
});

let probePath: string | undefined;

/**
 * Compiles test-fixtures/probe.c with the system's cc, once per run. This runs before any child is
 * spawned through the addon and is synchronous, so child_process's own reaping cannot race ours.
 */
export function probe(): string {
  if (!probePath) {
    const out = join(scratch, 'probe');
    execFileSync('cc', ['-O1', '-Wall', '-o', out, join(packageRoot, 'test-fixtures', 'probe.c')], { stdio: 'inherit' });
    probePath = out;
  }
  return probePath;
}

/** The one loop of the test process (a second reaper would steal the first one's children). */
export const loop = new NativeEventLoop();
/** The spawner the specs use. */
export const spawner = new NativeProcessSpawner();

const exits = new Map<number, ChildExit>();
const waiters = new Map<number, (exit: ChildExit) => void>();
const live = new Set<number>();
let reaping: { dispose(): void } | undefined;

/** Starts collecting exits (idempotent). */
export function startReaping(): void {
  reaping ??= loop.onChildExit((exit) => {
    live.delete(exit.pid);
    const waiter = waiters.get(exit.pid);
    if (waiter) {
      waiters.delete(exit.pid);
      waiter(exit);
    } else {
      exits.set(exit.pid, exit);
    }
  });
}

/** Re-installs the shared handler after a test replaced the process-wide reaper callback. */
export function restartReaping(): void {
  reaping?.dispose();
  reaping = undefined;
  startReaping();
}

/** Remembers a pid so {@link killLeftovers} can clean it up. */
export function track(pid: number): number {
  live.add(pid);
  return pid;
}

/** Resolves with the pid's exit, or rejects after `ms`. */
export function waitExit(pid: number, ms = 5000): Promise<ChildExit> {
  startReaping();
  const done = exits.get(pid);
  if (done) {
    exits.delete(pid);
    return Promise.resolve(done);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(pid);
      reject(new Error(`pid ${pid} did not exit within ${ms} ms`));
    }, ms);
    waiters.set(pid, (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
}

/** SIGKILLs every tracked child that has not been reaped yet. */
export function killLeftovers(): void {
  for (const pid of live) killProcess(pid, 9);
}

/** A pipe whose write end goes to a child as stdout; `collect()` reads what it wrote. */
export function outputPipe(): { writeFd: number; collect(): string } {
  const [r, w] = pipe(true);
  let writeOpen = true;
  return {
    writeFd: w,
    collect() {
      if (writeOpen) {
        closeFd(w);
        writeOpen = false;
      }
      let text = '';
      for (;;) {
        const chunk = readFd(r);
        if (!chunk || chunk.length === 0) break;
        text += chunk.toString();
      }
      closeFd(r);
      return text;
    },
  };
}

/** Resolves after `ms` (used to give the kernel a moment, never as an assertion). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** 127.0.0.1 on a port the kernel picks (systemd's address strings refuse port 0). */
export const loopback = { family: 'inet', host: '127.0.0.1', port: 0 } as const;
