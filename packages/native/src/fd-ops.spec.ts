import { expect } from 'chai';
import { closeFd, dupFd, dupFdTo, fdType, getCloexec, pipe, readFd, setCloexec, setNonblocking, socketInfo, socketPair, writeFd } from './fd-ops.js';
import {
  getResourceLimit,
  isChildSubreaper,
  killProcess,
  pidfdOpen,
  pidfdSendSignal,
  prctl,
  prctlOption,
  setResourceLimit,
} from './process-ops.js';
import { addon, addonPath } from './addon.js';
import type { ErrnoError } from './addon.js';
import { existsSync } from 'node:fs';
import { killLeftovers, spawner, startReaping, track, waitExit } from './spec-helpers.js';

function errorOf(fn: () => unknown): ErrnoError {
  try {
    fn();
  } catch (e) {
    return e as ErrnoError;
  }
  throw new Error('did not throw');
}

describe('fd and process operations', () => {
  afterEach(killLeftovers);

  it('loads the addon from the node-gyp build directory', () => {
    expect(existsSync(addonPath)).to.equal(true);
  });

  it('reads and writes raw fds, null on EAGAIN, empty at EOF', () => {
    const [r, w] = pipe(true);
    expect(readFd(r)).to.equal(null);
    expect(writeFd(w, 'abc')).to.equal(3);
    expect(readFd(r, 2)!.toString()).to.equal('ab');
    expect(readFd(r)!.toString()).to.equal('c');
    closeFd(w);
    expect(readFd(r)!.length).to.equal(0);
    closeFd(r);
  });

  it('duplicates with CLOEXEC above a minimum and toggles CLOEXEC and O_NONBLOCK', () => {
    const [r, w] = pipe();
    const copy = dupFd(r, 100);
    expect(copy).to.be.at.least(100);
    expect(getCloexec(copy)).to.equal(true);
    setCloexec(copy, false);
    expect(getCloexec(copy)).to.equal(false);
    setNonblocking(copy, true);
    expect(readFd(copy)).to.equal(null);
    const moved = dupFdTo(w, copy + 1, true);
    expect(moved).to.equal(copy + 1);
    expect(getCloexec(moved)).to.equal(true);
    for (const fd of [r, w, copy, moved]) closeFd(fd);
  });

  it('creates socket pairs of each type', () => {
    for (const type of ['stream', 'dgram', 'seqpacket'] as const) {
      const [a, b] = socketPair(type);
      expect(socketInfo(a)).to.deep.include({ familyName: 'unix', typeName: type });
      expect(fdType(b)).to.equal('socket');
      closeFd(a);
      closeFd(b);
    }
  });

  it('turns failures into errno errors and refuses bad arguments with TypeErrors', () => {
    expect(errorOf(() => closeFd(987654))).to.include({ code: 'EBADF', errno: 9, syscall: 'close' });
    // A pipe, not fd 0: under lerna/nx the test's stdin may itself be a socket.
    const [r, w] = pipe();
    try {
      expect(errorOf(() => socketInfo(r))).to.have.property('code', 'ENOTSOCK');
    } finally {
      closeFd(r);
      closeFd(w);
    }
    expect(errorOf(() => addon.close('x' as unknown as number))).to.be.instanceOf(TypeError);
    expect(errorOf(() => killProcess(0, 15))).to.include({ code: 'EINVAL' });
    expect(addon.errnoName(2)).to.equal('ENOENT');
  });

  it('signals through a pidfd, which then reports the exit as false', async () => {
    startReaping();
    const child = spawner.spawn({
      path: '/bin/sleep',
      argv: ['sleep', '30'],
      env: [],
      stdin: { kind: 'null' },
      stdout: { kind: 'null' },
      stderr: { kind: 'null' },
    });
    track(child.pid);
    let pidfd: number;
    try {
      pidfd = pidfdOpen(child.pid);
    } catch (e) {
      expect((e as ErrnoError).code).to.equal('ENOSYS');
      return;
    }
    expect(pidfdSendSignal(pidfd, 9)).to.equal(true);
    expect(await waitExit(child.pid)).to.include({ code: 'killed', status: 9 });
    expect(pidfdSendSignal(pidfd, 9)).to.equal(false);
    closeFd(pidfd);
  });

  it('gets and sets resource limits by systemd name', () => {
    const before = getResourceLimit('CORE');
    setResourceLimit('CORE', 0, before.hard);
    expect(getResourceLimit('CORE').soft).to.equal(0);
    setResourceLimit('CORE', before.soft, before.hard);
    expect(getResourceLimit(4)).to.deep.equal(before);
    expect(() => getResourceLimit('BOGUS')).to.throw(/BOGUS/);
  });

  it('reads prctl state', () => {
    expect(prctl(prctlOption.PR_GET_DUMPABLE)).to.be.oneOf([0, 1, 2]);
    expect(errorOf(() => prctl(-1))).to.include({ code: 'EINVAL', syscall: 'prctl' });
    expect(typeof isChildSubreaper()).to.equal('boolean');
  });
});
