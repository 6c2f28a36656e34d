/**
 * systemd's DefaultTasksMax=: 15% of what the kernel allows (the smaller of pid_max - 1 and
 * threads-max), read once — the TasksMax= of a unit that sets none (slices: infinity).
 */
import * as fs from 'node:fs';

let cached: number | undefined;

/** DefaultTasksMax= on this machine. */
export function defaultTasksMax(): number {
  if (cached === undefined) {
    const read = (p: string) => {
      try {
        return Number(fs.readFileSync(p, 'utf8').trim());
      } catch {
        return NaN;
      }
    };
    const limit = Math.min(read('/proc/sys/kernel/pid_max') - 1, read('/proc/sys/kernel/threads-max'), 4194303);
    cached = Number.isFinite(limit) ? Math.floor((limit * 15) / 100) : 4915;
  }
  return cached;
}
