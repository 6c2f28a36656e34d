/*
 * Namespaces and the mount sandbox of systemd.exec(5) (PrivateTmp=, ProtectSystem=, BindPaths=,
 * PrivateNetwork=…), carried out in the vfork child of spawn.c. Everything that needs memory or
 * judgement — sorting the mount entries, the submounts of /proc/self/mountinfo to remount, the
 * device nodes to clone — is done by the manager, which hands over a flat list of operations. The
 * child only runs them in order with raw syscalls: it shares the parent's memory and may not
 * allocate or touch glibc state.
 */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* The operations, in the numbering the manager uses (NAMESPACE_OPS of core's process-spawner port). */
enum {
  OP_UNSHARE = 0,     /* unshare(flags) */
  OP_MKDIR = 1,       /* mkdir(target, mode); an existing one is fine */
  OP_MKFILE = 2,      /* an empty file at target (a mount point for a file), unless one exists */
  OP_MOUNT = 3,       /* mount(source, target, fstype, flags, data) */
  OP_UMOUNT_ALL = 4,  /* detach target and everything stacked on it */
  OP_SETATTR = 5,     /* set/clear MOUNT_ATTR_* on the one mount at target; remount with `flags` before 5.12 */
  OP_MKNOD = 6,       /* mknod(target, mode, dev) */
  OP_SYMLINK = 7,     /* symlink(source, target) */
  OP_LOOPBACK_UP = 8, /* bring "lo" of the (new) network namespace up */
  OP_ENTER_ROOT = 9,  /* make target the root: chdir, MS_MOVE onto /, chroot(".") */
};

struct uk_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static char *opt_str(napi_env env, napi_value obj, const char *name, bool *ok) {
  return uk_prop_string(env, obj, name, ok);
}

bool uk_ns_build(napi_env env, napi_value spec, uk_ns_plan *ns) {
  napi_value v, ops;
  bool present, is_array = false;
  ns->failed_op = -1;
  if (!uk_prop(env, spec, "namespace", &v, &present)) return false;
  if (!present || uk_is_nullish(env, v)) return true;
  if (!uk_prop(env, v, "ops", &ops, &present)) return false;
  if (present) napi_is_array(env, ops, &is_array);
  if (!is_array) return uk_throw_type(env, "spec.namespace.ops must be an array");
  uint32_t n;
  napi_get_array_length(env, ops, &n);
  if (!(ns->ops = calloc(n + 1, sizeof *ns->ops))) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  ns->nops = n;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    uk_ns_op *o = &ns->ops[i];
    napi_get_element(env, ops, i, &e);
    int32_t op = -1, status = 226, skip = -1;
    int64_t flags = 0, set = 0, clear = 0, mode = 0, dev = 0;
    bool ok;
    if (!uk_prop_i32(env, e, "op", &op, NULL) || !uk_prop_i32(env, e, "status", &status, NULL) ||
        !uk_prop_i32(env, e, "skipTo", &skip, NULL) || !uk_prop_i64(env, e, "flags", &flags, NULL) ||
        !uk_prop_i64(env, e, "set", &set, NULL) || !uk_prop_i64(env, e, "clear", &clear, NULL) ||
        !uk_prop_i64(env, e, "mode", &mode, NULL) || !uk_prop_i64(env, e, "dev", &dev, NULL) ||
        !uk_prop_bool(env, e, "optional", &o->optional, NULL) || !uk_prop_bool(env, e, "bestEffort", &o->best_effort, NULL))
      return false;
    if (op < OP_UNSHARE || op > OP_ENTER_ROOT) return uk_throw_type(env, "spec.namespace.ops[].op is not a known operation");
    if (status <= 0 || status > 255) return uk_throw_type(env, "spec.namespace.ops[].status must be 1…255");
    if (skip > (int32_t)n) return uk_throw_type(env, "spec.namespace.ops[].skipTo is past the end");
    o->op = op;
    o->status = status;
    o->skip_to = skip;
    o->flags = (unsigned long)flags;
    o->set = (unsigned long)set;
    o->clear = (unsigned long)clear;
    o->mode = (unsigned)mode;
    o->dev = (unsigned long long)dev;
    o->source = opt_str(env, e, "source", &ok);
    if (!ok) return false;
    o->target = opt_str(env, e, "target", &ok);
    if (!ok) return false;
    o->fstype = opt_str(env, e, "fstype", &ok);
    if (!ok) return false;
    o->data = opt_str(env, e, "data", &ok);
    if (!ok) return false;
    if (!o->target && op != OP_UNSHARE && op != OP_LOOPBACK_UP) return uk_throw_type(env, "spec.namespace.ops[].target is required");
    if (!o->source && op == OP_SYMLINK) return uk_throw_type(env, "spec.namespace.ops[].source is required for a symlink");
  }
  return true;
}

