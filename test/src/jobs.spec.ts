/**
 * Job types, job modes and job results, on the fake loop.
 */
import { expect } from 'chai';
import { ManagerError } from '@unitkit/core';
import { createTestManager, type UnitSpec } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { errorName } from './error-name.js';
import { toyModule, type ToyData } from './toy-unit-type.js';

function make(units: Record<string, UnitSpec>) {
  const toy = toyModule();
  const t = createTestManager({ modules: [toy.module, targetModule], units });
  return { ...t, toy: toy.type, data: (n: string) => t.unit(n).data as ToyData };
}


describe('job types', () => {
  it('try-restart restarts an active unit and does nothing to an inactive one', () => {
    const t = make({ 'a.service': {}, 'b.service': {} });
    t.start('a.service');
    expect(t.resultOf(t.job('try-restart', 'a.service'))).to.equal('done');
    expect(t.data('a.service')).to.include({ starts: 2, stops: 1 });
    const j = t.job('try-restart', 'b.service');
    expect(j.type).to.equal('nop');
    expect(t.resultOf(j)).to.equal('done');
    expect(t.data('b.service').starts).to.equal(0);
  });

  it('reload-or-start starts an inactive unit and reloads an active one; try-reload leaves an inactive one alone', () => {
    const t = make({ 'a.service': {} });
    t.job('reload-or-start', 'a.service');
    expect(t.state('a.service')).to.equal('active/running');
    t.job('reload-or-start', 'a.service');
    expect(t.data('a.service').reloads).to.equal(1);
    t.stop('a.service');
    expect(t.job('try-reload', 'a.service').type).to.equal('nop');
  });

  it('a reload of an inactive unit ends "invalid"; of a type that cannot reload, is refused', () => {
    const t = make({ 'a.service': {}, 'x.target': {} });
    expect(t.resultOf(t.job('reload', 'a.service'))).to.equal('invalid');
    expect(errorName(() => t.manager.addJob('reload', 'x.target'))).to.equal('JobTypeNotApplicable');
  });

  it('restart stops, then starts, as one job', () => {
    const t = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    t.start('a.service');
    t.toy.complete(t.unit('a.service'));
    t.run();
    const j = t.job('restart', 'a.service');
    expect(t.state('a.service')).to.equal('deactivating/stopping');
    t.toy.complete(t.unit('a.service'));
    t.run();
    expect(j.type).to.equal('start');
    expect(t.state('a.service')).to.equal('activating/starting');
    t.toy.complete(t.unit('a.service'));
    t.run();
    expect(t.resultOf(j)).to.equal('done');
  });

  it('a start of a unit that is stopping waits ("again") until the stop is done', () => {
    const t = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    t.start('a.service');
    t.toy.complete(t.unit('a.service'));
    const stop = t.stop('a.service');
    // Make the type see a start while it is still stopping.
    const u = t.unit('a.service');
    expect(t.state('a.service')).to.equal('deactivating/stopping');
    const start = t.manager.addJob('start', u, 'replace');
    t.run();
    expect(t.resultOf(stop)).to.equal('canceled');
    expect(start.state).to.equal('waiting');
    t.toy.complete(u);
    t.run();
    expect(t.state('a.service')).to.equal('activating/starting');
  });

  it('starting an active unit is done at once', () => {
    const t = make({ 'a.service': {} });
    t.start('a.service');
    expect(t.resultOf(t.start('a.service'))).to.equal('done');
    expect(t.data('a.service').starts).to.equal(1);
  });
});

