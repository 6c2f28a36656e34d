/**
 * When a timer with an accuracy window really wakes up. systemd's event loop does not fire a timer
 * at its exact time but somewhere in [time, time + AccuracySec=], chosen so that timers of the whole
 * machine wake together: it prefers a point on a one-minute grid, then a 10 s, 1 s and 250 ms grid,
 * each shifted by a per-boot perturbation (sd-event's sleep_between()). unitkit makes the same choice
 * so AccuracySec= saves wake-ups as it does under systemd.
 */

const USEC_PER_MSEC = 1_000;
const USEC_PER_SEC = 1_000_000;
const USEC_PER_MINUTE = 60 * USEC_PER_SEC;

/**
 * The wake-up time for a timer due at `a` with accuracy up to `b` (both on one clock, µs), given
 * the per-boot `perturb` (0 ≤ perturb < 1 min).
 */
export function coalescedWakeup(a: number, b: number, perturb: number): number {
  if (a <= 0) return 0;
  if (!Number.isFinite(a)) return a;
  if (b <= a + 1) return a;
  for (const grid of [USEC_PER_MINUTE, 10 * USEC_PER_SEC, USEC_PER_SEC, 250 * USEC_PER_MSEC]) {
    let c = Math.floor(b / grid) * grid + (perturb % grid);
    if (c >= b) {
      if (c < grid) return b;
      c -= grid;
    }
    if (c >= a) return c;
  }
  return b;
}

/**
 * The per-boot perturbation: a hash of the boot id (sd-event hashes the boot id the same way for
 * every process, so all of a machine's timers share one grid), reduced to less than a minute.
 */
export function bootPerturbation(bootId: string): number {
  let h = 0xcbf29ce4;
  for (let i = 0; i < bootId.length; i++) h = Math.imul(h ^ bootId.charCodeAt(i), 0x01000193) >>> 0;
  return h % USEC_PER_MINUTE;
}
