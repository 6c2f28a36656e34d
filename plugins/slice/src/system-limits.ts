/**
 * The machine's totals that percentages in resource-control settings are taken of, as systemd
 * resolves them: physical memory (MemoryMax=50%, in whole pages) and the kernel's task limit
 * (TasksMax=10%, DefaultTasksMax=15%). Read once per process.
 */
import * as fs from 'node:fs';

const PAGE_SIZE = 4096;

let memoryTotal: number | undefined;
let tasksTotal: number | undefined;

/** physical_memory(): MemTotal in bytes, rounded down to whole pages. */
export function physicalMemory(): number {
  if (memoryTotal === undefined) {
    let kb = NaN;
    try {
      kb = Number(/^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1]);
    } catch {
      // No /proc: treat percentages as of 0 bytes would be worse than of a nominal 1 GiB.
    }
    const bytes = Number.isFinite(kb) ? kb * 1024 : 2 ** 30;
    memoryTotal = Math.floor(bytes / PAGE_SIZE) * PAGE_SIZE;
  }
  return memoryTotal;
}

/** physical_memory_scale(): `permyriad`/10000 of physical memory, in whole pages. */
export function physicalMemoryScale(permyriad: number): number {
  const pages = physicalMemory() / PAGE_SIZE;
  return Math.floor((pages * permyriad) / 10000) * PAGE_SIZE;
}

/** system_tasks_max(): the smaller of pid_max - 1 and threads-max (and the kernel's 4194303). */
export function systemTasksMax(): number {
  if (tasksTotal === undefined) {
    const read = (p: string): number => {
      try {
        return Number(fs.readFileSync(p, 'utf8').trim());
      } catch {
        return NaN;
      }
    };
    const limit = Math.min(read('/proc/sys/kernel/pid_max') - 1, read('/proc/sys/kernel/threads-max'), 4194303);
    tasksTotal = Number.isFinite(limit) ? limit : 32767;
  }
  return tasksTotal;
}

/** system_tasks_max_scale(): `permyriad`/10000 of the task limit, rounded down. */
export function systemTasksMaxScale(permyriad: number): number {
  return Math.floor((systemTasksMax() * permyriad) / 10000);
}

/** DefaultTasksMax= of systemd 252: 15% of the task limit (4915 on a machine with pid_max 32768). */
export function defaultTasksMax(): number {
  return systemTasksMaxScale(1500);
}
