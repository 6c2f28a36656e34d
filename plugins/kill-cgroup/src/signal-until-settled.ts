/**
 * Signalling every process of a scope the way systemd's cg_kill_recursive() does: signal what is
 * there, look again, and repeat until a pass finds nobody new — a process that forks while we
 * signal is caught by the next pass.
 */

/** Sends `signal` to every pid `list()` returns, re-listing until nothing new appears; returns how many got it. */
export function signalUntilSettled(
  list: () => number[],
  kill: (pid: number, signal: number) => boolean,
  signal: number,
  except?: ReadonlySet<number>,
): number {
  const done = new Set<number>();
  let count = 0;
  // A bound, so a fork bomb cannot keep the manager here forever.
  for (let pass = 0; pass < 32; pass++) {
    let fresh = 0;
    for (const pid of list()) {
      if (done.has(pid) || except?.has(pid)) continue;
      done.add(pid);
      fresh++;
      if (kill(pid, signal)) count++;
    }
    if (fresh === 0) break;
  }
  return count;
}
