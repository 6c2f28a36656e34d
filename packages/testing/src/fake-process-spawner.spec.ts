import { expect } from 'chai';
import type { ChildExit, ExecSpec } from '@unitkit/core';
import { ExecExitStatus } from '@unitkit/core';
import { FakeEventLoop } from './fake-event-loop.js';
import { FakeProcessSpawner } from './fake-process-spawner.js';
import { signals } from './signals.js';

function spec(path: string, extra: Partial<ExecSpec> = {}): ExecSpec {
  return {
    path,
    argv: [path],
    env: ['PATH=/usr/bin'],
    stdin: { kind: 'null' },
    stdout: { kind: 'inherit' },
    stderr: { kind: 'inherit' },
    newSession: true,
    ...extra,
  };
}

describe('FakeProcessSpawner', () => {
  let loop: FakeEventLoop;
  let spawner: FakeProcessSpawner;
  let exits: ChildExit[];
  beforeEach(() => {
    loop = new FakeEventLoop();
    spawner = new FakeProcessSpawner(loop);
    exits = [];
    loop.onChildExit((exit) => exits.push(exit));
  });

  describe('spawn', () => {
    it('hands out pids from 1000 upward and records each spec', () => {
      const a = spawner.spawn(spec('/bin/a'));
      const b = spawner.spawn(spec('/bin/b', { argv: ['b', '--flag'] }));
      expect([a.pid, b.pid]).to.deep.equal([1000, 1001]);
      expect(spawner.spawned.map((p) => p.spec!.path)).to.deep.equal(['/bin/a', '/bin/b']);
      expect(spawner.last().pid).to.equal(1001);
      expect(spawner.find((_, s) => s.argv.includes('--flag'))?.pid).to.equal(1001);
      expect(spawner.get(1000)!.alive).to.equal(true);
      expect(spawner.get(1000)!.startedAt).to.equal(loop.now());
      expect(spawner.running().map((p) => p.pid)).to.deep.equal([1000, 1001]);
    });

    it('keeps a copy of the spec the caller cannot change afterwards', () => {
      const s = spec('/bin/a', { fds: [3, 4] });
      spawner.spawn(s);
      s.argv.push('changed');
      s.fds!.push(5);
      expect(spawner.last().spec!.argv).to.deep.equal(['/bin/a']);
      expect(spawner.last().spec!.fds).to.deep.equal([3, 4]);
    });

    it('shows the environment the child sees, LISTEN_* included', () => {
      spawner.spawn(spec('/bin/d', { env: ['A=1', 'B=x=y'], fds: [10, 11], listenFdNames: ['http', 'https'] }));
      expect(spawner.last().environment()).to.deep.equal({
        A: '1',
        B: 'x=y',
        LISTEN_PID: '1000',
        LISTEN_FDS: '2',
        LISTEN_FDNAMES: 'http:https',
      });
    });

    it('fails the next spawns on request with an errno-coded Error', () => {
      spawner.failNextSpawn('EAGAIN');
      spawner.failNextSpawn('ENOMEM', 'out of memory');
      expect(() => spawner.spawn(spec('/bin/a'))).to.throw(/fork failed \(EAGAIN\)/).that.includes({ code: 'EAGAIN', errno: -11, syscall: 'fork' });
      expect(() => spawner.spawn(spec('/bin/a'))).to.throw('out of memory (ENOMEM)');
      expect(spawner.spawn(spec('/bin/a')).pid).to.equal(1000);
      expect(spawner.failed.map((f) => f.error.code)).to.deep.equal(['EAGAIN', 'ENOMEM']);
      expect(spawner.spawned).to.have.length(1);
    });

    it('throws from last() when nothing was spawned', () => {
      expect(() => spawner.last()).to.throw(/nothing has been spawned/);
    });
  });

  describe('exits', () => {
    it('delivers exit(status) through the loop at once', () => {
      spawner.spawn(spec('/bin/a'));
      spawner.last().exit(ExecExitStatus.EXEC);
      expect(exits).to.deep.equal([{ pid: 1000, code: 'exited', status: 203 }]);
      expect(spawner.last().state).to.equal('reaped');
      expect(spawner.last().exitStatus).to.deep.equal({ pid: 1000, code: 'exited', status: 203 });
      expect(spawner.running()).to.deep.equal([]);
    });

    it('delivers death by signal, with or without a core dump', () => {
      spawner.spawn(spec('/bin/a'));
      spawner.spawn(spec('/bin/b'));
      spawner.get(1000)!.kill(signals.SIGSEGV, { dumped: true });
      spawner.get(1001)!.kill();
      expect(exits).to.deep.equal([
        { pid: 1000, code: 'dumped', status: 11 },
        { pid: 1001, code: 'killed', status: 9 },
      ]);
    });

    it('refuses to end a process twice', () => {
      spawner.spawn(spec('/bin/a'));
      spawner.last().exit(0);
      expect(() => spawner.last().exit(0)).to.throw(/already ended/);
    });

    it('keeps a process a zombie until the manager has a handler', () => {
      const bare = new FakeProcessSpawner(new FakeEventLoop());
      bare.spawn(spec('/bin/a'));
      bare.last().exit(1);
      expect(bare.last().state).to.equal('zombie');
      expect(bare.kill(1000, signals.SIGTERM)).to.equal(true);
      const seen: ChildExit[] = [];
      bare.loop.onChildExit((e) => seen.push(e));
      bare.loop.runPending();
      expect(seen).to.deep.equal([{ pid: 1000, code: 'exited', status: 1 }]);
      expect(bare.kill(1000, signals.SIGTERM)).to.equal(false);
    });
  });

  describe('signals', () => {
    it('records kill() and lets the default disposition act at the next dispatch', () => {
      spawner.spawn(spec('/bin/a'));
      expect(spawner.kill(1000, signals.SIGTERM)).to.equal(true);
      expect(exits).to.deep.equal([]);
      expect(spawner.last().alive).to.equal(true);
      loop.runPending();
      expect(exits).to.deep.equal([{ pid: 1000, code: 'killed', status: 15 }]);
      expect(spawner.signals).to.deep.equal([{ pid: 1000, signal: 15, group: false, at: loop.now(), delivered: true }]);
      expect(spawner.last().received).to.deep.equal([15]);
    });

    it('returns false for unknown and reaped pids, and does not record signal 0', () => {
      expect(spawner.kill(4242, signals.SIGTERM)).to.equal(false);
      spawner.spawn(spec('/bin/a'));
      expect(spawner.kill(1000, 0)).to.equal(true);
      spawner.last().exit(0);
      expect(spawner.kill(1000, 0)).to.equal(false);
      expect(spawner.kill(1000, signals.SIGKILL)).to.equal(false);
      expect(spawner.signals.map((s) => [s.pid, s.signal, s.delivered])).to.deep.equal([
        [4242, 15, false],
        [1000, 9, false],
      ]);
    });

    it('models a process that ignores SIGTERM until SIGKILL', () => {
      spawner.spawn(spec('/bin/stubborn'));
      const stubborn = spawner.last().ignore(signals.SIGTERM);
      spawner.kill(stubborn.pid, signals.SIGTERM);
      loop.advance(90_000_000);
      expect(stubborn.alive).to.equal(true);
      spawner.kill(stubborn.pid, signals.SIGKILL);
      loop.runPending();
      expect(exits).to.deep.equal([{ pid: stubborn.pid, code: 'killed', status: 9 }]);
      expect(spawner.signalsTo(stubborn.pid)).to.deep.equal([15, 9]);
    });

    it('supports clean exits, core dumps, custom handlers and spawner-wide defaults', () => {
      spawner.defaultActions.set(signals.SIGTERM, { exit: 0 });
      spawner.spawn(spec('/bin/clean'));
      spawner.spawn(spec('/bin/custom'));
      spawner.get(1001)!.onSignal(signals.SIGHUP, (p) => loop.armTimer(loop.now() + 100, () => p.exit(3)));
      spawner.kill(1000, signals.SIGTERM);
      spawner.kill(1001, signals.SIGHUP);
      loop.runPending();
      expect(exits).to.deep.equal([{ pid: 1000, code: 'exited', status: 0 }]);
      loop.advance(100);
      expect(exits[1]).to.deep.equal({ pid: 1001, code: 'exited', status: 3 });
      spawner.spawn(spec('/bin/watchdogged'));
      spawner.kill(1002, signals.SIGABRT);
      loop.runPending();
      expect(exits[2]).to.deep.equal({ pid: 1002, code: 'dumped', status: 6 });
    });

    it('models a process stuck in D state that survives SIGKILL', () => {
      spawner.spawn(spec('/bin/stuck'));
      spawner.last().onSignal(signals.SIGKILL, 'ignore');
      spawner.kill(1000, signals.SIGKILL);
      loop.runPending();
      expect(spawner.last().alive).to.equal(true);
    });

    it('signals whole process groups', () => {
      spawner.spawn(spec('/bin/leader'));
      const leader = spawner.last();
      const child = leader.fork();
      const other = leader.fork({ newSession: true });
      expect(child.pgid).to.equal(leader.pid);
      expect(other.pgid).to.equal(other.pid);
      expect(spawner.killGroup(leader.pid, signals.SIGKILL)).to.equal(true);
      loop.runPending();
      expect(leader.alive || child.alive).to.equal(false);
      expect(other.alive).to.equal(true);
      expect(spawner.signals.at(-1)).to.include({ pid: 1000, group: true, signal: 9 });
      expect(spawner.killGroup(99999, signals.SIGTERM)).to.equal(false);
    });

    it('puts processes without a new session in the manager\'s group', () => {
      spawner.spawn(spec('/bin/a', { newSession: false }));
      expect(spawner.last().pgid).to.equal(spawner.managerPid);
    });
  });

  describe('forking and adoption', () => {
    it('re-parents a daemon to the manager when its parent exits', () => {
      spawner.spawn(spec('/usr/sbin/forking-daemon'));
      const parent = spawner.last();
      const daemon = parent.fork({ newSession: true });
      expect(daemon.parentPid).to.equal(parent.pid);
      expect(daemon.spec).to.equal(undefined);
      parent.exit(0);
      expect(daemon.parentPid).to.equal(spawner.managerPid);
      daemon.exit(0);
      expect(exits.map((e) => e.pid)).to.deep.equal([parent.pid, daemon.pid]);
    });

    it('does not report a child its living parent reaps', () => {
      spawner.spawn(spec('/bin/sh'));
      const shell = spawner.last();
      const job = shell.fork();
      job.exit(1);
      expect(job.state).to.equal('reaped');
      expect(exits).to.deep.equal([]);
    });

    it('adopts processes it never spawned', () => {
      const orphan = spawner.adopt();
      expect(orphan.pid).to.equal(1000);
      expect(orphan.pgid).to.equal(orphan.pid);
      expect(spawner.spawned).to.deep.equal([]);
      expect(spawner.kill(orphan.pid, signals.SIGTERM)).to.equal(true);
      loop.runPending();
      expect(exits).to.deep.equal([{ pid: 1000, code: 'killed', status: 15 }]);
      expect(spawner.adopt({ newSession: false }).pgid).to.equal(spawner.managerPid);
    });

    it('honours firstPid and managerPid', () => {
      const custom = new FakeProcessSpawner(loop, { firstPid: 300, managerPid: 42 });
      expect(custom.spawn(spec('/bin/a')).pid).to.equal(300);
      expect(custom.last().parentPid).to.equal(42);
    });
  });
});
