/**
 * The private bus socket bound by unitkitd-launcher (packages/native/csrc/launcher) before Node
 * started: clients that connect while Node loads wait in its backlog instead of failing.
 */
import * as path from 'node:path';
import { closeFd, localAddress, setCloexec, socketInfo } from '@unitkit/native';

/**
 * Where systemd's private bus lives for a manager of this scope (systemctl's rule): a user
 * manager without XDG_RUNTIME_DIR has none. A system manager takes /run/systemd/private only as
 * the machine's manager (PID 1 of its namespace, or --as-init); any other system manager — one
 * beside the machine's own, a test — serves it in its runtime directory, never the host's path.
 * unitkitd-launcher.c applies the same rule.
 */
export function privateBusPath(scope: 'system' | 'user', env: NodeJS.ProcessEnv, machine?: { machineManager: boolean; runtimeDir: string }): string | undefined {
  if (scope === 'system') return !machine || machine.machineManager ? '/run/systemd/private' : path.join(machine.runtimeDir, 'systemd', 'private');
  return env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'systemd', 'private') : undefined;
}

/** The variable through which the launcher hands the listening fd over. */
export const LAUNCHER_BUS_FD_VARIABLE = 'UNITKIT_BUS_FD';

/**
 * Takes the launcher's listening socket out of the environment (so no service inherits the
 * variable) and returns its fd when it is a listening unix stream socket bound at `busPath`;
 * anything else is closed and undefined returned, and the manager binds the socket itself.
 */
export function takeLauncherBusSocket(env: NodeJS.ProcessEnv, busPath: string | undefined): number | undefined {
  const text = env[LAUNCHER_BUS_FD_VARIABLE];
  if (text === undefined) return undefined;
  delete env[LAUNCHER_BUS_FD_VARIABLE];
  const fd = Number(text);
  if (!/^\d+$/.test(text) || fd < 3) return undefined;
  try {
    const info = socketInfo(fd);
    const bound = localAddress(fd);
    if (busPath !== undefined && info.familyName === 'unix' && info.typeName === 'stream' && info.listening && bound.path === busPath) {
      setCloexec(fd, true);
      return fd;
    }
  } catch {
    // Not an open socket: nothing to take over.
    return undefined;
  }
  closeFd(fd);
  return undefined;
}