describe('job modes', () => {
  it('replace cancels a conflicting queued job, fail refuses', () => {
    const t = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    const start = t.start('a.service');
    expect(errorName(() => t.manager.addJob('stop', 'a.service', 'fail'))).to.equal('TransactionIsDestructive');
    t.stop('a.service', 'replace');
    expect(t.resultOf(start)).to.equal('canceled');
  });

  it('replace-irreversibly queues a job later transactions may not cancel', () => {
    const t = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    t.start('a.service', 'replace-irreversibly');
    expect(errorName(() => t.manager.addJob('stop', 'a.service', 'replace'))).to.equal('TransactionIsDestructive');
  });

  it('flush cancels every queued job not in the new transaction', () => {
    const t = make({ 'a.service': { Toy: { Mode: 'manual' } }, 'b.service': {} });
    const a = t.start('a.service');
    t.start('b.service', 'flush');
    expect(t.resultOf(a)).to.equal('canceled');
  });

  it('ignore-dependencies pulls in nothing and ignores ordering', () => {
    const t = make({ 'a.service': { Unit: { Requires: 'b.service', After: 'b.service' } }, 'b.service': { Toy: { Mode: 'manual' } } });
    t.start('a.service', 'ignore-dependencies');
    expect(t.state('a.service')).to.equal('active/running');
    expect(t.state('b.service')).to.equal('inactive/dead');
  });

  it('ignore-requirements pulls in nothing but keeps ordering', () => {
    const t = make({ 'a.service': { Unit: { Requires: 'b.service', After: 'b.service' } }, 'b.service': { Toy: { Mode: 'manual' } } });
    t.start('b.service');
    const j = t.start('a.service', 'ignore-requirements');
    expect(j.state).to.equal('waiting');
    t.toy.complete(t.unit('b.service'));
    t.run();
    expect(t.resultOf(j)).to.equal('done');
  });

  it('triggering stops the units that trigger the one being stopped', () => {
    const toy = toyModule();
    const sock = toyModule('socket');
    const t = createTestManager({ modules: [toy.module, sock.module], units: { 'x.socket': {}, 'x.service': {} } });
    t.unit('x.socket').addDependency('Triggers', 'x.service');
    t.start('x.socket');
    t.start('x.service');
    t.job('stop', 'x.service', 'triggering');
    expect(t.state('x.socket')).to.equal('inactive/dead');
    expect(errorName(() => t.manager.addJob('start', 'x.service', 'triggering'))).to.equal('InvalidArgs');
  });

  it('an unknown mode is refused', () => {
    const t = make({ 'a.service': {} });
    expect(errorName(() => t.manager.addJob('start', 'a.service', 'bogus' as never))).to.equal('InvalidArgs');
  });
});

