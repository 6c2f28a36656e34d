/**
 * unitkitd's command line and environment, resolved the way systemd resolves its own: scope,
 * runtime directory, unit search path.
 */
import * as path from 'node:path';
import { ipVersion, searchPath } from '@unitkit/unit-file';
import type { LogLevel } from '@unitkit/core';
import { isValidUnitName, parseLogLevel } from '@unitkit/core';

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
   * UNITKIT_EXAMPLES_HOST: the address the examples' TCP sockets bind (default 127.0.0.1; the
   * container image sets 0.0.0.0 so that published ports reach them).
   */
  examplesHost?: string;
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
  /**
   * Where services' output and the manager's messages go besides unitkit's own journal files:
   * `console` writes every captured line to stdout as `UNIT[PID]: line` and the manager's messages
   * to stderr without `<N>` priority prefixes (what `docker logs` and `kubectl logs` read);
   * `journal` keeps services' output in the journal files only. `--log-target=auto` (the default)
   * is `console` for PID 1 of a pid namespace — systemd as a container's PID 1 logs to the
   * console — and `journal` otherwise. The journal files are written either way.
   */
  logTarget: LogTarget;
  /** --health-listen=ADDR:PORT: the HTTP health endpoint (/livez, /readyz); off when undefined. */
  healthListen?: HealthListen;
  /** --health-units=a.service,b.socket: /readyz is 200 when these are active (else when the system is running). */
  healthUnits?: string[];
  /**
   * --shutdown-timeout=SEC (default 90, systemd's DefaultTimeoutStopSec): how long an orderly end
   * (SIGTERM, halt.target, exit…) may take before what still runs is killed with SIGKILL and
   * unitkitd exits. As PID 1 it covers the SIGTERM sent to the remaining processes too.
   */
  shutdownTimeoutSec: number;
}

/** See {@link DaemonOptions.logTarget}. */
export type LogTarget = 'journal' | 'console';

/** An address for the health endpoint: an IP address (v4 or v6) and a TCP port (0: any free one). */
export interface HealthListen {
  host: string;
  port: number;
}

/**
 * Parses `ADDR:PORT` (`0.0.0.0:8080`, `127.0.0.1:0`, `[::1]:8080`); throws an Error meant for the
 * user. Only numeric addresses: a name would be resolved at every start, and a probe's address is
 * the pod's or the container's anyway.
 */
export function parseHealthListen(text: string): HealthListen {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || !host || ipVersion(host) === 0 || (m[1] !== undefined && ipVersion(host) !== 6))
    throw new Error(`--health-listen= needs ADDR:PORT with a numeric address (0.0.0.0:8080, [::1]:8080), not ${text}`);
  if (!Number.isInteger(port) || port > 65535) throw new Error(`--health-listen=: port ${m[3]} is out of range (0–65535)`);
  return { host, port };
}

/** Parses a comma-separated unit list; names without a suffix become services, as systemctl mangles them. */
export function parseHealthUnits(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new Error('--health-units= needs at least one unit name');
  return names.map((n) => {
    const name = n.includes('.') ? n : `${n}.service`;
    if (!isValidUnitName(name)) throw new Error(`--health-units=: ${n} is not a valid unit name`);
    return name;
  });
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
  --log-target=TARGET      console (services' output on stdout as UNIT[PID]: line), journal, or
                           auto: console as PID 1 of a pid namespace, else journal (env UNITKIT_LOG_TARGET)
  --health-listen=ADDR:PORT  serve GET /livez and /readyz over HTTP (env UNITKIT_HEALTH_LISTEN)
  --shutdown-timeout=SEC   how long stopping everything may take before SIGKILL (default 90;
                           env UNITKIT_SHUTDOWN_TIMEOUT)
  --health-units=UNIT[,UNIT…]  /readyz is ready when these are active (env UNITKIT_HEALTH_UNITS);
                           without it, when the system is running
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
  let logTargetText = env.UNITKIT_LOG_TARGET || 'auto';
  let healthListenText = env.UNITKIT_HEALTH_LISTEN || undefined;
  let healthUnitsText = env.UNITKIT_HEALTH_UNITS || undefined;
  let shutdownTimeoutText = env.UNITKIT_SHUTDOWN_TIMEOUT || '90';
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
      case '--log-target':
        logTargetText = need();
        break;
      case '--health-listen':
        healthListenText = need();
        break;
      case '--health-units':
        healthUnitsText = need();
        break;
      case '--shutdown-timeout':
        shutdownTimeoutText = need();
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
  const pid1 = (options.pid ?? process.pid) === 1;
  const examplesHost = env.UNITKIT_EXAMPLES_HOST || undefined;
  if (examplesHost !== undefined && ipVersion(examplesHost) === 0) throw new Error(`UNITKIT_EXAMPLES_HOST needs a numeric address, not ${examplesHost}`);
  const machineManager = scope === 'system' && (asInit || pid1);
  if (!['auto', 'console', 'journal'].includes(logTargetText)) throw new Error(`Unknown log target ${logTargetText} (console, journal or auto)`);
  // systemd as PID 1 in a container logs to the console: there is no journald there to read it.
  const logTarget: LogTarget = logTargetText === 'auto' ? (pid1 ? 'console' : 'journal') : (logTargetText as LogTarget);
  const healthListen = healthListenText === undefined ? undefined : parseHealthListen(healthListenText);
  const healthUnits = healthUnitsText === undefined ? undefined : parseHealthUnits(healthUnitsText);
  if (healthUnits && !healthListen) throw new Error('--health-units= needs --health-listen=');
  const shutdownTimeoutSec = Number(shutdownTimeoutText);
  if (!/^\d+(\.\d+)?$/.test(shutdownTimeoutText) || !(shutdownTimeoutSec > 0)) throw new Error(`--shutdown-timeout= needs a number of seconds above 0, not ${shutdownTimeoutText}`);
  return { scope, runtimeDir, unitPath: searchPath(scope, searchEnv), defaultUnit, logLevel, examples, deserializeFd, machineManager, examplesHost, logTarget, healthListen, healthUnits, shutdownTimeoutSec };
}

/** The usage text. */
export const daemonUsage = usage;
