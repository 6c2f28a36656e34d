/**
 * Hands the garbage of a unit-loading burst back to the kernel.
 *
 * Loading 2,000 unit files allocates far more than the units keep: a heap snapshot after a
 * 2,000-unit load and daemon-reload retains ~1.5 MB more than before, yet resident memory had
 * grown by ~40 MB, all of it V8 heap that had grown to hold the transient garbage and is only
 * given back after a full collection, which an idle manager may not run for a long time.
 * So once a burst of loads (or unloads) has passed, run one full collection. Bursts are rare
 * (start-up, daemon-reload, a target that wants hundreds of units); one collection of a heap
 * this size takes a few milliseconds, off the hot path of any request.
 */
import { createRequire } from 'node:module';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { Manager } from '@unitkit/core';
import { trimMalloc } from '@unitkit/native';

/** Options of {@link trimHeapAfterLoadBursts}. */
export interface HeapTrimOptions {
  /** Loads and unloads that make a burst worth a collection. */
  threshold?: number;
  /** Quiet time after the burst before collecting, so one collection covers the whole burst. */
  delayMs?: number;
}

/** V8's gc() of `--expose-gc`: a full collection, or with `{ type: 'minor' }` the young generation's. */
type GcFunction = (options?: { type: 'minor' | 'major' }) => void;

let gcFunction: GcFunction | null | undefined;

/**
 * The global gc() of `--expose-gc`: unitkitd's shebang passes the flag; elsewhere (a manager
 * composed into another program) it is enabled at run time, where a fresh context picks it up.
 * Undefined where the runtime refuses. node:vm is loaded for that fallback only: it costs an idle
 * manager ~0.3 MB (issue #19).
 */
function exposedGc(): GcFunction | undefined {
  if (gcFunction !== undefined) return gcFunction ?? undefined;
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === 'function') return (gcFunction = global as GcFunction);
  try {
    setFlagsFromString('--expose-gc');
    const vm = createRequire(import.meta.url)('node:vm') as typeof import('node:vm');
    const gc: unknown = vm.runInNewContext('gc');
    gcFunction = typeof gc === 'function' ? (gc as GcFunction) : null;
  } catch {
    gcFunction = null;
  }
  return gcFunction ?? undefined;
}

/**
 * Returns a function to call when a client's requests are answered (its connection closed): right
 * after, before the next request comes in, the young generation is collected if it has less than
 * `reserveBytes` free — the room the next client's calls should find. A `systemctl show`
 * allocates ~270 KB (a unit loaded, ~300 properties listed and encoded); with unitkitd's 1 MB
 * semi-spaces every third or fourth call otherwise ran a scavenge in the middle of its own work,
 * copying (and promoting) that call's live objects — 1–4 ms on the answer's path. Collected
 * between calls, the young generation holds garbage only, and the scavenge is off every
 * request's path; collecting only when room runs short keeps it to one per two or three calls.
 */
export function collectYoungAfterClients(reserveBytes = 512 * 1024): () => void {
  const gc = exposedGc();
  if (!gc) return () => {};
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (young && young.space_available_size < reserveBytes) gc({ type: 'minor' });
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };
}

/**
 * One full, compacting collection now (a no-op where gc() cannot be exposed). Compacting every
 * page: V8's default compacts only nearly empty ones, and a burst's survivors are spread thinly
 * over the pages the burst filled (held units: ~2 KB of slack per unit stayed resident; issue #19).
 * Tens of ms for 10,000 held units, a few ms for an idle manager; unitkitd also calls it once
 * start-up has finished (−1.2 MB resident: the start-up's garbage and sparse pages), there with
 * `flushCode`: the bytecode of every function not running now is dropped, to be compiled again
 * when next called. Start-up's own code (module set-up, the first load of every unit) does not
 * run again, and V8 would flush it only after five more full collections, which an idle manager
 * may not run for hours (−0.65 MB); what does run again pays one lazy compilation.
 */
export function compactHeap(options: { flushCode?: boolean } = {}): void {
  const gc = exposedGc();
  if (!gc) return;
  setFlagsFromString('--compact-on-every-full-gc');
  if (options.flushCode) setFlagsFromString('--stress-flush-code');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
    if (options.flushCode) setFlagsFromString('--no-stress-flush-code');
  }
  // What V8 freed outside its heap (parser and compiler zones, the collection's own work lists)
  // stays resident in malloc's heap until trimmed: ~4 MB after start-up.
  trimMalloc();
}

/** Watches the manager's unit-loaded/unit-removed events; returns a function that stops watching. */
export function trimHeapAfterLoadBursts(manager: Manager, options: HeapTrimOptions = {}): () => void {
  if (!exposedGc()) return () => {};
  const threshold = options.threshold ?? 200;
  const delayMs = options.delayMs ?? 20;
  // A burst changes how many units are loaded (a target that wants thousands, their collection) or
  // loads many again (daemon-reload): loads minus removals. Instances that come and go (an
  // Accept=yes socket's) cancel out: counting every event compacted a heap of 10,000 held units
  // every hundred connections, a 200 ms pause each time, where V8's own collections suffice.
  let net = 0;
  let timer: NodeJS.Timeout | undefined;
  let quiet = true;
  const collect = () => {
    // Still loading (the timer fired between two halves of one burst): wait for the quiet.
    if (quiet) {
      timer = undefined;
      net = 0;
      compactHeap();
      return;
    }
    quiet = true;
    timer = setTimeout(collect, delayMs).unref();
  };
  const seen = (delta: number) => {
    net += delta;
    quiet = false;
    if (timer || Math.abs(net) < threshold) return;
    quiet = true;
    timer = setTimeout(collect, delayMs).unref();
  };
  const loaded = () => seen(1);
  const removed = () => seen(-1);
  manager.events.on('unit-loaded', loaded);
  manager.events.on('unit-removed', removed);
  return () => {
    manager.events.off('unit-loaded', loaded);
    manager.events.off('unit-removed', removed);
    if (timer) clearTimeout(timer);
  };
}
