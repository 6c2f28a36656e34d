/**
 * unitkitctl's quick path: the read verbs scripts call most (`show`, `is-active`, `is-failed`) run
 * from this small module, with one synchronous control call (ctl-sync-call.ts) and output written
 * straight to fds 1 and 2. Everything else — other verbs, a call that may need the pager, a
 * machine without the native addon, any error before a request was answered — is left to the full
 * client (unitkitctl.ts), which the bin loads only then.
 *
 * Why (issue #19: a call within Node's start-up + 15 ms): the full client's start-up evaluates
 * some 2,600 lines of module top levels, loads `net` and the stream modules for its socket and
 * for `process.stdout` (on a pipe, a net.Socket), and `util.parseArgs`; counted with callgrind,
 * a `show` through it cost +50 M instructions over `node -e 0`, this path +11 M. What it prints and
 * its exit statuses are the full client's, from the same functions (ctl-show-output.ts,
 * ctl-options.ts, ctl-socket-path.ts).
 */
import { fstatSync, writeSync } from 'node:fs';
import type { ControlReply } from './control-protocol.js';
import { callFailure } from './ctl-exit-status.js';
import { UsageError, parseCtlOptions } from './ctl-options.js';
import type { CtlOptions } from './ctl-options.js';
import type { CtlOut, ShowReply } from './ctl-show-output.js';
import { printActiveStates, printShow } from './ctl-show-output.js';
import { controlSocketPath } from './ctl-socket-path.js';
import type { SyncSocketOps } from './ctl-sync-call.js';
import { callSync, connectSync } from './ctl-sync-call.js';
import { exportVerbArgs } from './verbs/export.js';

/** A verb of the quick path: the request it sends, and what it prints of the reply. */
interface QuickVerb {
  /** The `show` request's params; undefined when the call is the full client's to make (a usage error). */
  params(o: CtlOptions): Record<string, unknown> | undefined;
  print(reply: ShowReply, o: CtlOptions, io: CtlOut): number;
  /** Whether the full client may page its output (then a call on a terminal is left to it). */
  paged: boolean;
}

const activeStates = (failedMode: boolean): QuickVerb => ({
  // No unit: the full client reports the usage error.
  params: (o) => (o.args.length === 0 ? undefined : { units: o.args, properties: ['ActiveState'], value: true }),
  print: (r, o, io) => printActiveStates(r.units, failedMode, o.quiet, io),
  paged: false,
});

const quickVerbs: Record<string, QuickVerb> = {
  show: {
    params: (o) => ({ units: o.args, properties: o.properties, all: o.all, value: o.value }),
    print: (r, _o, io) => printShow(r, io),
    paged: true,
  },
  'is-active': activeStates(false),
  'is-failed': activeStates(true),
};

/** Whether fd may be a terminal: a character device (a terminal, or /dev/null and the like). */
function maybeTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/** Writes text to fd 1 or 2, whole; stdout's EPIPE ends the call quietly, as the full client's does. */
function writeText(fd: 1 | 2, text: string): void {
  const data = Buffer.from(text);
  let off = 0;
  try {
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') {
      if (fd === 1) process.exit(0);
      return;
    }
    // A non-blocking fd the caller handed us (EAGAIN): Node's own stream waits for it.
    if (code === 'EAGAIN') (fd === 1 ? process.stdout : process.stderr).write(data.subarray(off));
    else throw e;
  }
}

/** Lines to fds 1 and 2; stdout's are gathered into one write, flushed before each stderr line to keep their order. */
function fdOutput(): CtlOut & { flush(): void } {
  let pending = '';
  const flush = () => {
    if (pending !== '') writeText(1, pending);
    pending = '';
  };
  return {
    out: (l) => {
      pending += `${l}\n`;
    },
    err: (l) => {
      flush();
      writeText(2, `${l}\n`);
    },
    flush,
  };
}

/**
 * Runs `argv` on the quick path and returns the exit status, or undefined when the call is the full
 * client's (nothing was printed and no request answered then). `socketOps` loads the native addon's
 * socket calls; undefined when it is not built. `io` writes to fds 1 and 2 unless given.
 */
export function runQuick(
  argv: string[],
  env: NodeJS.ProcessEnv,
  socketOps: () => SyncSocketOps | undefined,
  io: CtlOut & { flush(): void } = fdOutput(),
): number | undefined {
  if (exportVerbArgs(argv)) return undefined;
  let o: CtlOptions;
  try {
    o = parseCtlOptions(argv, 'unitkitctl');
  } catch (e) {
    if (e instanceof UsageError) return undefined;
    throw e;
  }
  if (o.help || o.version || o.listOutputModes || o.listUnitTypes || o.listStates || o.verb === undefined) return undefined;
  const verb = quickVerbs[o.verb];
  if (!verb) return undefined;
  if (verb.paged && !o.noPager && maybeTerminal(1) && maybeTerminal(2)) return undefined;
  const params = verb.params(o);
  if (!params) return undefined;
  const ops = socketOps();
  if (!ops) return undefined;
  const socketPath = controlSocketPath(o, env);
  let fd: number;
  try {
    // A unitkitd started just before us may not listen yet: wait for it briefly.
    fd = connectSync(ops, socketPath, Number(env.UNITKIT_CONNECT_TIMEOUT_MS ?? 2000));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'ECONNREFUSED' ? 'Connection refused' : code === 'EACCES' ? 'Permission denied' : undefined;
    // Other failures are described in net's words: the full client's to report.
    if (why === undefined) return undefined;
    io.err(`Failed to connect to ${socketPath}: ${why}`);
    return 1;
  }
  let reply: ControlReply;
  try {
    reply = callSync(fd, 'show', params);
  } catch (e) {
    // As the full client reports a call that failed on the way (net's errors read "read ECONNRESET").
    const { code, syscall, message } = e as NodeJS.ErrnoException;
    io.err(`${o.verb}: ${code && syscall ? `${syscall} ${code}` : message}`);
    return 1;
  }
  let rc: number;
  if (reply.ok) {
    rc = verb.print(reply.result as ShowReply, o, io);
  } else {
    const failure = callFailure(o.verb, reply.error, false);
    io.err(failure.message);
    rc = failure.status;
  }
  io.flush();
  return rc;
}
