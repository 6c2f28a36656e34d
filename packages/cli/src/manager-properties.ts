/**
 * The org.freedesktop.systemd1.Manager properties — what `systemctl show` without a unit prints
 * and what the D-Bus Manager object carries — in systemd 252's order, with the values a user
 * manager has: its boot timestamps, the machine it runs on (virtualization, architecture, taint
 * flags), its counters and the defaults its units get. One list for unitkitctl and D-Bus.
 */
import * as fs from 'node:fs';
import type { DualTimestamp, Job, JobResult, Manager, PropertyList, PropertyValue } from '@unitkit/core';
import { RLIMIT_NAMES, managerLimits, prop } from '@unitkit/core';
import { architectureName, kernelRelease } from '@unitkit/unit-file';

const UINT64_MAX = (1n << 64n) - 1n;

/** The boot timestamps a manager records, by systemd's names (UserspaceTimestamp, FinishTimestamp…). */
export type ManagerTimestampName = 'Userspace' | 'Finish' | 'GeneratorsStart' | 'GeneratorsFinish' | 'UnitsLoadStart' | 'UnitsLoadFinish';

/** The manager's boot timestamps; unset ones are 0 (systemd's "not yet"). */
export type ManagerTimestamps = Partial<Record<ManagerTimestampName, DualTimestamp>>;

/** Counters systemd keeps over the manager's life: jobs ever installed and jobs that failed. */
export class JobCounters {
  installed = 0;
  failed = 0;

  /** Counts the jobs of `manager` from now on. */
  follow(manager: Manager): void {
    manager.events.on('job-new' as never, (() => this.installed++) as never);
    manager.events.on('job-removed' as never, ((_j: Job, result: JobResult) => {
      if (result === 'failed') this.failed++;
    }) as never);
  }
}

/** What {@link managerProperties} reads besides the manager. */
export interface ManagerPropertySources {
  manager: Manager;
  unitPath: readonly string[];
  systemState: string;
  timestamps: ManagerTimestamps;
  counters: JobCounters;
  logLevel: string;
}

/** systemd 252's timestamp names of the Manager interface, in order; those a user manager never sets are 0. */
const timestampOrder = [
  'Firmware', 'Loader', 'Kernel', 'InitRD', 'Userspace', 'Finish', 'SecurityStart', 'SecurityFinish', 'GeneratorsStart',
  'GeneratorsFinish', 'UnitsLoadStart', 'UnitsLoadFinish', 'UnitsLoad', 'InitRDSecurityStart', 'InitRDSecurityFinish',
  'InitRDGeneratorsStart', 'InitRDGeneratorsFinish', 'InitRDUnitsLoadStart', 'InitRDUnitsLoadFinish',
] as const;

