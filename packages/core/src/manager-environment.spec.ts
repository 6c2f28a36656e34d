import { expect } from 'chai';
import { ManagerEnvironment } from './manager-environment.js';
import { ManagerError } from './manager-error.js';

describe('ManagerEnvironment', () => {
  it('lists the initial environment sorted, client variables after it, sorted, overrides in place', () => {
    const e = new ManagerEnvironment({ PATH: '/bin', HOME: '/root', A1: 'x', A: 'y' });
    e.set(['ZZ=1', 'AA=2', 'HOME=/x']);
    // strcmp order of whole assignments: "A1=x" before "A=y" ('1' < '=').
    expect(e.list()).to.deep.equal(['A1=x', 'A=y', 'HOME=/x', 'PATH=/bin', 'AA=2', 'ZZ=1']);
    expect(e.record()).to.include({ HOME: '/x', ZZ: '1', PATH: '/bin' });
  });

  it('unsets only client variables: an initial one stays, an override reverts', () => {
    const e = new ManagerEnvironment({ HOME: '/root', SHELL: '/bin/sh' });
    e.set(['HOME=/x', 'FOO=bar', 'X=a b']);
    e.unset(['HOME', 'SHELL', 'NOPE', 'X=a c']);
    expect(e.list()).to.deep.equal(['HOME=/root', 'SHELL=/bin/sh', 'FOO=bar', 'X=a b']);
    e.unset(['X=a b', 'FOO']);
    expect(e.list()).to.deep.equal(['HOME=/root', 'SHELL=/bin/sh']);
  });

  it('refuses bad or repeated assignments and bad names as systemd does, changing nothing', () => {
    const e = new ManagerEnvironment({});
    for (const bad of [['FOO'], ['=x'], ['A-B=1'], ['1A=2'], ['A=1', 'A=2'], ['OK=1', 'B\u0000=1']]) {
      expect(() => e.set(bad), bad.join(' ')).to.throw(ManagerError, 'Invalid environment assignments');
    }
    expect(() => e.unset(['A-B'])).to.throw(ManagerError, 'Invalid environment variable names or assignments');
    e.set(['B=a\u0001b', 'N=line\nnext', 'E=']);
    expect(e.list()).to.deep.equal(['B=a\u0001b', 'E=', 'N=line\nnext']);
  });

  it('gives a new record after each change, so later starts see it', () => {
    const e = new ManagerEnvironment({ A: '1' });
    const before = e.record();
    e.set(['B=2']);
    expect(before).to.deep.equal({ A: '1' });
    expect(e.record()).to.deep.equal({ A: '1', B: '2' });
  });
});
