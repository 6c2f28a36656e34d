/**
 * What a process the manager starts gets when the unit sets nothing: the manager's own resource
 * limits (soft NOFILE lowered to 1024), OOM score, and the kernel's full capability list, read
 * once from /proc as systemd takes its Default*= values at start-up. `show` prints these for
 * every exec context and the spawner applies the NOFILE default.
 */
import * as fs from 'node:fs';
import { RLIMIT_NAMES } from './exec-context.js';

/** A limit as show prints it: a number, or Infinity for "infinity". */
export interface InheritedLimit {
  soft: number;
  hard: number;
}

/** The manager's process facts. */
export interface ProcessDefaults {
  limits: Partial<Record<string, InheritedLimit>>;
  oomScoreAdjust: number;
  /**
   * The bounding set a unit that sets none shows: every capability the kernel knows (systemd's
   * "unset" mask reads as all of them; the kernel intersects it with the manager's own set).
   */
  capabilityBoundingSet: string[];
}

/** /proc/self/limits row titles, by systemd's Limit*= name. */
const limitRows: Record<string, string> = {
  CPU: 'Max cpu time',
  FSIZE: 'Max file size',
  DATA: 'Max data size',
  STACK: 'Max stack size',
  CORE: 'Max core file size',
  RSS: 'Max resident set',
  NOFILE: 'Max open files',
  AS: 'Max address space',
  NPROC: 'Max processes',
  MEMLOCK: 'Max locked memory',
  LOCKS: 'Max file locks',
  SIGPENDING: 'Max pending signals',
  MSGQUEUE: 'Max msgqueue size',
  NICE: 'Max nice priority',
  RTPRIO: 'Max realtime priority',
  RTTIME: 'Max realtime timeout',
};

/** Linux capability names by bit, as systemd's capability_to_name() spells them. */
export const CAPABILITY_NAMES: readonly string[] = [
  'cap_chown', 'cap_dac_override', 'cap_dac_read_search', 'cap_fowner', 'cap_fsetid', 'cap_kill', 'cap_setgid', 'cap_setuid',
  'cap_setpcap', 'cap_linux_immutable', 'cap_net_bind_service', 'cap_net_broadcast', 'cap_net_admin', 'cap_net_raw', 'cap_ipc_lock',
  'cap_ipc_owner', 'cap_sys_module', 'cap_sys_rawio', 'cap_sys_chroot', 'cap_sys_ptrace', 'cap_sys_pacct', 'cap_sys_admin', 'cap_sys_boot',
  'cap_sys_nice', 'cap_sys_resource', 'cap_sys_time', 'cap_sys_tty_config', 'cap_mknod', 'cap_lease', 'cap_audit_write', 'cap_audit_control',
  'cap_setfcap', 'cap_mac_override', 'cap_mac_admin', 'cap_syslog', 'cap_wake_alarm', 'cap_block_suspend', 'cap_audit_read', 'cap_perfmon',
  'cap_bpf', 'cap_checkpoint_restore',
];

function read(path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function parseLimits(text: string): Partial<Record<string, InheritedLimit>> {
  const out: Partial<Record<string, InheritedLimit>> = {};
  const value = (v: string) => (v === 'unlimited' ? Infinity : Number(v));
  for (const name of RLIMIT_NAMES) {
    const row = text.split('\n').find((l) => l.startsWith(limitRows[name] ?? '\0'));
    if (!row) continue;
    const [soft, hard] = row.slice(26).trim().split(/\s+/);
    if (soft !== undefined && hard !== undefined) out[name] = { soft: value(soft), hard: value(hard) };
  }
  return out;
}

function kernelCapabilities(lastCap: string): string[] {
  const last = Number(lastCap.trim());
  return CAPABILITY_NAMES.slice(0, Number.isInteger(last) && lastCap.trim() !== '' ? last + 1 : CAPABILITY_NAMES.length);
}

/** The soft open-files limit services get by default (systemd's DefaultLimitNOFILESoft). */
export const SAFE_NOFILE_SOFT = 1024;

/** What services inherit: the manager's limits with the soft NOFILE lowered as systemd does. */
function withServiceNoFile(limits: Partial<Record<string, InheritedLimit>>): Partial<Record<string, InheritedLimit>> {
  const nofile = limits.NOFILE;
  if (nofile && nofile.soft > SAFE_NOFILE_SOFT) limits.NOFILE = { soft: SAFE_NOFILE_SOFT, hard: nofile.hard };
  return limits;
}

let cached: ProcessDefaults | undefined;
let own: Partial<Record<string, InheritedLimit>> | undefined;

/** The manager's own limits, as read (what systemd shows for a unit whose context it never set up). */
export function managerLimits(): Partial<Record<string, InheritedLimit>> {
  own ??= parseLimits(read('/proc/self/limits'));
  return own;
}

/** The manager's process facts, read on first use. */
export function processDefaults(): ProcessDefaults {
  cached ??= {
    limits: withServiceNoFile(parseLimits(read('/proc/self/limits'))),
    oomScoreAdjust: Number(read('/proc/self/oom_score_adj').trim() || 0),
    capabilityBoundingSet: kernelCapabilities(read('/proc/sys/kernel/cap_last_cap')),
  };
  return cached;
}
