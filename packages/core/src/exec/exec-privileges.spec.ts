import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { parseExecLine, parseUnitText } from '@unitkit/unit-file';
import { buildExecSpec } from './exec-spec.js';
import { execContextTable } from './exec-context-table.js';
import { readExecContext } from './exec-context.js';
import { execContextProperties } from './exec-properties.js';
import { SECCOMP_ACTION } from '../ports/process-privileges.js';
import { buildSeccompFilters, readExecSeccomp } from './exec-seccomp.js';
import { readExecPrivileges } from './exec-privileges.js';
import { CAPABILITY_NAMES } from './process-defaults.js';

function parse(body: string) {
  const parsed = parseUnitText(`[Service]\n${body}`, { name: 'a.service', tables: [execContextTable('Service', ['service'])] });
  return { context: readExecContext(parsed.sections.get('Service')), warnings: parsed.diagnostics.map((d) => d.message) };
}

function show(body: string, ...names: string[]): Record<string, string> {
  const props = execContextProperties(parse(body).context, 'system');
  const out: Record<string, string> = {};
  for (const [n, v] of props) if (names.includes(n)) out[n] = Array.isArray(v.value) ? (v.value as string[]).join(' ') : String(v.value);
  return out;
}

function spec(body: string, line = '/bin/true') {
  return buildExecSpec({ unitName: 'a.service', command: parseExecLine(line)[0]!, context: parse(body).context, scope: 'system', managerEnvironment: { PATH: '/bin' } }).spec;
}

describe('exec privileges and syscall filters', () => {
  it('merges CapabilityBoundingSet= lines as systemd: plain lines add, ~ lines remove, the empty one clears', () => {
    expect(show('CapabilityBoundingSet=CAP_NET_ADMIN CAP_CHOWN\nCapabilityBoundingSet=cap_sys_admin', 'CapabilityBoundingSet').CapabilityBoundingSet).to.equal('cap_chown cap_net_admin cap_sys_admin');
    const inverted = show('CapabilityBoundingSet=~CAP_NET_ADMIN\nCapabilityBoundingSet=~CAP_SYS_ADMIN', 'CapabilityBoundingSet').CapabilityBoundingSet!;
    expect(inverted).to.not.match(/cap_net_admin|cap_sys_admin/);
    expect(inverted).to.match(/^cap_chown /);
    expect(show('CapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=', 'CapabilityBoundingSet').CapabilityBoundingSet).to.equal('');
  });

  it('shows the process attributes in systemd formats', () => {
    expect(show('CPUAffinity=0 1-1\nCPUAffinity=3,5-6\nCoredumpFilter=default private-dax\nTimerSlackNSec=1ms\nCPUSchedulingPolicy=fifo\nSecureBits=keep-caps noroot-locked\nPersonality=x86',
      'CPUAffinity', 'CoredumpFilter', 'TimerSlackNSec', 'CPUSchedulingPolicy', 'CPUSchedulingPriority', 'SecureBits', 'Personality')).to.deep.equal({
      CPUAffinity: '0-1 3 5-6', CoredumpFilter: '0xb3', TimerSlackNSec: '1000000', CPUSchedulingPolicy: '1', CPUSchedulingPriority: '1', SecureBits: '18',
      Personality: process.arch === 'x64' ? 'x86' : '',
    });
  });

  it('merges SystemCallFilter= as systemd: an allow list starts with @default, ~ lines remove, :errno only on deny lists', () => {
    const { context, warnings } = parse('SystemCallFilter=@clock\nSystemCallFilter=~clock_settime\nSystemCallFilter=uname:EPERM');
    const f = context.seccomp.syscallFilter!;
    expect(f.allowList).to.equal(true);
    expect(f.entries.has('execve')).to.equal(true);
    expect(f.entries.has('settimeofday')).to.equal(true);
    expect(f.entries.has('clock_settime')).to.equal(false);
    expect(f.entries.has('uname')).to.equal(false);
    expect(warnings.join('\n')).to.match(/Allow-listed system calls cannot take error number, ignoring: uname:EPERM/);
    expect(show('SystemCallFilter=~mkdir:EACCES chmod:kill rmdir', 'SystemCallFilter').SystemCallFilter).to.equal('~chmod:kill mkdir:EACCES rmdir');
  });

  it('shows RestrictAddressFamilies= and RestrictNamespaces= as systemctl does', () => {
    expect(show('RestrictAddressFamilies=AF_UNIX AF_INET\nRestrictNamespaces=~user', 'RestrictAddressFamilies', 'RestrictNamespaces')).to.deep.equal({
      RestrictAddressFamilies: 'AF_INET AF_UNIX', RestrictNamespaces: 'cgroup ipc net mnt pid uts',
    });
    expect(show('RestrictNamespaces=yes', 'RestrictNamespaces').RestrictNamespaces).to.equal('yes');
    expect(show('RestrictAddressFamilies=AF_INET\nRestrictAddressFamilies=~AF_INET AF_INET6', 'RestrictAddressFamilies').RestrictAddressFamilies).to.equal('');
  });

  it('builds filters in exec_child() order, native architecture last, and none for "+" commands', () => {
    const s = spec('RestrictAddressFamilies=AF_UNIX\nLockPersonality=yes\nSystemCallFilter=~mkdir\nSystemCallErrorNumber=EACCES');
    const whats = [...new Set(s.seccomp!.map((f) => f.what))];
    expect(whats).to.deep.equal(['RestrictAddressFamilies=', 'LockPersonality=', 'SystemCallFilter=']);
    const filter = s.seccomp!.filter((f) => f.what === 'SystemCallFilter=');
    if (process.arch === 'x64') expect(filter.map((f) => f.archs[0])).to.deep.equal(['x86', 'x32', 'x86_64']);
    expect(filter[0]!.rules).to.deep.equal([{ syscall: 'mkdir', action: SECCOMP_ACTION.errno(13) }]);
    expect(s.seccomp!.find((f) => f.what === 'RestrictAddressFamilies=')!.status).to.equal(232);
    // A filter implies NoNewPrivileges= for a process without CAP_SYS_ADMIN.
    expect(s.privileges!.capabilities!.noNewPrivilegesIfUnprivileged).to.equal(true);
    const plus = spec('SystemCallFilter=~mkdir\nCapabilityBoundingSet=CAP_CHOWN', '+/bin/true');
    expect(plus.seccomp).to.equal(undefined);
    expect(plus.privileges?.capabilities).to.equal(undefined);
  });

  it('builds the seccomp parts of the sandboxing settings from their values (the directives are the sandbox\'s)', () => {
    const s = readExecSeccomp(new Map<string, unknown>([['ProtectClock', true], ['ProtectHostname', true], ['ProtectKernelModules', false]]));
    const filters = buildSeccompFilters(s, { dynamicUser: false });
    expect([...new Set(filters.map((f) => f.what))]).to.deep.equal(['ProtectHostname=', 'ProtectClock=']);
    const clock = filters.find((f) => f.what === 'ProtectClock=')!;
    expect(clock.rules.map((r) => r.syscall)).to.include.members(['settimeofday', 'clock_settime', 'adjtimex']);
    expect(clock.rules.every((r) => r.action === SECCOMP_ACTION.errno(1))).to.equal(true);
  });

  it('takes the capabilities of PrivateDevices=, ProtectKernelModules=, ProtectKernelLogs= and ProtectClock= out of the bounding set', () => {
    const p = readExecPrivileges(new Map<string, unknown>([['PrivateDevices', true], ['ProtectClock', true], ['CapabilityBoundingSet', [{ invert: false, mask: '0x3000001' }]]]));
    // Asked: CAP_CHOWN, CAP_SYS_RESOURCE (24), CAP_SYS_TIME (25); ProtectClock= takes CAP_SYS_TIME away.
    expect(p.capabilityBoundingSet).to.equal(1n | (1n << 24n));
    const all = readExecPrivileges(new Map<string, unknown>([['ProtectKernelModules', true]]));
    expect(all.capabilityBoundingSet & (1n << BigInt(CAPABILITY_NAMES.indexOf('cap_sys_module')))).to.equal(0n);
  });
});

