import { expect } from 'chai';
import { parseUnitText } from '@unitkit/unit-file';
import { execContextTable } from './exec-context-table.js';
import { readExecContext } from './exec-context.js';
import { execContextProperties } from './exec-properties.js';
import { formatPropertyValue } from '../property.js';
import { buildNamespacePlan, type NamespaceProbe } from './namespace-plan.js';
import { parseMountInfo } from './mountinfo.js';
import type { NamespaceOp } from '../ports/process-spawner.js';

function parse(body: string, name = 'a.service') {
  const parsed = parseUnitText(`[Service]\n${body}`, { name, tables: [execContextTable('Service', ['service'])] });
  return { context: readExecContext(parsed.sections.get('Service'), name), diagnostics: parsed.diagnostics };
}

function show(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of execContextProperties(parse(body).context, 'system')) out[k] = formatPropertyValue(v);
  return out;
}

// A host with / and /proc, /sys, /dev mounted, plus /home and /srv/data as mounts of their own.
const mounts = parseMountInfo([
  '1 0 8:1 / / rw,relatime - ext4 /dev/sda1 rw',
  '2 1 0:5 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
  '3 1 0:6 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw',
  '4 3 0:7 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw',
  '5 1 0:8 / /dev rw,nosuid - devtmpfs udev rw',
  '6 1 8:2 / /home rw,relatime - ext4 /dev/sda2 rw',
  '7 1 8:3 / /srv/data rw,nodev,relatime - ext4 /dev/sda3 rw',
  '8 1 0:9 / /with\\040space rw - tmpfs tmpfs rw',
].join('\n'));

const existing = new Set(['/', '/usr', '/etc', '/home', '/root', '/srv', '/srv/data', '/srv/data/x', '/var', '/var/lib', '/opt', '/tmp', '/var/tmp', '/proc', '/sys', '/sys/fs/cgroup', '/dev', '/src', '/run', '/run/credentials']);
const probe: NamespaceProbe = {
  kind: (p) => (existing.has(p) ? 'dir' : p === '/etc/file' ? 'file' : undefined),
  realpath: (p) => (existing.has(p) || p === '/etc/file' ? p : undefined),
  device: (p) => ({ '/dev/null': { mode: 0o20666, rdev: 0x103 } })[p],
  readlink: () => undefined,
};

function plan(body: string, extra: Record<string, unknown> = {}): NamespaceOp[] {
  const { context } = parse(body);
  const spec = buildNamespacePlan({
    sandbox: context.sandbox, mounts, stagingRoot: '/R', stagingDev: '/D', inaccessible: '/I', probe,
    privateTmp: { tmp: '/tmp/p/tmp', varTmp: '/var/tmp/p/tmp' }, ...extra,
  }, context.dynamicUser);
  return spec?.ops ?? [];
}

const targetsOf = (ops: NamespaceOp[], kind: NamespaceOp['op']) => ops.filter((o) => o.op === kind).map((o) => o.target);

