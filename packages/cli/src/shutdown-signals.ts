/**
 * What each signal asks of unitkitd, after systemd 252's manager_dispatch_signal_fd() as it
 * behaves in a container (where halt, poweroff and reboot end the container's init), with one
 * deliberate difference: SIGTERM. systemd as PID 1 takes SIGTERM as "re-execute" (sysvinit
 * compatibility) and images built on it set `STOPSIGNAL SIGRTMIN+3`; `docker stop`, `podman stop`
 * and Kubernetes send SIGTERM unless told otherwise, so unitkitd takes SIGTERM as SIGRTMIN+3
 * (halt): stop every unit in dependency order, then exit 0. In user mode SIGTERM and SIGINT start
 * exit.target, as systemd --user does.
 *
 * | signal | system manager | user manager |
 * |---|---|---|
 * | SIGTERM | halt.target (systemd: re-execute) | exit.target |
 * | SIGINT | ctrl-alt-del.target (reboot: ends unitkitd); more than 7 in 2 s: reboot at once | exit.target |
 * | SIGRTMIN+0 / +1 / +2 | isolate default / rescue / emergency.target | same |
 * | SIGRTMIN+3 / +4 / +5 / +6 | halt / poweroff / reboot / kexec.target | same |
 * | SIGRTMIN+13 / +14 / +15 / +16 | halt / poweroff / reboot / kexec at once (no unit is stopped in order) | same |
 * | SIGRTMIN+24 | — | exit at once |
 *
 * A target that is not on the unit path (the bundled examples have none of these) is not an
 * error: unitkitd then stops every unit itself, as the target's Conflicts= would have.
 */

/** How unitkitd ends when asked to: what systemd's objective would have been. */
export type EndObjective = 'halt' | 'poweroff' | 'reboot' | 'exit';

/** What a signal asks for. */
export type SignalRequest =
  | {
      kind: 'end';
      objective: EndObjective;
      /** Started with mode replace-irreversibly when it is on the unit path; undefined: end at once. */
      target?: string;
      /** No orderly stop: what runs is killed and unitkitd exits (systemd's *-immediate). */
      immediate: boolean;
    }
  | { kind: 'isolate'; target: string };

/** The signals unitkitd handles this way, SIGRTMIN-relative ones as offsets. */
export const realtimeOffsets = [0, 1, 2, 3, 4, 5, 6, 13, 14, 15, 16, 24] as const;

/**
 * The request `signal` makes of a manager of `scope`, or undefined when unitkitd gives it no
 * meaning. `sigrtmin` is the libc's SIGRTMIN (34 with glibc).
 */
export function signalRequest(signal: number, scope: 'system' | 'user', sigrtmin: number): SignalRequest | undefined {
  if (signal === 15) {
    if (scope === 'user') return { kind: 'end', objective: 'exit', target: 'exit.target', immediate: false };
    return { kind: 'end', objective: 'halt', target: 'halt.target', immediate: false };
  }
  if (signal === 2) {
    if (scope === 'user') return { kind: 'end', objective: 'exit', target: 'exit.target', immediate: false };
    return { kind: 'end', objective: 'reboot', target: 'ctrl-alt-del.target', immediate: false };
  }
  switch (signal - sigrtmin) {
    case 0:
      return { kind: 'isolate', target: 'default.target' };
    case 1:
      return { kind: 'isolate', target: 'rescue.target' };
    case 2:
      return { kind: 'isolate', target: 'emergency.target' };
    case 3:
      return { kind: 'end', objective: 'halt', target: 'halt.target', immediate: false };
    case 4:
      return { kind: 'end', objective: 'poweroff', target: 'poweroff.target', immediate: false };
    case 5:
      return { kind: 'end', objective: 'reboot', target: 'reboot.target', immediate: false };
    case 6:
      // kexec ends a container's init as a reboot does.
      return { kind: 'end', objective: 'reboot', target: 'kexec.target', immediate: false };
    case 13:
      return { kind: 'end', objective: 'halt', immediate: true };
    case 14:
      return { kind: 'end', objective: 'poweroff', immediate: true };
    case 15:
    case 16:
      return { kind: 'end', objective: 'reboot', immediate: true };
    case 24:
      return scope === 'user' ? { kind: 'end', objective: 'exit', immediate: true } : undefined;
    default:
      return undefined;
  }
}

/**
 * systemd's ctrl-alt-del burst: more than 7 SIGINTs within 2 s (CtrlAltDelBurstAction=, default
 * reboot-force) end the manager at once instead of queueing another orderly reboot.
 */
export class CtrlAltDelBurst {
  private readonly times: number[] = [];

  /** Records one SIGINT at `nowMs`; true when this one completes a burst. */
  hit(nowMs: number): boolean {
    this.times.push(nowMs);
    while (this.times.length > 0 && nowMs - this.times[0]! > 2000) this.times.shift();
    return this.times.length > 7;
  }
}
