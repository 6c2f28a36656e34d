/*
 * Process attributes and capabilities applied in the spawned child (privileges.c), and the
 * seccomp filters it loads last (seccomp.c). The parent turns spec.privileges / spec.seccomp
 * into these plans; the child functions only make raw syscalls on precomputed data (the child
 * shares the parent's memory, see spawn.c) and return 0 or systemd's exit status with errno set.
 */
#ifndef UNITKIT_PRIVILEGES_H
#define UNITKIT_PRIVILEGES_H

#include "unitkit.h"

#include <linux/filter.h>
#include <sched.h>
#include <sys/types.h>

typedef struct {
  bool set_oom;
  int oom;
  char *coredump; /* text for /proc/self/coredump_filter, or NULL */
  bool set_sched;
  int sched_policy, sched_priority;
  cpu_set_t *affinity; /* CPU_ALLOC'ed, or NULL */
  size_t affinity_size;
  bool set_numa;
  int numa_mode;                 /* MPOL_*, or -1: invalid, the child fails with 242/NUMA */
  unsigned long numa_nodes[16];  /* node mask, nodes 0…1023 */
  bool numa_has_nodes;
  bool set_timerslack;
  unsigned long timerslack;
  bool set_personality;
  unsigned long personality;
  int keyring; /* 0 inherit, 1 private, 2 shared */
  bool have_invocation;
  unsigned char invocation[16];
  bool caps; /* the capability steps run (not for "+" commands) */
  bool set_bounding;
  uint64_t bounding, ambient;
  int securebits;
  bool nnp, nnp_if_unprivileged;
  int last_cap;
  /* SELinuxContext=, AppArmorProfile=, SmackProcessLabel=: /proc attribute writes (core decides which). */
  struct {
    char *path, *text;
    int status;
    bool ignore_errors;
  } labels[3];
  size_t nlabels;
} priv_plan;

/* Reads spec.privileges (absent: nothing to do). False with a pending JS exception. */
bool uk_priv_build(napi_env env, napi_value spec, priv_plan *p);
void uk_priv_free(priv_plan *p);

/* The child's steps, in exec_child()'s order. */
int uk_priv_early(const priv_plan *p);                                   /* OOMScoreAdjust=, CoredumpFilter= (before Nice=) */
int uk_priv_sched(const priv_plan *p);                                   /* CPUScheduling*=, CPUAffinity=, NUMAPolicy= (after Nice=) */
int uk_priv_late_attrs(const priv_plan *p);                              /* TimerSlackNSec=, Personality= (after IOScheduling*=) */
int uk_priv_keyring(const priv_plan *p, bool set_uid, uid_t uid, bool set_gid, gid_t gid); /* KeyringMode= (after UMask=) */
int uk_priv_before_setuid(const priv_plan *p);                           /* bounding set, ambient set (after the group change) */
int uk_priv_setuid(const priv_plan *p, uid_t uid);                       /* keep-caps + setresuid() + ambient raise */
int uk_priv_final(const priv_plan *p);                                   /* security labels, SecureBits=, NoNewPrivileges= (before the filters) */

typedef struct {
  struct sock_fprog *progs; /* one BPF program per filter, in load order */
  int *status;              /* exit status when loading filter i fails */
  size_t n;
} seccomp_plan;

/* Compiles spec.seccomp with libseccomp (absent: nothing). False with a pending JS exception. */
bool uk_seccomp_build(napi_env env, napi_value spec, seccomp_plan *p);
void uk_seccomp_free(seccomp_plan *p);
/* Loads the filters (the child's very last step before execve()). */
int uk_seccomp_apply(const seccomp_plan *p);

/* A name for systemd's "Failed at step X" of the statuses these files produce, or NULL. */
const char *uk_priv_status_step(int status);

#endif
