import { expect } from 'chai';
import { examplesUnitDir, parseDaemonOptions } from './daemon-options.js';

describe('unitkitd options', () => {
  it('runs the bundled examples when given neither a unit path nor a runtime dir', () => {
    const o = parseDaemonOptions(['--user'], { XDG_RUNTIME_DIR: '/run/user/1000' });
    if (o === 'help') throw new Error('unexpected');
    expect(o.examples).to.equal(true);
    // The examples alone: the default path would pull in the machine's own user units.
    expect(o.unitPath).to.deep.equal([examplesUnitDir('/run/user/1000/unitkit')]);
    expect(o.runtimeDir).to.equal('/run/user/1000/unitkit');
  });

  it('takes UNITKIT_UNIT_PATH and UNITKIT_RUNTIME_DIR, a trailing colon appending the defaults', () => {
    const o = parseDaemonOptions(['--user'], { UNITKIT_UNIT_PATH: '/a:/b', UNITKIT_RUNTIME_DIR: '/r' });
    if (o === 'help') throw new Error('unexpected');
    expect(o.unitPath).to.deep.equal(['/a', '/b']);
    expect(o.runtimeDir).to.equal('/r');
    const withDefaults = parseDaemonOptions(['--user', '--unit-path=/a:'], { UNITKIT_RUNTIME_DIR: '/r' });
    if (withDefaults === 'help') throw new Error('unexpected');
    expect(withDefaults.unitPath[0]).to.equal('/a');
    expect(withDefaults.unitPath.length).to.be.greaterThan(2);
  });

  it('command-line options win over the environment', () => {
    const o = parseDaemonOptions(['--system', '--unit-path=/x', '--runtime-dir=/y', '--unit=multi-user.target', '--log-level=debug'], { UNITKIT_UNIT_PATH: '/a' });
    if (o === 'help') throw new Error('unexpected');
    expect(o).to.include({ scope: 'system', runtimeDir: '/y', defaultUnit: 'multi-user.target', logLevel: 'debug' });
    expect(o.unitPath).to.deep.equal(['/x']);
  });

  it('refuses unknown options and bad values with a message', () => {
    expect(() => parseDaemonOptions(['--bogus'], {})).to.throw(/Unknown option --bogus/);
    expect(() => parseDaemonOptions(['--log-level=loud'], {})).to.throw(/Unknown log level/);
    expect(() => parseDaemonOptions(['--unit-path='], {})).to.throw(/needs a value/);
    expect(parseDaemonOptions(['--help'], {})).to.equal('help');
  });

  it('is the machine\'s manager in --system mode as PID 1 of its namespace or with --as-init, never in --user mode', () => {
    const env = { UNITKIT_UNIT_PATH: '/a', UNITKIT_RUNTIME_DIR: '/r' };
    const machine = (argv: string[], pid: number) => {
      const o = parseDaemonOptions(argv, env, { pid });
      if (o === 'help') throw new Error('unexpected');
      return o.machineManager;
    };
    expect(machine(['--system'], 1)).to.equal(true);
    expect(machine(['--system'], 4242)).to.equal(false);
    expect(machine(['--system', '--as-init'], 4242)).to.equal(true);
    expect(machine(['--user'], 1)).to.equal(false);
    expect(() => parseDaemonOptions(['--user', '--as-init'], env)).to.throw(/--as-init needs --system/);
    expect(() => parseDaemonOptions(['--system', '--as-init=yes'], env)).to.throw(/takes no value/);
  });
});
