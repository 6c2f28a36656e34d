/**
 * unitkitctl's quick path (ctl-quick.ts): which calls it leaves to the full client, and, against a
 * real unitkitd, that the bin (quick path) prints and exits exactly as the full client
 * (dist/unitkitctl.js run directly) for the verbs it answers.
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runQuick } from './ctl-quick.js';
import type { SyncSocketOps } from './ctl-sync-call.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const daemonJs = path.join(here, 'unitkitd.js');
const ctlBin = path.resolve(here, '../bin/unitkitctl.js');
const fullCtl = path.join(here, 'unitkitctl.js');

describe('unitkitctl quick path', () => {
  const noSocket = (): SyncSocketOps => {
    throw new Error('the quick path must not connect here');
  };
  const silent = { out: () => {}, err: () => {}, flush: () => {} };

  it('leaves other verbs, usage errors, help and a missing addon to the full client', () => {
    for (const argv of [
      ['status', 'a.service'], ['list-units'], [], ['start', 'a.service'], ['--help'], ['--version'], ['-o', 'help'], ['-t', 'help'],
      ['--frob', 'show'], ['show', '-p'], ['--p', 'Id', 'show'], ['is-active'], ['is-failed', '-q'], ['export', 'kubernetes', 'a.service'], ['-H', 'h', 'show'],
    ]) {
      expect(runQuick(argv, {}, noSocket, silent), argv.join(' ')).to.equal(undefined);
    }
    expect(runQuick(['--no-pager', 'show', 'a.service'], {}, () => undefined, silent)).to.equal(undefined);
  });
});

describe('unitkitctl quick path against a real unitkitd', function () {
  this.timeout(20000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let daemon: ReturnType<typeof spawn>;

  const run = (script: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    new Promise<{ rc: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [script, ...args], { env: { ...env, ...extra } }, (error, out, err) => {
        resolve({ rc: error ? ((error as { code?: number }).code ?? 1) : 0, out, err });
      });
    });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkitctl-quick-'));
    const units = path.join(dir, 'units');
    fs.mkdirSync(units);
    fs.writeFileSync(path.join(units, 'a.target'), '[Unit]\nDescription=Target A\n');
    fs.writeFileSync(path.join(units, 's.service'), '[Service]\nExecStart=/bin/sleep 60\n');
    env = { ...process.env, UNITKIT_RUNTIME_DIR: path.join(dir, 'run'), XDG_RUNTIME_DIR: dir, UNITKIT_UNIT_PATH: `${units}:`, XDG_CONFIG_HOME: path.join(dir, 'config'), NO_COLOR: '1' };
    daemon = spawn(process.execPath, [daemonJs, '--user'], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const end = Date.now() + 10000;
    while ((await run(ctlBin, ['start', 'a.target'])).rc !== 0) {
      if (Date.now() > end) throw new Error('unitkitd did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    if (daemon.exitCode === null) {
      const exited = new Promise((r) => daemon.on('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints and exits as the full client: show, is-active, is-failed, errors', async () => {
    for (const args of [
      ['show', 's.service', '-p', 'ActiveState'],
      ['show', 'a.target', 'nope.service', '-p', 'Id,LoadState,ActiveState'],
      ['show', 's.service', '-P', 'Type', '-p', 'Id,SubState'],
      ['show', '--value', '-p', 'Description', 'a.target'],
      ['show', 'a.target'],
      ['show', 's.service', '--all'],
      ['show', 'x.nosuchtype', 'a.target'],
      ['show', '-p', 'Version'],
      ['is-active', 'a.target', 's.service'],
      ['is-active', 's.service'],
      ['is-active', '-q', 'a.target'],
      ['is-failed', 'a.target', 'nope.service'],
      ['--user', 'is-active', 'x.nosuchtype'],
    ]) {
      const quick = await run(ctlBin, ['--no-pager', ...args]);
      const full = await run(fullCtl, ['--no-pager', ...args]);
      expect(quick, args.join(' ')).to.deep.equal(full);
    }
  });

  it('reports a manager that is not there as the full client does', async () => {
    const gone = { UNITKIT_RUNTIME_DIR: path.join(dir, 'nowhere'), UNITKIT_CONNECT_TIMEOUT_MS: '0' };
    const quick = await run(ctlBin, ['show', 'a.target'], gone);
    expect(quick).to.deep.equal(await run(fullCtl, ['show', 'a.target'], gone));
    expect(quick).to.include({ rc: 1, out: '' });
    expect(quick.err).to.match(/^Failed to connect to .*nowhere\/private: No such file or directory\n$/);
  });

  it('ends quietly when its reader goes away, as the full client does', async () => {
    const r = await new Promise<{ rc: number | null }>((resolve) => {
      // `| true`: the reader exits without reading; the exit status is unitkitctl's (pipefail).
      const p = spawn('bash', ['-c', `set -o pipefail; for i in 1 2 3; do "${process.execPath}" "${ctlBin}" show s.service --all; done | true`], { env, stdio: 'ignore' });
      p.on('exit', (rc) => resolve({ rc }));
    });
    expect(r.rc).to.equal(0);
  });
});
