/**
 * The timers of NativeEventLoop: a binary heap ordered by (deadline, arming order) behind a single
 * Node timeout for the earliest one. Node's own timers are grouped by duration, so two timers
 * armed at different moments for the same deadline could fire out of order; this keeps the port's
 * promise that equal deadlines fire in the order they were armed, and never fires early by our
 * clock (Node's millisecond timers are re-armed for any remainder).
 */
import type { Disposable, Usec } from '@unitkit/core';

interface Entry {
  at: Usec;
  seq: number;
  callback: () => void;
  index: number;
}

/** A deadline-ordered queue of callbacks driven by one Node timeout. */
export class TimerQueue {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timeout: NodeJS.Timeout | undefined;
  private timeoutAt = Infinity;

  /** `now` is the clock deadlines are measured against (microseconds). */
  constructor(private readonly now: () => Usec) {}

  /** Arms `callback` for `at`; Infinity never fires. */
  arm(at: Usec, callback: () => void): Disposable {
    const entry: Entry = { at, seq: this.seq++, callback, index: -1 };
    if (at !== Infinity) {
      this.push(entry);
      this.schedule();
    }
    return { dispose: () => this.remove(entry) };
  }

  /** Number of armed timers. */
  get size(): number {
    return this.heap.length;
  }

  /** Drops every timer. */
  clear(): void {
    for (const e of this.heap) e.index = -1;
    this.heap.length = 0;
    this.schedule();
  }

  private remove(entry: Entry): void {
    const i = entry.index;
    if (i < 0) return;
    const last = this.heap.pop()!;
    entry.index = -1;
    if (last !== entry) {
      this.heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    this.schedule();
  }

  private schedule(): void {
    const first = this.heap[0];
    const at = first ? first.at : Infinity;
    if (at === this.timeoutAt) return;
    if (this.timeout) clearTimeout(this.timeout);
    this.timeout = undefined;
    this.timeoutAt = at;
    if (!first) return;
    const delayMs = Math.max(0, Math.ceil((at - this.now()) / 1000));
    // setTimeout's limit is 2^31-1 ms; a later deadline simply re-arms when that expires.
    this.timeout = setTimeout(() => this.fire(), Math.min(delayMs, 2 ** 31 - 1));
  }

  private fire(): void {
    this.timeout = undefined;
    this.timeoutAt = Infinity;
    for (;;) {
      const first = this.heap[0];
      if (!first || first.at > this.now()) break;
      this.remove(first);
      try {
        first.callback();
      } catch (error) {
        // Keep the remaining timers alive, then let the error surface as Node reports it.
        this.schedule();
        throw error;
      }
    }
    this.schedule();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    e.index = this.heap.length;
    this.heap.push(e);
    this.up(e.index);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    this.heap[i] = b;
    this.heap[j] = a;
    a.index = j;
    b.index = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.heap[i]!, this.heap[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(this.heap[l]!, this.heap[m]!)) m = l;
      if (r < this.heap.length && this.less(this.heap[r]!, this.heap[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
