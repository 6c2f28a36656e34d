import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecSpec, PrivilegesSpec, SeccompFilterSpec } from '@unitkit/core';
import { SECCOMP_ACTION } from '@unitkit/core';
import { killLeftovers, outputPipe, scratch, spawner, startReaping, track, waitExit } from './spec-helpers.js';

/** Runs `script` in /bin/sh with `extra` applied; returns what it printed and how it ended. */
async function sh(script: string, extra: Partial<ExecSpec> = {}) {
  const out = outputPipe();
  const child = spawner.spawn({
    path: '/bin/sh', argv: ['sh', '-c', script], env: ['PATH=/usr/bin:/bin'],
    stdin: { kind: 'null' }, stdout: { kind: 'fd', fd: out.writeFd }, stderr: { kind: 'fd', fd: out.writeFd }, ...extra,
  });
  track(child.pid);
  const exit = await waitExit(child.pid);
  return { out: out.collect(), exit, failure: child.failure };
}

/** The value of a /proc/PID/status field in `text` printed by `cat /proc/$$/status`. */
function field(text: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1];
}

const root = process.geteuid?.() === 0;
const needRoot = (t: Mocha.Context) => {
  if (!root) {
    console.log('      skipped: needs root (capabilities, real-time scheduling, negative OOM scores)');
    t.skip();
  }
};

