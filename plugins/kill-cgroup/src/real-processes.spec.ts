/**
 * KillMode= with real processes, on both backends: a toy service (stopping as systemd's service does,
 * through the ProcessScopes port) runs a shell that forks setsid'd grandchildren which survive
 * SIGTERM. The cgroup backend is skipped, with the reason, where no writable cgroup v2 exists; the
 * fallback always runs (forced by option).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { ContainerModule } from 'inversify';
import type { Manager, Unit } from '@unitkit/core';
import { EventLoop, Logger, ProcessScopes, ProcessSpawner, UnitDefinitionSource, UnitTypeContribution, createManager, defaultCgroupContext } from '@unitkit/core';
import { NativeEventLoop, NativeProcessSpawner } from '@unitkit/native';
import { MemoryLogger, MemoryUnitSource } from '@unitkit/testing';
import { createKillCgroupModule, selectScopeBackend, unitKillCommon, scopeProperties, CgroupUnitScope, KillCgroupProcessScopes } from './index.js';
import { ToyServiceType, type ToyServiceData } from './toy-service.test-helper.js';
import { formatPropertyValue } from '@unitkit/core';

/** One event loop per process: the reaper is process-wide. */
let sharedLoop: NativeEventLoop | undefined;
function loop(): NativeEventLoop {
  return (sharedLoop ??= new NativeEventLoop());
}

/**
 * The program under test: forks N grandchildren in new sessions that record a SIGTERM but keep
 * running ('stay') or exit after 0.6 s ('short'); the main process exits on SIGTERM ('stay') or
 * right away ('exit').
 */
const TREE_SH = `
n=$1; dir=$2; mode=$3
i=0
while [ $i -lt $n ]; do
  if [ "$mode" = exit ]; then
    setsid /bin/sh -c 'echo $$ >> "$1/pids"; sleep 0.8' gc "$dir" &
  else
    setsid /bin/sh -c 'trap "echo TERM >> \\"$1/term.$$\\"" TERM; echo $$ >> "$1/pids"; while :; do sleep 0.1; done' gc "$dir" &
  fi
  i=$((i+1))
done
[ "$mode" = exit ] && { sleep 0.3; exit 0; }
[ "$mode" = exit-now ] && exit 0
trap 'exit 0' TERM
while :; do sleep 0.1; done
`;

