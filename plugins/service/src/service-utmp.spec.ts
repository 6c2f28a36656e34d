import { expect } from 'chai';
import { signals } from '@unitkit/testing';
import { serviceTest } from './test/service-harness.js';

describe('service: UtmpIdentifier= and UtmpMode=', () => {
  it('writes a record for each process of the unit when it starts and a dead record when it exits', () => {
    const t = serviceTest();
    t.service('getty.service', 'ExecStartPre=/bin/true\nExecStart=/sbin/agetty tty9\nUtmpIdentifier=tty9\nUtmpMode=login\nTTYPath=/dev/tty9');
    t.start('getty.service');
    const pre = t.spawner.last();
    pre.exit(0);
    const main = t.spawner.last();
    expect(t.utmp.records.slice(0, 3)).to.deep.equal([
      { id: 'tty9', pid: pre.pid, mode: 'login', line: 'tty9' },
      { id: 'tty9', pid: pre.pid, mode: 'dead', code: 1, status: 0 },
      { id: 'tty9', pid: main.pid, mode: 'login', line: 'tty9' },
    ]);
    t.stop('getty.service');
    expect(t.utmp.records[3]).to.deep.equal({ id: 'tty9', pid: main.pid, mode: 'dead', code: 2, status: signals.SIGTERM });
  });

  it('names the user in user mode and writes nothing without UtmpIdentifier=', () => {
    const t = serviceTest();
    t.service('u.service', 'ExecStart=/bin/sleep 100\nUtmpIdentifier=cons\nUtmpMode=user\nUser=65534');
    t.service('plain.service', 'ExecStart=/bin/sleep 100');
    t.start('u.service');
    t.start('plain.service');
    expect(t.utmp.records).to.deep.equal([{ id: 'cons', pid: t.spawner.find((_, s) => s.argv[0] === '/bin/sleep')!.pid, mode: 'user', user: '65534' }]);
  });
});
