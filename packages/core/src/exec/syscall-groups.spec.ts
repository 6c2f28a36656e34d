import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { SYSCALL_GROUPS } from './syscall-groups.js';

/** The groups as the machine's `systemd-analyze syscall-filter` prints them, or why not. */
function machineGroups(): Record<string, string[]> | string {
  let version: string;
  let text: string;
  try {
    version = execFileSync('systemctl', ['--version'], { encoding: 'utf8' }).split(/\s+/)[1] ?? '';
    text = execFileSync('systemd-analyze', ['syscall-filter', '--no-pager'], { encoding: 'utf8' });
  } catch {
    return 'systemd-analyze is not installed';
  }
  if (version !== '252') return `the machine has systemd ${version}, the data is systemd 252's`;
  const groups: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('@')) groups[line.trim()] = current = [];
    else if (!line.trim()) current = undefined;
    else if (current && line.startsWith('    ') && !line.trim().startsWith('#')) current.push(line.trim());
  }
  return groups;
}

describe('syscall groups (source data)', () => {
  it('are the groups systemd-analyze syscall-filter of systemd 252 prints', function () {
    const groups = machineGroups();
    if (typeof groups === 'string') {
      console.log(`      skipped: ${groups}`);
      return this.skip();
    }
    expect(Object.keys(SYSCALL_GROUPS)).to.deep.equal(Object.keys(groups));
    for (const [name, members] of Object.entries(groups)) expect(SYSCALL_GROUPS[name]!.members, name).to.deep.equal(members);
  });
});
