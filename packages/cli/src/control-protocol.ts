/**
 * The control protocol between unitkitd and its clients: newline-delimited JSON over the AF_UNIX
 * stream socket `$RUNTIME_DIR/private`. One request per line, one reply per line (a `follow`
 * request gets a stream of event lines until the client hangs up). Versioned so a client can
 * refuse a daemon it does not understand. Documented in packages/cli/README.md.
 */

/** The protocol version this code speaks. Bumped on incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** Requests longer than this (bytes, before the newline) are refused and the connection closed. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** At most this many clients are connected at once (systemd's private bus allows 4096); more are refused. */
export const MAX_CONNECTIONS = 4096;

/** At most this many requests of one connection are being answered at once; its input waits meanwhile. */
export const MAX_REQUESTS_IN_FLIGHT = 32;

/**
 * Replies and events waiting for a client that does not read are buffered up to this many bytes;
 * past it the client is cut off (a `logs -f` that never reads must not grow the manager).
 */
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;

/** A client that started a request and sends nothing more for this long (ms) is disconnected. */
export const PARTIAL_REQUEST_TIMEOUT_MS = 30_000;

/** The name of the control socket inside the runtime directory, as systemd's `private`. */
export const CONTROL_SOCKET_NAME = 'private';

/** A request: `method` names the operation, `params` its arguments. */
export interface ControlRequest {
  /** Must equal {@link PROTOCOL_VERSION}. */
  v: number;
  /** Echoed in the reply, so a client may pipeline requests. */
  id?: number | string;
  method: string;
  params?: Record<string, unknown>;
}

/** An error as systemd's D-Bus errors carry it: a name (`NoSuchUnit`, `AccessDenied`…) and a message. */
export interface ControlError {
  name: string;
  message: string;
}

/** A reply to one request. */
export type ControlReply =
  | { v: number; id?: number | string; ok: true; result: unknown }
  | { v: number; id?: number | string; ok: false; error: ControlError };

/** A line of a streamed answer (journal entries for `journal` with `follow`). */
export interface ControlEvent {
  v: number;
  id?: number | string;
  event: string;
  data: unknown;
}

/** One unit as list-units and list-dependencies need it. */
export interface UnitRow {
  id: string;
  load: string;
  active: string;
  sub: string;
  description: string;
  /** The installed job: id and type. */
  job?: { id: number; type: string; state: string };
  /** Forward dependencies list-dependencies follows (Requires, Requisite, Wants, ConsistsOf, BindsTo, Upholds). */
  deps: string[];
  /** Reverse ones, for --reverse (RequiredBy, RequisiteOf, WantedBy, PartOf, BoundBy, UpheldBy). */
  rdeps: string[];
  /** After/Before, for --after/--before. */
  after: string[];
  before: string[];
  /** Listen addresses (socket units) and Triggers, for list-sockets. */
  listen: Array<[type: string, address: string]>;
  triggers: string[];
}

/** One job as list-jobs prints it. */
export interface JobRow {
  id: number;
  unit: string;
  type: string;
  state: string;
}

/** The outcome of one job a client waited for. */
export interface JobOutcome {
  unit: string;
  id: number;
  result: string;
  /** The unit's Result property when it has one (services), for systemctl's explanation. */
  unitResult?: string;
  /** NeedDaemonReload= of the unit when the job was enqueued: systemctl then warns that its files changed. */
  needDaemonReload?: boolean;
}

/** One captured or logged line of a unit's journal. */
export interface JournalEntry {
  /** CLOCK_REALTIME in µs. */
  time: number;
  unit: string;
  pid: number;
  /** syslog priority 0–7. */
  priority: number;
  /** SYSLOG_IDENTIFIER: the program name, or unitkitd for the manager's own lines. */
  identifier: string;
  message: string;
}

/** One row of `list-unit-files`. */
export interface UnitFileRow {
  /** Where the file was found; systemctl prints its base name. */
  path: string;
  state: string;
  /** 'enabled' or 'disabled'; absent for states systemctl shows no preset for. */
  preset?: string;
}

/** One timer of `list-timers`: its state and the µs values of systemd's timer properties (0: unset). */
export interface TimerRow {
  id: string;
  load: string;
  active: string;
  sub: string;
  job: boolean;
  nextRealtime: number;
  nextMonotonic: number;
  /** The next elapse in realtime (calc_next_elapse()), 0 when none. */
  next: number;
  /** `next` and `last` as systemd formats timestamps, '' when unset. */
  nextText: string;
  last: number;
  lastText: string;
  triggers: string[];
}

/** Methods that change state: only root or the manager's own user may call them. */
export const mutatingMethods: ReadonlySet<string> = new Set([
  'enqueue',
  'kill',
  'reset-failed',
  'daemon-reload',
  'daemon-reexec',
  'enable',
  'disable',
  'mask',
  'unmask',
  'set-environment',
  'unset-environment',
]);

/** Serialises one message as a protocol line. */
export function encodeMessage(m: ControlRequest | ControlReply | ControlEvent): string {
  return `${JSON.stringify(m)}\n`;
}

/**
 * Splits a byte stream into protocol lines. Keeps at most `max` bytes of an unfinished line:
 * `push()` returns 'overflow' when a line grows past it, so a server can refuse a flood without
 * buffering it.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly max = MAX_REQUEST_BYTES) {}

  /** Bytes of a line begun but not finished: a client that stops mid-request leaves this above 0. */
  get pendingLength(): number {
    return this.pendingBytes;
  }

  /** Adds data; returns the complete lines it finished, or 'overflow'. */
  push(chunk: Buffer): string[] | 'overflow' {
    const lines: string[] = [];
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, i);
      if (this.pendingBytes + part.length > this.max) return 'overflow';
      this.pending.push(part);
      lines.push(Buffer.concat(this.pending).toString('utf8'));
      this.pending = [];
      this.pendingBytes = 0;
      start = i + 1;
    }
    const rest = chunk.subarray(start);
    if (this.pendingBytes + rest.length > this.max) return 'overflow';
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
    return lines;
  }
}
