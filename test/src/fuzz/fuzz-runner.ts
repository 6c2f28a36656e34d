/**
 * Runs one fuzz target: inputs from a seeded generator until a count or a deadline, each timed;
 * what throws is a crash (kept with the input, saved to a file when asked), what takes longer than
 * the hang threshold is a hang; then the pathological inputs, timed at each size.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FuzzTarget } from './fuzz-target.js';
import { Prng, inputSeed } from './prng.js';

/** An input that crashed. */
export interface FuzzCrash {
  index: number;
  error: string;
  input: unknown;
  /** Where the input was saved, when a save directory was given. */
  file?: string;
}

/** An input and how long it took. */
export interface TimedInput {
  index: number;
  ms: number;
  input: unknown;
  file?: string;
}

/** One row of the pathological table: the time of each size. */
export interface PathologicalRow {
  name: string;
  sizes: number[];
  ms: number[];
  /** time(largest) / time(smallest) divided by largest/smallest: about 1 when linear, growing with the size when not. */
  growth: number;
  crash?: string;
}

/** What a run of one target found. */
export interface FuzzReport {
  target: string;
  seed: number;
  tried: number;
  elapsedMs: number;
  crashes: FuzzCrash[];
  /** How many inputs crashed in all (crashes keeps the first of each distinct message). */
  crashCount: number;
  hangs: TimedInput[];
  slowest?: TimedInput;
  pathological: PathologicalRow[];
}

/** How long and how hard to fuzz. */
export interface FuzzRunOptions {
  seed: number;
  /** Stop after this many inputs… */
  count?: number;
  /** …or at this performance.now() time, whichever comes first. */
  deadline?: number;
  /** An input that takes longer than this (ms) is reported as a hang. */
  hangMs?: number;
  /** Where crashing and hanging inputs are saved as JSON (not saved when absent). */
  saveDir?: string;
  /** Whether to time the pathological inputs (default true). */
  pathological?: boolean;
  /** Told of each input before it runs (fuzz-main's watchdog keeps it, for an input that never returns). */
  onInput?(target: string, seed: number, index: number, input: unknown): void;
  /** Use only the first `pathologicalSizes` sizes of each case (for short runs). */
  pathologicalSizes?: number;
}

function firstLine(e: unknown): string {
  const err = e as Error;
  const frame = (err?.stack ?? '').split('\n').find((l) => l.trim().startsWith('at '))?.trim() ?? '';
  return `${err?.name ?? 'Error'}: ${String(err?.message ?? e).split('\n')[0]!.slice(0, 300)} ${frame}`;
}

