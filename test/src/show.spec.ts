/**
 * `show` properties of the generic unit interface, checked against what systemctl --user show
 * printed for the same units on systemd 252.
 */
import { expect } from 'chai';
import { formatShow } from '@unitkit/core';
import { createTestManager } from '@unitkit/testing';
import { targetModule } from '@unitkit/plugin-target';
import { serviceModule } from '@unitkit/plugin-service';

/** `systemctl --user show t1.target` after starting it (values that vary between runs dropped). */
const systemdT1 = `Id=t1.target
Names=t1.target
Wants=t2.target
Conflicts=shutdown.target
Before=shutdown.target
After=t2.target
Description=T one
LoadState=loaded
ActiveState=active
FreezerState=running
SubState=active
FragmentPath=*
UnitFileState=*
UnitFilePreset=enabled
StateChangeTimestamp=*
StateChangeTimestampMonotonic=*
InactiveExitTimestamp=*
InactiveExitTimestampMonotonic=*
ActiveEnterTimestamp=*
ActiveEnterTimestampMonotonic=*
ActiveExitTimestampMonotonic=0
InactiveEnterTimestampMonotonic=0
CanStart=yes
CanStop=yes
CanReload=no
CanIsolate=no
CanFreeze=no
StopWhenUnneeded=no
RefuseManualStart=no
RefuseManualStop=no
AllowIsolate=no
DefaultDependencies=yes
OnSuccessJobMode=fail
OnFailureJobMode=replace
IgnoreOnIsolate=no
NeedDaemonReload=no
JobTimeoutUSec=infinity
JobRunningTimeoutUSec=infinity
JobTimeoutAction=none
ConditionResult=yes
AssertResult=yes
ConditionTimestamp=*
ConditionTimestampMonotonic=*
AssertTimestamp=*
AssertTimestampMonotonic=*
Transient=no
Perpetual=no
StartLimitIntervalUSec=10s
StartLimitBurst=5
StartLimitAction=none
FailureAction=none
SuccessAction=none
InvocationID=*
CollectMode=inactive`.split('\n');

/** `systemctl --user show --all t2.target`, property names only. */
const systemdAllNames = 'Id Names Following Requires Requisite Wants BindsTo PartOf Upholds RequiredBy RequisiteOf WantedBy BoundBy UpheldBy ConsistsOf Conflicts ConflictedBy Before After OnSuccess OnSuccessOf OnFailure OnFailureOf Triggers TriggeredBy PropagatesReloadTo ReloadPropagatedFrom PropagatesStopTo StopPropagatedFrom JoinsNamespaceOf SliceOf RequiresMountsFor Documentation Description AccessSELinuxContext LoadState ActiveState FreezerState SubState FragmentPath SourcePath DropInPaths UnitFileState UnitFilePreset StateChangeTimestamp StateChangeTimestampMonotonic InactiveExitTimestamp InactiveExitTimestampMonotonic ActiveEnterTimestamp ActiveEnterTimestampMonotonic ActiveExitTimestamp ActiveExitTimestampMonotonic InactiveEnterTimestamp InactiveEnterTimestampMonotonic CanStart CanStop CanReload CanIsolate CanClean CanFreeze Job StopWhenUnneeded RefuseManualStart RefuseManualStop AllowIsolate DefaultDependencies OnSuccessJobMode OnFailureJobMode IgnoreOnIsolate NeedDaemonReload Markers JobTimeoutUSec JobRunningTimeoutUSec JobTimeoutAction JobTimeoutRebootArgument ConditionResult AssertResult ConditionTimestamp ConditionTimestampMonotonic AssertTimestamp AssertTimestampMonotonic Conditions Asserts LoadError Transient Perpetual StartLimitIntervalUSec StartLimitBurst StartLimitAction FailureAction FailureActionExitStatus SuccessAction SuccessActionExitStatus RebootArgument InvocationID CollectMode Refs ActivationDetails'.split(' ');

const matches = (got: string[], want: string[]) => {
  expect(got.map((l) => l.split('=')[0])).to.deep.equal(want.map((l) => l.split('=')[0]));
  want.forEach((w, i) => {
    if (!w.endsWith('=*')) expect(got[i]).to.equal(w);
  });
};

describe('show properties', () => {
  const make = () =>
    createTestManager({
      modules: [targetModule],
      units: { 't1.target': { Unit: { Description: 'T one', Wants: 't2.target' } }, 't2.target': { Unit: { Description: 'T two' } }, 'shutdown.target': {} },
    });

  it('prints what systemctl show prints for a started target, in the same order', () => {
    const t = make();
    t.start('t1.target');
    matches(formatShow(t.manager.properties(t.unit('t1.target'))), systemdT1);
  });

  it('lists every generic property with --all, in systemd\'s order', () => {
    const t = make();
    const names = formatShow(t.manager.properties(t.unit('t2.target')), { all: true }).map((l) => l.split('=')[0]);
    expect(names).to.deep.equal(systemdAllNames);
  });

  it('prints -p properties in the unit\'s order, empty ones too, and --value alone', () => {
    const t = make();
    const u = t.unit('t2.target');
    expect(formatShow(t.manager.properties(u), { properties: ['SubState', 'Id', 'InvocationID'] })).to.deep.equal(['Id=t2.target', 'SubState=dead', 'InvocationID=']);
    expect(formatShow(t.manager.properties(u), { properties: ['ActiveState'], value: true })).to.deep.equal(['inactive']);
  });

  it('describes a unit that does not exist as systemd does', () => {
    const t = make();
    const u = t.unit('nonexistent.target');
    expect(formatShow(t.manager.properties(u), { properties: ['Id', 'LoadState', 'LoadError', 'Description', 'CanStart', 'ConditionResult'] })).to.deep.equal([
      'Id=nonexistent.target',
      'Description=nonexistent.target',
      'LoadState=not-found',
      'CanStart=no',
      'ConditionResult=no',
      'LoadError=org.freedesktop.systemd1.NoSuchUnit "Unit nonexistent.target not found."',
    ]);
  });

  it('computes only what -p asks for, printing the same: a service\'s own properties only when one of them is asked', () => {
    const t = createTestManager({ modules: [serviceModule, targetModule], units: { 'a.service': { Service: { ExecStart: [{ path: '/bin/true', argv: ['/bin/true'], flags: {} }] } } } });
    const u = t.unit('a.service');
    for (const wanted of [['ActiveState'], ['Id', 'SubState', 'LoadState'], ['ExecMainPID', 'ActiveState'], ['Type'], ['NoSuchProperty', 'Id']]) {
      const opts = { properties: wanted };
      expect(formatShow(t.manager.properties(u, new Set(wanted)), opts), wanted.join()).to.deep.equal(formatShow(t.manager.properties(u), opts));
    }
    // Generic names alone: the service's ~270 properties are left out.
    expect(t.manager.properties(u, new Set(['ActiveState'])).length).to.be.below(t.manager.properties(u).length - 200);
    expect(t.manager.properties(u, new Set(['Type'])).length).to.equal(t.manager.properties(u).length);
  });
});
