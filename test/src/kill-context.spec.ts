/**
 * core's killUnitContext() (systemd's unit_kill_context) over the test kit's fake scopes.
 */
import { expect } from 'chai';
import type { Unit } from '@unitkit/core';
import { defaultKillContext, readKillContext } from '@unitkit/core';
import { createTestManager, signals } from '@unitkit/testing';
import { toyModule } from './toy-unit-type.js';

const { SIGTERM, SIGCONT, SIGHUP, SIGKILL } = signals;

describe('killUnitContext over fake scopes', () => {
  const make = () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module], units: { 'a.service': {} } });
    const u = t.unit('a.service');
    const scope = t.scopes.scope(u);
    const spawn = () => {
      const p = t.spawner.spawn({ path: '/bin/x', argv: ['x'], env: [], stdin: { kind: 'null' }, stdout: { kind: 'null' }, stderr: { kind: 'null' } });
      scope.add(p.pid);
      return t.spawner.get(p.pid)!;
    };
    return { t, u, scope, spawn };
  };

  it('control-group: SIGTERM and SIGCONT to the main process and to everything else in the scope', () => {
    const { t, u, spawn } = make();
    const main = spawn();
    const child = main.fork();
    const wait = t.scopes.killContext(u, defaultKillContext, 'terminate', main.pid, undefined);
    expect(wait).to.equal(true);
    expect(t.spawner.signalsTo(main.pid)).to.deep.equal([SIGTERM, SIGCONT]);
    expect(t.spawner.signalsTo(child.pid)).to.deep.equal([SIGTERM, SIGCONT]);
  });

  it('process: only the main (and control) process', () => {
    const { t, u, spawn } = make();
    const main = spawn();
    const child = main.fork();
    t.scopes.killContext(u, { ...defaultKillContext, killMode: 'process' }, 'terminate', main.pid, undefined);
    expect(t.spawner.signalsTo(child.pid)).to.deep.equal([]);
  });

  it('mixed: SIGTERM to the main process only, the final SIGKILL to all', () => {
    const { t, u, spawn } = make();
    const main = spawn();
    const child = main.fork();
    const ctx = { ...defaultKillContext, killMode: 'mixed' as const };
    t.scopes.killContext(u, ctx, 'terminate', main.pid, undefined);
    expect(t.spawner.signalsTo(child.pid)).to.deep.equal([]);
    t.scopes.killContext(u, ctx, 'kill', main.pid, undefined);
    expect(t.spawner.signalsTo(child.pid)).to.deep.equal([SIGKILL]);
  });

  it('none: nothing, and nothing to wait for', () => {
    const { t, u, spawn } = make();
    const main = spawn();
    expect(t.scopes.killContext(u, { ...defaultKillContext, killMode: 'none' }, 'terminate', main.pid, undefined)).to.equal(false);
    expect(t.spawner.signalsTo(main.pid)).to.deep.equal([]);
  });

  it('SendSIGHUP=yes adds SIGHUP after the terminating signal; an alien main pid is not waited for', () => {
    const { t, u, spawn } = make();
    const main = spawn();
    t.scopes.killContext(u, { ...defaultKillContext, sendSIGHUP: true, killMode: 'process' }, 'terminate', main.pid, undefined);
    expect(t.spawner.signalsTo(main.pid)).to.deep.equal([SIGTERM, SIGCONT, SIGHUP]);
    expect(t.scopes.killContext(u, { ...defaultKillContext, killMode: 'process' }, 'terminate', main.pid, undefined, true)).to.equal(false);
  });

  it('reports an emptied scope to the unit type', async () => {
    const { t, u, spawn } = make();
    const seen: string[] = [];
    (u.type as unknown as { scopeEmpty: (x: Unit) => void }).scopeEmpty = (x) => seen.push(x.id);
    const main = spawn();
    const child = main.fork();
    main.exit(0);
    t.run();
    await Promise.resolve();
    expect(seen).to.deep.equal([]);
    child.exit(0);
    t.run();
    await Promise.resolve();
    expect(seen).to.deep.equal(['a.service']);
  });

  it('kill --kill-whom: main, control or all; all never signals main and control twice', () => {
    const { t, u, spawn } = make();
    const main = spawn();
    const control = spawn();
    const child = main.fork();
    expect(t.scopes.kill(u, 'main', signals.SIGUSR1, main.pid, control.pid)).to.equal(true);
    expect(t.spawner.signalsTo(main.pid)).to.deep.equal([signals.SIGUSR1]);
    expect(t.spawner.signalsTo(child.pid)).to.deep.equal([]);
    t.scopes.kill(u, 'control-fail', signals.SIGUSR2, main.pid, control.pid);
    expect(t.spawner.signalsTo(control.pid)).to.deep.equal([signals.SIGUSR2]);
    t.scopes.kill(u, 'all', signals.SIGHUP, main.pid, control.pid);
    expect(t.spawner.signalsTo(main.pid)).to.deep.equal([signals.SIGUSR1, signals.SIGHUP]);
    expect(t.spawner.signalsTo(child.pid)).to.deep.equal([signals.SIGHUP]);
    expect(t.scopes.kill(u, 'main', signals.SIGHUP, undefined, undefined)).to.equal(false);
  });

  it('reads the kill settings with systemd\'s defaults; RestartKillSignal= follows KillSignal=', () => {
    expect(readKillContext(undefined)).to.deep.equal(defaultKillContext);
    const c = readKillContext(new Map<string, unknown>([['KillSignal', 2], ['KillMode', 'mixed']]));
    expect(c).to.include({ killSignal: 2, restartKillSignal: 2, killMode: 'mixed' });
  });
});