void uk_ns_free(uk_ns_plan *ns) {
  for (size_t i = 0; i < ns->nops; i++) {
    free(ns->ops[i].source);
    free(ns->ops[i].target);
    free(ns->ops[i].fstype);
    free(ns->ops[i].data);
  }
  free(ns->ops);
}

/* ---- the child ---- */

static int loopback_up(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, "lo", 3);
  int r = ioctl(fd, SIOCGIFFLAGS, &ifr);
  if (r == 0 && !(ifr.ifr_flags & IFF_UP)) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    r = ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return r;
}

static int run_op(const uk_ns_op *o) {
  switch (o->op) {
    case OP_UNSHARE:
      return unshare((int)o->flags);
    case OP_MKDIR:
      if (mkdir(o->target, o->mode ? o->mode : 0755) < 0 && errno != EEXIST) return -1;
      return 0;
    case OP_MKFILE: {
      int fd = open(o->target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, o->mode ? o->mode : 0644);
      if (fd < 0) return errno == EEXIST ? 0 : -1;
      close(fd);
      return 0;
    }
    case OP_MOUNT:
      return mount(o->source, o->target, o->fstype, o->flags, o->data);
    case OP_UMOUNT_ALL:
      /* Detaching the top mount takes its submounts with it; repeat for mounts stacked below. */
      for (int i = 0; i < 64; i++)
        if (umount2(o->target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) return errno == EINVAL ? 0 : -1;
      errno = EBUSY;
      return -1;
    case OP_SETATTR: {
      struct uk_mount_attr attr = {.attr_set = o->set, .attr_clr = o->clear};
      if (syscall(SYS_mount_setattr, AT_FDCWD, o->target, AT_SYMLINK_NOFOLLOW, &attr, sizeof attr) == 0) return 0;
      if (errno != ENOSYS) return -1;
      /* Before Linux 5.12: a bind remount with every per-mount flag spelled out (the manager read them). */
      return mount(NULL, o->target, NULL, MS_BIND | MS_REMOUNT | o->flags, NULL);
    }
    case OP_MKNOD:
      if (mknod(o->target, o->mode, (dev_t)o->dev) < 0 && errno != EEXIST) return -1;
      return 0;
    case OP_SYMLINK:
      if (symlink(o->source, o->target) < 0 && errno != EEXIST) return -1;
      return 0;
    case OP_LOOPBACK_UP:
      return loopback_up();
    case OP_ENTER_ROOT:
      if (chdir(o->target) < 0) return -1;
      if (mount(o->target, "/", NULL, MS_MOVE, NULL) < 0) return -1;
      if (chroot(".") < 0) return -1;
      return chdir("/");
  }
  errno = EINVAL;
  return -1;
}

int uk_ns_apply(uk_ns_plan *ns, int *err) {
  for (size_t i = 0; i < ns->nops; i++) {
    const uk_ns_op *o = &ns->ops[i];
    if (run_op(o) == 0) continue;
    int e = errno;
    if (o->best_effort || (o->optional && e == ENOENT)) continue;
    if (o->op == OP_UNSHARE && o->skip_to >= 0 && (e == EPERM || e == EACCES || e == EOPNOTSUPP || e == ENOSYS || e == EINVAL)) {
      /* No namespaces for us (a container, an unprivileged manager): go on without, as systemd does. */
      ns->skipped = 1;
      i = (size_t)o->skip_to - 1;
      continue;
    }
    ns->failed_op = (int)i;
    *err = e;
    return o->status;
  }
  return 0;
}

void uk_ns_report(napi_env env, const uk_ns_plan *ns, napi_value failure, napi_value result) {
  if (failure && ns->failed_op >= 0 && (size_t)ns->failed_op < ns->nops) {
    const uk_ns_op *o = &ns->ops[ns->failed_op];
    if (o->target) uk_set(env, failure, "namespacePath", uk_str(env, o->target));
  }
  if (result && ns->skipped) uk_set(env, result, "namespaceSkipped", uk_bool(env, true));
}