/** The Manager properties; see the module comment. */
export function managerProperties(s: ManagerPropertySources): PropertyList {
  const m = s.manager;
  const list: PropertyList = [
    ['Version', prop.string('252 (unitkit)')],
    ['Features', prop.string(features())],
    ['Virtualization', prop.string(machine().virtualization)],
    ['Architecture', prop.string(architecture())],
    ['Tainted', prop.string(machine().tainted)],
  ];
  for (const name of timestampOrder) {
    const t = (s.timestamps as Record<string, DualTimestamp | undefined>)[name];
    list.push([`${name}Timestamp`, prop.timestamp(t?.realtime ?? 0)], [`${name}TimestampMonotonic`, prop.int(t?.monotonic ?? 0)]);
  }
  const jobs = m.installedJobs().length;
  const finished = s.systemState === 'running' || s.systemState === 'degraded';
  list.push(
    ['LogLevel', prop.string(s.logLevel)],
    // systemd's default: the journal when there is one, else the console (unitkitd's stderr).
    ['LogTarget', prop.string('auto')],
    ['NNames', prop.int(m.allUnits().length)],
    ['NFailedUnits', prop.int(m.failed().length)],
    ['NJobs', prop.int(jobs)],
    ['NInstalledJobs', prop.int(s.counters.installed)],
    ['NFailedJobs', prop.int(s.counters.failed)],
    // systemd: 1 once booted, else the share of the installed jobs already done.
    ['Progress', prop.raw(progressText(finished ? 1 : 1 - jobs / Math.max(1, s.counters.installed)), { bus: finished ? 1 : 1 - jobs / Math.max(1, s.counters.installed) })],
    ['Environment', prop.strv(m.environmentList())],
    ['ConfirmSpawn', prop.bool(false)],
    ['ShowStatus', prop.bool(false)],
    ['UnitPath', prop.strv(s.unitPath)],
    ['DefaultStandardOutput', prop.string('journal')],
    ['DefaultStandardError', prop.string('inherit')],
    ['WatchdogDevice', prop.string('')],
    // Never pinged: systemd's "infinity" timestamp, which systemctl prints as nothing.
    ['WatchdogLastPingTimestamp', prop.raw('', { bus: UINT64_MAX })],
    ['WatchdogLastPingTimestampMonotonic', prop.raw(UINT64_MAX.toString(), { bus: UINT64_MAX })],
    ['RuntimeWatchdogUSec', prop.usec(Infinity)],
    ['RuntimeWatchdogPreUSec', prop.usec(Infinity)],
    ['RuntimeWatchdogPreGovernor', prop.string('')],
    ['RebootWatchdogUSec', prop.usec(Infinity)],
    ['KExecWatchdogUSec', prop.usec(Infinity)],
    ['ServiceWatchdogs', prop.bool(true)],
    ['ControlGroup', prop.string('')],
    ['SystemState', prop.string(s.systemState)],
    // A byte: systemctl prints "[unprintable]", and only with --all.
    ['ExitCode', { type: 'hidden', value: '[unprintable]', bus: m.exitStatus } as PropertyValue],
    ['DefaultTimerAccuracyUSec', prop.usec(60_000_000)],
    ['DefaultTimeoutStartUSec', prop.usec(90_000_000)],
    ['DefaultTimeoutStopUSec', prop.usec(90_000_000)],
    ['DefaultTimeoutAbortUSec', prop.usec(90_000_000)],
    ['DefaultDeviceTimeoutUSec', prop.usec(90_000_000)],
    ['DefaultRestartUSec', prop.usec(100_000)],
    ['DefaultStartLimitIntervalUSec', prop.usec(m.defaults.startLimitInterval)],
    ['DefaultStartLimitBurst', prop.int(m.defaults.startLimitBurst)],
    ['DefaultCPUAccounting', prop.bool(false)],
    ['DefaultBlockIOAccounting', prop.bool(false)],
    ['DefaultMemoryAccounting', prop.bool(true)],
    ['DefaultTasksAccounting', prop.bool(true)],
  );
  // The limits units inherit: the manager's own, the soft open-files limit lowered as for services.
  const limits = managerLimits();
  for (const r of RLIMIT_NAMES) {
    const l = limits[r];
    if (!l) continue;
    const soft = r === 'NOFILE' ? Math.min(l.soft, 1024) : l.soft;
    list.push([`DefaultLimit${r}`, prop.int(l.hard)], [`DefaultLimit${r}Soft`, prop.int(soft)]);
  }
  list.push(
    ['DefaultTasksMax', prop.int(machine().defaultTasksMax)],
    ['TimerSlackNSec', prop.int(machine().timerSlackNs)],
    ['DefaultOOMPolicy', prop.string('stop')],
    ['DefaultOOMScoreAdjust', prop.int(0)],
    ['CtrlAltDelBurstAction', prop.string('reboot-force')],
  );
  return list;
}

/** Progress as systemctl prints a double: "1", "0.5". */
function progressText(p: number): string {
  return String(Math.round(p * 1e6) / 1e6);
}

/** The architecture by systemd's names (architecture_to_string): unit-file's table, as %a gives it. */
export const architecture = architectureName;

/**
 * The compile-time features systemd lists; unitkit's own: seccomp (libseccomp) is the one it
 * has, everything else it does not link, and cgroup v2 is its hierarchy.
 */
function features(): string {
  const on = new Set(['SECCOMP']);
  const all = [
    'PAM', 'AUDIT', 'SELINUX', 'APPARMOR', 'IMA', 'SMACK', 'SECCOMP', 'GCRYPT', 'GNUTLS', 'OPENSSL', 'ACL', 'BLKID', 'CURL', 'ELFUTILS',
    'FIDO2', 'IDN2', 'IDN', 'IPTC', 'KMOD', 'LIBCRYPTSETUP', 'LIBFDISK', 'PCRE2', 'PWQUALITY', 'P11KIT', 'QRENCODE', 'TPM2', 'BZIP2',
    'LZ4', 'XZ', 'ZLIB', 'ZSTD', 'BPF_FRAMEWORK', 'XKBCOMMON', 'UTMP', 'SYSVINIT',
  ];
  return `${all.map((f) => (on.has(f) ? '+' : '-') + f).join(' ')} default-hierarchy=unified`;
}

