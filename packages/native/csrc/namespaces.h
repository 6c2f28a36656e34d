/*
 * The namespace part of a spawn plan (namespaces.c): a flat list of namespace and mount operations
 * the manager computed (paths, flags, the submounts to remount), which the vfork child carries out
 * with raw syscalls where systemd's exec_child() sets up the namespaces — after the directories and
 * credentials, before the user change.
 */
#ifndef UNITKIT_NAMESPACES_H
#define UNITKIT_NAMESPACES_H

#include "unitkit.h"

/* One operation; which fields matter depends on `op` (see namespaces.c). */
typedef struct {
  int op;
  char *source, *target, *fstype, *data;
  unsigned long flags;
  unsigned long set, clear;
  unsigned mode;
  unsigned long long dev;
  /* ENOENT is fine (the "-" prefix, systemd's optional table entries). */
  bool optional;
  /* Every error is fine. */
  bool best_effort;
  /* The exit status when it fails (226/NAMESPACE, 225/NETWORK…). */
  int status;
  /* unshare: where to continue when the kernel refuses (EPERM…) and the plan may go on without. */
  int skip_to;
} uk_ns_op;

typedef struct {
  uk_ns_op *ops;
  size_t nops;
  /* PrivateUsers=: the stack of the helper that writes the child's uid/gid maps, and its pipe. */
  char *helper_stack;
  int helper_pipe[2];
  const uk_ns_op *helper_op;
  /* Written by the child: the op that failed (-1: none), and whether a refused unshare was skipped. */
  volatile int failed_op;
  volatile int skipped;
} uk_ns_plan;

/* Reads spec.namespace ({ops: [...]}) into `ns`; false with a JS exception pending on bad input. */
bool uk_ns_build(napi_env env, napi_value spec, uk_ns_plan *ns);
void uk_ns_free(uk_ns_plan *ns);
/* In the child: runs the ops. 0, or the exit status with *err set. Raw syscalls only. */
int uk_ns_apply(uk_ns_plan *ns, int *err);
/* In the parent after a failed spawn or a skipped namespace: adds `namespacePath`/`namespaceSkipped` to `result`. */
void uk_ns_report(napi_env env, const uk_ns_plan *ns, napi_value failure, napi_value result);

#endif
