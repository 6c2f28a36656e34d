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

  it('logs to the console as PID 1 of its namespace unless told otherwise, and to the journal elsewhere', () => {
    const env = { UNITKIT_UNIT_PATH: '/a', UNITKIT_RUNTIME_DIR: '/r' };
    const target = (argv: string[], pid: number, more: Record<string, string> = {}) => {
      const o = parseDaemonOptions(argv, { ...env, ...more }, { pid });
      if (o === 'help') throw new Error('unexpected');
      return o.logTarget;
    };
    expect(target(['--system'], 1)).to.equal('console');
    expect(target(['--user'], 1)).to.equal('console');
    expect(target(['--system'], 4242)).to.equal('journal');
    expect(target(['--system', '--log-target=journal'], 1)).to.equal('journal');
    expect(target(['--user'], 4242, { UNITKIT_LOG_TARGET: 'console' })).to.equal('console');
    expect(target(['--user', '--log-target=auto'], 4242, { UNITKIT_LOG_TARGET: 'console' })).to.equal('journal');
    expect(() => target(['--log-target=kmsg'], 1)).to.throw(/Unknown log target kmsg/);
  });

  it('takes the health endpoint, its units and the shutdown deadline', () => {
    const env = { UNITKIT_UNIT_PATH: '/a', UNITKIT_RUNTIME_DIR: '/r' };
    const parse = (argv: string[], more: Record<string, string> = {}) => {
      const o = parseDaemonOptions(argv, { ...env, ...more });
      if (o === 'help') throw new Error('unexpected');
      return o;
    };
    expect(parse([]).healthListen).to.equal(undefined);
    expect(parse([]).shutdownTimeoutSec).to.equal(90);
    expect(parse(['--health-listen=0.0.0.0:8080']).healthListen).to.deep.equal({ host: '0.0.0.0', port: 8080 });
    expect(parse([], { UNITKIT_HEALTH_LISTEN: '[::1]:0' }).healthListen).to.deep.equal({ host: '::1', port: 0 });
    expect(parse(['--health-listen=127.0.0.1:1', '--health-units=echo.socket,ticker']).healthUnits).to.deep.equal(['echo.socket', 'ticker.service']);
    expect(parse(['--shutdown-timeout=2.5']).shutdownTimeoutSec).to.equal(2.5);
    expect(() => parse(['--health-listen=localhost:80'])).to.throw(/numeric address/);
    expect(() => parse(['--health-listen=127.0.0.1'])).to.throw(/ADDR:PORT/);
    expect(() => parse(['--health-listen=127.0.0.1:70000'])).to.throw(/out of range/);
    expect(() => parse(['--health-listen=[127.0.0.1]:80'])).to.throw(/numeric address/);
    expect(() => parse(['--health-units=a.service'])).to.throw(/needs --health-listen=/);
    expect(() => parse(['--health-listen=127.0.0.1:1', '--health-units=a b.service'])).to.throw(/not a valid unit name/);
    expect(() => parse(['--shutdown-timeout=0'])).to.throw(/above 0/);
    expect(() => parse([], { UNITKIT_EXAMPLES_HOST: 'anywhere' })).to.throw(/numeric address/);
  });
});
