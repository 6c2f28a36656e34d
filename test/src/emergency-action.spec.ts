/**
 * Emergency actions in core (systemd's emergency_action.c): SuccessAction=, FailureAction=,
 * StartLimitAction= and JobTimeoutAction= start exit.target (or poweroff/reboot.target), or ask the
 * program running the manager to end it through the `objective` event, with the exit status the
 * unit's *ActionExitStatus= names. On the fake clock with the toy unit type.
 */
import { expect } from 'chai';
import type { ManagerObjective } from '@unitkit/core';
import { createTestManager } from '@unitkit/testing';
import type { UnitSpec } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { toyModule } from './toy-unit-type.js';

function make(units: Record<string, UnitSpec>, scope: 'user' | 'system' = 'user') {
  const toy = toyModule();
  const t = createTestManager({ modules: [toy.module, targetModule], units, options: { scope } });
  const objectives: ManagerObjective[] = [];
  t.manager.events.on('objective', (o) => objectives.push(o));
  return { ...t, objectives };
}

describe('emergency actions', () => {
  it('FailureAction=exit-force ends the manager at once with FailureActionExitStatus=', () => {
    const t = make({ 'a.service': { Unit: { FailureAction: 'exit-force', FailureActionExitStatus: 7 }, Toy: { FailOnStart: true } } });
    t.start('a.service');
    expect(t.objectives).to.deep.equal([{ objective: 'exit', exitStatus: 7, orderly: false, reason: 'unit a.service failed' }]);
    expect(t.manager.exitStatus).to.equal(7);
  });

  it('SuccessAction=exit starts exit.target irreversibly and keeps the status for later', () => {
    const t = make({
      'a.service': { Unit: { SuccessAction: 'exit', SuccessActionExitStatus: 3 } },
      'exit.target': {},
    });
    t.start('a.service');
    expect(t.objectives).to.deep.equal([]);
    t.stop('a.service');
    expect(t.unit('exit.target').activeState()).to.equal('active');
    expect(t.objectives).to.deep.equal([]);
    expect(t.manager.exitStatus).to.equal(3);
    expect(t.logger.find('Exiting: unit a.service succeeded')).to.not.equal(undefined);
  });

  it('ends the manager in order when exit.target cannot be started', () => {
    const t = make({ 'a.service': { Unit: { SuccessAction: 'exit', SuccessActionExitStatus: 4 } } });
    t.start('a.service');
    t.stop('a.service');
    expect(t.logger.find(/Failed to enqueue exit\.target job: /)).to.not.equal(undefined);
    expect(t.objectives).to.deep.equal([{ objective: 'exit', exitStatus: 4, orderly: true, reason: 'unit a.service succeeded' }]);
  });

  it('skips exit, poweroff and reboot while shutdown.target is active or queued', () => {
    const t = make({ 'a.service': { Unit: { SuccessAction: 'exit' } }, 'shutdown.target': {}, 'exit.target': {} });
    t.start('shutdown.target');
    t.start('a.service');
    t.stop('a.service');
    expect(t.logger.find('Shutdown is already active. Skipping emergency action request exit.')).to.not.equal(undefined);
    expect(t.unit('exit.target').activeState()).to.equal('inactive');
  });

  it('none does nothing; a failure without FailureAction= leaves the status alone', () => {
    const t = make({ 'a.service': { Toy: { FailOnStart: true } } });
    t.start('a.service');
    expect(t.objectives).to.deep.equal([]);
    expect(t.manager.exitStatus).to.equal(0);
  });

  it('StartLimitAction= acts when the start limit refuses a start, with a warning', () => {
    const t = make({ 'a.service': { Unit: { StartLimitBurst: 1, StartLimitIntervalSec: 10_000_000, StartLimitAction: 'exit-force' } } });
    t.start('a.service');
    t.stop('a.service');
    expect(t.objectives).to.deep.equal([]);
    t.start('a.service');
    expect(t.objectives).to.deep.equal([{ objective: 'exit', exitStatus: 0, orderly: false, reason: 'unit a.service failed' }]);
    expect(t.logger.find('Exiting immediately: unit a.service failed')?.level).to.equal('warning');
  });

  it('JobTimeoutAction= acts when a job times out', () => {
    const t = make({ 'a.service': { Unit: { JobTimeoutSec: 1_000_000, JobTimeoutAction: 'exit-force' }, Toy: { Mode: 'manual' } } });
    const j = t.start('a.service');
    t.loop.advance(1_000_000);
    expect(t.resultOf(j)).to.equal('timeout');
    expect(t.objectives.map((o) => o.reason)).to.deep.equal(['job timed out']);
  });

  it('a system manager powers off by ending itself (status 0), never the host', () => {
    const t = make({ 'a.service': { Unit: { FailureAction: 'poweroff-force' }, Toy: { FailOnStart: true } } }, 'system');
    t.start('a.service');
    expect(t.objectives).to.deep.equal([{ objective: 'poweroff', exitStatus: 0, orderly: false, reason: 'unit a.service failed' }]);
  });
});
