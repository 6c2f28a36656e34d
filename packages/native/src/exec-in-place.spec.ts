import { expect } from 'chai';
import { execInPlace } from './exec-in-place.js';
import { closeFd, getCloexec, pipe } from './fd-ops.js';
import type { ErrnoError } from './addon.js';

function errorOf(fn: () => unknown): ErrnoError {
  try {
    fn();
  } catch (e) {
    return e as ErrnoError;
  }
  throw new Error('expected a throw');
}

// The successful exec replaces the process: unitkitd's re-exec tests (packages/cli) cover it.
describe('execInPlace', () => {
  it('throws when execve() fails and leaves every fd flag as it was', () => {
    const [r, w] = pipe();
    expect(getCloexec(r)).to.equal(true);
    const e = errorOf(() => execInPlace('/nonexistent/unitkit-binary', ['x'], { A: '1' }, [r]));
    expect(e.code).to.equal('ENOENT');
    expect(e.syscall).to.equal('execve');
    // r was switched to inherit for the exec, and back; stdio stays inheritable.
    expect(getCloexec(r)).to.equal(true);
    expect(getCloexec(w)).to.equal(true);
    closeFd(r);
    closeFd(w);
  });

  it('refuses an fd to keep that is not open, before changing anything', () => {
    const e = errorOf(() => execInPlace('/bin/true', ['true'], {}, [987_654]));
    expect(e.code).to.equal('EBADF');
  });
});