function save(dir: string | undefined, target: string, kind: string, index: number, seed: number, input: unknown): string | undefined {
  if (!dir) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${target}-${kind}-seed${seed}-${index}.json`);
  fs.writeFileSync(file, JSON.stringify({ target, seed, index, input }, null, 1));
  return file;
}

/** Runs one input; resolves to the error it threw, if any. */
export async function runOne<I>(target: FuzzTarget<I>, input: I): Promise<unknown> {
  try {
    const r = target.run(input);
    if (r) await r;
    return undefined;
  } catch (e) {
    return e ?? new Error('undefined thrown');
  }
}

/** Fuzzes one target; the input of index i is reproduced by `generate(new Prng(inputSeed(seed, i)))`. */
export async function runTarget<I>(target: FuzzTarget<I>, opts: FuzzRunOptions): Promise<FuzzReport> {
  const hangMs = opts.hangMs ?? 1000;
  const report: FuzzReport = { target: target.name, seed: opts.seed, tried: 0, elapsedMs: 0, crashes: [], crashCount: 0, hangs: [], pathological: [] };
  const seen = new Set<string>();
  const start = performance.now();
  await target.setup?.();
  try {
    for (let i = 0; ; i++) {
      if (opts.count !== undefined && i >= opts.count) break;
      if (opts.deadline !== undefined && performance.now() >= opts.deadline) break;
      // A turn of the event loop now and then: objects held by WeakRefs (inversify's plan caches
      // reference every container) are released only between tasks, and inputs that complete
      // synchronously would otherwise keep every manager of the run alive.
      if (i % 32 === 31) await new Promise((r) => setImmediate(r));
      const input = target.generate(new Prng(inputSeed(opts.seed, i)));
      opts.onInput?.(target.name, opts.seed, i, input);
      const t0 = performance.now();
      const error = await runOne(target, input);
      const ms = performance.now() - t0;
      report.tried++;
      if (error !== undefined) {
        report.crashCount++;
        const key = firstLine(error);
        if (!seen.has(key) && report.crashes.length < 20) {
          seen.add(key);
          report.crashes.push({ index: i, error: `${key}\n${(error as Error)?.stack ?? ''}`, input, file: save(opts.saveDir, target.name, 'crash', i, opts.seed, input) });
        }
      }
      if (!report.slowest || ms > report.slowest.ms) report.slowest = { index: i, ms, input };
      if (ms > hangMs && report.hangs.length < 20) report.hangs.push({ index: i, ms, input, file: save(opts.saveDir, target.name, 'hang', i, opts.seed, input) });
    }
    if (report.slowest) report.slowest.file = save(opts.saveDir, target.name, 'slowest', report.slowest.index, opts.seed, report.slowest.input);
    if (opts.pathological !== false) {
      for (const c of target.pathological) {
        const sizes = c.sizes.slice(0, opts.pathologicalSizes ?? c.sizes.length);
        const row: PathologicalRow = { name: c.name, sizes, ms: [], growth: 0 };
        // One untimed run of the smallest size first, so the first timing is not the JIT warming up.
        const warm = c.make(sizes[0]!);
        await runOne(target, warm);
        c.cleanup?.(warm);
        for (const n of sizes) {
          const input = c.make(n);
          try {
            // The best of a few runs: one run on a loaded machine says more about the load than the code.
            let best = Infinity;
            for (let k = 0; k < 3 && (k === 0 || best < 2000); k++) {
              const t0 = performance.now();
              const error = await runOne(target, input);
              best = Math.min(best, performance.now() - t0);
              if (error !== undefined && !row.crash) {
                row.crash = firstLine(error);
                report.crashCount++;
                report.crashes.push({ index: -1, error: `${c.name} at size ${n}: ${row.crash}`, input: { pathological: c.name, size: n } });
              }
            }
            row.ms.push(best);
          } finally {
            c.cleanup?.(input);
          }
        }
        const first = row.ms[0]!;
        const last = row.ms[row.ms.length - 1]!;
        row.growth = sizes.length > 1 ? (last / Math.max(first, 0.01)) / (sizes[sizes.length - 1]! / sizes[0]!) : 1;
        report.pathological.push(row);
      }
    }
  } finally {
    await target.teardown?.();
  }
  report.elapsedMs = performance.now() - start;
  return report;
}

/** The report as text, one block per target. */
export function formatReport(r: FuzzReport): string {
  const lines = [`== ${r.target} (seed ${r.seed})`, `inputs tried: ${r.tried} in ${(r.elapsedMs / 1000).toFixed(1)} s`, `crashes: ${r.crashCount}`];
  for (const c of r.crashes) lines.push(`  #${c.index}: ${c.error.split('\n')[0]}${c.file ? `\n    input: ${c.file}` : ''}`);
  lines.push(`hangs: ${r.hangs.length}`);
  for (const h of r.hangs) lines.push(`  #${h.index}: ${h.ms.toFixed(0)} ms${h.file ? `  input: ${h.file}` : ''}`);
  if (r.slowest) lines.push(`slowest input: #${r.slowest.index}, ${r.slowest.ms.toFixed(1)} ms${r.slowest.file ? `  (${r.slowest.file})` : ''}`);
  if (r.pathological.length > 0) {
    lines.push('pathological inputs (best of 3, ms per size; growth ≈ 1 is linear, ≈ size ratio is quadratic):');
    for (const p of r.pathological) {
      lines.push(`  ${p.name.padEnd(48)} ${p.sizes.map((n, i) => `${n}: ${p.ms[i]!.toFixed(1)}`).join('  ')}  growth ${p.growth.toFixed(2)}${p.crash ? `  CRASH ${p.crash}` : ''}`);
    }
  }
  return lines.join('\n');
}