describe('sandbox settings', () => {
  it('parse with their prefixes and print as systemctl show does', () => {
    const p = show([
      'ProtectSystem=strict', 'ProtectHome=tmpfs', 'PrivateTmp=yes', 'ReadWritePaths=/var/tmp -/nonexist +/run', 'ReadWritePaths=/srv',
      'ReadOnlyPaths="/with space"', 'InaccessiblePaths=-/opt/x', 'ExecPaths=/usr/bin', 'NoExecPaths=/',
      'BindPaths=/tmp/a:/mnt/a:rbind -/tmp/b', 'BindReadOnlyPaths=/etc/hostname:/mnt/h:norbind', 'TemporaryFileSystem=/var/cache:ro,mode=0755 /mnt/t',
      'ProtectProc=invisible', 'ProcSubset=pid', 'MountFlags=slave', 'PrivateNetwork=on', 'ProtectHostname=1',
    ].join('\n'));
    expect(p).to.include({
      ProtectSystem: 'strict', ProtectHome: 'tmpfs', PrivateTmp: 'yes', ReadWritePaths: '/var/tmp -/nonexist +/run /srv', ReadOnlyPaths: '"/with space"',
      InaccessiblePaths: '-/opt/x', ExecPaths: '/usr/bin', NoExecPaths: '/', BindPaths: '/tmp/a:/mnt/a:rbind -/tmp/b:/tmp/b:rbind',
      BindReadOnlyPaths: '/etc/hostname:/mnt/h', TemporaryFileSystem: '/var/cache:ro,mode=0755 /mnt/t', ProtectProc: 'invisible', ProcSubset: 'pid',
      MountFlags: 'slave', PrivateNetwork: 'yes', ProtectHostname: 'yes', PrivateDevices: 'no',
    });
  });

  it('are reset by an empty assignment and refuse bad values with systemd-like messages', () => {
    const { context, diagnostics } = parse('ReadOnlyPaths=/a\nReadOnlyPaths=\nReadOnlyPaths=/b\nProtectSystem=sometimes\nReadWritePaths=relative\nBindPaths=/a:/b:bogus');
    expect(context.sandbox.readOnlyPaths.map((p) => p.path)).to.deep.equal(['/b']);
    expect(context.sandbox.protectSystem).to.equal('no');
    expect(diagnostics.map((d) => d.message).join('\n')).to.match(/protect system value/).and.match(/not absolute/).and.match(/Invalid option 'bogus'/);
  });

  it('DynamicUser= implies PrivateTmp=, ProtectSystem=strict and ProtectHome=read-only', () => {
    expect(show('DynamicUser=yes')).to.include({ PrivateTmp: 'yes', ProtectSystem: 'strict', ProtectHome: 'read-only' });
    expect(show('DynamicUser=yes\nProtectHome=yes')).to.include({ ProtectHome: 'yes' });
  });

  it('take capabilities out of the bounding set shown (PrivateDevices=, ProtectKernelModules=, ProtectKernelLogs=)', () => {
    const caps = show('PrivateDevices=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes').CapabilityBoundingSet!.split(' ');
    for (const c of ['cap_mknod', 'cap_sys_rawio', 'cap_sys_module', 'cap_syslog']) expect(caps).not.to.include(c);
  });
});