interface MachineFacts {
  virtualization: string;
  tainted: string;
  defaultTasksMax: number;
  timerSlackNs: number;
}

let facts: MachineFacts | undefined;

/** Facts of the machine, read once (they do not change while the manager runs). */
function machine(): MachineFacts {
  facts ??= {
    virtualization: detectVirtualization(),
    tainted: taintFlags(),
    defaultTasksMax: defaultTasksMax(),
    timerSlackNs: Number(readText('/proc/self/timerslack_ns').trim()) || 50000,
  };
  return facts;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** What `systemd-detect-virt` answers: a container first, then a hypervisor; "" on bare metal. */
export function detectVirtualization(read: (file: string) => string = readText, exists: (file: string) => boolean = fs.existsSync): string {
  const fromContainerVar = (v: string) => (v === 'oci' ? 'container-other' : v);
  const pid1 = read('/proc/1/environ').split('\0').find((e) => e.startsWith('container='));
  if (pid1) return fromContainerVar(pid1.slice('container='.length));
  const marker = read('/run/systemd/container').trim();
  if (marker) return fromContainerVar(marker);
  if (exists('/run/.containerenv')) return 'podman';
  if (exists('/.dockerenv')) return 'docker';
  if (exists('/proc/vz') && !exists('/proc/bc')) return 'openvz';
  if (/Microsoft|WSL/i.test(read('/proc/sys/kernel/osrelease'))) return 'wsl';
  const dmi = ['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor'].map((f) => read(`/sys/class/dmi/id/${f}`).trim()).join('\n');
  const vms: Array<[RegExp, string]> = [
    [/KVM/, 'kvm'], [/Amazon EC2/, 'amazon'], [/QEMU/, 'qemu'], [/VMware/, 'vmware'], [/innotek GmbH|VirtualBox|Oracle Corporation/, 'oracle'],
    [/Xen/, 'xen'], [/Bochs/, 'bochs'], [/Parallels/, 'parallels'], [/BHYVE/, 'bhyve'], [/Google/, 'google'], [/Microsoft Corporation/, 'microsoft'],
  ];
  for (const [re, name] of vms) if (re.test(dmi)) return name;
  if (/^flags\s*:.*\bhypervisor\b/m.test(read('/proc/cpuinfo'))) return 'vm-other';
  return '';
}

/** systemd 252's taint flags (manager_taint_string), ":"-separated, for what a user manager can see. */
export function taintFlags(read: (file: string) => string = readText): string {
  const flags: string[] = [];
  let varRun = '';
  try {
    varRun = fs.readlinkSync('/var/run');
  } catch {
    // not a symlink
  }
  if (varRun !== '../run' && varRun !== '/run') flags.push('var-run-bad');
  const overflow = (f: string) => read(`/proc/sys/kernel/${f}`).trim();
  if (overflow('overflowuid') && overflow('overflowuid') !== '65534') flags.push('overflowuid-not-65534');
  if (overflow('overflowgid') && overflow('overflowgid') !== '65534') flags.push('overflowgid-not-65534');
  const [major = 0, minor = 0] = kernelRelease().split(/[.-]/).map(Number);
  if (major < 4 || (major === 4 && minor < 15)) flags.push('old-kernel');
  if (read('/proc/cgroups') !== '' && !cgroupUnified()) flags.push('cgroupsv1');
  if (/^LOCAL\s*$/m.test(read('/etc/adjtime').split('\n')[2] ?? '')) flags.push('local-hwclock');
  return flags.join(':');
}

/** True when /sys/fs/cgroup is the unified (v2) hierarchy. */
function cgroupUnified(): boolean {
  try {
    return Number(fs.statfsSync('/sys/fs/cgroup').type) === 0x63677270;
  } catch {
    return false;
  }
}

/** systemd's default TasksMax=: 15% of the kernel's task limit (pid_max - 1 or threads-max, the smaller). */
function defaultTasksMax(): number {
  const n = (f: string) => Number(readText(`/proc/sys/kernel/${f}`).trim()) || Infinity;
  const limit = Math.min(n('pid_max') - 1, n('threads-max'));
  return Number.isFinite(limit) ? Math.floor((limit * 15) / 100) : 4915;
}
