/**
 * The unit registry: loading, aliases, garbage collection, and unit types added from outside.
 */
import { expect } from 'chai';
import { createTestManager } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { toyModule } from './toy-unit-type.js';

describe('unit registry', () => {
  it('resolves aliases to one unit', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module] });
    t.units.add('real.service', {}, { aliases: ['alias.service'] });
    const byAlias = t.unit('alias.service');
    expect(byAlias.id).to.equal('real.service');
    expect(t.unit('real.service')).to.equal(byAlias);
    expect([...byAlias.names].sort()).to.deep.equal(['alias.service', 'real.service']);
  });

  it('an alias loaded after its unit merges into it', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module] });
    t.units.add('real.service', {}, { aliases: ['alias.service'] });
    const real = t.unit('real.service');
    expect(t.unit('alias.service')).to.equal(real);
  });

  it('loads templated instances from the template', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module], units: { 'echo@.service': { Unit: { Description: 'Echo' } } } });
    const u = t.unit('echo@one.service');
    expect(u.loadState).to.equal('loaded');
    expect(u.instance).to.equal('one');
    expect(u.description).to.equal('Echo');
  });

  it('keeps going when one unit is broken: it loads as bad-setting, others load', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module], units: { 'a.service': { Unit: { Wants: 'bad.service ok.service' } }, 'ok.service': {} } });
    t.units.broken('bad.service', '/etc/x/bad.service:4: Invalid value for TimeoutSec=');
    t.start('a.service');
    expect(t.unit('bad.service').loadState).to.equal('bad-setting');
    expect(t.unit('bad.service').loadError).to.contain('bad.service:4');
    expect(t.state('ok.service')).to.equal('active/running');
  });

  describe('garbage collection', () => {
    it('collects an inactive unit nothing references, keeps referenced, active and failed ones', () => {
      const toy = toyModule();
      const t = createTestManager({ modules: [toy.module, targetModule], units: { 'lone.service': {}, 'top.target': { Unit: { Wants: 'kept.service' } }, 'kept.service': {}, 'run.service': {}, 'bad.service': { Toy: { FailOnStart: true } } } });
      const m = t.manager;
      m.loadUnit('lone.service');
      t.unit('top.target');
      m.addJob('start', 'run.service');
      m.addJob('start', 'bad.service');
      t.run();
      expect(m.getUnit('lone.service')).to.equal(undefined);
      expect(m.getUnit('kept.service')).to.not.equal(undefined);
      expect(m.getUnit('run.service')).to.not.equal(undefined);
      expect(m.getUnit('bad.service')?.activeState()).to.equal('failed');
      m.addJob('stop', 'run.service');
      t.run();
      expect(m.getUnit('run.service')).to.equal(undefined);
    });

    it('collects a cycle of units that only reference each other', () => {
      const toy = toyModule();
      const t = createTestManager({ modules: [toy.module], units: { 'a.service': { Unit: { Wants: 'b.service' } }, 'b.service': { Unit: { Wants: 'a.service' } } } });
      t.manager.loadUnit('a.service');
      t.run();
      expect(t.manager.allUnits().map((u) => u.id)).to.deep.equal([]);
    });

    it('CollectMode=inactive-or-failed collects failed units too', () => {
      const toy = toyModule();
      const t = createTestManager({ modules: [toy.module], units: { 'f.service': { Unit: { CollectMode: 'inactive-or-failed' }, Toy: { FailOnStart: true } } } });
      t.manager.addJob('start', 'f.service');
      t.run();
      expect(t.manager.getUnit('f.service')).to.equal(undefined);
    });

    it('ref() keeps a unit, unref() lets it go', () => {
      const toy = toyModule();
      const t = createTestManager({ modules: [toy.module], units: { 'a.service': {} } });
      const u = t.manager.ref(t.manager.loadUnit('a.service'));
      t.run();
      expect(t.manager.getUnit('a.service')).to.equal(u);
      t.manager.unref(u);
      t.run();
      expect(t.manager.getUnit('a.service')).to.equal(undefined);
    });
  });

  it('adds a unit type from outside the repo\'s plugins through a module alone', () => {
    const widget = toyModule('widget');
    const t = createTestManager({ modules: [widget.module, targetModule], units: { 'w.target': { Unit: { Wants: 'blue.widget' } }, 'blue.widget': {} } });
    t.start('w.target');
    expect(t.state('blue.widget')).to.equal('active/running');
    expect([...t.manager.unitTypes().keys()].sort()).to.deep.equal(['target', 'widget']);
  });

  it('refuses two types with the same suffix', () => {
    const a = toyModule('service');
    const b = toyModule('service');
    expect(() => createTestManager({ modules: [a.module, b.module] })).to.throw(/Two unit types claim the suffix \.service/);
  });
});

describe('daemon-reload', () => {
  it('picks up new settings and dependencies and keeps runtime state', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module, targetModule], units: { 'a.service': { Unit: { Description: 'old' } }, 'b.service': {} } });
    (toy.type as unknown as { serialize: (u: { data: unknown }) => unknown; deserialize: (u: { data: unknown }, s: unknown) => void }).serialize = (u) => ({ ...(u.data as object) });
    (toy.type as unknown as { deserialize: (u: { data: object }, s: object) => void }).deserialize = (u, s) => Object.assign(u.data, s);
    t.start('a.service');
    t.units.add('a.service', { Unit: { Description: 'new', Wants: 'b.service' } });
    t.manager.reload();
    t.run();
    const a = t.unit('a.service');
    expect(a.description).to.equal('new');
    expect(t.state('a.service')).to.equal('active/running');
    expect(a.hasDependency('Wants', t.unit('b.service'))).to.equal(true);
  });

  it('a running unit whose file is gone stays active as not-found', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module], units: { 'a.service': {} } });
    (toy.type as unknown as { serialize: (u: { data: unknown }) => unknown }).serialize = (u) => ({ ...(u.data as object) });
    (toy.type as unknown as { deserialize: (u: { data: object }, s: object) => void }).deserialize = (u, s) => Object.assign(u.data, s);
    t.start('a.service');
    t.units.remove('a.service');
    t.manager.reload();
    t.run();
    const a = t.unit('a.service');
    expect(a.loadState).to.equal('not-found');
    expect(t.state('a.service')).to.equal('active/running');
    t.stop('a.service');
    expect(t.state('a.service')).to.equal('inactive/dead');
  });

  it('a unit that appears on disk can be started after a reload, and without one', () => {
    const toy = toyModule();
    const t = createTestManager({ modules: [toy.module] });
    expect(() => t.manager.addJob('start', 'late.service')).to.throw('not found');
    t.units.add('late.service', {});
    // systemd retries the load of a not-found unit when a start is asked for.
    t.start('late.service');
    expect(t.state('late.service')).to.equal('active/running');
  });
});