const until = async (what: string, pred: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const alive = (pid: number): boolean => {
  try {
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

interface Harness {
  manager: Manager;
  logger: MemoryLogger;
  scopes: KillCgroupProcessScopes;
  dir: string;
  unit(): Unit<ToyServiceData>;
  grandchildren(): number[];
  termed(): number[];
  start(settings?: Record<string, unknown>, mode?: 'stay' | 'exit'): Promise<Unit<ToyServiceData>>;
  stop(): Promise<number>;
  close(): void;
}

function harness(backend: 'cgroup' | 'process-group'): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kill-cgroup-'));
  fs.writeFileSync(path.join(dir, 'tree.sh'), TREE_SH);
  const logger = new MemoryLogger({ level: 'debug' });
  const units = new MemoryUnitSource();
  const spawner = new NativeProcessSpawner({ logger });
  const ports = new ContainerModule(({ bind }) => {
    bind(EventLoop).toConstantValue(loop());
    bind(ProcessSpawner).toConstantValue(spawner);
    bind(Logger).toConstantValue(logger);
    bind(UnitDefinitionSource).toConstantValue(units);
    bind(ToyServiceType).toSelf().inSingletonScope();
    bind(UnitTypeContribution).toService(ToyServiceType);
  });
  const { manager, container } = createManager({
    modules: [ports, createKillCgroupModule({ backend, pollInterval: 50_000 })],
    options: { scope: 'user' },
  });
  const scopes = container.get<KillCgroupProcessScopes>(ProcessScopes);
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '');
  let unit: Unit<ToyServiceData> | undefined;
  return {
    manager,
    logger,
    scopes,
    dir,
    unit: () => unit!,
    grandchildren: () => read('pids').split('\n').filter(Boolean).map(Number),
    termed: () => fs.readdirSync(dir).filter((f) => f.startsWith('term.')).map((f) => Number(f.slice(5))),
    async start(settings = {}, mode = 'stay') {
      units.add('tree.service', { Service: { Argv: ['/bin/sh', path.join(dir, 'tree.sh'), '2', dir, mode], TimeoutStop: 700_000, ...settings } });
      const job = manager.addJob('start', 'tree.service', 'replace');
      expect(await job.wait()).to.equal('done');
      unit = manager.getUnit('tree.service') as Unit<ToyServiceData>;
      manager.ref(unit as unknown as Unit);
      await until('grandchildren', () => this.grandchildren().length === 2);
      return unit;
    },
    async stop() {
      const t0 = Date.now();
      const job = manager.addJob('stop', 'tree.service', 'replace');
      expect(await job.wait()).to.equal('done');
      return Date.now() - t0;
    },
    close() {
      for (const pid of this.grandchildren()) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      const u = unit;
      if (u?.data.mainPid) try { process.kill(u.data.mainPid, 'SIGKILL'); } catch { /* gone */ }
      manager.dispose();
      scopes.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function scenarios(backend: 'cgroup' | 'process-group'): void {
  let h: Harness;
  beforeEach(() => {
    h = harness(backend);
  });
  afterEach(() => h.close());

  it('KillMode=control-group: setsid\'d grandchildren ignoring SIGTERM are killed, nothing is left', async () => {
    const u = await h.start();
    const main = u.data.mainPid!;
    expect(h.scopes.scope(u as Unit).backend).to.equal(backend);
    expect(h.scopes.scope(u as Unit).pids()).to.include.members([main, ...h.grandchildren()]);
    await h.stop();
    expect(u.data.history).to.deep.equal(['running', 'stop-sigterm', 'final-sigterm', 'final-sigkill', 'dead']);
    expect(h.termed().sort()).to.deep.equal(h.grandchildren().sort()); // they saw SIGTERM and ignored it
    await until('everything gone', () => [main, ...h.grandchildren()].every((p) => !alive(p)), 2000);
    expect(h.logger.find(/Killing process \d+ \(sh\) with signal SIGKILL\./)).to.not.equal(undefined);
    expect(h.scopes.scope(u as Unit).isEmpty()).to.equal(true);
  });

  it('KillMode=process: only the main process is stopped, the grandchildren are left', async () => {
    const u = await h.start({ KillMode: 'process' });
    const main = u.data.mainPid!;
    await h.stop();
    // No timeout was waited for: the stop went straight from SIGTERM to dead.
    expect(u.data.history).to.deep.equal(['running', 'stop-sigterm', 'dead']);
    await until('main gone', () => !alive(main));
    expect(h.grandchildren().every(alive)).to.equal(true);
    expect(h.termed()).to.deep.equal([]);
  });

  it('KillMode=mixed: SIGTERM to the main process only, the final SIGKILL to all', async () => {
    const u = await h.start({ KillMode: 'mixed' });
    const main = u.data.mainPid!;
    await h.stop();
    // Main exited on SIGTERM and the rest was killed at once: no timeout state in between.
    expect(u.data.history).to.deep.equal(['running', 'stop-sigterm', 'final-sigkill', 'dead']);
    expect(h.termed()).to.deep.equal([]); // the grandchildren never got SIGTERM
    await until('everything gone', () => [main, ...h.grandchildren()].every((p) => !alive(p)), 2000);
  });

  it('KillMode=none: nothing is killed, the unit is inactive at once', async () => {
    const u = await h.start({ KillMode: 'none' });
    const main = u.data.mainPid!;
    await h.stop();
    expect(u.data.history).to.deep.equal(['running', 'dead']);
    expect([main, ...h.grandchildren()].every(alive)).to.equal(true);
  });

  it('a service whose main process exited first ends when its last process is gone (empty detection)', async () => {
    const u = await h.start({}, 'exit');
    await until('main exit', () => u.data.mainPid === undefined);
    expect(u.data.state).to.equal('running'); // the grandchildren still live
    await until('unit dead through scopeEmpty', () => u.data.state === 'dead', 3000);
    expect(h.grandchildren().every((p) => !alive(p))).to.equal(true);
  });

  it('systemctl kill: main without a main process is refused; all with SIGKILL takes everything', async () => {
    const u = await h.start();
    const main = u.data.mainPid!;
    expect(unitKillCommon(h.scopes, u as Unit, 'control', 15, { mainPid: main })).to.deep.equal({ ok: false, message: 'No control process to kill' });
    expect(unitKillCommon(h.scopes, u as Unit, 'all', 9, { mainPid: main })).to.deep.equal({ ok: true });
    await until('everything gone', () => [main, ...h.grandchildren()].every((p) => !alive(p)), 2000);
    await until('unit dead', () => u.data.state === 'dead');
    expect(unitKillCommon(h.scopes, u as Unit, 'main', 15, {})).to.deep.equal({ ok: false, message: 'No main process to kill' });
    expect(unitKillCommon(h.scopes, u as Unit, 'all-fail', 15, {})).to.deep.equal({ ok: false, message: 'No matching processes to kill' });
    expect(unitKillCommon(h.scopes, u as Unit, 'all', 15, {})).to.deep.equal({ ok: true });
  });

  it('shows the backend and its counters', async () => {
    const u = await h.start();
    const scope = h.scopes.scope(u as Unit);
    const props = Object.fromEntries(scopeProperties(scope).map(([k, v]) => [k, formatPropertyValue(v)]));
    expect(Number(props.TasksCurrent)).to.be.at.least(3);
    expect(props.Slice).to.equal(backend === 'cgroup' ? 'app.slice' : '');
    if (backend === 'cgroup') {
      expect(props.ControlGroup).to.match(/\/unitkit-\d+\/app\.slice\/tree\.service$/);
      expect(scope.description).to.match(/^cgroup v2/);
    } else {
      expect(props.ControlGroup).to.equal('');
      expect(props.MemoryCurrent).to.equal('[not set]');
      expect(scope.description).to.match(/process groups.*forced by configuration.*leaves its session and process group/);
    }
    await h.stop();
  });
}

describe('KillMode= with real processes', function () {
  this.timeout(15000);

  describe('cgroup v2 backend', function () {
    before(function () {
      let reason: string | undefined;
      try {
        const info = selectScopeBackend({ backend: 'auto' });
        if (info.backend !== 'cgroup') reason = info.reason;
        else fs.rmSync(info.root, { recursive: true, force: true });
      } catch (e) {
        reason = (e as Error).message;
      }
      if (reason) {
        console.log(`      skipped: ${reason}`);
        this.skip();
      }
    });
    scenarios('cgroup');

    it('creates app.slice/UNIT under the manager\'s subtree, puts the processes in it and removes it when done', async () => {
      const h = harness('cgroup');
      try {
        const u = await h.start();
        const scope = h.scopes.scope(u as Unit) as CgroupUnitScope;
        const procs = fs.readFileSync(path.join(scope.dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
        expect(procs).to.include.members([u.data.mainPid!, ...h.grandchildren()]);
        expect(fs.readFileSync(`/proc/${u.data.mainPid}/cgroup`, 'utf8')).to.contain(`0::${scope.controlGroup}\n`);
        await h.stop();
        expect(fs.existsSync(scope.dir)).to.equal(false);
        expect(fs.existsSync(path.dirname(scope.dir))).to.equal(false); // the empty app.slice went too
      } finally {
        h.close();
      }
    });
    it('Delegate=: hands the unit\'s cgroup to the user its processes run as (as root, a real cgroup)', async function () {
      if (process.geteuid?.() !== 0) {
        console.log('      skipped: chown of a cgroup needs root');
        return this.skip();
      }
      const h = harness('cgroup');
      try {
        const u = await h.start();
        const scope = h.scopes.scope(u as Unit) as CgroupUnitScope;
        const files = ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads'].map((f) => path.join(scope.dir, f));
        // Without Delegate= nothing is handed over.
        scope.delegateTo(65534, 65534);
        expect(files.map((f) => fs.statSync(f).uid)).to.deep.equal([0, 0, 0, 0]);
        (u as Unit).cgroupContext = { ...defaultCgroupContext(Infinity), delegate: true, delegateControllers: ['pids'] };
        scope.delegateTo(65534, 65534);
        expect(files.map((f) => `${fs.statSync(f).uid}:${fs.statSync(f).gid}`)).to.deep.equal(Array(4).fill('65534:65534'));
        // What stays the manager's: the kill switch (where the kernel has one) and the limits.
        if (fs.existsSync(path.join(scope.dir, 'cgroup.kill'))) expect(fs.statSync(path.join(scope.dir, 'cgroup.kill')).uid).to.equal(0);
        await h.stop();
      } finally {
        h.close();
      }
    });
  });

  describe('process-group fallback (forced)', () => {
    scenarios('process-group');
  });
});
