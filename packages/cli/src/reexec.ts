/**
 * unitkitd's re-exec (`unitkitctl daemon-reexec`, systemd's do_reexecute()): the manager
 * serializes its state into an unlinked file, then execve()s itself in place with
 * `--deserialize=FD`. The pid stays, so services stay its children (and it stays their subreaper);
 * the fds the new image needs are inherited under the same numbers: the state file, the notify
 * socket (datagrams sent meanwhile wait in it), the control socket and the bus stand-in (clients
 * that connect meanwhile wait in the backlog), every socket unit's listening fds, fd stores,
 * Accept=yes connections, and the read ends of the pipes that capture services' output.
 *
 * The state file holds two lines: the daemon's own handover (a JSON object: version, the fds of
 * the sockets above, the system state, the captured streams), then the manager's state in the
 * form of @unitkit/core's formatManagerState() (units, jobs, environment).
 *
 * If serialization fails nothing is exec'd; if execve() fails the fds are as before and the
 * state is still in memory: the manager logs it and goes on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SerializedManager } from '@unitkit/core';
import { formatManagerState, parseManagerState, serializeManager } from '@unitkit/core';
import { execInPlace } from '@unitkit/native';
import type { CapturedStreamState } from './journal-output-capture.js';
import type { ComposedDaemon } from './compose-manager.js';
import type { ManagerTimestamps } from './manager-properties.js';

/** The version of the daemon handover line. */
const handoverVersion = 1;

/** What unitkitd itself hands over, beside the manager state. */
export interface DaemonHandover {
  version: number;
  systemState: 'initializing' | 'starting' | 'running' | 'stopping';
  notifyFd: number;
  controlFd?: number;
  /** The listener of systemd's private bus (systemd-bus-api.ts), kept across the exec as the control socket is. */
  busFd?: number;
  /** The boot timestamps (UserspaceTimestamp…): a re-exec is not a new boot. */
  timestamps?: ManagerTimestamps;
  streams: CapturedStreamState[];
}

/** A re-exec ready to go: the state is written, the fds to keep are known. */
export interface PreparedReexec {
  stateFd: number;
  keepFds: number[];
  argv: string[];
}

/** What prepareReexec() reads from the running daemon. */
export interface ReexecSources {
  daemon: ComposedDaemon;
  runtimeDir: string;
  systemState: DaemonHandover['systemState'];
  controlFd?: number;
  busFd?: number;
  timestamps?: ManagerTimestamps;
  /** The daemon's arguments (without node and the script), to exec again. */
  args: string[];
}

/**
 * Serializes everything into an unlinked file in the runtime directory. Throws (nothing is left
 * behind then) when a unit cannot be serialized or the file cannot be written.
 */
export function prepareReexec(src: ReexecSources): PreparedReexec {
  const manager = serializeManager(src.daemon.manager);
  const streams = src.daemon.capture.liveStreams();
  const handover: DaemonHandover = {
    version: handoverVersion,
    systemState: src.systemState,
    notifyFd: src.daemon.notify.fd,
    controlFd: src.controlFd,
    busFd: src.busFd,
    timestamps: src.timestamps,
    streams,
  };
  const text = `${JSON.stringify(handover)}\n${formatManagerState(manager)}\n`;
  const file = path.join(src.runtimeDir, `reexec-state.${process.pid}`);
  const fd = fs.openSync(file, 'w+', 0o600);
  try {
    fs.unlinkSync(file);
    fs.writeFileSync(fd, text);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw e;
  }
  const keep = new Set<number>([fd, handover.notifyFd, ...manager.fds, ...streams.map((s) => s.fd)]);
  if (src.controlFd !== undefined) keep.add(src.controlFd);
  if (src.busFd !== undefined) keep.add(src.busFd);
  const args = src.args.filter((a) => !a.startsWith('--deserialize='));
  const argv = [process.execPath, ...process.execArgv, process.argv[1]!, ...args, `--deserialize=${fd}`];
  return { stateFd: fd, keepFds: [...keep], argv };
}

/**
 * Replaces the process image. Returns only when execve() failed: the error is returned, the state
 * file closed, and the caller runs on.
 */
export function execReexec(p: PreparedReexec): Error {
  try {
    execInPlace(process.execPath, p.argv, process.env, p.keepFds);
  } catch (e) {
    fs.closeSync(p.stateFd);
    return e as Error;
  }
}

/** Drops a prepared re-exec that will not happen. */
export function abandonReexec(p: PreparedReexec): void {
  fs.closeSync(p.stateFd);
}

/** Reads (and closes) the state the previous image left in `fd`. Throws on a missing or garbled state. */
export function readReexecState(fd: number): { handover: DaemonHandover; manager: SerializedManager } {
  let text: string;
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = fs.readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    text = buf.subarray(0, off).toString('utf8');
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed.
    }
  }
  const nl = text.indexOf('\n');
  if (nl < 0) throw new Error('The serialized state is truncated.');
  const handover = JSON.parse(text.slice(0, nl)) as DaemonHandover;
  if (handover.version !== handoverVersion) throw new Error(`The serialized daemon state has version ${String(handover.version)}, expected ${handoverVersion}.`);
  return { handover, manager: parseManagerState(text.slice(nl + 1)) };
}
