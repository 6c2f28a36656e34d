/**
 * How unitkitd composes its manager. This is ordinary code meant to be copied: pick the ports and
 * the plugins you want, hand their modules to createManager().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerModule } from 'inversify';
import type { LogLevel, Logger, Manager } from '@unitkit/core';
import { BusNameWatcher, StderrLogger, createManager, unitFileSourceModule } from '@unitkit/core';
import type { NativeEventLoop, NativeNotifyReceiver } from '@unitkit/native';
import { nativePorts } from '@unitkit/native';
import { targetModule } from '@unitkit/plugin-target';
import { timerModule } from '@unitkit/plugin-timer';
import { pathModule } from '@unitkit/plugin-path';
import { sliceModule } from '@unitkit/plugin-slice';
import { serviceModule } from '@unitkit/plugin-service';
import { socketModule } from '@unitkit/plugin-socket';
import { KillCgroupProcessScopes, killCgroupModule } from '@unitkit/plugin-kill-cgroup';
import { Journal } from './journal.js';
import { JournalLogger } from './journal-logger.js';
import { JournalOutputCapture } from './journal-output-capture.js';
import { ApiBus } from './api-bus.js';
import { ConsoleOutput } from './console-output.js';

/**
 * The unit types this manager runs: one inversify module per plugin. To add a plugin, import its
 * module and append it here; nothing else changes.
 */
export const pluginModules: ContainerModule[] = [targetModule, serviceModule, socketModule, timerModule, pathModule, sliceModule, killCgroupModule];

/** What the manager needs to know about where it runs. */
export interface ComposeOptions {
  scope: 'system' | 'user';
  /** Unit search path (already resolved, trailing-colon rule applied). */
  unitPath?: string[];
  /**
   * Holds the notify socket, the control socket and the journal. Created with mode 0755, as
   * systemd's /run/systemd: services running as other users (User=) must reach the notify socket;
   * the control socket (0600) and the journal (0700) keep themselves private.
   */
  runtimeDir: string;
  logLevel?: LogLevel;
  environment?: Record<string, string>;
  /** The notify socket inherited across a manager re-exec (adopted, not bound again). */
  notifyFd?: number;
  /** The plugins; {@link pluginModules} by default. */
  plugins?: ContainerModule[];
  /** Connect to the API bus when dbus.socket and dbus.service run (default true). */
  apiBus?: boolean;
  /**
   * `console`: services' captured output also goes to stdout (`UNIT[PID]: line`) and the
   * manager's messages to stderr without `<N>` priority prefixes; see daemon-options.ts.
   * Default `journal`: the journal files alone.
   */
  logTarget?: 'journal' | 'console';
}

/** A running composition: the manager and the ports it sits on. */
export interface ComposedDaemon {
  manager: Manager;
  loop: NativeEventLoop;
  notify: NativeNotifyReceiver;
  logger: Logger;
  /** The per-unit journal (captured output and the manager's messages about each unit). */
  journal: Journal;
  /** Captures services' output into the journal (its pipes outlive a manager re-exec). */
  capture: JournalOutputCapture;
  /** The API bus (the user or system bus, once our dbus.service runs); see api-bus.ts. */
  bus?: ApiBus;
  /** Releases the notify socket and the loop's handles. */
  close(): void;
}

/** Creates the runtime directory, or opens up one we created 0700 before, so User= services can notify. */
function ensureRuntimeDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const st = fs.statSync(dir);
  if (st.uid === process.getuid?.() && (st.mode & 0o055) !== 0o055) fs.chmodSync(dir, (st.mode & 0o7777) | 0o055);
}

/** Builds the production manager: native ports, unit files from disk, and the plugins. */
export function composeManager(opts: ComposeOptions): ComposedDaemon {
  ensureRuntimeDir(opts.runtimeDir);
  const onConsole = opts.logTarget === 'console';
  // On the console the reader is a person or a container's log driver, not journald: no <N> prefixes.
  const stderr = new StderrLogger({ level: opts.logLevel, prefixPriority: onConsole ? false : undefined });
  const consoleOutput = onConsole ? new ConsoleOutput() : undefined;
  // Told once per outage, on stderr: the journal is what failed.
  const onWriteError = (e: Error) => stderr.log({ level: 'err', message: `Failed to write to the journal in ${path.join(opts.runtimeDir, 'journal')}: ${e.message}; services keep running, their output is not kept until writes succeed again.` });
  const journal = new Journal({ dir: path.join(opts.runtimeDir, 'journal'), onWriteError });
  const logger = new JournalLogger(stderr, journal);
  let capture: JournalOutputCapture | undefined;
  const ports = nativePorts({ runtimeDir: opts.runtimeDir, notifyFd: opts.notifyFd, logger, outputCapture: (loop) => (capture = new JournalOutputCapture(loop, journal, consoleOutput && ((e) => consoleOutput.write(e)))) });
  let managerRef: Manager | undefined;
  const bus = opts.apiBus === false ? undefined : new ApiBus({ loop: ports.loop, logger, address: () => apiBusAddress(opts.scope, managerRef?.environment ?? {}, opts.runtimeDir) });
  const busModule = new ContainerModule(({ bind }) => {
    if (bus) bind<BusNameWatcher>(BusNameWatcher).toConstantValue(bus);
  });
  const { manager, container } = createManager({
    modules: [ports.module, busModule, unitFileSourceModule({ scope: opts.scope, searchPath: opts.unitPath }), ...(opts.plugins ?? pluginModules)],
    options: { scope: opts.scope, environment: opts.environment, runtimeDirectory: opts.runtimeDir },
  });
  managerRef = manager;
  return {
    manager,
    bus,
    loop: ports.loop,
    notify: ports.notify,
    logger,
    journal,
    capture: capture!,
    close: () => {
      bus?.close();
      manager.dispose();
      // The kill plugin removes its cgroup subtree when it is loaded.
      if (container.isBound(KillCgroupProcessScopes)) container.get(KillCgroupProcessScopes).dispose();
      ports.close();
    },
  };
}

/**
 * Where the API bus is: what units are told (the manager environment's DBUS_SESSION_BUS_ADDRESS,
 * which the distribution's dbus.socket sets with `systemctl --user set-environment`), else
 * `$XDG_RUNTIME_DIR/bus` as sd_bus_open_user() — the runtime directory being the manager's `%t`;
 * in system mode DBUS_SYSTEM_BUS_ADDRESS or /run/dbus/system_bus_socket.
 */
export function apiBusAddress(scope: 'system' | 'user', environment: Readonly<Record<string, string>>, runtimeDir: string): string {
  if (scope === 'system') return environment.DBUS_SYSTEM_BUS_ADDRESS || 'unix:path=/run/dbus/system_bus_socket';
  if (environment.DBUS_SESSION_BUS_ADDRESS) return environment.DBUS_SESSION_BUS_ADDRESS;
  return `unix:path=${path.join(environment.XDG_RUNTIME_DIR || runtimeDir, 'bus')}`;
}
