/**
 * Process attributes, capabilities and syscall filters of systemd.exec(5) on the whole native
 * stack, checked from inside real processes: what /proc/self says (oom_score_adj, CPU affinity,
 * CapBnd/CapAmb/NoNewPrivs/Seccomp), a syscall denied with the errno asked for, a refused socket
 * family, a namespace refused, a process killed by SIGSYS, and the exit statuses of failing steps.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeStack, type NativeStack } from './native-stack.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const oneshot = (body: string, script: string) =>
  `[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n${body}\nExecStart=/bin/sh -c '${script}'\n`;
const root = process.getuid?.() === 0;
const field = (text: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1];

describe('end to end: privileges and syscall filters (system manager, as root)', function () {
  this.timeout(30000);
  let s: NativeStack;
  before(function () {
    if (!root) {
      console.log('    (skipped: capabilities, negative OOM scores and User= need root)');
      this.skip();
    }
  });
  beforeEach(() => (s = nativeStack({ scope: 'system', environment: { PATH: DEFAULT_PATH } })));
  afterEach(async () => s?.close());
  const out = (name: string) => fs.readFileSync(path.join(s.dir, name), 'utf8');

  it('applies the process attributes and the capability sets the unit asks for', async () => {
    s.unit('attrs.service', oneshot(
      'OOMScoreAdjust=100\nCPUAffinity=0\nTimerSlackNSec=2ms\nCapabilityBoundingSet=CAP_NET_RAW CAP_CHOWN\nCapabilityBoundingSet=~CAP_CHOWN\nAmbientCapabilities=CAP_NET_RAW\nUser=nobody\nNoNewPrivileges=yes\n' +
        // nobody cannot write into the test directory; the manager opens the output file.
        'StandardOutput=truncate:{dir}/out',
      'cat /proc/self/status /proc/self/oom_score_adj /proc/self/timerslack_ns',
    ));
    expect(await s.run('start', 'attrs.service')).to.equal('done');
    const status = out('out');
    expect(field(status, 'CapBnd')).to.equal('0000000000002000');
    expect(field(status, 'CapAmb')).to.equal('0000000000002000');
    expect(field(status, 'CapEff')).to.equal('0000000000002000');
    expect(field(status, 'NoNewPrivs')).to.equal('1');
    expect(field(status, 'Cpus_allowed_list')).to.equal('0');
    expect(status.split('\n').slice(-3)).to.deep.equal(['100', '2000000', '']);
    expect(s.prop('attrs.service', 'CapabilityBoundingSet')).to.equal('cap_net_raw');
    expect(s.prop('attrs.service', 'TimerSlackNSec')).to.equal('2000000');
  });

  it('fails a syscall denied by SystemCallFilter= with the errno given, and one outside an allow list with SystemCallErrorNumber=', async () => {
    s.unit('deny.service', oneshot('SystemCallFilter=~mkdir:EACCES mkdirat:EACCES', 'mkdir {dir}/x 2> {dir}/err; grep -E "Seccomp|NoNewPrivs" /proc/self/status > {dir}/status; true'));
    expect(await s.run('start', 'deny.service')).to.equal('done');
    expect(out('err')).to.match(/Permission denied/);
    expect(fs.existsSync(path.join(s.dir, 'x'))).to.equal(false);
    // Root keeps CAP_SYS_ADMIN: the filter loads without NoNewPrivileges=, as under systemd.
    expect(field(out('status'), 'Seccomp')).to.equal('2');
    expect(field(out('status'), 'NoNewPrivs')).to.equal('0');
    s.unit('allow.service', oneshot('SystemCallFilter=@system-service\nSystemCallFilter=~mkdir mkdirat\nSystemCallErrorNumber=EROFS', 'mkdir {dir}/y 2> {dir}/err2; true'));
    expect(await s.run('start', 'allow.service')).to.equal('done');
    expect(out('err2')).to.match(/Read-only file system/);
  });

  it('kills a process making a filtered syscall with SIGSYS when no error number is set', async () => {
    s.unit('kill.service', '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nSystemCallFilter=~uname\nExecStart=/usr/bin/uname\n');
    expect(await s.run('start', 'kill.service')).to.equal('failed');
    expect(s.prop('kill.service', 'Result')).to.equal('signal');
    expect(s.prop('kill.service', 'ExecMainStatus')).to.equal('31');
  });

  it('refuses a socket family outside RestrictAddressFamilies= and namespaces outside RestrictNamespaces=', async function () {
    if (!fs.existsSync('/usr/bin/python3') || !fs.existsSync('/usr/bin/unshare')) {
      console.log('      skipped: python3 and unshare(1) are needed to try a socket family and a namespace');
      return this.skip();
    }
    s.unit('af.service', oneshot(
      'RestrictAddressFamilies=AF_UNIX AF_INET\nRestrictNamespaces=~user',
      'python3 -c "import socket; socket.socket(socket.AF_INET6)" 2> {dir}/af6; python3 -c "import socket; socket.socket(socket.AF_INET); print(1)" > {dir}/af4; unshare -U true 2> {dir}/ns; echo $? >> {dir}/ns',
    ));
    expect(await s.run('start', 'af.service')).to.equal('done');
    expect(out('af6')).to.match(/Address family not supported by protocol/);
    expect(out('af4')).to.equal('1\n');
    expect(out('ns')).to.match(/Operation not permitted\n1\n$/);
  });

  it('fails the process at the step that fails, with systemd exit statuses', async () => {
    const cases: Array<[string, string, string]> = [
      ['aff.service', 'CPUAffinity=4000', '215 CPUAFFINITY'],
      ['sched.service', 'CPUSchedulingPriority=50', '214 SETSCHEDULER'],
    ];
    for (const [name, body, want] of cases) {
      s.unit(name, oneshot(body, 'true'));
      expect(await s.run('start', name)).to.equal('failed');
      const [status, step] = want.split(' ');
      expect(s.prop(name, 'ExecMainStatus'), name).to.equal(status);
      expect(s.logger.find(new RegExp(`Failed at step ${step} spawning /bin/sh`)), name).to.not.equal(undefined);
    }
  });
});
