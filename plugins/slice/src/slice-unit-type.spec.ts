import { expect } from 'chai';
import { createTestManager, type TestManager } from '@unitkit/testing';
import { ManagerError, cgroupContextProperties, formatShow, type Unit } from '@unitkit/core';
import { serviceModule } from '@unitkit/plugin-service';
import { targetModule } from '@unitkit/plugin-target';
import { sliceModule } from './slice-module.js';
import { defaultSliceOf, isValidSliceName, sliceChain, sliceDefaultDescription, sliceParent } from './slice-name.js';
import { physicalMemoryScale, systemTasksMaxScale } from './system-limits.js';

describe('slice names', () => {
  it('finds the parent from the name, up to the root slice', () => {
    expect(sliceParent('a-b-c.slice')).to.equal('a-b.slice');
    expect(sliceParent('a.slice')).to.equal('-.slice');
    expect(sliceParent('-.slice')).to.equal(undefined);
    expect(sliceChain('a-b.slice')).to.deep.equal(['-.slice', 'a.slice', 'a-b.slice']);
  });

  it('validates as slice_name_is_valid()', () => {
    for (const ok of ['-.slice', 'a.slice', 'a-b.slice', 'app-foo\\x2dbar.slice']) expect(isValidSliceName(ok), ok).to.equal(true);
    for (const bad of ['a--b.slice', '-a.slice', 'a-.slice', 'a.service', 'a@b.slice', 'a@.slice']) expect(isValidSliceName(bad), bad).to.equal(false);
  });

  it('describes a slice by its path and gives templates a slice of their own', () => {
    expect(sliceDefaultDescription('a-b.slice')).to.equal('Slice /a/b');
    expect(sliceDefaultDescription('app-foo\\x2dbar.slice')).to.equal('Slice /app/foo-bar');
    expect(defaultSliceOf('foo.service', 'user')).to.equal('app.slice');
    expect(defaultSliceOf('foo.service', 'system')).to.equal('system.slice');
    expect(defaultSliceOf('foo@x.service', 'user')).to.equal('app-foo.slice');
    expect(defaultSliceOf('foo-bar@x.service', 'system')).to.equal('system-foo\\x2dbar.slice');
  });
});