describe('job results and refusals', () => {
  it('not-found, masked and bad-setting units are refused with systemd\'s messages; stopping them is fine', () => {
    const t = make({});
    t.units.mask('m.service').broken('bad.service', '/x/bad.service:3: Invalid value');
    expect(() => t.manager.addJob('start', 'nope.service')).to.throw(ManagerError, 'Unit nope.service not found.');
    expect(() => t.manager.addJob('start', 'm.service')).to.throw(ManagerError, 'Unit m.service is masked.');
    expect(() => t.manager.addJob('start', 'bad.service')).to.throw(ManagerError, 'Unit bad.service has a bad unit file setting.');
    expect(t.resultOf(t.stop('nope.service'))).to.equal('done');
  });

  it('invalid names are refused', () => {
    const t = make({});
    expect(errorName(() => t.manager.addJob('start', 'no-suffix'))).to.equal('InvalidArgs');
    expect(errorName(() => t.manager.addJob('start', 'a.unknowntype'))).to.equal('InvalidArgs');
    expect(errorName(() => t.manager.addJob('start', '@x.service'))).to.equal('InvalidArgs');
  });

  it('RefuseManualStart=/RefuseManualStop= refuse manual requests but not dependencies', () => {
    const t = make({ 'r.service': { Unit: { RefuseManualStart: true, RefuseManualStop: true } }, 'a.service': { Unit: { Wants: 'r.service' } } });
    expect(errorName(() => t.manager.addJob('start', 'r.service', 'replace', { manual: true }))).to.equal('OnlyByDependency');
    t.start('a.service');
    expect(t.state('r.service')).to.equal('active/running');
    expect(errorName(() => t.manager.addJob('stop', 'r.service', 'replace', { manual: true }))).to.equal('OnlyByDependency');
  });

  it('a failed start ends "failed"; a condition that is not met ends "done" without starting', () => {
    const t = make({
      'f.service': { Toy: { FailOnStart: true } },
      'c.service': { Unit: { ConditionPathExists: [{ kind: 'PathExists', trigger: false, negate: false, param: '/nonexistent/unitkit' }] } },
    });
    expect(t.resultOf(t.start('f.service'))).to.equal('failed');
    const j = t.start('c.service');
    expect(t.resultOf(j)).to.equal('done');
    expect(t.state('c.service')).to.equal('inactive/dead');
    expect(t.unit('c.service').conditionResult).to.equal(false);
    expect(t.logger.find(/Condition check resulted in c\.service being skipped/)).to.not.equal(undefined);
  });

  it('an assert that fails ends "assert"', () => {
    const t = make({ 'a.service': { Unit: { AssertPathExists: [{ kind: 'PathExists', trigger: false, negate: false, param: '/nonexistent/unitkit' }] } } });
    expect(t.resultOf(t.start('a.service'))).to.equal('assert');
  });

  it('triggering conditions: one of them is enough', () => {
    const c = (param: string) => ({ kind: 'PathExists', trigger: true, negate: false, param });
    const t = make({ 'a.service': { Unit: { ConditionPathExists: [c('/nonexistent/x'), c('/')] } } });
    t.start('a.service');
    expect(t.state('a.service')).to.equal('active/running');
  });

  it('verify-active (Requisite=) of an inactive unit ends "skipped"', () => {
    const t = make({ 'a.service': { Unit: { Requisite: 'b.service' } }, 'b.service': {} });
    const events: string[] = [];
    t.manager.events.on('job-removed', (j, r) => events.push(`${j.unit.id}/${j.type}:${r}`));
    t.start('a.service');
    expect(events).to.include('b.service/verify-active:skipped');
  });

  it('JobTimeoutSec= ends a job that takes too long with "timeout" and triggers OnFailure=', () => {
    const t = make({ 'a.service': { Unit: { JobTimeoutSec: 5_000_000, OnFailure: 'h.service' }, Toy: { Mode: 'manual' } }, 'h.service': {} });
    const j = t.start('a.service');
    t.loop.advance(4_000_000);
    expect(t.resultOf(j)).to.equal(undefined);
    t.loop.advance(1_000_001);
    expect(t.resultOf(j)).to.equal('timeout');
    expect(t.state('h.service')).to.equal('active/running');
  });

  it('JobRunningTimeoutSec= counts from when the job starts running', () => {
    const t = make({ 'a.service': { Unit: { JobRunningTimeoutSec: 2_000_000 }, Toy: { Mode: 'manual' } } });
    const j = t.start('a.service');
    t.loop.advance(2_000_001);
    expect(t.resultOf(j)).to.equal('timeout');
  });

  it('wait() resolves with the result', async () => {
    const t = make({ 'a.service': { Toy: { Mode: 'manual' } } });
    const j = t.start('a.service');
    const p = j.wait();
    t.toy.complete(t.unit('a.service'));
    t.run();
    expect(await p).to.equal('done');
    expect(await j.wait()).to.equal('done');
  });

  it('emits job-new and job-removed events', () => {
    const t = make({ 'a.service': {} });
    const seen: string[] = [];
    t.manager.events.on('job-new', (j) => seen.push(`new ${j}`));
    t.manager.events.on('job-removed', (j, r) => seen.push(`removed ${j} ${r}`));
    t.start('a.service');
    expect(seen).to.deep.equal(['new a.service/start', 'removed a.service/start done']);
  });
});

describe('start rate limiting', () => {
  it('refuses the start past StartLimitBurst= within StartLimitIntervalSec= with start-limit-hit', () => {
    const t = make({ 'a.service': { Unit: { StartLimitBurst: 3, StartLimitIntervalSec: 10_000_000 } } });
    for (let i = 0; i < 3; i++) {
      expect(t.resultOf(t.start('a.service'))).to.equal('done');
      t.stop('a.service');
    }
    expect(t.resultOf(t.start('a.service'))).to.equal('failed');
    expect(t.state('a.service')).to.equal('failed/failed');
    expect(t.data('a.service').result).to.equal('start-limit-hit');
    expect(t.logger.find(/Start request repeated too quickly/)).to.not.equal(undefined);
    // reset-failed forgets the count.
    t.manager.resetFailed(t.unit('a.service'));
    expect(t.state('a.service')).to.equal('inactive/dead');
    expect(t.resultOf(t.start('a.service'))).to.equal('done');
  });

  it('allows starts again once the interval has passed, and uses the manager defaults (10 s, 5)', () => {
    const t = make({ 'a.service': {} });
    for (let i = 0; i < 5; i++) {
      t.start('a.service');
      t.stop('a.service');
    }
    t.loop.advance(10_000_001);
    expect(t.resultOf(t.start('a.service'))).to.equal('done');
  });

  it('StartLimitIntervalSec=0 disables the limit', () => {
    const t = make({ 'a.service': { Unit: { StartLimitIntervalSec: 0 } } });
    for (let i = 0; i < 20; i++) {
      expect(t.resultOf(t.start('a.service'))).to.equal('done');
      t.stop('a.service');
    }
  });
});
