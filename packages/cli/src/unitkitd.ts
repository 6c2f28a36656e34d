#!/usr/bin/env node
/**
 * unitkitd: a unit manager on the native ports with the bundled plugins. Starts default.target
 * (or --unit=), logs in systemd's words to stderr; SIGTERM/SIGINT stop every unit in reverse
 * dependency order and exit 0; SIGHUP reloads the unit files. An emergency action
 * (SuccessAction=/FailureAction=exit…, reached directly or through exit.target) makes it exit with
 * the status the action carries.
 */
import { ManagerError, deserializeManager } from '@unitkit/core';
import type { ManagerObjective, Unit } from '@unitkit/core';
import * as path from 'node:path';
import { composeManager } from './compose-manager.js';
import { ControlHandler } from './control-handler.js';
import { CONTROL_SOCKET_NAME } from './control-protocol.js';
import { ControlServer } from './control-server.js';
import { daemonUsage, examplesUnitDir, parseDaemonOptions } from './daemon-options.js';
import { defaultExamplePorts, renderExampleUnits } from './example-units.js';
import { SystemdBusApi } from './systemd-bus-api.js';
import { BOOTED_MARKER, createBootedMarker } from './booted-marker.js';
import { collectYoungAfterClients, compactHeap, trimHeapAfterLoadBursts } from './heap-trim.js';
import { endStartupTiering } from './startup-tiering.js';
import { managerEnvironment } from './manager-environment.js';
import type { DaemonHandover } from './reexec.js';
import { execReexec, prepareReexec, readReexecState } from './reexec.js';
import { privateBusPath, takeLauncherBusSocket } from './launcher-bus-socket.js';
import { runEnvironmentGenerators } from './user-environment-generators.js';
import type { ManagerTimestamps } from './manager-properties.js';
import { killAllProcesses, limitMallocArenas, monotonicUsec, realtimeUsec, sigrtmin, watchSignal } from '@unitkit/native';
import { HealthServer } from './health-server.js';
import type { EndObjective, SignalRequest } from './shutdown-signals.js';
import { CtrlAltDelBurst, realtimeOffsets, signalRequest } from './shutdown-signals.js';

/** Now on both clocks, as systemd's dual_timestamp_get(). */
function dualNow() {
  return { realtime: realtimeUsec(), monotonic: monotonicUsec() };
}