describe('SliceUnitType and Slice=', () => {
  let t: TestManager;
  const make = (files: Record<string, string>, scope: 'user' | 'system' = 'user') => {
    t = createTestManager({ modules: [sliceModule, serviceModule, targetModule], options: { scope } });
    for (const [name, text] of Object.entries({ 'basic.target': '', 'shutdown.target': '', ...files })) t.units.file(name, text);
    return t;
  };
  const ids = (us: Iterable<Unit>) => [...us].map((u) => u.id).sort();
  const show = (name: string, ...props: string[]) => formatShow(t.manager.properties(t.unit(name)), { properties: props }).join('\n');
  const svc = '[Service]\nExecStart=/bin/sleep 100\n';

  it('puts a service into app.slice with Requires=/After= on it, DefaultDependencies=no included', () => {
    make({ 'a.service': svc, 'b.service': `[Unit]\nDefaultDependencies=no\n${svc}` });
    const a = t.unit('a.service');
    expect(a.slice()?.id).to.equal('app.slice');
    expect(ids(a.dependencies('Requires'))).to.deep.equal(['app.slice', 'basic.target']);
    expect(ids(a.dependencies('After'))).to.deep.equal(['app.slice', 'basic.target']);
    const b = t.unit('b.service');
    expect(ids(b.dependencies('Requires'))).to.deep.equal(['app.slice']);
    expect(ids(b.dependencies('After'))).to.deep.equal(['app.slice']);
    expect(show('app.slice', 'SliceOf', 'Slice', 'Requires')).to.equal('Slice=-.slice\nRequires=-.slice\nSliceOf=a.service b.service');
  });

  it('uses system.slice and per-template slices in a system manager; system.slice is perpetual there', () => {
    make({ 'a.service': svc, 'tpl@.service': svc }, 'system');
    expect(t.unit('a.service').slice()?.id).to.equal('system.slice');
    expect(t.unit('tpl@x.service').slice()?.id).to.equal('system-tpl.slice');
    const sys = t.unit('system.slice');
    expect(sys.perpetual).to.equal(true);
    expect(sys.description).to.equal('System Slice');
    expect(t.state('system.slice')).to.equal('active/active');
  });

  it('nests Slice=a-b.slice in a.slice in -.slice without unit files, described by path', () => {
    make({ 'n.service': `[Service]\nSlice=a-b.slice\nExecStart=/bin/true\n` });
    const n = t.unit('n.service');
    expect(n.slice()?.id).to.equal('a-b.slice');
    const ab = t.unit('a-b.slice');
    expect(ab.loadState).to.equal('loaded');
    expect(ab.description).to.equal('Slice /a/b');
    expect(ab.slice()?.id).to.equal('a.slice');
    expect(ids(ab.dependencies('Requires'))).to.deep.equal(['a.slice']);
    expect(ids(ab.dependencies('Conflicts'))).to.deep.equal(['shutdown.target']);
    expect(ab.settings.ignoreOnIsolate).to.equal(true);
    expect(t.unit('a.slice').slice()?.id).to.equal('-.slice');
    expect(ids(t.unit('-.slice').dependencies('SliceOf'))).to.deep.equal(['a.slice']);
  });

  it('ignores a Slice= that is no slice (with a warning) and Slice= in a slice', () => {
    make({ 'x.service': `[Service]\nSlice=foo.service\nExecStart=/bin/true\n`, 'q-r.slice': '[Slice]\nSlice=other.slice\n' });
    expect(t.unit('x.service').slice()?.id).to.equal('app.slice');
    expect(t.logger.find('Failed to assign slice foo.service to unit x.service')).to.not.equal(undefined);
    expect(t.unit('q-r.slice').slice()?.id).to.equal('q.slice');
  });

  it('refuses an invalid slice name', () => {
    make({ 'a--b.slice': '[Slice]\n' });
    expect(t.unit('a--b.slice').loadState).to.equal('bad-setting');
  });

  it('keeps the root slice: active at once, no stop job, never collected', () => {
    make({});
    const root = t.unit('-.slice');
    t.run();
    expect(t.state('-.slice')).to.equal('active/active');
    expect(show('-.slice', 'Perpetual', 'CanStop', 'DefaultDependencies', 'Description')).to.equal('Description=Root Slice\nCanStop=no\nDefaultDependencies=no\nPerpetual=yes');
    expect(() => t.stop('-.slice')).to.throw(ManagerError, 'Job type stop is not applicable for unit -.slice.');
    t.run();
    expect(t.manager.getUnit('-.slice')).to.equal(root);
  });

  it('starts the slices before a unit in them, and stopping a slice stops the units in it', () => {
    make({ 'n.service': `[Service]\nSlice=a-b.slice\nExecStart=/bin/sleep 100\n` });
    const job = t.start('n.service');
    t.run();
    expect(t.resultOf(job)).to.equal('done');
    expect(t.state('a.slice')).to.equal('active/active');
    expect(t.state('a-b.slice')).to.equal('active/active');
    expect(t.state('n.service')).to.equal('active/running');
    expect(t.logger.find('Created slice Slice /a/b.')).to.not.equal(undefined);
    t.stop('a.slice');
    t.run();
    t.run();
    expect(t.state('n.service')).to.equal('inactive/dead');
    expect(t.state('a-b.slice')).to.equal('inactive/dead');
    expect(t.state('a.slice')).to.equal('inactive/dead');
    expect(t.logger.find('Removed slice Slice /a.')).to.not.equal(undefined);
  });

  it('parses and shows resource control as systemd does', () => {
    make({
      'r.service': [
        '[Service]', 'ExecStart=/bin/true', 'MemoryMax=50%', 'MemoryHigh=1G', 'MemoryMin=10M', 'MemorySwapMax=0', 'CPUWeight=idle',
        'StartupCPUWeight=300', 'CPUQuota=150%', 'CPUQuotaPeriodSec=50ms', 'AllowedCPUs=0-1,3', 'AllowedMemoryNodes=0',
        'TasksMax=10%', 'IOWeight=200', 'IOReadBandwidthMax=/dev/vda 10M', 'IOWriteIOPSMax=/dev/vda 2K', 'Delegate=pids memory',
        'CPUAccounting=yes', 'MemoryHigh=0', 'CPUWeight=0',
      ].join('\n'),
      'big.slice': '[Slice]\nCPUWeight=30\n',
    });
    // The fake ProcessScopes prints no cgroup properties: the unit's context, and core's formatting of it.
    const c = t.unit('r.service').cgroupContext!;
    const text = formatShow(cgroupContextProperties(c), {
      properties: ['CPUWeight', 'StartupCPUWeight', 'CPUQuotaPerSecUSec', 'CPUQuotaPeriodUSec', 'AllowedCPUs', 'IOReadBandwidthMax', 'IOWriteIOPSMax', 'DelegateControllers', 'MemoryHigh'],
    }).join('\n');
    expect(text).to.equal(
      'DelegateControllers=memory pids\nCPUWeight=idle\nStartupCPUWeight=300\nCPUQuotaPerSecUSec=1.500000s\nCPUQuotaPeriodUSec=50ms\nAllowedCPUs=0-1 3\n' +
        'IOReadBandwidthMax=/dev/vda 10000000\nIOWriteIOPSMax=/dev/vda 2000\nMemoryHigh=1073741824',
    );
    expect(c.memoryMax).to.equal(physicalMemoryScale(5000));
    expect(c.memoryHigh).to.equal(2 ** 30);
    expect(c.memoryMin).to.equal(10 * 2 ** 20);
    expect(c.memorySwapMax).to.equal(0);
    expect(c.cpuWeight).to.equal(0);
    expect(c.startupCpuWeight).to.equal(300);
    expect(c.cpuQuotaPerSec).to.equal(1_500_000);
    expect(c.cpuQuotaPeriod).to.equal(50_000);
    expect(c.allowedCpus).to.deep.equal([0, 1, 3]);
    expect(c.tasksMax).to.equal(systemTasksMaxScale(1000));
    expect(c.ioReadBandwidthMax).to.deep.equal([{ path: '/dev/vda', value: 10_000_000 }]);
    expect(c.ioWriteIopsMax).to.deep.equal([{ path: '/dev/vda', value: 2000 }]);
    expect(c.delegate).to.equal(true);
    expect(c.delegateControllers).to.deep.equal(['memory', 'pids']);
    expect(t.logger.find("Memory limit '0' out of range, ignoring.")).to.not.equal(undefined);
    expect(t.logger.find("Invalid CPU weight '0', ignoring.")).to.not.equal(undefined);
    expect(show('big.slice', 'CPUWeight', 'TasksMax', 'MemoryMax', 'CPUQuotaPerSecUSec', 'Delegate')).to.equal(
      'Delegate=no\nCPUWeight=30\nCPUQuotaPerSecUSec=infinity\nMemoryMax=infinity\nTasksMax=infinity',
    );
  });
});
