/**
 * The manager state a re-exec carries (core's manager-serialization.ts), on the fake loop: one
 * manager serializes, a fresh one deserializes, as the two process images of a re-exec do.
 */
import { expect } from 'chai';
import { ContainerModule } from 'inversify';
import type { Unit, UnitType } from '@unitkit/core';
import { UnitTypeContribution, deserializeManager, formatManagerState, parseManagerState, serializeManager } from '@unitkit/core';
import { createTestManager } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { ToyUnitType, type ToyData } from './toy-unit-type.js';

/** The toy with a runtime state to carry and a timer it arms while starting. */
class SerializingToy extends ToyUnitType {
  timerEvents: string[] = [];
  override start(unit: Unit<ToyData>) {
    const r = super.start(unit);
    unit.setTimer('timeout', unit.manager.loop.now() + 5_000_000);
    return r;
  }
  serialize(unit: Unit<ToyData>): Record<string, unknown> {
    if (unit.id === 'broken.service') throw new Error('cannot say');
    // The hooks a test makes throw are a Set: not state, and not JSON.
    const { throwIn: _throwIn, ...state } = unit.data;
    return state;
  }
  serializeFds(unit: Unit<ToyData>): number[] {
    return unit.data.starts > 0 ? [40 + unit.data.starts] : [];
  }
  deserialize(unit: Unit<ToyData>, state: Record<string, unknown>): void {
    Object.assign(unit.data, state);
  }
  override timerEvent(unit: Unit<ToyData>, key: string): void {
    this.timerEvents.push(`${unit.id}:${key}`);
  }
}

function make() {
  const type = new SerializingToy('service');
  const module = new ContainerModule(({ bind }) => {
    bind(UnitTypeContribution).toConstantValue(type as unknown as UnitType);
  });
  const units = { 'a.service': { Toy: { Mode: 'manual' } }, 'b.service': {}, 'broken.service': {} };
  return { ...createTestManager({ modules: [module, targetModule], units, options: { environment: { A: '1' } } }), type };
}

describe('manager serialization (re-exec)', () => {
  it('keeps Infinity and array holes through the text form', () => {
    const state = { version: 1, environment: [], exitStatus: 0, units: [], jobs: [], fds: [], extra: { deadline: Infinity, low: -Infinity, slots: [3, undefined, 5] } };
    const back = parseManagerState(formatManagerState(state as never)) as unknown as typeof state;
    expect(back.extra.deadline).to.equal(Infinity);
    expect(back.extra.low).to.equal(-Infinity);
    expect(back.extra.slots.length).to.equal(3);
    expect(back.extra.slots[1]).to.equal(undefined);
    expect(back.extra.slots[2]).to.equal(5);
  });

  it('a fresh manager takes over units, their timers, a job in flight and the environment', () => {
    const old = make();
    old.manager.setEnvironment(['B=2']);
    old.start('b.service');
    const job = old.start('a.service');
    expect(old.state('a.service')).to.equal('activating/starting');
    const invocation = old.unit('a.service').invocationId;
    const deadline = old.unit('a.service').armedTimers()[0]![1];
    const state = serializeManager(old.manager);
    // The fds the types name, once each.
    expect(state.fds).to.deep.equal([41]);

    const next = make();
    deserializeManager(next.manager, parseManagerState(formatManagerState(state)));
    next.run();
    expect(next.state('a.service')).to.equal('activating/starting');
    expect(next.state('b.service')).to.equal('active/running');
    expect(next.manager.environment).to.deep.equal({ A: '1', B: '2' });
    const a = next.manager.getUnit('a.service')!;
    expect(a.invocationId).to.equal(invocation);
    expect(a.armedTimers()).to.deep.equal([['timeout', deadline]]);
    // The job is the same one, still running, and completes when the unit gets there.
    expect(a.job?.id).to.equal(job.id);
    expect(a.job?.state).to.equal('running');
    next.type.complete(a);
    next.run();
    expect(a.job).to.equal(undefined);
    expect(next.state('a.service')).to.equal('active/running');
    // Job ids go on after the carried ones.
    expect(next.start('b.service').id).to.be.greaterThan(job.id);
    // The re-armed timer fires at its old deadline.
    next.loop.advanceTo(deadline);
    expect(next.type.timerEvents).to.include('a.service:timeout');
  });

  it('refuses to serialize when a unit type cannot, naming the unit', () => {
    const t = make();
    t.unit('broken.service');
    expect(() => serializeManager(t.manager)).to.throw('Failed to serialize broken.service: cannot say');
  });

  it('refuses a state of another version', () => {
    const t = make();
    expect(() => deserializeManager(t.manager, { version: 99, environment: [], exitStatus: 0, units: [], jobs: [], fds: [] })).to.throw(/version 99/);
  });
});
