/**
 * Running a socket's Exec{Start,Stop}{Pre,Post}= commands: the ExecSpec of a control process and
 * the per-command status `show` prints. The full systemd.exec(5) context (User=, Environment=,
 * Standard*=…) is the service plugin's exec module; until it is merged here, a control process
 * gets systemd's minimal environment (see the README).
 */
import type { ChildExit, ExecSpec, Usec } from '@unitkit/core';
import { formatTimestamp } from '@unitkit/core';
import { expandExecEnvironment, signalName, type ExecCommand } from '@unitkit/unit-file';

/** What happened to one command the last time it ran (systemd's ExecStatus). */
export interface ExecStatus {
  startRealtime: Usec;
  exitRealtime: Usec;
  pid: number;
  exit?: ChildExit;
}

/** systemd's default PATH for the processes it spawns. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

/** What a control process is started with besides its command. */
export interface ControlExecContext {
  unit: string;
  invocationId: string;
  scope: 'system' | 'user';
  /** Extra KEY=VALUE assignments (the manager's environment, Environment=). */
  environment?: string[];
  cgroupPath?: string;
}

/**
 * The ExecSpec of one control command: stdin /dev/null, output inherited from the manager (the
 * journal, in systemd), a new session, `/` as working directory (the home directory of a user
 * manager, missing-ok), `$VAR` expanded unless the command has the `:` prefix.
 */
export function controlExecSpec(cmd: ExecCommand, ctx: ControlExecContext): ExecSpec {
  const env = [`PATH=${DEFAULT_PATH}`, ...(ctx.environment ?? [])];
  if (ctx.invocationId) env.push(`INVOCATION_ID=${ctx.invocationId}`);
  const vars: Record<string, string> = {};
  for (const kv of env) {
    const i = kv.indexOf('=');
    vars[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const spec: ExecSpec = {
    path: cmd.path,
    argv: cmd.flags.noEnvExpand ? [...cmd.argv] : expandExecEnvironment(cmd.argv, vars),
    env,
    newSession: true,
    stdin: { kind: 'null' },
    stdout: { kind: 'inherit' },
    stderr: { kind: 'inherit' },
    unit: ctx.unit,
  };
  if (ctx.scope === 'user' && process.env.HOME) {
    spec.cwd = process.env.HOME;
    spec.cwdMissingOk = true;
  }
  if (ctx.cgroupPath) spec.cgroupPath = ctx.cgroupPath;
  return spec;
}

/**
 * One exec command as `systemctl show` prints it:
 * `{ path=/bin/true ; argv[]=/bin/true a ; ignore_errors=no ; start_time=[…] ; stop_time=[…] ; pid=42 ; code=exited ; status=0 }`.
 */
export function formatExecCommand(cmd: ExecCommand, st: ExecStatus | undefined): string {
  const ts = (t: Usec | undefined) => (t ? formatTimestamp(t) : 'n/a');
  const code = st?.exit ? st.exit.code : '(null)';
  let status: string;
  if (!st?.exit) status = '0/0';
  else if (st.exit.code === 'exited') status = String(st.exit.status);
  else status = `${st.exit.status}/${signalName(st.exit.status).replace(/^SIG/, '')}`;
  return `{ path=${cmd.path} ; argv[]=${cmd.argv.join(' ')} ; ignore_errors=${cmd.flags.ignoreFailure ? 'yes' : 'no'} ; start_time=[${ts(st?.startRealtime)}] ; stop_time=[${ts(st?.exitRealtime)}] ; pid=${st?.pid ?? 0} ; code=${code} ; status=${status} }`;
}

