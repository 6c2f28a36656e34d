/**
 * /run/systemd/system: the directory whose existence says "this machine was booted with systemd".
 * systemctl, sd_booted() and everything built on libsystemd check it before they talk to a system
 * manager (systemctl otherwise answers "System has not been booted with systemd as init system").
 * systemd (PID 1) creates it early at boot; unitkitd does the same when it is the machine's manager
 * (--system as PID 1 of its pid namespace, or --system --as-init), never in --user mode and never
 * when it merely runs beside another init.
 */
import * as fs from 'node:fs';

/** Where the marker lives. */
export const BOOTED_MARKER = '/run/systemd/system';

/**
 * Creates the marker (and /run/systemd) with mode 0755, as systemd does; an existing one is left
 * as it is. Returns a reason when it could not be created (the manager runs on without it).
 */
export function createBootedMarker(dir: string = BOOTED_MARKER): string | undefined {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (!fs.statSync(dir).isDirectory()) return `${dir} exists and is not a directory`;
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
