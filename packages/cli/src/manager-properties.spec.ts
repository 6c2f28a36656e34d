import { expect } from 'chai';
import { busPropertyTypes, formatPropertyValue } from '@unitkit/core';
import { EventEmitter } from 'node:events';
import type { Manager } from '@unitkit/core';
import { JobCounters, architecture, detectVirtualization, managerProperties } from './manager-properties.js';

describe('Manager properties', () => {
  const props = () => {
    // What the properties read of a manager: no units, no jobs.
    const manager = {
      events: new EventEmitter(),
      allUnits: () => [],
      failed: () => [],
      installedJobs: () => [],
      environmentList: () => ['PATH=/bin'],
      defaults: { startLimitInterval: 10_000_000, startLimitBurst: 5 },
    } as unknown as Manager;
    const counters = new JobCounters();
    counters.follow(manager);
    return managerProperties({
      manager,
      unitPath: ['/u'],
      systemState: 'running',
      timestamps: { Userspace: { realtime: 1_700_000_000_000_000, monotonic: 5 } },
      counters,
      logLevel: 'info',
    });
  };

  it('lists every property of systemd 252\'s Manager interface, in its order', () => {
    const names = props().map(([n]) => n);
    expect(names).to.deep.equal(busPropertyTypes['org.freedesktop.systemd1.Manager']!.map(([n]) => n));
  });

  it('shows the boot timestamps it was given and 0 for the others, and systemd\'s defaults', () => {
    const text = new Map(props().map(([n, v]) => [n, formatPropertyValue(v)]));
    expect(text.get('UserspaceTimestampMonotonic')).to.equal('5');
    expect(text.get('UserspaceTimestamp')).to.match(/^\w{3} 2023-11-14 /);
    expect(text.get('FinishTimestamp')).to.equal('');
    expect(text.get('KernelTimestampMonotonic')).to.equal('0');
    expect(text.get('DefaultTimeoutStartUSec')).to.equal('1min 30s');
    expect(text.get('DefaultRestartUSec')).to.equal('100ms');
    expect(text.get('Progress')).to.equal('1');
    expect(text.get('RuntimeWatchdogUSec')).to.equal('infinity');
    expect(text.get('SystemState')).to.equal('running');
  });

  it('names the architecture and the virtualization as systemd does', () => {
    expect(architecture('x64')).to.equal('x86-64');
    expect(architecture('arm64')).to.equal('arm64');
    const files = (m: Record<string, string>) => (f: string) => m[f] ?? '';
    const none = () => false;
    expect(detectVirtualization(files({ '/proc/1/environ': 'A=1\0container=podman\0' }), none)).to.equal('podman');
    expect(detectVirtualization(files({}), (f) => f === '/.dockerenv')).to.equal('docker');
    expect(detectVirtualization(files({ '/sys/class/dmi/id/sys_vendor': 'QEMU\n' }), none)).to.equal('qemu');
    expect(detectVirtualization(files({ '/proc/cpuinfo': 'flags\t\t: fpu hypervisor sse\n' }), none)).to.equal('vm-other');
    expect(detectVirtualization(files({}), none)).to.equal('');
  });
});
