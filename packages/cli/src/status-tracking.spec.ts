/**
 * `status` says how a unit's processes are tracked when it is not by a cgroup (the kill plugin's
 * process-group fallback), and `show` stays what systemd prints.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const daemonJs = path.join(here, 'unitkitd.js');
const ctlJs = path.join(here, 'unitkitctl.js');

describe('status on the process-group fallback', function () {
  this.timeout(20000);
  let dir: string;
  let daemon: ChildProcess;
  let env: NodeJS.ProcessEnv;
  const ctl = (...args: string[]) =>
    new Promise<{ rc: number; out: string }>((resolve) =>
      execFile(process.execPath, [ctlJs, ...args], { env }, (e, out) => resolve({ rc: (e as { code?: number } | null)?.code ?? 0, out })),
    );

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-tracking-'));
    fs.mkdirSync(path.join(dir, 'units'));
    fs.writeFileSync(path.join(dir, 'units', 's.service'), '[Service]\nExecStart=/bin/sleep 30\n');
    env = { ...process.env, UNITKIT_SCOPE_BACKEND: 'process-group', UNITKIT_RUNTIME_DIR: path.join(dir, 'run'), XDG_RUNTIME_DIR: dir, UNITKIT_UNIT_PATH: `${path.join(dir, 'units')}:`, NO_COLOR: '1' };
    daemon = spawn(process.execPath, [daemonJs, '--user'], { env, stdio: 'ignore' });
    const end = Date.now() + 10000;
    while ((await ctl('is-system-running')).rc !== 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  });

  after(async () => {
    const exited = new Promise((r) => daemon.on('exit', r));
    daemon.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints a Tracking: line for a running service, and show has no such property', async () => {
    expect((await ctl('start', 's.service')).rc).to.equal(0);
    const status = await ctl('status', 's.service');
    expect(status.out).to.match(/^   Tracking: process groups and subreaper bookkeeping \(forced by configuration\): a process that leaves its session/m);
    expect(status.out).to.not.match(/CGroup:/);
    expect((await ctl('show', 's.service')).out).to.not.contain('Tracking');
  });
});