describe('spawner: process attributes and privileges (csrc/privileges.c)', () => {
  before(startReaping);
  afterEach(killLeftovers);

  it('applies OOMScoreAdjust=, CoredumpFilter=, CPUScheduling*=, CPUAffinity=, TimerSlackNSec= and Personality= to the process', async () => {
    const privileges: PrivilegesSpec = {
      oomScoreAdjust: 123, coredumpFilter: '0x3f', cpuScheduling: { policy: 3, priority: 0, resetOnFork: true },
      cpuAffinity: [0], timerSlackNsec: 1_000_000, personality: 8,
    };
    // The shell itself is inspected: reset-on-fork gives its children SCHED_OTHER again.
    const { out, exit } = await sh(
      'read -r stat < /proc/$$/stat; set -- ${stat##*) }; shift 37; echo "policy=$2"; cat /proc/$$/oom_score_adj /proc/$$/coredump_filter /proc/$$/timerslack_ns /proc/$$/personality; grep Cpus_allowed_list /proc/$$/status',
      { privileges },
    );
    expect(exit.status).to.equal(0);
    // policy 3 (batch) | SCHED_RESET_ON_FORK (0x40000000) as the kernel reports it in stat.
    expect(out.split('\n')).to.deep.equal(['policy=3', '123', '0000003f', '1000000', '00000008', 'Cpus_allowed_list:\t0', '']);
  });

  it('fails with systemd exit statuses: 214/SETSCHEDULER, 215/CPUAFFINITY, 206 never for a refused OOM score', async () => {
    const sched = await sh('exit 0', { privileges: { cpuScheduling: { policy: 1, priority: 0, resetOnFork: false } } });
    expect(sched.exit.status).to.equal(214);
    expect(sched.failure?.step).to.equal('SETSCHEDULER');
    const affinity = await sh('exit 0', { privileges: { cpuAffinity: [8000] } });
    expect(affinity.exit.status).to.equal(215);
    expect(affinity.failure?.step).to.equal('CPUAFFINITY');
  });

  it('runs real-time with CPUSchedulingPolicy=fifo', async function () {
    needRoot(this);
    const { out, exit, failure } = await sh('read -r stat < /proc/$$/stat; set -- ${stat##*) }; shift 37; echo "$1 $2"', {
      privileges: { cpuScheduling: { policy: 1, priority: 10, resetOnFork: false } },
    });
    if (exit.status === 214 && failure?.code === 'EPERM') {
      console.log('      skipped: this machine refuses real-time scheduling even to root (no RT runtime in the cgroup); the child failed with 214/SETSCHEDULER as systemd\'s would');
      return this.skip();
    }
    // rt_priority and policy fields of /proc/PID/stat.
    expect(out.trim()).to.equal('10 1');
  });

  it('sets the NUMA memory policy after the CPU affinity; an invalid one (mode -1) or one the kernel refuses fails with 242/NUMA_POLICY', async function () {
    if (!existsSync('/proc/self/numa_maps')) {
      console.log('      skipped: this kernel has no NUMA support (/proc/self/numa_maps)');
      return this.skip();
    }
    const bound = await sh('head -1 /proc/$$/numa_maps | cut -d" " -f2', { privileges: { numaPolicy: { mode: 2, nodes: [0] } } });
    expect([bound.exit.status, bound.out.trim()]).to.deep.equal([0, 'bind:0']);
    const local = await sh('head -1 /proc/$$/numa_maps | cut -d" " -f2', { privileges: { numaPolicy: { mode: 4, nodes: [] } } });
    expect([local.exit.status, local.out.trim()]).to.deep.equal([0, 'local']);
    const invalid = await sh('exit 0', { privileges: { numaPolicy: { mode: -1, nodes: [] } } });
    expect([invalid.exit.status, invalid.failure?.step, invalid.failure?.code]).to.deep.equal([242, 'NUMA_POLICY', 'EINVAL']);
    const refused = await sh('exit 0', { privileges: { numaPolicy: { mode: 3, nodes: [] } } });
    expect(refused.exit.status).to.equal(242);
  });

  it('writes security labels to their attribute files before exec; a failed write ends the process with its status unless ignored', async () => {
    const file = join(scratch, 'label-attr');
    writeFileSync(file, '');
    const written = await sh('exit 0', { privileges: { securityLabels: [{ path: file, text: 'exec foo', status: 231, ignoreErrors: false }] } });
    expect(written.exit.status).to.equal(0);
    expect(readFileSync(file, 'utf8')).to.equal('exec foo');
    const missing = join(scratch, 'no-such-dir', 'attr');
    const failed = await sh('exit 0', { privileges: { securityLabels: [{ path: missing, text: 'ctx', status: 229, ignoreErrors: false }] } });
    expect([failed.exit.status, failed.failure?.step, failed.failure?.code]).to.deep.equal([229, 'SELINUX_CONTEXT', 'ENOENT']);
    const ignored = await sh('exit 0', { privileges: { securityLabels: [{ path: missing, text: 'ctx', status: 236, ignoreErrors: true }] } });
    expect(ignored.exit.status).to.equal(0);
  });

  it('joins a fresh session keyring holding the invocation id (KeyringMode=private)', async function () {
    needRoot(this);
    const id = '0123456789abcdef0123456789abcdef';
    // Root sees other sessions' invocation_id keys too (another manager's services): count ours as the one more.
    const others = readFileSync('/proc/keys', 'utf8').split('\n').filter((l) => / user *invocation_id: 16$/.test(l)).length;
    const { out, exit } = await sh('grep -c " user *invocation_id: 16$" /proc/keys', { privileges: { keyring: { shared: false, invocationId: id } } });
    expect(exit.status).to.equal(0);
    expect(Number(out.trim())).to.equal(others + 1);
  });

  it('drops the bounding set to CapabilityBoundingSet= and sets NoNewPrivileges=', async function () {
    needRoot(this);
    const { out } = await sh('cat /proc/$$/status', { privileges: { capabilities: { boundingSet: [0, 12], ambient: [], secureBits: 0, noNewPrivileges: true, noNewPrivilegesIfUnprivileged: false } } });
    expect(field(out, 'CapBnd')).to.equal('0000000000001001');
    expect(field(out, 'NoNewPrivs')).to.equal('1');
    expect(field(out, 'CapAmb')).to.equal('0000000000000000');
  });

  it('keeps AmbientCapabilities= across the change to User= (keep-caps), as systemd does', async function () {
    needRoot(this);
    const { out, exit } = await sh('cat /proc/$$/status', {
      uid: 65534, gid: 65534,
      privileges: { capabilities: { boundingSet: [13], ambient: [13], secureBits: 0, noNewPrivileges: false, noNewPrivilegesIfUnprivileged: false } },
    });
    expect(exit.status).to.equal(0);
    expect(field(out, 'Uid')).to.match(/^65534\s/);
    expect(field(out, 'CapAmb')).to.equal('0000000000002000');
    expect(field(out, 'CapEff')).to.equal('0000000000002000');
    expect(field(out, 'CapBnd')).to.equal('0000000000002000');
  });

  it('applies SecureBits= (noroot: root gains no capabilities at exec)', async function () {
    needRoot(this);
    const { out, exit } = await sh('cat /proc/$$/status', { privileges: { capabilities: { ambient: [], secureBits: 3, noNewPrivileges: false, noNewPrivilegesIfUnprivileged: false } } });
    expect(exit.status).to.equal(0);
    expect(field(out, 'CapEff')).to.equal('0000000000000000');
  });
});

