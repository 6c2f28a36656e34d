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
#include <sys/wait.h>
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
  OP_USERNS = 10,     /* unshare(CLONE_NEWUSER); a helper writes data as uid_map, source as gid_map ("deny" to setgroups first when flags & 1) */
  OP_SETNS = 11,      /* join the namespace file at target: setns(open(target), flags) */
};

#define HELPER_STACK_SIZE (32 * 1024)

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
    if (op < OP_UNSHARE || op > OP_SETNS) return uk_throw_type(env, "spec.namespace.ops[].op is not a known operation");
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
    if (!o->target && op != OP_UNSHARE && op != OP_LOOPBACK_UP && op != OP_USERNS) return uk_throw_type(env, "spec.namespace.ops[].target is required");
    if (!o->source && op == OP_SYMLINK) return uk_throw_type(env, "spec.namespace.ops[].source is required for a symlink");
    if (op == OP_USERNS) {
      if (!o->data || !o->source) return uk_throw_type(env, "spec.namespace.ops[]: a user namespace needs data (uid_map) and source (gid_map)");
      if (!ns->helper_stack && !(ns->helper_stack = malloc(HELPER_STACK_SIZE))) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
    }
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
  free(ns->helper_stack);
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

/* "/proc/<pid>/<name>" into buf, by hand (no snprintf in the child). */
static void proc_path(char *buf, long pid, const char *name) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + pid % 10);
  while ((pid /= 10) > 0);
  char *p = buf;
  for (const char *s = "/proc/"; *s; s++) *p++ = *s;
  while (n > 0) *p++ = digits[--n];
  *p++ = '/';
  for (const char *s = name; *s; s++) *p++ = *s;
  *p = 0;
}

static int write_proc(long pid, const char *name, const char *text) {
  char path[64];
  proc_path(path, pid, name);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t len = strlen(text);
  ssize_t w = write(fd, text, len);
  int e = errno;
  close(fd);
  if (w != (ssize_t)len) {
    errno = w < 0 ? e : EIO;
    return -1;
  }
  return 0;
}

/*
 * The helper of PrivateUsers=, a sibling sharing our memory on its own stack: it waits until the
 * child has unshared its user namespace, then maps the child's ids from outside, which the child
 * itself cannot do. Its exit status is 0 or the errno of what failed.
 */
static int userns_helper(void *arg) {
  uk_ns_plan *ns = arg;
  const uk_ns_op *o = ns->helper_op;
  char go = 0;
  close(ns->helper_pipe[1]);
  if (read(ns->helper_pipe[0], &go, 1) != 1 || go != 'y') _exit(0);
  long child = (long)syscall(SYS_getppid);
  if ((o->flags & 1) && write_proc(child, "setgroups", "deny") < 0) _exit(errno ? errno : EIO);
  if (write_proc(child, "uid_map", o->data) < 0) _exit(errno ? errno : EIO);
  if (write_proc(child, "gid_map", o->source) < 0) _exit(errno ? errno : EIO);
  _exit(0);
}

static int enter_userns(uk_ns_plan *ns, const uk_ns_op *o) {
  if (pipe2(ns->helper_pipe, O_CLOEXEC) < 0) return -1;
  ns->helper_op = o;
  char *top = (char *)(((uintptr_t)(ns->helper_stack + HELPER_STACK_SIZE)) & ~(uintptr_t)15);
  int pid = clone(userns_helper, top, CLONE_VM | SIGCHLD, ns);
  if (pid < 0) {
    int e = errno;
    close(ns->helper_pipe[0]);
    close(ns->helper_pipe[1]);
    errno = e;
    return -1;
  }
  int r = unshare(CLONE_NEWUSER);
  int e = errno;
  (void)!write(ns->helper_pipe[1], r == 0 ? "y" : "n", 1);
  close(ns->helper_pipe[0]);
  close(ns->helper_pipe[1]);
  int status = 0;
  while (syscall(SYS_wait4, pid, &status, __WALL, NULL) < 0 && errno == EINTR) {
  }
  if (r < 0) {
    errno = e;
    return -1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    errno = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
    return -1;
  }
  return 0;
}

static int run_op(uk_ns_plan *ns, const uk_ns_op *o) {
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
    case OP_USERNS:
      return enter_userns(ns, o);
    case OP_SETNS: {
      int fd = open(o->target, O_RDONLY | O_CLOEXEC);
      if (fd < 0) return -1;
      int r = setns(fd, (int)o->flags);
      int e = errno;
      close(fd);
      errno = e;
      return r;
    }
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
    if (run_op(ns, o) == 0) continue;
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
