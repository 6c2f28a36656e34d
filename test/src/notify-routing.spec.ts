/**
 * Routing of child exits and sd_notify datagrams to the unit that watches the sender's pid; bad
 * datagrams are refused and logged, their fds closed, and the manager goes on.
 */
import { expect } from 'chai';
import type { ChildExit, Unit } from '@unitkit/core';
import { createTestManager } from '@unitkit/testing';
import { toyModule } from './toy-unit-type.js';

describe('pid routing', () => {
  const make = () => {
    const toy = toyModule();
    const got: string[] = [];
    const type = toy.type as unknown as Record<string, unknown>;
    type.notifyMessage = (u: Unit, sender: { pid: number }, fields: Map<string, string>, fds: number[]) =>
      got.push(`${u.id} ${sender.pid} ${[...fields].map(([k, v]) => `${k}=${v}`).join(',')} fds=${fds.join(',')}`);
    type.sigchldEvent = (u: Unit, exit: ChildExit) => got.push(`${u.id} exit ${exit.pid} ${exit.code} ${exit.status}`);
    const t = createTestManager({ modules: [toy.module], units: { 'a.service': {} } });
    return { t, got };
  };

  it('delivers a datagram from a watched pid to its unit, with its fds', () => {
    const { t, got } = make();
    const u = t.unit('a.service');
    u.watchPid(4242);
    t.notify.send(4242, 'READY=1\nSTATUS=up', { fds: [7] });
    expect(got).to.deep.equal(['a.service 4242 READY=1,STATUS=up fds=7']);
    expect(t.notify.closedFds).to.deep.equal([]);
  });

  it('refuses datagrams from unknown pids and malformed ones, logs them and closes their fds', () => {
    const { t, got } = make();
    t.unit('a.service').watchPid(4242);
    t.notify.send(999, 'READY=1', { fds: [8] });
    t.notify.send(4242, 'no assignment here', { fds: [9] });
    expect(got).to.deep.equal([]);
    expect(t.notify.closedFds).to.deep.equal([8, 9]);
    expect(t.logger.find(/Cannot find unit for notify message of PID 999/)).to.not.equal(undefined);
    expect(t.logger.find(/Received invalid notification message from PID 4242/)).to.not.equal(undefined);
  });

  it('delivers a child exit to the unit watching the pid once, then forgets the pid', () => {
    const { t, got } = make();
    const u = t.unit('a.service');
    const p = t.spawner.spawn({ path: '/bin/true', argv: ['true'], env: [], stdin: { kind: 'null' }, stdout: { kind: 'null' }, stderr: { kind: 'null' } });
    u.watchPid(p.pid);
    t.spawner.get(p.pid)!.exit(3);
    t.run();
    expect(got).to.deep.equal([`a.service exit ${p.pid} exited 3`]);
    expect(t.manager.unitsOfPid(p.pid)).to.deep.equal([]);
  });
});
