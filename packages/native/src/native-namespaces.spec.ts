import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExecSpec, destroyExecRuntime, execContextDirectives, readExecContext, type ExecSpec } from '@unitkit/core';
import { killLeftovers, outputPipe, scratch, spawner, startReaping, track, waitExit } from './spec-helpers.js';
import { NativeVolatileMounts } from './native-volatile-mounts.js';

/** Unmounts the namespace files the first process of a unit binds (shared-namespaces.ts in core). */
const mounts = new NativeVolatileMounts();

/**
 * The namespace sandbox seen from inside real children: each test runs a shell script in a child
 * spawned from a spec core built for a [Service] section, and checks what it printed.
 */

const runtimeDirectory = join(scratch, 'ns-runtime');
const table = execContextDirectives();
let unitCounter = 0;

function section(settings: Record<string, string>): Map<string, unknown> {
  const s = new Map<string, unknown>();
  for (const [key, value] of Object.entries(settings)) {
    const d = table[key]!;
    const parsed = (d.parse as (v: string, ctx: unknown) => unknown)(value, { expand: (x: string) => x, warn: () => {}, unit: 'ns.service' });
    s.set(key, d.kind === 'list' ? [...((s.get(key) as unknown[]) ?? []), ...(parsed as unknown[])] : parsed);
  }
  return s;
}

function specFor(settings: Record<string, string>, script: string, unitName: string): ExecSpec {
  const context = readExecContext(section(settings), unitName);
  const prepared = buildExecSpec({
    unitName,
    command: { path: '/bin/sh', argv: ['sh', '-c', script], flags: {} } as never,
    context,
    scope: 'system',
    managerEnvironment: { PATH: '/usr/bin:/bin' },
    runtimeDirectory,
  });
  return prepared.spec;
}

/** Runs `script` under `settings`; its stdout and exit, and the spawn's failure if any. */
async function run(settings: Record<string, string>, script: string, adjust: (s: ExecSpec) => void = () => {}) {
  const unitName = `ns${++unitCounter}.service`;
  const spec = specFor(settings, script, unitName);
  adjust(spec);
  const out = outputPipe();
  spec.stdout = { kind: 'fd', fd: out.writeFd };
  spec.stderr = { kind: 'fd', fd: out.writeFd };
  const child = spawner.spawn(spec);
  track(child.pid);
  const exit = await waitExit(child.pid);
  const text = out.collect();
  destroyExecRuntime({ unitName, scope: 'system', managerEnvironment: {}, runtimeDirectory, mounts });
  return { exit, text, child, spec };
}

