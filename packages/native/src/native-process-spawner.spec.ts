import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecSpec } from '@unitkit/core';
import { openFifo, openSocket } from './sockets.js';
import { closeFd } from './fd-ops.js';
import { NativeProcessSpawner, toSpawnPlan } from './native-process-spawner.js';
import { killLeftovers, loopback, outputPipe, probe, scratch, spawner, startReaping, track, waitExit } from './spec-helpers.js';

function baseSpec(args: string[], extra: Partial<ExecSpec> = {}): ExecSpec {
  return {
    path: probe(),
    argv: ['probe', ...args],
    env: ['PATH=/usr/bin:/bin'],
    stdin: { kind: 'null' },
    stdout: { kind: 'inherit' },
    stderr: { kind: 'inherit' },
    ...extra,
  };
}

/** Runs the probe's report with `extra` and returns the parsed JSON and the exit. */
async function report(extra: Partial<ExecSpec> = {}) {
  const out = outputPipe();
  const child = spawner.spawn(baseSpec(['report'], { stdout: { kind: 'fd', fd: out.writeFd }, ...extra }));
  track(child.pid);
  const exit = await waitExit(child.pid);
  const text = out.collect();
  return { child, exit, json: text ? JSON.parse(text) : undefined };
}

describe('NativeProcessSpawner', () => {
  before(() => {
    probe();
    startReaping();
  });
  afterEach(killLeftovers);

  it('places a TCP listener, a seqpacket listener and a FIFO at 3..5 with LISTEN_PID = the child, leaking nothing', async () => {
    const tcp = openSocket('stream', loopback).fd;
    const seq = openSocket('seqpacket', `@unitkit-test-seq-${process.pid}`).fd;
    const fifo = openFifo(join(scratch, 'spawn.fifo'));
    // An extra CLOEXEC-free fd in the manager that must not reach the child.
    const stray = openSocket('dgram', loopback).fd;
    try {
      const { child, exit, json } = await report({ fds: [tcp, seq, fifo], listenFdNames: ['web', 'seq', 'pipe'] });
      expect(exit).to.deep.equal({ pid: child.pid, code: 'exited', status: 0 });
      expect(json.listenPid).to.equal(String(child.pid));
      expect(json.pid).to.equal(child.pid);
      expect(json.listenFds).to.equal('3');
      expect(json.listenFdNames).to.equal('web:seq:pipe');
      expect(json.fds).to.deep.equal([
        { fd: 3, kind: 'socket', type: 1, family: 2, listening: true, cloexec: false },
        { fd: 4, kind: 'socket', type: 5, family: 1, listening: true, cloexec: false },
        { fd: 5, kind: 'fifo', type: 0, family: 0, listening: false, cloexec: false },
      ]);
      expect(json.open).to.deep.equal([0, 1, 2, 3, 4, 5]);
    } finally {
      for (const fd of [tcp, seq, fifo, stray]) closeFd(fd);
    }
  });

  it('survives sources that overlap their targets (fds given in reverse order)', async () => {
    const a = openSocket('stream', loopback).fd;
    const b = openSocket('dgram', loopback).fd;
    try {
      const { json } = await report({ fds: [b, a], listenFdNames: ['b', 'a'] });
      expect(json.fds.map((f: { type: number }) => f.type)).to.deep.equal([2, 1]);
      expect(json.open).to.deep.equal([0, 1, 2, 3, 4]);
    } finally {
      closeFd(a);
      closeFd(b);
    }
  });

  it('drops inherited LISTEN_* variables when passing fds, and sets none without listenFdNames', async () => {
    const env = ['LISTEN_PID=1', 'LISTEN_FDS=9', 'LISTEN_FDNAMES=x', 'PATH=/bin'];
    expect(toSpawnPlan(baseSpec([], { env, listenFdNames: [] })).env).to.deep.equal(['PATH=/bin', 'LISTEN_FDS=0', 'LISTEN_FDNAMES=']);
    const { json } = await report();
    expect(json.listenPid).to.equal(null);
    expect(json.listenFds).to.equal(null);
  });

  it('resets the signal mask and dispositions (Node ignores SIGPIPE; the child must not)', async () => {
    const { json } = await report();
    expect(json.sigBlk).to.equal('0000000000000000');
    expect(json.sigIgn).to.equal('0000000000000000');
  });

  it('starts the child with SIGPIPE ignored when asked (IgnoreSIGPIPE=, systemd\'s default)', async () => {
    const { json } = await report({ ignoreSigpipe: true });
    // SIGPIPE is 13: bit 12 of the mask.
    expect(json.sigIgn).to.equal('0000000000001000');
  });

  it('applies cwd, umask, new session and rlimits', async () => {
    const { child, json } = await report({
      cwd: scratch,
      umask: 0o027,
      newSession: true,
      rlimits: { NOFILE: { soft: 123, hard: 456 } },
    });
    expect(json.cwd).to.equal(scratch);
    expect(json.umask).to.equal(0o027);
    expect(json.sid).to.equal(child.pid);
    expect(json.pgid).to.equal(child.pid);
    expect(json.nofile).to.deep.equal([123, 456]);
  });

  it('applies Nice= and the I/O scheduling class and priority', async function () {
    if (!existsSync('/usr/bin/ionice')) {
      console.log('      skipped: util-linux ionice(1) is needed to read the I/O class back');
      return this.skip();
    }
    const out = outputPipe();
    const child = spawner.spawn({
      ...baseSpec([]), path: '/bin/sh', argv: ['sh', '-c', 'echo "$(cut -d" " -f19 /proc/self/stat) $(ionice -p $$)"'],
      stdout: { kind: 'fd', fd: out.writeFd }, nice: 7, ioSchedulingClass: 2, ioSchedulingPriority: 6,
    });
    track(child.pid);
    expect((await waitExit(child.pid)).status).to.equal(0);
    expect(out.collect().trim()).to.equal('7 best-effort: prio 6');
    const idle = outputPipe();
    const second = spawner.spawn({
      ...baseSpec([]), path: '/bin/sh', argv: ['sh', '-c', 'ionice -p $$'], stdout: { kind: 'fd', fd: idle.writeFd }, ioSchedulingClass: 3,
    });
    track(second.pid);
    await waitExit(second.pid);
    expect(idle.collect().trim()).to.equal('idle');
  });

  it('defaults the working directory to /', async () => {
    const { json } = await report();
    expect(json.cwd).to.equal('/');
  });

  it('connects stdout and stderr to files (append keeps, truncate clears)', async () => {
    const file = join(scratch, 'out.log');
    writeFileSync(file, 'before\n');
    await report({ stdout: { kind: 'file', path: file, mode: 'append' } });
    const appended = readFileSync(file, 'utf8');
    expect(appended.startsWith('before\n{')).to.equal(true);
    await report({ stdout: { kind: 'file', path: file, mode: 'truncate' } });
    expect(readFileSync(file, 'utf8').startsWith('{')).to.equal(true);
  });

  it('exits 203/EXEC when the program cannot be executed, and says why', async () => {
    const child = spawner.spawn(baseSpec([], { path: '/nonexistent/program' }));
    expect(child.failure?.code).to.equal('ENOENT');
    expect(child.failure?.step).to.equal('EXEC');
    expect(await waitExit(track(child.pid))).to.deep.equal({ pid: child.pid, code: 'exited', status: 203 });
  });

  it('logs the failed step through the logger', async () => {
    const lines: string[] = [];
    const logging = new NativeProcessSpawner({
      logger: { log: (r) => lines.push(`${r.level} ${r.unit} ${r.message}`), enabled: () => true },
    });
    const child = logging.spawn(baseSpec([], { path: '/nonexistent/program', unit: 'x.service' }));
    await waitExit(track(child.pid));
    expect(lines).to.deep.equal([
      'err x.service Failed at step EXEC spawning /nonexistent/program: No such file or directory',
    ]);
  });

  it('a step the manager saw fail (spec.failure) ends the child with its status before exec, reported with its step', async () => {
    const child = spawner.spawn(baseSpec(['report'], { failure: { step: 'STATE_DIRECTORY', status: 238, errno: 13 } }));
    expect(child.failure?.step).to.equal('STATE_DIRECTORY');
    expect(child.failure?.code).to.equal('EACCES');
    expect(child.failure?.status).to.equal(238);
    expect(await waitExit(track(child.pid))).to.deep.equal({ pid: child.pid, code: 'exited', status: 238 });
    expect(() => spawner.spawn(baseSpec([], { failure: { step: 'X', status: 0, errno: 1 } }))).to.throw(/1…255/);
  });

  it('exits 200/CHDIR when the working directory is missing, unless missingOk', async () => {
    const child = spawner.spawn(baseSpec(['report'], { cwd: '/nonexistent/dir' }));
    expect(await waitExit(track(child.pid))).to.deep.equal({ pid: child.pid, code: 'exited', status: 200 });
    const { exit, json } = await report({ cwd: '/nonexistent/dir', cwdMissingOk: true });
    expect(exit.status).to.equal(0);
    expect(json.cwd).to.equal('/');
  });

  it('exits 209/STDOUT when the output file cannot be opened', async () => {
    const child = spawner.spawn(baseSpec(['report'], { stdout: { kind: 'file', path: '/nonexistent/x', mode: 'write' } }));
    expect((await waitExit(track(child.pid))).status).to.equal(209);
  });

  it('exits 202/FDS when a passed fd is not open', async () => {
    const child = spawner.spawn(baseSpec(['report'], { fds: [987654] }));
    expect((await waitExit(track(child.pid))).status).to.equal(202);
  });

  it('changes uid, gid and supplementary groups (root only)', async function () {
    if (process.getuid?.() !== 0) {
      console.log('      skipped: changing credentials needs root');
      this.skip();
    }
    const { json } = await report({ uid: 65534, gid: 65533, supplementaryGroups: [65532, 65531] });
    expect(json.uid).to.equal(65534);
    expect(json.gid).to.equal(65533);
    expect(json.groups).to.have.members([65532, 65531]);
    const dropped = await report({ uid: 65534, gid: 65534 });
    expect(dropped.json.groups).to.deep.equal([]);
  });

  it('exits 217/USER when the uid cannot be set (non-root) or 200 when the new user cannot enter cwd', async function () {
    if (process.getuid?.() === 0) {
      // As root, a directory only root may enter shows the order: user change first, then chdir.
      const dir = join(scratch, 'private');
      mkdirSync(dir, { mode: 0o700 });
      const child = spawner.spawn(baseSpec(['report'], { uid: 65534, gid: 65534, cwd: dir }));
      expect((await waitExit(track(child.pid))).status).to.equal(200);
      return;
    }
    const child = spawner.spawn(baseSpec(['report'], { uid: 0 }));
    expect((await waitExit(track(child.pid))).status).to.equal(217);
  });

  it('puts the child into a cgroup before exec (where a writable cgroup2 hierarchy exists)', async function () {
    const base = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((p) => {
      try {
        return readFileSync(join(p, 'cgroup.procs'), 'utf8') !== undefined;
      } catch {
        return false;
      }
    });
    const dir = base && join(base, `unitkit-test-${process.pid}`);
    try {
      if (!dir) throw new Error('no cgroup2 hierarchy');
      mkdirSync(dir);
    } catch (error) {
      console.log(`      skipped: cannot create a cgroup (${(error as Error).message})`);
      this.skip();
    }
    try {
      const { json } = await report({ cgroupPath: dir! });
      expect(json.cgroup).to.equal(`/unitkit-test-${process.pid}`);
    } finally {
      rmdirSync(dir!);
    }
  });

  it('throws before forking for an unknown rlimit name', () => {
    expect(() => spawner.spawn(baseSpec([], { rlimits: { BOGUS: { soft: 1, hard: 1 } } }))).to.throw(/BOGUS/);
  });

  it('kills a process and reports it killed by the signal; kill of a gone pid is false', async () => {
    const child = spawner.spawn({ ...baseSpec([]), path: '/bin/sleep', argv: ['sleep', '30'] });
    track(child.pid);
    expect(spawner.kill(child.pid, 15)).to.equal(true);
    expect(await waitExit(child.pid)).to.deep.equal({ pid: child.pid, code: 'killed', status: 15 });
    expect(spawner.kill(child.pid, 15)).to.equal(false);
  });

  it('signals a process group created by newSession', async () => {
    const child = spawner.spawn({ ...baseSpec([]), path: '/bin/sleep', argv: ['sleep', '30'], newSession: true });
    track(child.pid);
    expect(spawner.killGroup(child.pid, 9)).to.equal(true);
    expect(await waitExit(child.pid)).to.deep.equal({ pid: child.pid, code: 'killed', status: 9 });
  });
});

describe('pidEnvironment', () => {
  it('sets each named variable to the child\'s own pid, replacing inherited values', async () => {
    const { NativeProcessSpawner } = await import('./native-process-spawner.js');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    startReaping();
    const dir = mkdtempSync(join(tmpdir(), 'unitkit-pidenv-'));
    try {
      const out = join(dir, 'out');
      const child = new NativeProcessSpawner().spawn({
        path: '/bin/sh',
        argv: ['sh', '-c', 'echo "$WATCHDOG_PID $SYSTEMD_EXEC_PID $$"'],
        env: ['WATCHDOG_PID=1', 'PATH=/usr/bin:/bin'],
        stdin: { kind: 'null' },
        stdout: { kind: 'file', path: out, mode: 'truncate' },
        stderr: { kind: 'inherit' },
        pidEnvironment: ['WATCHDOG_PID', 'SYSTEMD_EXEC_PID'],
      });
      track(child.pid);
      await waitExit(child.pid);
      expect(readFileSync(out, 'utf8').trim()).to.equal(`${child.pid} ${child.pid} ${child.pid}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
