import { expect } from 'chai';
import { createTestManager } from '@unitkit/testing';
import { targetModule } from './target-module.js';

describe('TargetUnitType', () => {
  const make = (units = {}) => createTestManager({ modules: [targetModule], units });

  it('goes from dead to active on start and back on stop', () => {
    const t = make({ 'a.target': {} });
    expect(t.state('a.target')).to.equal('inactive/dead');
    const j = t.start('a.target');
    expect(t.resultOf(j)).to.equal('done');
    expect(t.state('a.target')).to.equal('active/active');
    t.stop('a.target');
    expect(t.state('a.target')).to.equal('inactive/dead');
  });

  it('adds Conflicts= and Before= on shutdown.target by default, but not to shutdown.target itself', () => {
    const t = make({ 'a.target': {}, 'shutdown.target': {} });
    const a = t.unit('a.target');
    expect([...a.dependencies('Conflicts')].map((u) => u.id)).to.deep.equal(['shutdown.target']);
    expect([...a.dependencies('Before')].map((u) => u.id)).to.deep.equal(['shutdown.target']);
    expect(t.unit('shutdown.target').dependencies('Conflicts').size).to.equal(0);
  });

  it('adds no default dependencies with DefaultDependencies=no', () => {
    const t = make({ 'a.target': { Unit: { DefaultDependencies: false } } });
    expect(t.unit('a.target').dependencies('Conflicts').size).to.equal(0);
  });

  it('is ordered after what it pulls in, and after units wanted by it, when both have default dependencies', () => {
    const t = make({
      'a.target': { Unit: { Wants: 'b.target' } },
      'b.target': {},
      'c.target': { Unit: { DefaultDependencies: false } },
      'd.target': { Unit: { Wants: 'c.target' } },
    });
    const a = t.unit('a.target');
    t.run();
    expect(a.hasDependency('After', t.unit('b.target'))).to.equal(true);
    const d = t.unit('d.target');
    t.run();
    expect(d.hasDependency('After', t.unit('c.target'))).to.equal(false);
  });

  it('never fails: reset-failed and a failed state do not apply', () => {
    const t = make({ 'a.target': {} });
    expect(t.unit('a.target').type.canFail).to.equal(false);
  });

  it('keeps its state across serialize/deserialize', () => {
    const t = make({ 'a.target': {} });
    t.start('a.target');
    const a = t.unit('a.target');
    const saved = a.type.serialize!(a);
    expect(saved).to.deep.equal({ state: 'active' });
  });
});