async function main(): Promise<void> {
  // Two malloc arenas, not one per helper thread of V8 (compiler, GC): each kept a few MB resident
  // after the first burst of work (~2–4 MB; issue #19). The threads allocate little and rarely.
  limitMallocArenas(2);
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
  // Taken first: the variable must not reach the manager's environment, hence its services. (The
  // examples run on a bus of their own, below: the launcher binds nothing for them.)
  const launcherBusFd = takeLauncherBusSocket(process.env, opts.examples ? undefined : privateBusPath(opts.scope, process.env, opts));
  // The example unit files are templates (absolute paths, ports): render them where we read them.
  // Their %t, the bus stand-in and their XDG_RUNTIME_DIR are the manager's own runtime directory:
  // the quick start never binds a path of the user's real session.
  // Until the handlers below are in place a SIGTERM/SIGINT is kept, not lost — as PID 1 of a
  // namespace an unhandled one is dropped by the kernel, and `docker stop` would wait for its
  // SIGKILL — and acted on once the start-up has queued its jobs.
  // The listeners stay for good (removing Node's last listener drops a signal still in flight);
  // what they call is switched once the real handler exists.
  const earlySignals: Array<[number, string]> = [];
  let dispatchSignal: (signal: number, name: string) => void = (signal, name) => void earlySignals.push([signal, name]);
  process.on('SIGTERM', () => dispatchSignal(15, 'SIGTERM'));
  process.on('SIGINT', () => dispatchSignal(2, 'SIGINT'));
  // Real-time signals have no name Node knows: the addon watches them.
  const rtmin = sigrtmin();
  const unwatchable: string[] = [];
  for (const offset of realtimeOffsets) {
    try {
      watchSignal(rtmin + offset, (s) => dispatchSignal(s, offset === 0 ? 'SIGRTMIN' : `SIGRTMIN+${offset}`));
    } catch (e) {
      unwatchable.push(`SIGRTMIN+${offset}: ${(e as Error).message}`);
    }
  }
  if (opts.examples) {
    renderExampleUnits(examplesUnitDir(opts.runtimeDir), { host: opts.examplesHost });
    process.env.XDG_RUNTIME_DIR = opts.runtimeDir;
  }
  // A re-exec of ours (--deserialize=FD): the previous image's state, read before anything binds.
  let previous: ReturnType<typeof readReexecState> | undefined;
  if (opts.deserializeFd !== undefined) {
    try {
      previous = readReexecState(opts.deserializeFd);
    } catch (e) {
      process.stderr.write(`unitkitd: Failed to read the serialized state, starting afresh: ${(e as Error).message}\n`);
    }
  }
  const handover: DaemonHandover | undefined = previous?.handover;
  // The boot timestamps systemd shows (UserspaceTimestamp…); a re-exec keeps the first image's.
  const timestamps: ManagerTimestamps = handover?.timestamps ?? { Userspace: dualNow() };
  // A user manager passes its environment through the environment generators (environment.d), as systemd --user.
  const base = managerEnvironment(opts.scope, process.env, {});
  if (!handover) timestamps.GeneratorsStart = dualNow();
  const environment = opts.scope === 'user' ? runEnvironmentGenerators(base, undefined, (m) => process.stderr.write(`unitkitd: ${m}\n`)) : base;
  if (!handover) timestamps.GeneratorsFinish = dualNow();
  const daemon = composeManager({ scope: opts.scope, unitPath: opts.unitPath, runtimeDir: opts.runtimeDir, logLevel: opts.logLevel, environment, notifyFd: handover?.notifyFd, logTarget: opts.logTarget });
  const { manager } = daemon;
  if (previous) {
    // Synchronously, before the loop first runs: children that exited during the exec are reaped
    // (and notify datagrams read) only once their units watch them again.
    try {
      deserializeManager(manager, previous.manager);
      daemon.capture.adoptStreams(previous.handover.streams ?? []);
      // Datagrams sent during the exec first, as systemd ranks notify above timers: a watchdog
      // whose deadline passed meanwhile must see the pings that wait in the socket before it fires.
      daemon.notify.drain();
      manager.log('info', `Deserialized ${previous.manager.units.length} units and ${previous.manager.jobs.length} jobs after re-executing.`);
    } catch (e) {
      manager.log('err', `Failed to deserialize the manager state: ${(e as Error).message}`);
    }
  }
  trimHeapAfterLoadBursts(manager);
  manager.log('info', `unitkitd running in ${opts.scope} mode; runtime directory ${opts.runtimeDir}; unit path ${opts.unitPath.join(':')}`);
  if (opts.examples) manager.log('info', 'No unit path or runtime directory given: running the bundled examples.');

  let systemState: DaemonHandover['systemState'] = 'initializing';
  const controlPath = path.join(opts.runtimeDir, CONTROL_SOCKET_NAME);
  let reexecute: (() => void) | undefined;
  const handler = new ControlHandler({ manager, journal: daemon.journal, unitPath: opts.unitPath, systemState: () => systemState, reexecute: () => reexecute?.(), timestamps, logLevel: opts.logLevel });
  const control = new ControlServer({ path: controlPath, loop: daemon.loop, handler, logger: daemon.logger });
  try {
    await control.listen(handover?.controlFd);
  } catch (e) {
    manager.log('err', `Failed to listen on ${controlPath}: ${(e as Error).message}`);
    daemon.close();
    process.exit(1);
  }
  // The machine's manager (a container's init) says so as systemd does, before its bus is up:
  // systemctl talks to a system manager only once /run/systemd/system exists. Never in --user mode.
  if (opts.machineManager) {
    const failed = createBootedMarker();
    if (failed) manager.log('warning', `Failed to create ${BOOTED_MARKER}, systemctl will not talk to this manager: ${failed}`);
  }
  // systemd's D-Bus API on its private socket: the real systemctl (and unit files that call it) drive us.
  const busPath = privateBusPath(opts.scope, process.env, opts);
  const busApi = busPath ? new SystemdBusApi({ handler, loop: daemon.loop, logger: daemon.logger, path: busPath, afterClient: collectYoungAfterClients(), exit: () => shutdown('Exit requested over D-Bus', manager.exitStatus), end: (o) => endNow(o, 0, `${o} requested over D-Bus`) }) : undefined;
  if (busApi) {
    try {
      await busApi.listen(handover?.busFd ?? launcherBusFd);
    } catch (e) {
      manager.log('warning', `Failed to serve systemd's D-Bus API on ${busPath}: ${(e as Error).message}`);
    }
  }
  // The API bus: connected once our dbus.socket and dbus.service run (see api-bus.ts). The
  // Manager's API is served there too, read-only, in user mode (a system bus peer is dbus-daemon).
  if (daemon.bus) {
    if (busApi && opts.scope === 'user') daemon.bus.serve(busApi.messageHandler);
    daemon.bus.attach(manager);
  }
  // The health endpoint (opt-in): Kubernetes probes and Docker's HEALTHCHECK.
  let health: HealthServer | undefined;
  if (opts.healthListen) {
    health = new HealthServer({ listen: opts.healthListen, manager, systemState: () => handler.systemState(), units: opts.healthUnits, defer: (cb) => daemon.loop.defer(cb) });
    try {
      const at = await health.listen();
      const host = at.host.includes(':') ? `[${at.host}]` : at.host;
      manager.log('info', `Health endpoint: http://${host}:${at.port}/livez and /readyz${opts.healthUnits ? ` (ready when ${opts.healthUnits.join(', ')} are active)` : ''}`);
    } catch (e) {
      // A probe that cannot connect fails on its own; the units must not pay for it.
      manager.log('err', `Failed to serve the health endpoint on ${opts.healthListen.host}:${opts.healthListen.port}: ${(e as Error).message}`);
      health = undefined;
    }
  }
  manager.log('info', `Control socket: ${controlPath} (connect with UNITKIT_RUNTIME_DIR=${opts.runtimeDir} unitkitctl${opts.scope === 'user' ? ' --user' : ''} status)`);

  // A reader of our stdout/stderr that went away (EPIPE: a closed pipe, a log driver gone) must
  // not make each log line an internal error that is itself logged there — a loop that spun at
  // full CPU. What cannot be written is dropped; the journal files still have it.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  // A bug reached from a unit file or a client must not take every unit down with the manager.
  process.on('uncaughtException', (e) => manager.log('crit', `Internal error, continuing: ${e.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => manager.log('crit', `Internal error, continuing: ${String((e as Error)?.stack ?? e)}`));

  const bootStart = process.hrtime.bigint();
  const startupFinished = () => {
    if (systemState !== 'starting') return;
    systemState = 'running';
    timestamps.Finish = dualNow();
    const ms = Number((process.hrtime.bigint() - bootStart) / 1_000_000n);
    manager.log('info', `Startup finished in ${ms}ms.`);
    // The start-up's code and garbage are not what an idle manager needs (see the two modules).
    endStartupTiering();
    setTimeout(() => compactHeap({ flushCode: true }), 100).unref();
    // As systemd --user: userspace and total are both the time from the manager's start to now.
    busApi?.startupFinished(timestamps.Userspace ? timestamps.Finish.monotonic - timestamps.Userspace.monotonic : ms * 1000);
    if (opts.examples) {
      const ctl = `UNITKIT_RUNTIME_DIR=${opts.runtimeDir} npx unitkitctl`;
      const rt = opts.runtimeDir;
      // python3, not nc: it is on every machine the README targets.
      const connect = (port: number, text: string) =>
        `python3 -c "import socket;s=socket.create_connection(('127.0.0.1',${port}));s.send(b'${text}\\n');print(s.recv(99))"`;
      manager.log('notice', `Examples running. The socket-activated echo service starts on its first connection: ${connect(defaultExamplePorts.echo, 'hello')}`);
      manager.log('notice', `One greeter instance per connection (Accept=yes): ${connect(defaultExamplePorts.greet, 'me')}`);
      manager.log('notice', `A SOCK_SEQPACKET RPC daemon: python3 -c "import socket;s=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET);s.connect('${rt}/unitkit-rpc.sock');s.send(b'ping');print(s.recv(99))"`);
      manager.log('notice', `Then look: ${ctl} list-sockets; ${ctl} status echo.service ticker.service; ${ctl} logs -u echo.service`);
    }
  };
  let stopping = false;
  let exiting = false;
  /** When the orderly end must be over (set by the first request to end); see --shutdown-timeout=. */
  let deadline: number | undefined;
  /** The status the orderly end exits with: halt/poweroff/reboot 0, exit the manager's ExitCode=. */
  let endStatus = 0;
  const startDeadline = () => {
    if (deadline !== undefined) return;
    deadline = Date.now() + opts.shutdownTimeoutSec * 1000;
    setTimeout(() => {
      if (exiting) return;
      manager.log('warning', `Units still stopping after ${opts.shutdownTimeoutSec}s, killing what is left.`);
      killUnits();
      finish(endStatus, false);
    }, opts.shutdownTimeoutSec * 1000).unref();
  };
  /** SIGKILL to what every unit still runs: systemd's shutdown (or user@.service's stop) would. */
  const killUnits = () => {
    for (const u of manager.allUnits()) {
      try {
        u.type.kill?.(u, 'all', 9);
      } catch {
        // nothing to kill, or already gone
      }
    }
  };
  /**
   * Ends the process. As PID 1 of a pid namespace, what is left (orphans of stopped units, KillMode=
   * leftovers) would die with us by SIGKILL; systemd-shutdown first sends SIGTERM to every
   * remaining process and waits, and so do we (`graceful`), until the deadline.
   */
  const finish = (exitStatus: number, graceful = true) => {
    if (exiting) return;
    exiting = true;
    control.close();
    busApi?.close();
    health?.close();
    const end = () => {
      daemon.close();
      process.exit(exitStatus);
    };
    if (process.pid !== 1 || !killAllProcesses(0)) return end();
    if (!graceful) {
      killAllProcesses(9);
      return end();
    }
    manager.log('info', 'Sending SIGTERM to remaining processes...');
    killAllProcesses(15);
    killAllProcesses(18);
    const until = deadline ?? Date.now() + opts.shutdownTimeoutSec * 1000;
    const poll = setInterval(() => {
      if (killAllProcesses(0) && Date.now() < until) return;
      clearInterval(poll);
      if (killAllProcesses(0)) {
        manager.log('info', 'Sending SIGKILL to remaining processes...');
        killAllProcesses(9);
      }
      end();
    }, 20);
  };
  /** Stops every unit in reverse dependency order, then exits with `exitStatus`. */
  const shutdown = (why: string, exitStatus = 0) => {
    if (stopping) return;
    stopping = true;
    systemState = 'stopping';
    endStatus = exitStatus;
    startDeadline();
    manager.log('info', `${why}, stopping all units.`);
    // Perpetual units (the root slice) stay up until the process exits, as in systemd. A unit still
    // waiting to start (a start job queued during start-up, a restart) gets its stop job too:
    // `replace` turns the start into a stop, as shutdown.target's Conflicts= would.
    const active = manager.allUnits().filter((u: Unit) => !u.perpetual && ((u.activeState() !== 'inactive' && u.activeState() !== 'failed') || u.job !== undefined));
    for (const u of active) {
      try {
        manager.addJob('stop', u, 'replace');
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        u.log('warning', `Failed to stop: ${e.message}`);
      }
    }
    const done = () => {
      manager.log('info', 'All units stopped. Exiting.');
      finish(exitStatus);
    };
    if (manager.installedJobs().length === 0) return setImmediate(done);
    manager.events.on('idle', done);
  };
  const objectiveWords: Record<EndObjective, string> = { exit: 'Exiting', halt: 'Halting (ending unitkitd)', poweroff: 'Powering off (ending unitkitd)', reboot: 'Rebooting (ending unitkitd)' };
  /** Ends at once: no unit is stopped in order (systemd's -force/-immediate objectives). */
  const endNow = (objective: EndObjective, exitStatus: number, reason: string) => {
    manager.log('info', `${objectiveWords[objective]} with status ${exitStatus}: ${reason}.`);
    killUnits();
    finish(exitStatus, false);
  };
  // An emergency action (SuccessAction=, FailureAction=, exit.target's systemd-exit.service…) ends
  // the manager. A system manager is a container's init here: poweroff and reboot end unitkitd,
  // never the host. Acted on once the state change that asked for it is fully processed.
  manager.events.on('objective', (o: ManagerObjective) =>
    setImmediate(() => {
      if (o.orderly) return shutdown(`${objectiveWords[o.objective]}: ${o.reason}`, o.exitStatus);
      // What units left running (DefaultDependencies=no services that exit.target does not stop,
      // everything on exit-force) dies with the manager: systemd's shutdown kills it for a system
      // manager, and user@.service's stop for systemd --user; nothing here would, so we do.
      endNow(o.objective, o.exitStatus, o.reason);
    }),
  );
  const tryLoad = (name: string) => {
    try {
      return manager.loadUnit(name);
    } catch {
      return undefined;
    }
  };
  /**
   * An orderly end asked for by a signal: the target (halt.target, exit.target…) started with mode
   * replace-irreversibly when the unit path has it — its Conflicts= stop the units in dependency
   * order and its own units (systemd-exit.service) may end us with their status — then whatever
   * still runs is stopped as on a unit path without it.
   */
  const endBy = (req: Extract<SignalRequest, { kind: 'end' }>, why: string) => {
    const status = () => (req.objective === 'exit' ? manager.exitStatus : 0);
    if (req.immediate) return endNow(req.objective, status(), why);
    // One orderly end at a time: a second SIGTERM while halt.target runs changes nothing.
    if (stopping || systemState === 'stopping') return manager.log('notice', `${why}, but the manager is already stopping.`);
    const target = req.target ? tryLoad(req.target) : undefined;
    if (!target || target.loadState !== 'loaded') return shutdown(why, status());
    startDeadline();
    try {
      manager.addJob('start', target, 'replace-irreversibly');
    } catch (e) {
      if (!(e instanceof ManagerError)) throw e;
      manager.log('warning', `Failed to enqueue ${target.id} job: ${e.message}`);
      return shutdown(why, status());
    }
    systemState = 'stopping';
    manager.log('info', `${why}, starting ${target.id}.`);
    const reached = () => {
      if (manager.installedJobs().length > 0) return;
      manager.events.off('idle', reached);
      // The exit status may have been set meanwhile (systemctl exit N, SuccessAction=).
      shutdown(`${target.id} reached`, status());
    };
    manager.events.on('idle', reached);
  };
  for (const u of unwatchable) manager.log('warning', `Cannot watch ${u}`);
  const burst = new CtrlAltDelBurst();
  /** Acts on a signal as signalRequest() says. */
  const onSignal = (signal: number, name: string) => {
    const req = signalRequest(signal, opts.scope, rtmin);
    if (!req) return;
    const why = `Received ${name}`;
    if (req.kind === 'isolate') {
      const u = tryLoad(req.target);
      if (!u || u.loadState !== 'loaded') return manager.log('warning', `${why}, but ${req.target} is not available.`);
      try {
        manager.addJob('start', u, 'isolate');
        manager.log('info', `${why}, isolating ${req.target}.`);
      } catch (e) {
        if (!(e instanceof ManagerError)) throw e;
        manager.log('warning', `${why}, failed to isolate ${req.target}: ${e.message}`);
      }
      return;
    }
    if (signal === 2 && opts.scope === 'system' && burst.hit(Date.now())) {
      manager.log('notice', 'Ctrl-Alt-Del was pressed more than 7 times within 2s, rebooting immediately.');
      return endNow('reboot', 0, 'Ctrl-Alt-Del burst');
    }
    endBy(req, why);
  };
  dispatchSignal = onSignal;
  // After the start-up below has queued its jobs, so that the end replaces them.
  if (earlySignals.length > 0) setImmediate(() => earlySignals.forEach(([s, n]) => onSignal(s, n)));
  /**
   * daemon-reexec: serializes now (a failure is the caller's error and nothing else happens), execs
   * right after the reply is written. If the exec fails, everything is still here: log and go on.
   */
  reexecute = () => {
    if (stopping) throw new ManagerError('NotSupported', 'Refusing to reexecute, the manager is shutting down.');
    const prepared = prepareReexec({ daemon, runtimeDir: opts.runtimeDir, systemState, controlFd: control.fd(), busFd: busApi?.fd(), timestamps, args: process.argv.slice(2) });
    manager.log('info', 'Reexecuting.');
    setImmediate(() => {
      const error = execReexec(prepared);
      manager.log('err', `Failed to reexecute, continuing as before: ${error.message}`);
    });
  };
  process.on('SIGHUP', () => {
    manager.log('info', 'Received SIGHUP, reloading.');
    try {
      manager.reload();
    } catch (e) {
      manager.log('err', `Reload failed: ${(e as Error).message}`);
    }
  });
  // Started only now that the signal handlers are in place: a SIGTERM sent as soon as the first
  // line is logged must stop the units, not kill the manager with the default action.
  if (previous) {
    // The re-exec goes on where the previous image was; no default unit is started again.
    systemState = previous.handover.systemState === 'stopping' ? 'running' : previous.handover.systemState;
    if (systemState === 'starting' || systemState === 'initializing') {
      systemState = 'starting';
      if (manager.installedJobs().length === 0) startupFinished();
      else manager.events.once('idle', startupFinished);
    }
    return;
  }
  systemState = 'starting';
  timestamps.UnitsLoadStart = dualNow();
  try {
    manager.addJob('start', opts.defaultUnit, 'replace');
  } catch (e) {
    if (!(e instanceof ManagerError)) throw e;
    manager.log('err', `Failed to start ${opts.defaultUnit}: ${e.message}`);
  }
  // The transaction loaded everything the default unit pulls in.
  timestamps.UnitsLoadFinish = dualNow();
  if (manager.installedJobs().length === 0) startupFinished();
  else manager.events.once('idle', startupFinished);
}

void main();
