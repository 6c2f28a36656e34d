/**
 * Core's hook guard (issue 14, items 2 and 3): a unit type whose hooks throw fails its unit — crit
 * log with the unit and the stack, the unit failed with result resources, its job failed — and the
 * manager goes on; no job is ever left running with nothing to finish it. The managers here are
 * composed without unitkitd's process-wide exception handlers: an exception that escaped would fail
 * the test (mocha reports it) or leave a job installed.
 */
import * as fs from 'node:fs';
import { expect } from 'chai';
import { ContainerModule } from 'inversify';
import type { Unit } from '@unitkit/core';
import { EventLoop, Logger, UnitDefinitionSource, createManager } from '@unitkit/core';
import { NativeEventLoop, pipe } from '@unitkit/native';
import { MemoryLogger, MemoryUnitSource, createTestManager } from '@unitkit/testing';
import { toyModule, type ToyData } from './toy-unit-type.js';

const make = (units: Record<string, Record<string, Record<string, unknown>>> = {}, opts: { withoutEnterFailed?: boolean } = {}) => {
  const toy = toyModule();
  if (opts.withoutEnterFailed) toy.type.withoutEnterFailed();
  const t = createTestManager({ modules: [toy.module], units: { 'a.service': {}, 'b.service': {}, ...units } });
  const toyUnit = (name: string) => t.unit(name) as Unit<ToyData>;
  return { t, toy, toyUnit };
};

describe('hook guard', () => {
  it('a throwing start() fails the job and the unit (result resources), logs crit with the stack, and other jobs still run', () => {
    const { t, toyUnit } = make();
    toyUnit('a.service').data.throwIn.add('start');
    const ja = t.start('a.service');
    const jb = t.start('b.service');
    t.run();
    expect(t.resultOf(ja)).to.equal('failed');
    expect(t.resultOf(jb)).to.equal('done');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(toyUnit('a.service').data.result).to.equal('resources');
    expect(t.state('b.service')).to.equal('active/running');
    const crit = t.logger.find(/Unit type hook start\(\) failed: TypeError: toy start\(\) is broken/);
    expect(crit?.level).to.equal('crit');
    expect(crit?.unit).to.equal('a.service');
    expect(crit?.message).to.match(/\n\s+at /);
    expect(t.logger.find(/a\.service: Failed to start a\.service/)).to.not.equal(undefined);
  });

  it('without enterFailedState, core marks the unit failed itself; reset-failed forgets it', () => {
    const { t, toyUnit } = make({}, { withoutEnterFailed: true });
    t.start('a.service');
    toyUnit('a.service').data.throwIn.add('stop');
    const j = t.stop('a.service');
    t.run();
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.manager.failed().map((u) => u.id)).to.deep.equal(['a.service']);
    toyUnit('a.service').data.throwIn.clear();
    t.manager.resetFailed(t.unit('a.service'));
    t.run();
    // The type never left running; core's mark is gone and the type's state shows again.
    expect(t.state('a.service')).to.equal('active/running');
  });

  it('an enterFailedState() that throws too still leaves the unit failed', () => {
    const { t, toyUnit } = make();
    toyUnit('a.service').data.throwIn.add('start').add('enterFailedState');
    const j = t.start('a.service');
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.logger.find(/enterFailedState\(\) failed too/)?.level).to.equal('crit');
  });

  it('a throwing timerEvent() while a start job runs fails that job instead of leaving it running', () => {
    const { t, toyUnit } = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    const u = toyUnit('a.service');
    const j = t.start('a.service');
    expect(j.state).to.equal('running');
    u.data.throwIn.add('timerEvent');
    u.setTimer('tick', t.loop.now() + 1_000_000);
    t.loop.advance(1_000_000);
    expect(u.data.events).to.deep.equal(['timer tick']);
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.manager.installedJobs()).to.deep.equal([]);
  });

  it('a throwing activeState() reads as failed and fails the job from the event loop', () => {
    const { t, toyUnit } = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    const j = t.start('a.service');
    toyUnit('a.service').data.throwIn.add('activeState').add('subState');
    expect(t.state('a.service')).to.equal('failed/failed');
    t.run();
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.manager.failed().map((u) => u.id)).to.deep.equal(['a.service']);
  });

  it('a load() that throws leaves the unit in load state error; a start is refused, others load', () => {
    const { t } = make({ 'a.service': { Toy: { Throw: 'load' } } });
    const u = t.manager.loadUnit('a.service');
    expect(u.loadState).to.equal('error');
    expect(u.loadError).to.match(/toy load\(\) is broken/);
    expect(() => t.start('a.service')).to.throw(/failed to load properly/);
    expect(t.resultOf(t.start('b.service'))).to.equal('done');
  });

  it('throwing notifyMessage() and properties() fail their unit only', () => {
    const { t, toyUnit } = make();
    for (const name of ['a.service', 'b.service']) t.start(name);
    const a = toyUnit('a.service');
    a.data.throwIn.add('notifyMessage');
    a.watchPid(4242);
    t.notify.send(4242, 'READY=1', { fds: [5] });
    t.run();
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.state('b.service')).to.equal('active/running');

    const b = toyUnit('b.service');
    b.data.throwIn.add('properties');
    const props = t.manager.properties(b as unknown as Unit);
    expect(props.find(([n]) => n === 'Id')?.[1]).to.deep.equal({ type: 'string', value: 'b.service' });
    t.run();
    expect(t.state('b.service')).to.equal('failed/failed');
    expect(t.logger.filter(/Unit type hook (notifyMessage|properties)\(\) failed/).map((r) => r.unit)).to.deep.equal(['a.service', 'b.service']);
  });
});

