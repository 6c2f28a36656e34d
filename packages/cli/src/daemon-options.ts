/**
 * unitkitd's command line and environment, resolved the way systemd resolves its own: scope,
 * runtime directory, unit search path.
 */
import * as path from 'node:path';
import { searchPath } from '@unitkit/unit-file';
import type { LogLevel } from '@unitkit/core';
import { parseLogLevel } from '@unitkit/core';

/** Resolved options of one unitkitd run. */
export interface DaemonOptions {
  scope: 'system' | 'user';
  runtimeDir: string;
  unitPath: string[];
  /** The unit started at boot: default.target unless --unit= says otherwise. */
  defaultUnit: string;
  logLevel: LogLevel;
  /**
   * True when neither a unit path nor a runtime dir was given: the bundled examples run alone, in
   * the runtime directory, which is also their %t (XDG_RUNTIME_DIR), so that nothing they bind
   * lands in the user's real runtime directory.
   */
  examples: boolean;
  /**
   * --deserialize=FD (internal, as systemd's): this process is a re-exec of the manager and reads
   * the state the previous image left in FD (see reexec.ts).
   */
  deserializeFd?: number;
  /**
   * The machine's manager: --system and PID 1 of its pid namespace (a container's init), or
   * --system --as-init. Such a manager creates /run/systemd/system, the "booted with systemd"
   * marker systemctl, sd_booted() and libsystemd check before talking to a system manager.
   */
  machineManager: boolean;
}

/** Where unitkitd renders the bundled example units (see example-units.ts) under its runtime directory. */
export function examplesUnitDir(runtimeDir: string): string {
  return path.join(runtimeDir, 'examples');
}

const usage = `unitkitd [OPTIONS]
  --user | --system        user or system manager semantics (default: --system for root)
  --unit-path=DIR[:DIR…]   unit search path; a trailing ':' appends the defaults (env UNITKIT_UNIT_PATH)
  --runtime-dir=DIR        where the notify and control sockets live (env UNITKIT_RUNTIME_DIR)
  --unit=UNIT              the unit to start (default: default.target)
  --log-level=LEVEL        emerg … debug (default: info)
  --as-init                with --system: act as the machine's manager (create /run/systemd/system)
                           although not PID 1; as PID 1 of its namespace it does so anyway
  -h, --help`;

/** Parses argv and the environment; throws an Error whose message is meant for the user. */
export function parseDaemonOptions(argv: string[], env: NodeJS.ProcessEnv, options: { pid?: number } = {}): DaemonOptions | 'help' {
  let scope: 'system' | 'user' | undefined;
  let unitPathText = env.UNITKIT_UNIT_PATH;
  let runtimeDir = env.UNITKIT_RUNTIME_DIR;
  let defaultUnit = 'default.target';
  let logLevel: LogLevel = 'info';
  let deserializeFd: number | undefined;
  let asInit = false;
  for (const arg of argv) {
    const [key, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const need = () => {
      if (value === undefined || value === '') throw new Error(`${key} needs a value (${key}=…)`);
      return value;
    };
    switch (key) {
      case '--user':
        scope = 'user';
        break;
      case '--system':
        scope = 'system';
        break;
      case '--unit-path':
        unitPathText = need();
        break;
      case '--runtime-dir':
        runtimeDir = need();
        break;
      case '--unit':
        defaultUnit = need();
        break;
      case '--log-level': {
        const l = parseLogLevel(need());
        if (!l) throw new Error(`Unknown log level ${value}`);
        logLevel = l;
        break;
      }
      case '--deserialize': {
        const fd = Number(need());
        if (!Number.isInteger(fd) || fd < 3) throw new Error(`--deserialize= needs an fd number above 2, not ${value}`);
        deserializeFd = fd;
        break;
      }
      case '--as-init':
        if (value !== undefined) throw new Error('--as-init takes no value');
        asInit = true;
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new Error(`Unknown option ${arg}\n${usage}`);
    }
  }
  const isRoot = process.getuid?.() === 0;
  scope ??= isRoot ? 'system' : 'user';
  if (asInit && scope !== 'system') throw new Error('--as-init needs --system: a user manager is never the machine\'s manager');
  const examples = unitPathText === undefined && runtimeDir === undefined;
  runtimeDir ??= scope === 'system' && isRoot ? '/run/unitkit' : path.join(env.XDG_RUNTIME_DIR ?? `/run/user/${process.getuid?.() ?? 0}`, 'unitkit');
  // The examples are rendered into the runtime directory and run alone: appending the default
  // path would start the machine's own user units (dbus.socket, gpg-agent's sockets…) beside them.
  if (examples) unitPathText = examplesUnitDir(runtimeDir);
  const searchEnv = { ...env, UNITKIT_UNIT_PATH: unitPathText, SYSTEMD_UNIT_PATH: undefined };
  const machineManager = scope === 'system' && (asInit || (options.pid ?? process.pid) === 1);
  return { scope, runtimeDir, unitPath: searchPath(scope, searchEnv), defaultUnit, logLevel, examples, deserializeFd, machineManager };
}

/** The usage text. */
export const daemonUsage = usage;
