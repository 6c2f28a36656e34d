/**
 * Every dependency kind of systemd.unit(5), on the fake loop: what a start or stop pulls in, and
 * how units react when another changes state without a job.
 */
import { expect } from 'chai';
import { createTestManager, type UnitSpec } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { toyModule, type ToyData } from './toy-unit-type.js';

function make(units: Record<string, UnitSpec>) {
  const toy = toyModule();
  const t = createTestManager({ modules: [toy.module, targetModule], units });
  return { ...t, toy: toy.type };
}

describe('dependencies', () => {
  it('records the inverse of every dependency and a References= pair', () => {
    const t = make({
      'a.service': { Unit: { Requires: 'b.service', Wants: 'c.service', BindsTo: 'd.service', PartOf: 'e.service', Requisite: 'f.service', Upholds: 'g.service', Conflicts: 'h.service', Before: 'i.service', After: 'j.service', OnFailure: 'k.service', OnSuccess: 'l.service', PropagatesReloadTo: 'm.service', PropagatesStopTo: 'n.service' } },
    });
    const a = t.unit('a.service');
    const inverse: Record<string, string> = {
      'b.service': 'RequiredBy', 'c.service': 'WantedBy', 'd.service': 'BoundBy', 'e.service': 'ConsistsOf', 'f.service': 'RequisiteOf',
      'g.service': 'UpheldBy', 'h.service': 'ConflictedBy', 'i.service': 'After', 'j.service': 'Before', 'k.service': 'OnFailureOf',
      'l.service': 'OnSuccessOf', 'm.service': 'ReloadPropagatedFrom', 'n.service': 'StopPropagatedFrom',
    };
    for (const [name, kind] of Object.entries(inverse)) {
      const o = t.unit(name);
      expect(o.hasDependency(kind as never, a), `${name} ${kind}`).to.equal(true);
      expect(o.hasDependency('ReferencedBy', a)).to.equal(true);
    }
  });

  describe('Requires=', () => {
    it('starts the required unit and fails with "dependency" when it fails to start', () => {
      const t = make({ 'a.service': { Unit: { Requires: 'b.service', After: 'b.service' } }, 'b.service': { Toy: { FailOnStart: true } } });
      const j = t.start('a.service');
      expect(t.resultOf(j)).to.equal('dependency');
      expect(t.state('a.service')).to.equal('inactive/dead');
      expect(t.state('b.service')).to.equal('failed/failed');
      expect(t.logger.find(/Dependency failed for a\.service/)).to.not.equal(undefined);
    });

    it('fails the whole request when the required unit does not exist', () => {
      const t = make({ 'a.service': { Unit: { Requires: 'missing.service' } } });
      expect(() => t.manager.addJob('start', 'a.service')).to.throw('Unit missing.service not found.');
    });

    it('stops the requiring unit when the required one is stopped', () => {
      const t = make({ 'a.service': { Unit: { Requires: 'b.service' } }, 'b.service': {} });
      t.start('a.service');
      t.stop('b.service');
      expect(t.state('a.service')).to.equal('inactive/dead');
    });

    it('restarts the requiring unit when the required one is restarted, but not a stopped one', () => {
      const t = make({ 'a.service': { Unit: { Requires: 'b.service' } }, 'b.service': {}, 'c.service': { Unit: { Requires: 'b.service' } } });
      t.start('a.service');
      t.job('restart', 'b.service');
      expect(t.unit('a.service').data).to.include({ starts: 2, stops: 1 });
      expect(t.unit('c.service').data).to.include({ starts: 0 });
    });
  });

  describe('Wants=', () => {
    it('ignores a wanted unit that fails or does not exist', () => {
      const t = make({ 'a.service': { Unit: { Wants: 'b.service missing.service', After: 'b.service' } }, 'b.service': { Toy: { FailOnStart: true } } });
      const j = t.start('a.service');
      expect(t.resultOf(j)).to.equal('done');
      expect(t.state('a.service')).to.equal('active/running');
    });

    it('does not propagate a stop', () => {
      const t = make({ 'a.service': { Unit: { Wants: 'b.service' } }, 'b.service': {} });
      t.start('a.service');
      t.stop('b.service');
      expect(t.state('a.service')).to.equal('active/running');
    });
  });

  describe('Requisite=', () => {
    it('fails at once when the other unit is not active, without starting it', () => {
      const t = make({ 'a.service': { Unit: { Requisite: 'b.service', After: 'b.service' } }, 'b.service': {} });
      const j = t.start('a.service');
      expect(t.resultOf(j)).to.equal('dependency');
      expect(t.state('b.service')).to.equal('inactive/dead');
    });

    it('starts when the other unit is active', () => {
      const t = make({ 'a.service': { Unit: { Requisite: 'b.service', After: 'b.service' } }, 'b.service': {} });
      t.start('b.service');
      expect(t.resultOf(t.start('a.service'))).to.equal('done');
    });
  });

  describe('BindsTo=', () => {
    it('stops the bound unit when the other goes down by itself', () => {
      const t = make({ 'a.service': { Unit: { BindsTo: 'b.service', After: 'b.service' } }, 'b.service': {} });
      t.start('a.service');
      expect(t.state('b.service')).to.equal('active/running');
      t.toy.exit(t.unit('b.service'));
      t.run();
      expect(t.state('a.service')).to.equal('inactive/dead');
    });

    it('refuses to start while the other unit it is ordered after is not active', () => {
      const t = make({ 'a.service': { Unit: { BindsTo: 'b.service', After: 'b.service' } }, 'b.service': { Toy: { Mode: 'manual' } } });
      const j = t.manager.addJob('start', 'a.service', 'replace', {});
      t.run();
      // b is starting; a waits for it.
      expect(j.state).to.equal('waiting');
      t.toy.fail(t.unit('b.service'));
      t.run();
      expect(t.resultOf(j)).to.equal('dependency');
    });
  });

  describe('PartOf=', () => {
    it('stops and restarts with the other unit, but does not start with it', () => {
      const t = make({ 'a.service': { Unit: { PartOf: 'b.service' } }, 'b.service': {} });
      t.start('b.service');
      expect(t.state('a.service')).to.equal('inactive/dead');
      t.start('a.service');
      t.job('restart', 'b.service');
      expect(t.unit('a.service').data).to.include({ starts: 2, stops: 1 });
      t.stop('b.service');
      expect(t.state('a.service')).to.equal('inactive/dead');
    });
  });

  describe('Upholds=', () => {
    it('starts the upheld unit again whenever it goes down while the upholder is active', () => {
      const t = make({ 'a.service': { Unit: { Upholds: 'b.service' } }, 'b.service': {} });
      t.start('a.service');
      expect(t.state('b.service')).to.equal('active/running');
      t.toy.exit(t.unit('b.service'));
      t.run();
      expect(t.state('b.service')).to.equal('active/running');
      expect((t.unit('b.service').data as ToyData).starts).to.equal(2);
      expect(t.logger.find(/upholds it/)).to.not.equal(undefined);
    });
  });

  describe('Conflicts=', () => {
    it('stops the conflicting unit on start, in both directions', () => {
      const t = make({ 'a.service': { Unit: { Conflicts: 'b.service' } }, 'b.service': {} });
      t.start('b.service');
      t.start('a.service');
      expect(t.state('b.service')).to.equal('inactive/dead');
      t.start('b.service');
      expect(t.state('a.service')).to.equal('inactive/dead');
    });

    it('stops a conflicting unit that comes up without a job', () => {
      const t = make({ 'a.service': { Unit: { Conflicts: 'b.service' } }, 'b.service': {} });
      t.start('b.service');
      t.toy.comeUp(t.unit('a.service'));
      t.run();
      expect(t.state('b.service')).to.equal('inactive/dead');
    });
  });

  describe('Before=/After=', () => {
    it('starts in order and stops in reverse order', () => {
      const t = make({
        'all.target': { Unit: { Wants: 'a.service b.service c.service' } },
        'a.service': { Unit: { Before: 'b.service' } },
        'b.service': { Unit: { Before: 'c.service' } },
        'c.service': {},
      });
      const seen: string[] = [];
      t.manager.events.on('unit-state', (u, o, n) => o !== n && seen.push(`${u.id}:${n}`));
      t.start('all.target');
      expect(seen.filter((s) => s.endsWith(':active'))).to.deep.equal(['a.service:active', 'b.service:active', 'c.service:active', 'all.target:active']);
      seen.length = 0;
      t.manager.addJob('stop', 'a.service');
      t.manager.addJob('stop', 'b.service');
      t.manager.addJob('stop', 'c.service');
      t.run();
      expect(seen).to.deep.equal(['c.service:inactive', 'b.service:inactive', 'a.service:inactive']);
    });

    it('a start ordered after a unit waits until that unit has finished starting', () => {
      const t = make({ 'a.service': { Unit: { Wants: 'b.service', After: 'b.service' } }, 'b.service': { Toy: { Mode: 'manual' } } });
      const j = t.start('a.service');
      expect(t.state('b.service')).to.equal('activating/starting');
      expect(t.state('a.service')).to.equal('inactive/dead');
      expect(j.state).to.equal('waiting');
      t.toy.complete(t.unit('b.service'));
      t.run();
      expect(t.resultOf(j)).to.equal('done');
    });
  });

  describe('OnFailure=/OnSuccess=', () => {
    it('starts OnFailure= units when the unit fails, OnSuccess= units when it ends cleanly', () => {
      const t = make({
        'a.service': { Unit: { OnFailure: 'fail-handler.service', OnSuccess: 'ok-handler.service' } },
        'fail-handler.service': {},
        'ok-handler.service': {},
      });
      t.start('a.service');
      t.toy.fail(t.unit('a.service'));
      t.run();
      expect(t.state('fail-handler.service')).to.equal('active/running');
      expect(t.state('ok-handler.service')).to.equal('inactive/dead');
      t.manager.resetFailed(t.unit('a.service'));
      t.start('a.service');
      t.toy.exit(t.unit('a.service'));
      t.run();
      expect(t.state('ok-handler.service')).to.equal('active/running');
    });

    it('starts OnFailure= units when a start job fails with "dependency"', () => {
      const t = make({ 'a.service': { Unit: { Requires: 'b.service', After: 'b.service', OnFailure: 'h.service' } }, 'b.service': { Toy: { FailOnStart: true } }, 'h.service': {} });
      t.start('a.service');
      expect(t.state('h.service')).to.equal('active/running');
    });
  });

  describe('Triggers=', () => {
    it('tells the triggering unit about every state change of the triggered one', () => {
      const toy = toyModule();
      const notes: string[] = [];
      const triggerType = toyModule('socket');
      (triggerType.type as unknown as { triggerNotify: (u: { id: string }, o: { id: string; activeState(): string }) => void }).triggerNotify = (u, o) =>
        notes.push(`${u.id}<-${o.id}:${o.activeState()}`);
      const t = createTestManager({ modules: [toy.module, triggerType.module], units: { 'x.socket': {}, 'x.service': {} } });
      t.unit('x.socket').addDependency('Triggers', 'x.service');
      t.start('x.service');
      expect(notes).to.include('x.socket<-x.service:active');
    });
  });

  describe('PropagatesReloadTo=/PropagatesStopTo=', () => {
    it('reloads and stops the other unit along', () => {
      const t = make({ 'a.service': { Unit: { PropagatesReloadTo: 'b.service', PropagatesStopTo: 'c.service' } }, 'b.service': {}, 'c.service': {} });
      t.start('a.service');
      t.start('b.service');
      t.start('c.service');
      t.job('reload', 'a.service');
      expect((t.unit('b.service').data as ToyData).reloads).to.equal(1);
      t.stop('a.service');
      expect(t.state('c.service')).to.equal('inactive/dead');
    });
  });

  describe('StopWhenUnneeded=', () => {
    it('stops a unit once nothing that needs it is active', () => {
      const t = make({ 'a.service': { Unit: { Wants: 'helper.service' } }, 'helper.service': { Unit: { StopWhenUnneeded: true } } });
      t.start('a.service');
      expect(t.state('helper.service')).to.equal('active/running');
      t.stop('a.service');
      expect(t.state('helper.service')).to.equal('inactive/dead');
    });
  });

  describe('retroactive dependencies', () => {
    it('a unit that comes up without a job starts what it requires', () => {
      const t = make({ 'a.service': { Unit: { Requires: 'b.service' } }, 'b.service': {} });
      t.toy.comeUp(t.unit('a.service'));
      t.run();
      expect(t.state('b.service')).to.equal('active/running');
    });

    it('a unit bound to another goes down when the other goes down without a job', () => {
      const t = make({ 'a.service': { Unit: { BindsTo: 'b.service' } }, 'b.service': {} });
      t.start('a.service');
      t.toy.exit(t.unit('b.service'));
      t.run();
      expect(t.state('a.service')).to.equal('inactive/dead');
    });
  });

  it('a unit with many edges keeps its per-kind sets up to date, each in the order its units got that kind', () => {
    const names: Record<string, UnitSpec> = { 'hub.target': {} };
    for (let i = 0; i < 150; i++) names[`n${i}.service`] = {};
    const t = make(names);
    const hub = t.unit('hub.target');
    const n = (i: number) => t.unit(`n${i}.service`);
    const scan = (kind: 'Wants' | 'After' | 'Before') => {
      const out: string[] = [];
      for (let i = 0; i < 150; i++) if (hub.hasDependency(kind, n(i))) out.push(n(i).id);
      return out;
    };
    for (let i = 0; i < 100; i++) hub.linkDependency(i % 3 === 0 ? 'After' : 'Wants', n(i));
    const wants = hub.dependencies('Wants');
    expect(hub.dependencies('Wants'), 'kept, not made again').to.equal(wants);
    expect([...wants].map((u) => u.id).filter((id) => /^n\d+\.service$/.test(id))).to.deep.equal(scan('Wants'));
    // A new neighbour goes last; a removed one goes; an existing neighbour that gets the kind goes
    // last in that kind's set.
    hub.linkDependency('Wants', n(120));
    hub.unlinkDependency('Wants', n(1));
    hub.linkDependency('Wants', n(3));
    // Only the test's own units (the target also has its default dependencies, on shutdown.target).
    const order = (kind: 'Wants' | 'After' | 'Before') => [...hub.dependencies(kind)].map((u) => u.id).filter((id) => /^n\d+\.service$/.test(id));
    const edgeOrder = (kind: 'Wants' | 'After' | 'Before') => {
      const ids = scan(kind);
      // Each kind's order: n120, then n3 (for Wants) got it last.
      const last = kind === 'Wants' ? ['n120.service', 'n3.service'] : ['n120.service'];
      return [...ids.filter((id) => !last.includes(id)), ...last.filter((id) => ids.includes(id))];
    };
    expect(order('Wants')).to.deep.equal(edgeOrder('Wants'));
    expect(order('After')).to.deep.equal(edgeOrder('After'));
    expect(order('Before')).to.deep.equal([]);
    hub.unlinkDependency('After', n(0));
    expect(order('After')).to.deep.equal(edgeOrder('After'));
  });
});