describe('hook guard on the native event loop', () => {
  it('a throwing fdEvent() or timerEvent() called from the native loop fails the unit, and the loop goes on', async () => {
    const loop = new NativeEventLoop();
    const logger = new MemoryLogger();
    const toy = toyModule();
    const source = new MemoryUnitSource().addAll({ 'a.service': { Toy: { Mode: 'manual' } }, 'b.service': { Toy: { Mode: 'manual' } }, 'c.service': {} });
    const ports = new ContainerModule(({ bind }) => {
      bind(EventLoop).toConstantValue(loop);
      bind(Logger).toConstantValue(logger);
      bind(UnitDefinitionSource).toConstantValue(source);
    });
    const { manager } = createManager({ modules: [ports, toy.module] });
    const [fd, writeEnd] = pipe(true);
    fs.writeSync(writeEnd, 'x');
    try {
      const a = manager.loadUnit('a.service') as unknown as Unit<ToyData>;
      const b = manager.loadUnit('b.service') as unknown as Unit<ToyData>;
      manager.ref(a as unknown as Unit);
      manager.ref(b as unknown as Unit);
      const ja = manager.addJob('start', 'a.service');
      const jb = manager.addJob('start', 'b.service');
      a.data.throwIn.add('fdEvent');
      b.data.throwIn.add('timerEvent');
      // The pipe holds a byte: the watch fires on the next loop turn.
      a.watchFd(fd, { readable: true });
      b.setTimer('tick', loop.now() + 1000);
      const [ra, rb] = await Promise.all([ja.wait(), jb.wait()]);
      expect([ra, rb]).to.deep.equal(['failed', 'failed']);
      a.unwatchFd(fd);
      expect(`${a.activeState()}/${b.activeState()}`).to.equal('failed/failed');
      // The manager still works.
      expect(await manager.addJob('start', 'c.service').wait()).to.equal('done');
      // The level-triggered watch may fire again before the job's failure is seen: one unit, maybe twice.
      expect([...new Set(logger.filter(/Unit type hook (fdEvent|timerEvent)\(\) failed/).map((r) => r.unit))].sort()).to.deep.equal(['a.service', 'b.service']);
    } finally {
      fs.closeSync(fd);
      fs.closeSync(writeEnd);
      manager.dispose();
      loop.close();
    }
  });
});