describe('namespace sandbox (real children)', function () {
  this.timeout(20000);
  let why: string | undefined;

  before(async () => {
    startReaping();
    mkdirSync(runtimeDirectory, { recursive: true });
    if (process.getuid?.() !== 0) why = 'needs root for mount namespaces (systemd-system mode)';
    else if (!existsSync('/proc/self/ns/mnt')) why = 'the kernel has no mount namespaces';
    else {
      const probe = await run({ ReadOnlyPaths: '/usr' }, 'true');
      if (probe.exit.status !== 0) why = `a mount namespace cannot be set up here (exit ${probe.exit.status}: ${probe.child.failure?.message ?? probe.text})`;
    }
  });
  beforeEach(function () {
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });
  afterEach(killLeftovers);

  it('ProtectSystem=strict: / is read-only, ReadWritePaths= stay writable, /proc /sys /dev untouched', async () => {
    const rw = join(scratch, 'rw');
    mkdirSync(rw, { recursive: true });
    const r = await run({ ProtectSystem: 'strict', ReadWritePaths: rw }, `touch /usr/.unitkit-x 2>&1; touch /etc/.unitkit-x 2>&1; touch ${rw}/ok && echo rw-ok; grep -c ' /proc ' /proc/self/mountinfo`);
    expect(r.text).to.match(/\/usr\/\.unitkit-x': Read-only file system/);
    expect(r.text).to.match(/\/etc\/\.unitkit-x': Read-only file system/);
    expect(r.text).to.include('rw-ok');
    expect(existsSync(join(rw, 'ok'))).to.equal(true);
  });

  it('ProtectSystem=full: /usr and /etc read-only, /var writable', async () => {
    const r = await run({ ProtectSystem: 'full' }, 'touch /usr/.x 2>&1; touch /etc/.x 2>&1; grep -E " /(usr|etc|var) " /proc/self/mountinfo | cut -d" " -f5,6');
    expect(r.text).to.match(/\/usr\/\.x': Read-only/).and.match(/\/etc\/\.x': Read-only/);
  });

  it('ProtectHome=yes: /home and /root are empty and inaccessible to other users', async () => {
    const r = await run({ ProtectHome: 'yes' }, 'echo "[$(ls -A /home /root | grep -v : | tr -d "\\n")]"; stat -c %a /home');
    expect(r.text).to.include('[]');
    expect(r.text).to.match(/^0$/m);
  });

  it('PrivateTmp=: an empty /tmp and /var/tmp of its own, on the host under systemd-private-*, removed at stop', async () => {
    writeFileSync('/tmp/.unitkit-host-marker', 'x');
    const r = await run({ PrivateTmp: 'yes' }, 'ls -A /tmp /var/tmp; echo inside > /tmp/file; stat -c %a /tmp; echo done');
    expect(r.text).not.to.include('.unitkit-host-marker');
    expect(r.text).to.match(/^1777$/m);
    expect(r.text).to.include('done');
    // destroyExecRuntime() ran after the child: nothing of it is left on the host.
    expect(readdirSync('/tmp').filter((e) => e.includes(`-ns${unitCounter}.service-`))).to.deep.equal([]);
    rmSync('/tmp/.unitkit-host-marker', { force: true });
  });

  it('DynamicUser=: ProtectSystem=strict and a private /tmp implied, its StateDirectory= reachable through private/', async () => {
    const name = `unitkit-test-${process.pid}`;
    try {
      const r = await run({ DynamicUser: 'yes', StateDirectory: name }, `id -u; touch /var/lib/${name}/ok && echo state-ok; touch /tmp/t && echo tmp-ok; touch /var/.x 2>&1; ls -A /var/lib/private`);
      const uid = Number(r.text.split('\n')[0]);
      expect(uid).to.be.within(61184, 65519);
      expect(r.text).to.include('state-ok').and.include('tmp-ok').and.include('Read-only file system');
      // Only its own directory is visible in private/.
      expect(r.text.trim().split('\n').at(-1)).to.equal(name);
      expect(existsSync(`/var/lib/private/${name}/ok`)).to.equal(true);
    } finally {
      rmSync(`/var/lib/private/${name}`, { recursive: true, force: true });
      rmSync(`/var/lib/${name}`, { force: true });
    }
  });

  it('ReadOnlyPaths= fails writes with EROFS; InaccessiblePaths= hides a file from other users', async () => {
    const dir = join(scratch, 'ro');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'secret'), 'secret\n', { mode: 0o644 });
    const r = await run({ ReadOnlyPaths: dir }, `echo x > ${dir}/new 2>&1`);
    expect(r.text).to.include('Read-only file system');
    const hidden = await run({ InaccessiblePaths: join(dir, 'secret') }, `cat ${dir}/secret 2>&1; echo rc=$?`, (s) => {
      s.uid = 65534;
      s.gid = 65534;
      s.supplementaryGroups = [];
    });
    expect(hidden.text).to.include('Permission denied').and.include('rc=1');
  });

  it('BindPaths=, BindReadOnlyPaths= and TemporaryFileSystem= appear where asked', async () => {
    const src = join(scratch, 'bind-src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'f'), 'hello\n');
    const dst = join(scratch, 'bind-dst', 'deep');
    const r = await run(
      { BindPaths: `${src}:${dst}`, BindReadOnlyPaths: `${src}/f:${scratch}/bind-file`, TemporaryFileSystem: `${scratch}/tmpfs:mode=0700` },
      `cat ${dst}/f; cat ${scratch}/bind-file; echo y > ${scratch}/bind-file 2>&1; stat -c %a ${scratch}/tmpfs; touch ${scratch}/tmpfs/x && echo tmpfs-rw`,
    );
    expect(r.text).to.match(/^hello\nhello\n/);
    expect(r.text).to.include('Read-only file system');
    expect(r.text).to.match(/^700$/m);
    expect(r.text).to.include('tmpfs-rw');
    expect(existsSync(join(scratch, 'tmpfs', 'x'))).to.equal(false);
  });

  it('PrivateNetwork=: only lo, up (127.0.0.1 routed)', async () => {
    const r = await run({ PrivateNetwork: 'yes' }, 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; echo ---; grep -c "127.0.0.1" /proc/net/fib_trie');
    const [names, count] = r.text.split('---\n');
    expect(names!.trim().split('\n')).to.deep.equal(['lo']);
    expect(Number(count)).to.be.greaterThan(0);
  });

  it('NetworkNamespacePath=: joins the network namespace of another process', async () => {
    const holder = spawner.spawn(specFor({ PrivateNetwork: 'yes' }, 'sleep 10', 'holder.service'));
    track(holder.pid);
    try {
      let own = '';
      for (let i = 0; i < 50 && (own === '' || own === readlinkSync('/proc/self/ns/net')); i++) {
        await new Promise((res) => setTimeout(res, 20));
        own = readlinkSync(`/proc/${holder.pid}/ns/net`);
      }
      const r = await run({ NetworkNamespacePath: `/proc/${holder.pid}/ns/net` }, 'readlink /proc/self/ns/net');
      expect(r.text.trim()).to.equal(own);
      const missing = await run({ NetworkNamespacePath: '/nonexistent-netns' }, 'true');
      expect(missing.exit.status).to.equal(225);
    } finally {
      killLeftovers();
      await waitExit(holder.pid).catch(() => undefined);
      destroyExecRuntime({ unitName: 'holder.service', scope: 'system', managerEnvironment: {}, runtimeDirectory, mounts });
    }
  });

  it('PrivateIPC= and ProtectHostname= give new IPC and UTS namespaces', async () => {
    const r = await run({ PrivateIPC: 'yes', ProtectHostname: 'yes' }, 'readlink /proc/self/ns/ipc /proc/self/ns/uts');
    const [ipc, uts] = r.text.trim().split('\n');
    expect(ipc).to.not.equal(readlinkSync('/proc/self/ns/ipc'));
    expect(uts).to.not.equal(readlinkSync('/proc/self/ns/uts'));
  });

  it('PrivateDevices=: a minimal /dev with the pseudo devices, read-only', async () => {
    const r = await run({ PrivateDevices: 'yes' }, 'ls /dev | tr "\\n" " "; echo; echo x > /dev/null && echo null-ok; touch /dev/new 2>&1');
    const listed = r.text.split('\n')[0]!.trim().split(' ');
    expect(listed).to.include.members(['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm', 'fd', 'stdin', 'stdout', 'stderr']);
    expect(listed.filter((d) => /^(sd|vd|nvme|loop|mem|kmsg)/.test(d))).to.deep.equal([]);
    expect(r.text).to.include('null-ok').and.include('Read-only file system');
  });

  it('ProtectKernelTunables=, ProtectControlGroups=: /proc/sys and /sys/fs/cgroup read-only', async () => {
    const r = await run({ ProtectKernelTunables: 'yes', ProtectControlGroups: 'yes' }, 'echo 60 > /proc/sys/vm/swappiness 2>&1; mkdir /sys/fs/cgroup/unitkit-x 2>&1');
    expect(r.text.match(/Read-only file system/g)?.length).to.equal(2);
  });

  it('a path that must exist and does not fails the child at step NAMESPACE (226) and says where', async () => {
    const r = await run({ ReadOnlyPaths: '/nonexistent-unitkit' }, 'echo ran');
    expect(r.exit.status).to.equal(226);
    expect(r.text).to.equal('');
    expect(r.child.failure).to.include({ step: 'NAMESPACE', code: 'ENOENT' });
    expect((r.child.failure as { namespacePath?: string }).namespacePath).to.match(/\/nonexistent-unitkit$/);
  });

  it('PrivateUsers=: root and the process user mapped to themselves, everyone else is nobody', async () => {
    const r = await run({ PrivateUsers: 'yes' }, 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " "; stat -c %u /proc/1', (s) => {
      s.uid = 65534;
      s.gid = 65534;
      s.supplementaryGroups = [];
    });
    // The spec was built for root (no User=): only root is mapped, so changing to another group fails (216/GROUP).
    expect(r.exit.status).to.equal(216);
    const mapped = await run({ PrivateUsers: 'yes', User: '65534', Group: '65534' }, 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " "; id -u; stat -c %u /proc/1', (s) => {
      s.supplementaryGroups = [];
    });
    expect(mapped.text).to.equal(' 0 0 1\n 65534 65534 1\n 0 0 1\n 65534 65534 1\n65534\n0\n');
  });

  it('RootDirectory=: the process runs inside it, with the API file systems mounted there', async () => {
    const root = join(scratch, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    for (const l of ['bin', 'lib', 'lib64', 'sbin']) if (!existsSync(join(root, l))) symlinkSync(`usr/${l}`, join(root, l));
    writeFileSync(join(root, 'etc', 'marker'), 'inside\n');
    const r = await run({ RootDirectory: root, BindReadOnlyPaths: '/usr' }, 'cat /etc/marker; test -e /proc/self/status && echo proc; test -e /dev/null && echo dev; touch /usr/.x 2>&1');
    expect(r.text).to.match(/^inside\nproc\ndev\n/);
    expect(r.text).to.include('Read-only file system');
  });

  it('the "+" prefix runs a command outside the sandbox', async () => {
    const context = readExecContext(section({ ProtectSystem: 'strict' }), 'plus.service');
    const spec = buildExecSpec({ unitName: 'plus.service', command: { path: '/bin/true', argv: ['true'], flags: { fullPrivileges: true } } as never, context, scope: 'system', managerEnvironment: {}, runtimeDirectory }).spec;
    expect(spec.namespace).to.equal(undefined);
  });
});