describe('spawner: seccomp filters (csrc/seccomp.c)', () => {
  before(startReaping);
  afterEach(killLeftovers);
  const native = ['native'];

  it('loads a filter: a denied syscall fails with the errno given, the rest runs', async () => {
    const dir = join(scratch, 'seccomp-mkdir');
    rmSync(dir, { recursive: true, force: true });
    const seccomp: SeccompFilterSpec[] = [{
      archs: native, defaultAction: SECCOMP_ACTION.ALLOW, badArchAction: SECCOMP_ACTION.ALLOW, status: 228, what: 'test',
      rules: [{ syscall: 'mkdir', action: SECCOMP_ACTION.errno(13) }, { syscall: 'mkdirat', action: SECCOMP_ACTION.errno(13) }],
    }];
    const { out, exit } = await sh(`mkdir ${dir}; echo "rc=$?"; grep Seccomp: /proc/$$/status`, {
      seccomp, privileges: { capabilities: { ambient: [], secureBits: 0, noNewPrivileges: false, noNewPrivilegesIfUnprivileged: true } },
    });
    expect(exit.status).to.equal(0);
    expect(out).to.match(/Permission denied/);
    expect(out).to.match(/rc=1/);
    expect(out).to.match(/Seccomp:\s+2/);
    expect(existsSync(dir)).to.equal(false);
  });

  it('kills the process with SIGSYS for a syscall filtered with the kill action', async () => {
    const seccomp: SeccompFilterSpec[] = [{
      archs: native, defaultAction: SECCOMP_ACTION.ALLOW, badArchAction: SECCOMP_ACTION.ALLOW, status: 228, what: 'test',
      rules: [{ syscall: 'uname', action: SECCOMP_ACTION.KILL_PROCESS }],
    }];
    const out = outputPipe();
    const child = spawner.spawn({ path: '/usr/bin/uname', argv: ['uname'], env: [], stdin: { kind: 'null' }, stdout: { kind: 'fd', fd: out.writeFd }, stderr: { kind: 'inherit' }, seccomp });
    track(child.pid);
    const exit = await waitExit(child.pid);
    out.collect();
    expect(exit).to.deep.include({ code: 'killed', status: 31 });
  });

  it('fails with 228/SECCOMP when the filter cannot be loaded (no NoNewPrivileges= and no CAP_SYS_ADMIN)', async function () {
    needRoot(this);
    const seccomp: SeccompFilterSpec[] = [{ archs: native, defaultAction: SECCOMP_ACTION.ALLOW, badArchAction: SECCOMP_ACTION.ALLOW, status: 228, what: 'test', rules: [{ syscall: 'mkdir', action: SECCOMP_ACTION.errno(1) }] }];
    const { exit, failure } = await sh('exit 0', { uid: 65534, gid: 65534, seccomp });
    expect(exit.status).to.equal(228);
    expect(failure?.step).to.equal('SECCOMP');
    // With the implied NoNewPrivileges= it loads.
    const ok = await sh('grep NoNewPrivs /proc/$$/status', {
      uid: 65534, gid: 65534, seccomp, privileges: { capabilities: { ambient: [], secureBits: 0, noNewPrivileges: false, noNewPrivilegesIfUnprivileged: true } },
    });
    expect(ok.exit.status).to.equal(0);
    expect(ok.out).to.match(/NoNewPrivs:\s+1/);
  });

  it('rejects a filter spec that is not one', () => {
    expect(() => spawner.spawn({ path: '/bin/true', argv: ['true'], env: [], stdin: { kind: 'null' }, stdout: { kind: 'inherit' }, stderr: { kind: 'inherit' }, seccomp: [{ archs: native, rules: [] } as unknown as SeccompFilterSpec] })).to.throw(/defaultAction/);
  });
});

