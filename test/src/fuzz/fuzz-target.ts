/**
 * What a fuzz target is: one small module that makes inputs and runs one of them against the code
 * under test. The runner (fuzz-runner.ts) calls it, times it and keeps what crashed; fuzz-targets.ts
 * is the one list of targets.
 */
import type { Prng } from './prng.js';

/** An input that stresses one dimension, built at a given size, so time per size shows superlinear growth. */
export interface PathologicalCase<I> {
  /** What grows, e.g. "continuation lines". */
  name: string;
  /** The sizes to time, smallest first; each is roughly double the one before. */
  sizes: number[];
  /** Builds the input of size n (not timed; it may write files, which cleanup() removes). */
  make(n: number): I;
  /** Removes what make() wrote. */
  cleanup?(input: I): void;
}

/**
 * One fuzz target. Inputs must be plain JSON data (strings, numbers, arrays, objects): a crashing
 * input is saved as JSON and replayed from the file with `npm run fuzz -- --replay FILE`.
 */
export interface FuzzTarget<I = unknown> {
  /** A short kebab-case name, used by `--target`. */
  name: string;
  /** One line: what is fed to what. */
  description: string;
  /** Makes one input from `rng` (a mutated seed or a structured one). */
  generate(rng: Prng): I;
  /**
   * Runs one input. Refusals the code is meant to give (ValueError, ManagerError, a refused
   * datagram) are caught inside; anything that escapes is a crash.
   */
  run(input: I): void | Promise<void>;
  /** The inputs whose time must stay proportional to their size. */
  pathological: Array<PathologicalCase<I>>;
  /** Prepares what the target shares between inputs (a listening socket); called once per run. */
  setup?(): Promise<void>;
  /** Releases what setup() made. */
  teardown?(): Promise<void>;
}

/** Thrown by a target when the code under test failed without throwing (e.g. it logged an internal error). */
export class FuzzFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzFailure';
  }
}
