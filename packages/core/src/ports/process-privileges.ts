/**
 * The process attributes, capabilities and syscall filters an ExecSpec asks the spawner to apply
 * in the child, as plain numbers: core decides what systemd would do (exec-privileges.ts,
 * exec-seccomp.ts), the spawner only carries it out at systemd's places in exec_child().
 */

/** One write of a security label to a /proc attribute file of the child (SELinuxContext=, AppArmorProfile=, SmackProcessLabel=). */
export interface SecurityLabelWrite {
  path: string;
  text: string;
  /** The exit status when the write fails (229, 231, 236). */
  status: number;
  /** The "-" prefix: a failure is ignored. */
  ignoreErrors: boolean;
}

/** Process attributes and privileges; every field is optional and absent means "leave as inherited". */
export interface PrivilegesSpec {
  /** OOMScoreAdjust=: written to /proc/self/oom_score_adj (a refusal for lack of privilege is ignored). */
  oomScoreAdjust?: number;
  /** CoredumpFilter=: the text written to /proc/self/coredump_filter ("0x33"). */
  coredumpFilter?: string;
  /** CPUSchedulingPolicy=/Priority=/ResetOnFork=: sched_setscheduler() arguments. */
  cpuScheduling?: { policy: number; priority: number; resetOnFork: boolean };
  /** CPUAffinity=: the CPU numbers for sched_setaffinity(). */
  cpuAffinity?: number[];
  /**
   * NUMAPolicy=/NUMAMask=: set_mempolicy(2) after the CPU affinity, `mode` an MPOL_* number and
   * `nodes` the node mask (empty: none). Mode -1 means the combination is invalid (systemd's
   * numa_policy_is_valid()): the child fails there with 242/NUMA_POLICY.
   */
  numaPolicy?: { mode: number; nodes: number[] };
  /** Security labels, written right before the capability steps' end (before NoNewPrivileges=). */
  securityLabels?: SecurityLabelWrite[];
  /** TimerSlackNSec=: prctl(PR_SET_TIMERSLACK). */
  timerSlackNsec?: number;
  /** Personality=: personality(2) value (PER_LINUX, PER_LINUX32). */
  personality?: number;
  /** KeyringMode= private or shared: a new session keyring (joined as the service's user), the invocation id in it. */
  keyring?: { shared: boolean; invocationId?: string };
  /**
   * The capability steps of exec_child() (absent for commands with the `+` prefix): the bounding
   * set to keep (capability numbers; absent keeps all), the ambient set (raised across the user
   * change with keep-caps), SecureBits=, NoNewPrivileges=.
   */
  capabilities?: { boundingSet?: number[]; ambient: number[]; secureBits: number; noNewPrivileges: boolean; noNewPrivilegesIfUnprivileged: boolean };
}

/** One comparison of a seccomp rule (libseccomp's scmp_arg_cmp): op is SCMP_CMP_* (1 NE … 7 MASKED_EQ). */
export interface SeccompArgCompare {
  arg: number;
  op: number;
  /** For MASKED_EQ the mask, else the value. */
  a: number;
  /** For MASKED_EQ the value. */
  b?: number;
}

/** One rule: `action` (a raw SECCOMP_RET_* value, see SECCOMP_ACTION) for a syscall by name, optionally only when all comparisons hold. */
export interface SeccompRule {
  syscall: string;
  action: number;
  args?: SeccompArgCompare[];
}

/**
 * One seccomp filter program, compiled by the spawner with libseccomp in the parent and loaded in
 * the child right before execve(). Filters are loaded in order; `status` is the exit status of
 * the child when loading it fails (228 SECCOMP, 232 ADDRESS_FAMILIES).
 */
export interface SeccompFilterSpec {
  /** libseccomp architecture names ("x86_64", "x86", "x32", "native"). */
  archs: string[];
  defaultAction: number;
  /** What a syscall of an architecture not in `archs` gets. */
  badArchAction: number;
  rules: SeccompRule[];
  status: number;
  /** What the filter is for, for messages ("SystemCallFilter="). */
  what: string;
}

/** Raw seccomp return actions (SECCOMP_RET_*), as libseccomp's SCMP_ACT_* values. */
export const SECCOMP_ACTION = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0,
  TRAP: 0x00030000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
  errno: (n: number): number => 0x00050000 | (n & 0xffff),
} as const;
