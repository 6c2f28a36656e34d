/**
 * The behaviours systemd's src/test/test-engine.c checks, on the same unit graph
 * (systemd's test/units/{a..h}.service), run on the fake loop with a toy unit type.
 */
import { expect } from 'chai';
import type { Unit } from '@unitkit/core';
import { createTestManager } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { errorName } from './error-name.js';
import { toyModule } from './toy-unit-type.js';

const engineUnits = {
  'a.service': { Unit: { Description: 'A', Requires: 'b.service', Before: 'b.service' } },
  'b.service': { Unit: { Description: 'B', Wants: 'f.service' } },
  'c.service': { Unit: { Description: 'C', Requires: 'a.service' } },
  'd.service': { Unit: { Description: 'D:Cyclic', After: 'b.service', Before: 'a.service', Requires: 'a.service' } },
  'e.service': { Unit: { Description: 'E:Cyclic', After: 'b.service', Before: 'a.service', Wants: 'a.service' } },
  'f.service': { Unit: { Description: 'F' } },
  'g.service': { Unit: { Description: 'G', Conflicts: 'e.service' } },
  'h.service': { Unit: { Description: 'H', Wants: 'g.service' } },
};


const jobsOf = (units: Unit[]) => units.filter((u) => u.job).map((u) => `${u.id}/${u.job!.type}`).sort();

describe('job engine (systemd test-engine)', () => {
  const make = () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module, targetModule], units: engineUnits });
    const [a, b, c, d, e, f, g, h] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => t.unit(`${n}.service`));
    return { t, m: t.manager, a: a!, b: b!, c: c!, d: d!, e: e!, f: f!, g: g!, h: h!, all: [a!, b!, c!, d!, e!, f!, g!, h!] };
  };

  it('Test1: a trivial start pulls in requirements and wants', () => {
    const { m, c, all } = make();
    m.addJob('start', c, 'replace');
    expect(jobsOf(all)).to.deep.equal(['a.service/start', 'b.service/start', 'c.service/start', 'f.service/start']);
  });

  it('Test2: an ordering cycle among jobs that all matter fails the transaction', () => {
    const { m, d, all } = make();
    expect(errorName(() => m.addJob('start', d, 'replace'))).to.equal('TransactionOrderIsCyclic');
    expect(jobsOf(all)).to.deep.equal([]);
  });

  it('Test3: a fixable ordering cycle is broken by deleting a job that does not matter, then garbage is collected', () => {
    const { m, e, all } = make();
    m.addJob('start', e, 'replace');
    expect(jobsOf(all)).to.deep.equal(['e.service/start']);
  });

  it('Test4: an identical transaction in fail mode merges into the installed job', () => {
    const { m, e, all } = make();
    const j1 = m.addJob('start', e, 'replace');
    const j2 = m.addJob('start', e, 'fail');
    expect(j2).to.equal(j1);
    expect(jobsOf(all)).to.deep.equal(['e.service/start']);
  });

  it('Test5/6: a colliding transaction fails in fail mode and replaces the queued job in replace mode', () => {
    const { m, e, g, all } = make();
    m.addJob('start', e, 'replace');
    expect(errorName(() => m.addJob('start', g, 'fail'))).to.equal('TransactionIsDestructive');
    expect(jobsOf(all)).to.deep.equal(['e.service/start']);
    m.addJob('start', g, 'replace');
    expect(jobsOf(all)).to.deep.equal(['e.service/stop', 'g.service/start']);
  });

  it('Test7/8/9: stop does not merge with a queued start under fail, restart does; replace lets stop through', () => {
    const { m, e, g, all } = make();
    m.addJob('start', e, 'replace');
    m.addJob('start', g, 'replace');
    expect(errorName(() => m.addJob('stop', g, 'fail'))).to.equal('TransactionIsDestructive');
    m.addJob('restart', g, 'fail');
    expect(g.job!.type).to.equal('restart');
    m.addJob('stop', g, 'replace');
    expect(jobsOf(all)).to.deep.equal(['e.service/stop', 'g.service/stop']);
  });

  it('Test10: an unmergeable auxiliary job is dropped in fail mode instead of failing', () => {
    const { m, e, g, h, all } = make();
    m.addJob('start', e, 'replace');
    m.addJob('start', g, 'replace');
    m.addJob('stop', g, 'replace');
    m.addJob('start', h, 'fail');
    expect(jobsOf(all)).to.deep.equal(['e.service/stop', 'g.service/stop', 'h.service/start']);
  });

  it('runs the jobs of Test1 in dependency order and finishes them all', () => {
    const { t, m, c, all } = make();
    const order: string[] = [];
    m.events.on('unit-state', (u, _o, n) => n === 'active' && order.push(u.id));
    const j = m.addJob('start', c, 'replace');
    t.run();
    expect(t.resultOf(j)).to.equal('done');
    expect(jobsOf(all)).to.deep.equal([]);
    // a is ordered before b; the rest has no ordering.
    expect(order.indexOf('a.service')).to.be.lessThan(order.indexOf('b.service'));
    expect(order).to.have.members(['a.service', 'b.service', 'c.service', 'f.service']);
  });

  it('isolate stops what the target does not want and starts what it wants', () => {
    const toy = toyModule();
    const t = createTestManager({
      modules: [toy.module, targetModule],
      units: {
        'iso.target': { Unit: { AllowIsolate: true, Wants: 'x.service' } },
        'x.service': {},
        'y.service': {},
        'keep.service': { Unit: { IgnoreOnIsolate: true } },
        'plain.target': {},
      },
    });
    t.start('y.service');
    t.start('keep.service');
    expect(t.state('y.service')).to.equal('active/running');
    const j = t.job('start', 'iso.target', 'isolate');
    expect(t.resultOf(j)).to.equal('done');
    expect(t.state('x.service')).to.equal('active/running');
    expect(t.state('y.service')).to.equal('inactive/dead');
    expect(t.state('keep.service')).to.equal('active/running');
    expect(errorName(() => t.manager.addJob('start', 'plain.target', 'isolate'))).to.equal('NoIsolation');
    expect(errorName(() => t.manager.addJob('stop', 'iso.target', 'isolate'))).to.equal('InvalidArgs');
  });
});
