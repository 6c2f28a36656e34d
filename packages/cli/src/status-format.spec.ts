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

  it('prints Duration, one Process line per exited command and the main exit in systemd words', () => {
    const exec = (argv: string, pid: number, code: string, status: number) =>
      `{ path=/bin/sh ; argv[]=${argv} ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=${pid} ; code=${code} ; status=${status} }`;
    const lines = status({
      ActiveState: 'failed', SubState: 'failed', Result: 'exit-code',
      ActiveEnterTimestampMonotonic: '1000000', ActiveExitTimestampMonotonic: '1002000',
      ExecStartPre: [exec('/bin/true', 10, 'exited', 0), exec('/bin/sh -c kill $$', 11, 'killed', 15)].join('\n'),
      ExecStart: exec('/bin/sh -c exit 3', 12, 'exited', 3),
      ExecStartEx: exec('/bin/sh -c exit 3', 12, 'exited', 3).replace('ignore_errors=no', 'flags='),
      ExecStop: exec('/bin/stop', 0, '(null)', 0),
      ExecMainPID: '12', ExecMainCode: '1', ExecMainStatus: '3',
    });
    expect(lines.slice(3, 8)).to.deep.equal([
      '   Duration: 2ms',
      '    Process: 10 ExecStartPre=/bin/true (code=exited, status=0/SUCCESS)',
      '    Process: 11 ExecStartPre=/bin/sh -c kill $$ (code=killed, signal=TERM)',
      '    Process: 12 ExecStart=/bin/sh -c exit 3 (code=exited, status=3)',
      '   Main PID: 12 (code=exited, status=3)',
    ]);
    expect(status({ ExecMainPID: '5', ExecMainCode: '1', ExecMainStatus: '203' })).to.include('   Main PID: 5 (code=exited, status=203/EXEC)');
    expect(status({ ExecMainPID: '5', ExecMainCode: '3', ExecMainStatus: '11' })).to.include('   Main PID: 5 (code=dumped, signal=SEGV)');
  });

  it('prints a socket\'s Accepted line and trigger bullets as systemd 252 does', () => {
    const lines = formatStatus({
      props: { ...base, Id: 'a.socket', SubState: 'listening', Listen: '127.0.0.1:7 (Stream)', Accept: 'yes', NAccepted: '3', NConnections: '1', NRefused: '0', Triggers: 'x.service' },
      journal: [], now: 0, colors: terminalColors(false, {}), activeStateOf: () => 'inactive',
    });
    expect(lines).to.include.members(['   Triggers: \u25cf x.service', '     Listen: 127.0.0.1:7 (Stream)', '   Accepted: 3; Connected: 1;']);
    expect(status({ Accept: 'yes', NAccepted: '5', NConnections: '0', NRefused: '2' })).to.include('   Accepted: 5; Connected: 0; Refused: 2');
  });
});

describe('splitShowWords', () => {
  it('reads string arrays as show quotes them, so status prints Docs: without quotes', async () => {
    const { splitShowWords } = await import('./status-format.js');
    expect(splitShowWords('man:systemd.special(7) "man:a b(1)" https://x "q\\"uote"')).to.deep.equal(['man:systemd.special(7)', 'man:a b(1)', 'https://x', 'q"uote']);
    expect(splitShowWords('')).to.deep.equal([]);
  });
});
