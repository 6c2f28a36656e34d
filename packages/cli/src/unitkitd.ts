#!/usr/bin/env node
/**
 * unitkitd: a unit manager on the native ports with the bundled plugins. Starts default.target
 * (or --unit=), logs in systemd's words to stderr; SIGTERM/SIGINT stop every unit in reverse
 * dependency order and exit 0; SIGHUP reloads the unit files.
 */
import { ManagerError } from '@unitkit/core';
import type { Unit } from '@unitkit/core';
import { composeManager } from './compose-manager.js';
import { daemonUsage, parseDaemonOptions } from './daemon-options.js';

function main(): void {
  let opts;
  try {
    opts = parseDaemonOptions(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`unitkitd: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (opts === 'help') {
    process.stdout.write(`${daemonUsage}\n`);
    return;
  }
  const daemon = composeManager({ scope: opts.scope, unitPath: opts.unitPath, runtimeDir: opts.runtimeDir, logLevel: opts.logLevel });
  const { manager } = daemon;
  manager.log('info', `unitkitd running in ${opts.scope} mode; runtime directory ${opts.runtimeDir}; unit path ${opts.unitPath.join(':')}`);
  if (opts.examples) manager.log('info', 'No unit path or runtime directory given: running the bundled examples.');

  try {
    manager.addJob('start', opts.defaultUnit, 'replace');
  } catch (e) {
    if (!(e instanceof ManagerError)) throw e;
    manager.log('err', `Failed to start ${opts.defaultUnit}: ${e.message}`);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    manager.log('info', `Received ${signal}, stopping all units.`);
    const active = manager.allUnits().filter((u: Unit) => u.activeState() !== 'inactive' && u.activeState() !== 'failed');
    for (const u of active) {
      try {
        manager.addJob('stop', u, 'replace');
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        u.log('warning', `Failed to stop: ${e.message}`);
      }
    }
    const finish = () => {
      manager.log('info', 'All units stopped. Exiting.');
      daemon.close();
      process.exit(0);
    };
    if (manager.installedJobs().length === 0) return setImmediate(finish);
    manager.events.on('idle', finish);
    // Jobs carry their own timeouts; this only guards against a unit type that never answers.
    setTimeout(finish, 5 * 60_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => {
    manager.log('info', 'Received SIGHUP, reloading.');
    manager.reload();
  });
}

main();
