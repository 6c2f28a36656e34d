// The worked example of README.md, kept here so that it compiles and passes. If you change one,
// change the other.
import { expect } from 'chai';
import type { ChildExit, Disposable, EventLoop, Logger, ProcessSpawner, Usec } from '@unitkit/core';
import { createFakes, signals, type Fakes } from './index.js';

// ---- the code under test: a made-up "task" unit type that runs one command with a timeout ----

type TaskState = 'dead' | 'running' | 'stop-sigterm' | 'stop-sigkill' | 'done' | 'failed';
type TaskResult = 'success' | 'resources' | 'exit-code' | 'signal' | 'timeout';

class TaskUnit {
  state: TaskState = 'dead';
  result: TaskResult = 'success';
  private pid: number | undefined;
  private timer: Disposable | undefined;

  constructor(
    private readonly name: string,
    private readonly argv: string[],
    private readonly timeout: Usec,
    private readonly loop: EventLoop,
    private readonly spawner: ProcessSpawner,
    private readonly logger: Logger,
  ) {
    // A real manager installs one handler and routes by pid; one unit can do it itself here.
    loop.onChildExit((exit) => this.childExited(exit));
  }

  start(): void {
    try {
      this.pid = this.spawner.spawn({
        path: this.argv[0]!, argv: this.argv, env: [], newSession: true,
        stdin: { kind: 'null' }, stdout: { kind: 'inherit' }, stderr: { kind: 'inherit' },
      }).pid;
    } catch (e) {
      this.logger.log({ level: 'err', unit: this.name, message: `Failed to spawn: ${(e as Error).message}` });
      this.enterDead('resources');
      return;
    }
    this.setState('running');
  }

  private childExited(exit: ChildExit): void {
    if (exit.pid !== this.pid) return;
    this.pid = undefined;
    if (this.state === 'running') {
      const ok = exit.code === 'exited' && exit.status === 0;
      this.enterDead(ok ? 'success' : exit.code === 'exited' ? 'exit-code' : 'signal');
    } else {
      this.enterDead('timeout');
    }
  }

  private timedOut(): void {
    if (this.state === 'running') {
      this.logger.log({ level: 'warning', unit: this.name, message: 'Timed out. Terminating.' });
      this.spawner.kill(this.pid!, signals.SIGTERM);
      this.setState('stop-sigterm');
    } else if (this.state === 'stop-sigterm') {
      this.logger.log({ level: 'warning', unit: this.name, message: 'State \'stop-sigterm\' timed out. Killing.' });
      this.spawner.kill(this.pid!, signals.SIGKILL);
      this.setState('stop-sigkill');
    } else {
      this.logger.log({ level: 'warning', unit: this.name, message: 'Processes still around after SIGKILL. Ignoring.' });
      this.enterDead('timeout');
    }
  }

  private enterDead(result: TaskResult): void {
    // The first failure wins, as in systemd.
    if (this.result === 'success') this.result = result;
    this.setState(this.result === 'success' ? 'done' : 'failed');
  }

  /** The one place that changes state: it also owns the timer, which runs in every stopping/running state. */
  private setState(state: TaskState): void {
    this.timer?.dispose();
    this.timer = undefined;
    if (state === 'running' || state === 'stop-sigterm' || state === 'stop-sigkill') {
      this.timer = this.loop.armTimer(this.loop.now() + this.timeout, () => this.timedOut());
    }
    this.logger.log({ level: 'debug', unit: this.name, message: `Changed ${this.state} -> ${state}` });
    this.state = state;
  }
}

// ---- its tests ----

describe('README example: TaskUnit', () => {
  const SEC = 1_000_000;
  let fakes: Fakes;
  let task: TaskUnit;

  beforeEach(() => {
    fakes = createFakes();
    task = new TaskUnit('backup.task', ['/usr/bin/backup', '--all'], 10 * SEC, fakes.loop, fakes.spawner, fakes.logger);
  });

  it('succeeds when the process exits 0 in time', () => {
    task.start();
    expect(fakes.spawner.last().spec!.argv).to.deep.equal(['/usr/bin/backup', '--all']);
    expect(fakes.loop.pendingTimers().map((t) => t.at - fakes.loop.now())).to.deep.equal([10 * SEC]);

    fakes.loop.advance(9 * SEC);
    fakes.spawner.last().exit(0);

    expect(task.state).to.equal('done');
    expect(fakes.loop.pendingTimers()).to.deep.equal([]);
    expect(fakes.spawner.signals).to.deep.equal([]);
  });

  it('fails with exit-code when the process exits non-zero', () => {
    task.start();
    fakes.spawner.last().exit(3);
    expect([task.state, task.result]).to.deep.equal(['failed', 'exit-code']);
  });

  it('terminates a hung process, and kills one that ignores SIGTERM', () => {
    task.start();
    const backup = fakes.spawner.last().ignore(signals.SIGTERM);

    fakes.loop.advance(10 * SEC);
    expect(task.state).to.equal('stop-sigterm');
    expect(backup.alive).to.equal(true);

    fakes.loop.advance(10 * SEC);
    expect(fakes.spawner.signalsTo(backup.pid)).to.deep.equal([signals.SIGTERM, signals.SIGKILL]);
    expect([task.state, task.result]).to.deep.equal(['failed', 'timeout']);
    expect(backup.exitStatus).to.deep.equal({ pid: backup.pid, code: 'killed', status: signals.SIGKILL });
    expect(fakes.logger.find(/Timed out\. Terminating\./)?.at).to.equal(fakes.loop.now() - 10 * SEC);
  });

  it('gives up on a process that survives SIGKILL', () => {
    task.start();
    fakes.spawner.last().ignore(signals.SIGTERM, signals.SIGKILL);
    fakes.loop.advance(30 * SEC);
    expect([task.state, task.result]).to.deep.equal(['failed', 'timeout']);
    expect(fakes.logger.lines()).to.include('backup.task: Processes still around after SIGKILL. Ignoring.');
  });

  it('fails with resources when the process cannot be created', () => {
    fakes.spawner.failNextSpawn('EAGAIN');
    task.start();
    expect([task.state, task.result]).to.deep.equal(['failed', 'resources']);
    expect(fakes.logger.find('Failed to spawn')?.level).to.equal('err');
  });
});