describe('namespace plan', () => {
  it('is empty without settings, and network/IPC alone need no mount namespace', () => {
    expect(plan('')).to.deep.equal([]);
    const ops = plan('PrivateNetwork=yes\nPrivateIPC=no');
    expect(ops.map((o) => o.op)).to.deep.equal(['unshare', 'loopback-up']);
    expect(ops[0]).to.include({ flags: 0x40000000, status: 225 });
  });

  it('assembles the root in the staging directory and enters it, a slave first and shared at the end', () => {
    const ops = plan('ReadOnlyPaths=/srv');
    expect(ops[0]).to.include({ op: 'unshare', flags: 0x20000 });
    expect(ops[1]).to.include({ op: 'mount', target: '/', flags: (1 << 19) | 16384 });
    expect(ops[2]).to.include({ op: 'mount', source: '/', target: '/R' });
    expect(ops.at(-2)).to.include({ op: 'enter-root', target: '/R' });
    expect(ops.at(-1)).to.include({ op: 'mount', target: '/', flags: (1 << 20) | 16384 });
    // Without anything that changes the file system beyond protection, a refused namespace is skipped.
    expect(ops[0]!.skipTo).to.equal(ops.length);
  });

  it('makes ProtectSystem=strict read-only with every submount no deeper entry claims', () => {
    const ops = plan('ProtectSystem=strict\nReadWritePaths=/srv');
    const ro = ops.filter((o) => o.op === 'setattr' && o.set === 1).map((o) => o.target);
    expect(ro).to.include.members(['/R', '/R/with space']);
    // /proc, /sys, /dev and /home stay writable (implicitly), /srv is writable and so is /srv/data below it.
    for (const p of ['/R/proc', '/R/sys', '/R/dev', '/R/home', '/R/srv', '/R/srv/data', '/R/sys/fs/cgroup']) expect(ro).not.to.include(p);
    // /srv is no mount point yet: it is bound onto itself to carry flags of its own.
    expect(ops).to.deep.include({ op: 'mount', source: '/R/srv', target: '/R/srv', flags: 4096 | 16384, optional: false });
  });

  it('puts inaccessible nodes of the right type over paths, and drops what is below them', () => {
    const ops = plan('InaccessiblePaths=/srv /etc/file -/missing\nReadOnlyPaths=/srv/data/x');
    expect(ops).to.deep.include({ op: 'mount', source: '/I/dir', target: '/R/srv', flags: 4096 | 16384, optional: false });
    expect(ops).to.deep.include({ op: 'mount', source: '/I/reg', target: '/R/etc/file', flags: 4096 | 16384, optional: false });
    expect(JSON.stringify(ops)).not.to.include('missing');
    expect(JSON.stringify(ops)).not.to.include('/srv/data/x');
  });

  it('binds sources, creating the mount points, and makes read-only binds read-only', () => {
    const ops = plan('BindPaths=/src:/mnt/new/dir\nBindReadOnlyPaths=/etc/file:/mnt/f:norbind -/gone:/mnt/g');
    expect(ops).to.deep.include({ op: 'mkdir', target: '/R/mnt', mode: 0o755 });
    expect(ops).to.deep.include({ op: 'mkdir', target: '/R/mnt/new/dir', mode: 0o755 });
    expect(ops).to.deep.include({ op: 'mkfile', target: '/R/mnt/f', mode: 0o644 });
    expect(ops).to.deep.include({ op: 'mount', source: '/src', target: '/R/mnt/new/dir', flags: 4096 | 16384, optional: false });
    expect(ops).to.deep.include({ op: 'mount', source: '/etc/file', target: '/R/mnt/f', flags: 4096, optional: false });
    expect(targetsOf(ops.filter((o) => o.set === 1), 'setattr')).to.deep.equal(['/R/mnt/f']);
    expect(JSON.stringify(ops)).not.to.include('/mnt/g');
    // A bind to another place changes what the process sees: the namespace is required.
    expect(ops[0]!.skipTo).to.equal(undefined);
  });

  it('binds the private /tmp and /var/tmp, mounts TemporaryFileSystem= with its options', () => {
    const ops = plan('PrivateTmp=yes\nTemporaryFileSystem=/var/cache:ro,nosuid,size=1M');
    expect(ops).to.deep.include({ op: 'mount', source: '/tmp/p/tmp', target: '/R/tmp', flags: 4096 | 16384, optional: false });
    expect(ops).to.deep.include({ op: 'mount', source: '/var/tmp/p/tmp', target: '/R/var/tmp', flags: 4096 | 16384, optional: false });
    expect(ops).to.deep.include({ op: 'mount', source: 'tmpfs', target: '/R/var/cache', fstype: 'tmpfs', flags: 4 | 2 | (1 << 24), data: 'mode=0755,size=10%,nr_inodes=400k,size=1M' });
    expect(ops.find((o) => o.op === 'setattr' && o.target === '/R/var/cache')).to.include({ set: 1 });
  });

  it('NoExecPaths=/ with ExecPaths= below: noexec everywhere but there', () => {
    const ops = plan('NoExecPaths=/\nExecPaths=/usr');
    expect(ops.find((o) => o.op === 'setattr' && o.target === '/R')).to.include({ set: 8, clear: 0 });
    expect(ops.find((o) => o.op === 'setattr' && o.target === '/R/usr')).to.include({ set: 0, clear: 8 });
  });

  it('builds a private /dev from a tmpfs and moves it over the copy of the host one', () => {
    const ops = plan('PrivateDevices=yes');
    expect(ops).to.deep.include({ op: 'mount', source: 'tmpfs', target: '/D', fstype: 'tmpfs', flags: 2 | 8 | (1 << 24), data: 'mode=755,size=4m,nr_inodes=64k' });
    expect(ops).to.deep.include({ op: 'mknod', target: '/D/null', mode: 0o20666, dev: 0x103 });
    expect(ops).to.deep.include({ op: 'symlink', source: '../null', target: '/D/char/1:3', bestEffort: true });
    const move = ops.findIndex((o) => o.op === 'mount' && o.source === '/D' && o.target === '/R/dev');
    expect(ops[move - 1]).to.include({ op: 'umount-all', target: '/R/dev' });
    expect(ops.find((o) => o.op === 'setattr' && o.target === '/R/dev')).to.include({ set: 1 });
  });

  it('ProtectKernelTunables= implies the API file systems: a fresh /proc, the host /sys read-only and noexec', () => {
    const ops = plan('ProtectKernelTunables=yes');
    expect(ops).to.deep.include({ op: 'mount', source: 'proc', target: '/R/proc', fstype: 'proc', flags: 2 | 4 | 8 });
    expect(ops.filter((o) => o.op === 'setattr' && o.target === '/R/sys').map((o) => o.set)).to.deep.equal([1, 8]);
    // /sys/fs/cgroup stays writable unless ProtectControlGroups= says otherwise.
    expect(targetsOf(ops, 'setattr')).not.to.include('/R/sys/fs/cgroup');
    expect(targetsOf(plan('ProtectKernelTunables=yes\nProtectControlGroups=yes'), 'setattr')).to.include('/R/sys/fs/cgroup');
  });

  it('ProtectProc= and ProcSubset= mount /proc with hidepid= and subset=', () => {
    expect(plan('ProtectProc=invisible\nProcSubset=pid')).to.deep.include({ op: 'mount', source: 'proc', target: '/R/proc', fstype: 'proc', flags: 2 | 4 | 8, data: 'hidepid=invisible,subset=pid' });
  });

  it('RootDirectory= assembles the root from that directory and mounts the API file systems in it', () => {
    const ops = plan('RootDirectory=/srv');
    expect(ops[2]).to.include({ op: 'mount', source: '/srv', target: '/R' });
    expect(ops).to.deep.include({ op: 'mount', source: 'proc', target: '/R/proc', fstype: 'proc', flags: 2 | 4 | 8 });
    // /srv/data is a mount of its own: inside the root it is /data.
    expect(targetsOf(plan('RootDirectory=/srv\nReadOnlyPaths=/'), 'setattr')).to.include.members(['/R', '/R/data']);
  });

  it('PrivateUsers= maps the manager and the process user to themselves: last for a root manager, first (setgroups denied) otherwise', () => {
    const root = plan('PrivateUsers=yes\nPrivateNetwork=yes', { users: { uid: 1000, gid: 100, managerUid: 0, managerGid: 0 } });
    expect(root.at(-1)).to.deep.equal({ op: 'userns', data: '0 0 1\n1000 1000 1\n', source: '0 0 1\n100 100 1\n', flags: 0 });
    const user = plan('PrivateUsers=yes\nProtectSystem=yes', { users: { uid: 1000, gid: 1000, managerUid: 1000, managerGid: 1000 } });
    expect(user[0]).to.deep.equal({ op: 'userns', data: '1000 1000 1\n', source: '1000 1000 1\n', flags: 1 });
    expect(user[1]).to.include({ op: 'unshare', flags: 0x20000 });
  });

  it('ProtectHostname= unshares UTS last and goes on without it when refused', () => {
    const ops = plan('ProtectHostname=yes');
    expect(ops.at(-1)).to.include({ op: 'unshare', flags: 0x04000000, skipTo: ops.length });
  });

  it('DynamicUser= covers private/ with an empty tmpfs and binds its directories back; the namespace is required', () => {
    const ops = plan('DynamicUser=yes', { emptyDirectories: ['/var/lib/private'], privateBinds: ['/var/lib/private/foo'], writablePaths: ['/var/lib/foo'] });
    const tmpfs = ops.findIndex((o) => o.op === 'mount' && o.target === '/R/var/lib/private');
    const bind = ops.findIndex((o) => o.op === 'mount' && o.target === '/R/var/lib/private/foo');
    expect(tmpfs).to.be.greaterThan(0);
    expect(bind).to.be.greaterThan(tmpfs);
    expect(ops[bind]).to.include({ source: '/var/lib/private/foo' });
    expect(ops[0]!.skipTo).to.equal(undefined);
  });

  it('hides /run/credentials, or shows only the unit\'s own credentials read-only', () => {
    expect(plan('ProtectSystem=full', { credentialsRoot: '/run/credentials' })).to.deep.include({ op: 'mount', source: '/I/dir', target: '/R/run/credentials', flags: 4096 | 16384, optional: true });
    const ops = plan('ProtectSystem=full', { credentialsRoot: '/run/credentials', credentialsDirectory: '/run/credentials/a.service' });
    expect(ops.find((o) => o.op === 'mount' && o.target === '/R/run/credentials')).to.include({ fstype: 'tmpfs' });
    expect(ops.find((o) => o.op === 'mount' && o.target === '/R/run/credentials/a.service')).to.include({ source: '/run/credentials/a.service' });
  });
});
