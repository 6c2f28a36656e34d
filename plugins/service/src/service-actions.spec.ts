/**
 * SuccessAction=/FailureAction= on services: the exit status the manager is asked to end with is
 * *ActionExitStatus=, else the main process's exit status (255 after a signal), as systemd 252's
 * unit_{success,failure}_action_exit_status() and service_exit_status(); systemd's own
 * systemd-exit.service (no ExecStart=, SuccessAction=exit-force) loads and ends the manager.
 * Checked against `systemd --user` (its exit status, `echo $?`).
 */
import { expect } from 'chai';
import type { ManagerObjective } from '@unitkit/core';
import { signals } from '@unitkit/testing';
import { serviceTest } from './test/service-harness.js';

function withObjectives() {
  const t = serviceTest();
  const objectives: ManagerObjective[] = [];
  t.manager.events.on('objective', (o) => objectives.push(o));
  return { t, objectives };
}

describe('service: SuccessAction= and FailureAction=', () => {
  it('FailureAction=exit-force exits with the main process\'s status', () => {
    const { t, objectives } = withObjectives();
    t.service('a.service', 'ExecStart=/bin/d', 'DefaultDependencies=no\nFailureAction=exit-force');
    t.start('a.service');
    t.spawner.last().exit(5);
    expect(objectives.map((o) => [o.objective, o.exitStatus, o.orderly])).to.deep.equal([['exit', 5, false]]);
  });

  it('a main process killed by a signal gives 255', () => {
    const { t, objectives } = withObjectives();
    t.service('a.service', 'ExecStart=/bin/d', 'DefaultDependencies=no\nFailureAction=exit-force');
    t.start('a.service');
    t.spawner.last().kill(signals.SIGKILL);
    expect(objectives.map((o) => o.exitStatus)).to.deep.equal([255]);
  });

  it('SuccessAction=exit-force with a SuccessExitStatus= exit passes that status; SuccessActionExitStatus= overrides', () => {
    const { t, objectives } = withObjectives();
    t.service('a.service', 'Type=oneshot\nExecStart=/bin/d\nSuccessExitStatus=3', 'DefaultDependencies=no\nSuccessAction=exit-force');
    t.start('a.service');
    t.spawner.last().exit(3);
    t.service('b.service', 'Type=oneshot\nExecStart=/bin/d', 'DefaultDependencies=no\nSuccessAction=exit-force\nSuccessActionExitStatus=42');
    t.start('b.service');
    t.spawner.last().exit(0);
    expect(objectives.map((o) => o.exitStatus)).to.deep.equal([3, 42]);
  });

  it('FailureAction= fires on the failure even when Restart= will restart the service', () => {
    const { t, objectives } = withObjectives();
    t.service('a.service', 'ExecStart=/bin/d\nRestart=always\nRestartSec=1', 'DefaultDependencies=no\nFailureAction=exit-force\nFailureActionExitStatus=9');
    t.start('a.service');
    t.spawner.last().exit(3);
    expect(t.state('a.service')).to.equal('activating/auto-restart');
    expect(objectives.map((o) => o.exitStatus)).to.deep.equal([9]);
  });

  it('loads systemd-exit.service (no ExecStart=, SuccessAction=exit-force): starting it ends the manager, keeping the status set before', () => {
    const { t, objectives } = withObjectives();
    t.units.file('systemd-exit.service', '[Unit]\nDescription=Exit the Session\nDefaultDependencies=no\nSuccessAction=exit-force\n[Service]\n');
    t.manager.exitStatus = 7;
    const j = t.start('systemd-exit.service');
    expect(t.unit('systemd-exit.service').loadState).to.equal('loaded');
    expect(t.resultOf(j)).to.equal('done');
    expect(t.state('systemd-exit.service')).to.equal('inactive/dead');
    expect(objectives).to.deep.equal([{ objective: 'exit', exitStatus: 7, orderly: false, reason: 'unit systemd-exit.service succeeded' }]);
  });

  it('refuses a service with neither ExecStart= nor SuccessAction= nor RemainAfterExit=yes, in systemd\'s words', () => {
    const t = serviceTest();
    t.service('s.service', 'Type=oneshot\nExecStop=/bin/x');
    expect(t.unit('s.service').loadError).to.contain('Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.');
  });
});
