/**
 * NativeIpcObjects (RemoveIPC=) with real System V objects made by util-linux's ipcmk as another
 * user, and POSIX shared memory and message queue files of that user.
 */
import { expect } from 'chai';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeIpcObjects } from './native-ipc-objects.js';
import { outputPipe, scratch, spawner, startReaping, track, waitExit } from './spec-helpers.js';

const NOBODY = 65534;

/** The ids of the System V objects of `uid` in /proc/sysvipc/`file`. */
function sysvIds(file: 'shm' | 'sem' | 'msg', uid: number): string[] {
  const col = file === 'sem' ? 4 : 7;
  return readFileSync(`/proc/sysvipc/${file}`, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((c) => Number(c[col]) === uid).map((c) => c[1]!);
}

/** Runs util-linux's ipcmk/ipcrm through the native spawner (the reaper owns every child here). */
async function run(argv: string[], uid?: number): Promise<{ status: number; out: string }> {
  const out = outputPipe();
  const child = spawner.spawn({
    path: `/usr/bin/${argv[0]}`, argv, env: ['PATH=/usr/bin:/bin'], stdin: { kind: 'null' }, stdout: { kind: 'fd', fd: out.writeFd }, stderr: { kind: 'fd', fd: out.writeFd },
    ...(uid !== undefined ? { uid, gid: uid, supplementaryGroups: [] } : {}),
  });
  track(child.pid);
  const exit = await waitExit(child.pid);
  return { status: exit.status, out: out.collect() };
}

describe('NativeIpcObjects (RemoveIPC=)', () => {
  before(startReaping);

  it("removes the System V objects and POSIX files of a user or group, and nothing of root's", async function () {
    if (process.geteuid?.() !== 0 || !existsSync('/usr/bin/ipcmk') || !existsSync('/proc/sysvipc/shm')) {
      console.log('      (skipped: needs root, util-linux ipcmk and System V IPC in the kernel)');
      return this.skip();
    }
    // ipcmk run as nobody: the objects are nobody's.
    for (const args of [['-M', '4096'], ['-S', '1'], ['-Q']]) {
      const r = await run(['ipcmk', ...args], NOBODY);
      expect(r.status, r.out).to.equal(0);
    }
    const rootShm = await run(['ipcmk', '-M', '4096']);
    expect(rootShm.status).to.equal(0);
    const shm = join(scratch, 'shm');
    const mqueue = join(scratch, 'mqueue');
    mkdirSync(join(shm, 'sub'), { recursive: true });
    mkdirSync(mqueue, { recursive: true });
    for (const f of [join(shm, 'seg'), join(shm, 'sub', 'inner'), join(mqueue, 'q'), join(shm, 'roots')]) writeFileSync(f, '');
    for (const f of [join(shm, 'seg'), join(shm, 'sub', 'inner'), join(shm, 'sub'), join(mqueue, 'q')]) chownSync(f, NOBODY, NOBODY);
    const ipc = new NativeIpcObjects({ sysvipc: '/proc/sysvipc', shm, mqueue });
    const before = { shm: sysvIds('shm', NOBODY).length, sem: sysvIds('sem', NOBODY).length, msg: sysvIds('msg', NOBODY).length, root: sysvIds('shm', 0).length };
    expect(before.shm >= 1 && before.sem >= 1 && before.msg >= 1).to.equal(true);
    const removed = ipc.removeOwnedBy(NOBODY, undefined);
    expect(removed).to.equal(before.shm + before.sem + before.msg + 4);
    expect([sysvIds('shm', NOBODY), sysvIds('sem', NOBODY), sysvIds('msg', NOBODY)]).to.deep.equal([[], [], []]);
    expect(sysvIds('shm', 0).length).to.equal(before.root);
    expect([existsSync(join(shm, 'sub')), existsSync(join(mqueue, 'q')), existsSync(join(shm, 'roots'))]).to.deep.equal([false, false, true]);
    // Root's own objects are never removed, even when asked.
    expect(ipc.removeOwnedBy(0, 0)).to.equal(0);
    const id = /([0-9]+)/.exec(rootShm.out)?.[1];
    await run(['ipcrm', '-m', id!]);
  });
});