describe('NUMAPolicy=, NUMAMask= and CPUAffinity=numa (exec-numa.ts)', () => {
  it('shows the policy in effect (a mask alone is preferred) and the mask as ranges', () => {
    expect(show('NUMAPolicy=bind\nNUMAMask=0 2-3\nNUMAMask=5', 'NUMAPolicy', 'NUMAMask')).to.deep.equal({ NUMAPolicy: 'bind', NUMAMask: '0 2-3 5' });
    expect(show('NUMAMask=0', 'NUMAPolicy')).to.deep.equal({ NUMAPolicy: 'preferred' });
    expect(show('', 'NUMAPolicy', 'NUMAMask')).to.deep.equal({ NUMAPolicy: 'n/a', NUMAMask: '' });
    expect(show('NUMAPolicy=bind\nNUMAMask=0\nNUMAMask=', 'NUMAMask')).to.deep.equal({ NUMAMask: '' });
    expect(parse('NUMAPolicy=bogus').warnings).to.have.length(1);
  });

  it('passes the policy as set_mempolicy() takes it, an invalid one as mode -1 (242/NUMA_POLICY in the child)', () => {
    expect(spec('NUMAPolicy=bind\nNUMAMask=0').privileges?.numaPolicy).to.deep.equal({ mode: 2, nodes: [0] });
    expect(spec('NUMAPolicy=local\nNUMAMask=0').privileges?.numaPolicy).to.deep.equal({ mode: 4, nodes: [] });
    expect(spec('NUMAMask=1').privileges?.numaPolicy).to.deep.equal({ mode: 1, nodes: [1] });
    expect(spec('NUMAPolicy=preferred').privileges?.numaPolicy).to.deep.equal({ mode: 1, nodes: [] });
    for (const bad of ['NUMAPolicy=interleave', 'NUMAPolicy=bind', 'NUMAPolicy=preferred\nNUMAMask=0 1']) {
      expect(spec(bad).privileges?.numaPolicy, bad).to.deep.equal({ mode: -1, nodes: [] });
    }
    expect(spec('').privileges?.numaPolicy).to.equal(undefined);
  });

  it('CPUAffinity=numa binds to the CPUs of the mask\'s nodes (none without a mask: 215/CPUAFFINITY), shown as such', function () {
    if (!existsSync('/sys/devices/system/node/node0/cpulist')) {
      console.log('      skipped: this kernel shows no NUMA nodes in /sys/devices/system/node');
      this.skip();
    }
    const node0 = readFileSync('/sys/devices/system/node/node0/cpulist', 'utf8').trim();
    expect(show('NUMAPolicy=bind\nNUMAMask=0\nCPUAffinity=numa', 'CPUAffinity', 'CPUAffinityFromNUMA')).to.deep.equal({ CPUAffinity: node0.replace(/,/g, ' '), CPUAffinityFromNUMA: 'true' });
    expect(spec('CPUAffinity=numa').privileges?.cpuAffinity).to.deep.equal([]);
  });
});
