import { expect } from 'chai';
import { formatBytes, formatStatus } from './status-format.js';
import { terminalColors } from './terminal-colors.js';

describe('status format', () => {
  const base = {
    Id: 'a.service', Description: 'A', LoadState: 'loaded', ActiveState: 'active', SubState: 'running',
    FragmentPath: '/etc/a.service', UnitFileState: 'static', MainPID: '0', Slice: 'app.slice',
  };
  const status = (props: Record<string, string>) =>
    formatStatus({ props: { ...base, ...props }, journal: [], now: 0, colors: terminalColors(false, {}) });

  it('formats byte counts as systemd does', () => {
    expect([formatBytes(512), formatBytes(1024), formatBytes(253952), formatBytes(1572864), formatBytes(3 * 1024 ** 3)])
      .to.deep.equal(['512B', '1.0K', '248.0K', '1.5M', '3.0G']);
  });

  it('prints Tasks, Memory and CPU only when the cgroup counted them', () => {
    const lines = status({ TasksCurrent: '1', TasksMax: '4915', MemoryCurrent: '253952', CPUUsageNSec: '12000000' });
    expect(status({ CPUUsageNSec: '1500000000' })).to.include('        CPU: 1.500s');
    expect(lines).to.include.members(['      Tasks: 1 (limit: 4915)', '     Memory: 248.0K', '        CPU: 12ms']);
    expect(status({ TasksCurrent: '2', TasksMax: 'infinity' })).to.include('      Tasks: 2');
    const none = status({ TasksCurrent: '[not set]', MemoryCurrent: '[not set]', CPUUsageNSec: '[not set]' });
    expect(none.join('\n')).to.not.match(/Tasks:|Memory:|CPU:/);
  });
});
