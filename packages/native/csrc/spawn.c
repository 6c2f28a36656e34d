/*
 * Spawning an ExecSpec. Everything that allocates or can fail for JS reasons happens in the
 * parent: argv, envp (with a fixed-size LISTEN_PID slot), paths, the fd plan. The child is started
 * with clone(CLONE_VM|CLONE_VFORK) on its own small stack, like posix_spawn(): no page tables are
 * copied, which is what makes spawning from a large Node process fast. Because the child shares
 * the parent's memory until execve(), it only makes raw syscalls, writes nothing but its own stack
 * and the `failure` fields, and runs with every signal blocked until the dispositions are reset
 * (a Node/libuv signal handler running in the child would scribble on the parent's state).
 * Credentials are changed with raw syscalls: glibc's setuid() would try to broadcast the change
 * to the parent's threads through the shared thread list.
 *
 * A child that belongs in a cgroup is born there with clone3(CLONE_INTO_CGROUP) where the kernel
 * and architecture allow it. Moving a process by writing cgroup.procs takes the kernel's
 * threadgroup rwsem for writing, which waits for an RCU grace period: measured at 10+ ms per
 * spawn on the bench machines, most of a socket activation. Only when clone3 is unavailable or
 * refuses the cgroup does the child write cgroup.procs itself, as before.
 */
#include "unitkit.h"
#include "privileges.h"
#include "namespaces.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* systemd's exit statuses (systemd.exec(5), "Process Exit Codes"). */
enum {
  EXIT_CHDIR = 200,
  EXIT_NICE = 201,
  EXIT_FDS = 202,
  EXIT_EXEC = 203,
  EXIT_LIMITS = 205,
  EXIT_SIGNAL_MASK = 207,
  EXIT_STDIN = 208,
  EXIT_STDOUT = 209,
  EXIT_GROUP = 216,
  EXIT_USER = 217,
  EXIT_CGROUP = 219,
  EXIT_IOPRIO = 211,
  EXIT_SETSID = 220,
  EXIT_STDERR = 222,
};

enum { STDIO_NULL, STDIO_INHERIT, STDIO_FD, STDIO_FILE, STDIO_TERMINAL };

/* How a terminal on stdin becomes the controlling terminal (StandardInput=tty, tty-fail, tty-force). */
enum { ACQUIRE_NONE, ACQUIRE_TRY, ACQUIRE_FORCE };

typedef struct {
  int kind;
  int acquire; /* STDIO_TERMINAL on stdin */
  int fd;
  char *path;
  int flags;
} stdio_plan;

typedef struct {
  int resource;
  struct rlimit limit;
} rlimit_plan;

/* Room for the digits of the child's pid in each "NAME=" entry the child fills in itself. */
#define PID_SLOT 32
#define MAX_PID_VARS 8

typedef struct {
  char *path;
  char **argv;
  char **envp;
  char *pid_slots[MAX_PID_VARS]; /* point into envp entries, after "NAME=" (LISTEN_PID, WATCHDOG_PID…) */
  size_t npid_slots;
  char *cwd;
  bool cwd_missing_ok;
  bool set_uid, set_gid, set_groups, set_umask, setsid, set_nice, set_ioprio, ignore_sigpipe;
  int nice;
  int ioprio; /* IOPRIO_PRIO_VALUE(class, data), as ioprio_set(2) takes it */
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t ngroups;
  mode_t umask;
  stdio_plan stdio[3];
  /* TTYReset=, TTYVHangup=, TTYVTDisallocate=, done to a terminal stdin before it is taken (terminal.c). */
  uk_terminal_reset terminal_reset;
  int *fds;
  int *fd_copies;
  int stdio_copies[3];
  size_t nfds;
  rlimit_plan *rlimits;
  size_t nrlimits;
  char *cgroup_procs;
  /* PrivateTmp=, ProtectSystem=, PrivateNetwork=…: the namespace operations (namespaces.c). */
  uk_ns_plan ns;
  /* Set when clone3 already placed the child in its cgroup: it must not write cgroup.procs. */
  int born_in_cgroup;
  /*
   * A step the parent already ran for the child and saw fail (User= unknown, a StateDirectory=
   * that cannot be created…): the child exits with this status as systemd's exec_child() would
   * at that step. `fail_step` is the name reported back.
   */
  int fail_status, fail_errno;
  char *fail_step;
  priv_plan priv;       /* process attributes and capabilities (privileges.c) */
  seccomp_plan seccomp; /* compiled syscall filters (seccomp.c) */
  /* Written by the child before it gives up; read by the parent after clone() returns. */
  volatile int failed_status;
  volatile int failed_errno;
} plan_t;

static const int stdio_exit[3] = {EXIT_STDIN, EXIT_STDOUT, EXIT_STDERR};

static void free_plan(plan_t *p) {
  free(p->path);
  uk_free_strv(p->argv);
  uk_free_strv(p->envp);
  free(p->cwd);
  free(p->groups);
  for (int i = 0; i < 3; i++) free(p->stdio[i].path);
  free(p->fds);
  free(p->fd_copies);
  free(p->rlimits);
  free(p->cgroup_procs);
  free(p->fail_step);
  uk_priv_free(&p->priv);
  uk_seccomp_free(&p->seccomp);
  uk_ns_free(&p->ns);
}

/* ---- the child: async-signal-safe, no allocation, only its own stack and `failure` ---- */

/*
 * Nice= as systemd's setpriority_closest(): the level asked for, or when lowering it is not
 * permitted, the lowest level RLIMIT_NICE allows (never higher than the current one). Only a
 * failure other than a permission refusal fails the spawn.
 */
static int set_nice_closest(int value) {
  if (setpriority(PRIO_PROCESS, 0, value) == 0) return 0;
  if (errno != EPERM && errno != EACCES) return -1;
  errno = 0;
  int current = getpriority(PRIO_PROCESS, 0);
  if (errno != 0) return -1;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NICE, &rl) < 0) return -1;
  int lowest = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 40 ? -20 : 20 - (int)rl.rlim_cur;
  int target = value < lowest ? lowest : value;
  if (target >= current) return 0;
  return setpriority(PRIO_PROCESS, 0, target) == 0 || errno == EPERM || errno == EACCES ? 0 : -1;
}

static _Noreturn void child_fail(plan_t *p, int status, int err) {
  p->failed_errno = err;
  p->failed_status = status;
  _exit(status);
}

/* Puts `from` at `to` with CLOEXEC cleared; `from` is closed unless it already is `to`. */
static int move_fd(int from, int to) {
  if (from == to) return fcntl(to, F_SETFD, 0);
  if (dup2(from, to) < 0) return -1;
  close(from);
  return 0;
}

static void format_pid(char *slot, long pid) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + pid % 10);
  while ((pid /= 10) > 0);
  for (int i = 0; i < n; i++) slot[i] = digits[n - 1 - i];
  slot[n] = 0;
}

static int child_main(void *arg) {
  plan_t *p = arg;

  /* Dispositions first, then the mask: the parent blocked everything around clone(). */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) (void)sigaction(sig, &dfl, NULL);
  /* IgnoreSIGPIPE= (systemd's default): the service starts with SIGPIPE ignored. */
  if (p->ignore_sigpipe) {
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &ign, NULL);
  }
  sigset_t none;
  sigemptyset(&none);
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(unsigned long)) < 0)
    child_fail(p, EXIT_SIGNAL_MASK, errno);

  if (p->setsid && setsid() < 0) child_fail(p, EXIT_SETSID, errno);

  if (p->cgroup_procs && !p->born_in_cgroup) {
    /* "0" moves the writer itself: no pid to format. */
    int fd = open(p->cgroup_procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0) child_fail(p, EXIT_CGROUP, errno);
    if (write(fd, "0", 1) != 1) child_fail(p, EXIT_CGROUP, errno);
    close(fd);
  }

  if (p->fail_status) child_fail(p, p->fail_status, p->fail_errno);

  /*
   * Fd layout. Every source fd is first copied above the final range 0..2+n, so no dup2() below
   * can overwrite a source that is still needed (a source may well be 4 and belong at 3).
   */
  int top = 3 + (int)p->nfds;
  for (size_t i = 0; i < p->nfds; i++)
    if ((p->fd_copies[i] = fcntl(p->fds[i], F_DUPFD_CLOEXEC, top)) < 0) child_fail(p, EXIT_FDS, errno);
  for (int k = 0; k < 3; k++)
    if (p->stdio[k].kind == STDIO_FD && (p->stdio_copies[k] = fcntl(p->stdio[k].fd, F_DUPFD_CLOEXEC, top)) < 0)
      child_fail(p, stdio_exit[k], errno);

  for (int k = 0; k < 3; k++) {
    const stdio_plan *s = &p->stdio[k];
    int fd;
    switch (s->kind) {
      case STDIO_NULL:
        fd = open("/dev/null", (k == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC | O_NOCTTY);
        break;
      case STDIO_FILE:
        fd = open(s->path, s->flags | O_CLOEXEC | O_NOCTTY, 0666);
        break;
      case STDIO_FD:
        fd = p->stdio_copies[k];
        break;
      case STDIO_TERMINAL: {
        /* Output to the terminal an earlier stream already has is that stream, as systemd dup()s it. */
        int same = -1;
        for (int j = 0; j < k && same < 0; j++)
          if (p->stdio[j].kind == STDIO_TERMINAL && !strcmp(p->stdio[j].path, s->path)) same = j;
        if (same >= 0) {
          if (dup2(same, k) < 0) child_fail(p, stdio_exit[k], errno);
          continue;
        }
        if (k == 0) {
          uk_terminal_prepare(s->path, &p->terminal_reset);
          fd = uk_terminal_acquire(s->path, s->acquire == ACQUIRE_FORCE);
          if (fd >= 0) uk_terminal_set_size(fd, &p->terminal_reset);
        } else {
          fd = open(s->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        }
        break;
      }
      default:
        /* Inherited stdio may be CLOEXEC in the manager (Node's own stdio can be); keep it open. */
        (void)fcntl(k, F_SETFD, 0);
        continue;
    }
    if (fd < 0 || move_fd(fd, k) < 0) child_fail(p, stdio_exit[k], errno);
  }

  for (size_t i = 0; i < p->nfds; i++)
    if (dup2(p->fd_copies[i], 3 + (int)i) < 0) child_fail(p, EXIT_FDS, errno);
  if (syscall(SYS_close_range, (unsigned)top, ~0U, 0) < 0) {
    if (errno != ENOSYS) child_fail(p, EXIT_FDS, errno);
    /* Pre-5.9 kernels: close by number up to the fd limit. */
    struct rlimit rl;
    long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 65536;
    for (long fd = top; fd < max; fd++) close((int)fd);
  }

  for (size_t i = 0; i < p->nrlimits; i++)
    if (setrlimit(p->rlimits[i].resource, &p->rlimits[i].limit) < 0) child_fail(p, EXIT_LIMITS, errno);

  /* Process attributes, Nice= and IOScheduling*= before the user change, in systemd's exec_child() order. */
  int st;
  if ((st = uk_priv_early(&p->priv))) child_fail(p, st, errno);
  if (p->set_nice && set_nice_closest(p->nice) < 0) child_fail(p, EXIT_NICE, errno);
  if ((st = uk_priv_sched(&p->priv))) child_fail(p, st, errno);
  if (p->set_ioprio && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, p->ioprio) < 0) child_fail(p, EXIT_IOPRIO, errno);
  if ((st = uk_priv_late_attrs(&p->priv))) child_fail(p, st, errno);

  if (p->set_umask) umask(p->umask);
  if ((st = uk_priv_keyring(&p->priv, p->set_uid, p->uid, p->set_gid, p->gid))) child_fail(p, st, errno);

  /* The namespaces, where exec_child() applies them: after directories and credentials, before the user change. */
  {
    int ns_err = 0, ns_status = uk_ns_apply(&p->ns, &ns_err);
    if (ns_status) child_fail(p, ns_status, ns_err);
  }

  if (p->set_groups && syscall(SYS_setgroups, p->ngroups, p->groups) < 0) child_fail(p, EXIT_GROUP, errno);
  if (p->set_gid && syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0) child_fail(p, EXIT_GROUP, errno);
  /* The bounding and ambient sets before the user change, which keeps them with keep-caps. */
  if ((st = uk_priv_before_setuid(&p->priv))) child_fail(p, st, errno);
  if (p->set_uid && (st = uk_priv_setuid(&p->priv, p->uid))) child_fail(p, st, errno);

  /* After the user change, so the directory is checked with the service's permissions. */
  if (chdir(p->cwd ? p->cwd : "/") < 0) {
    if (!p->cwd_missing_ok) child_fail(p, EXIT_CHDIR, errno);
    (void)chdir("/");
  }

  if (p->npid_slots) {
    pid_t self = (pid_t)syscall(SYS_getpid);
    for (size_t i = 0; i < p->npid_slots; i++) format_pid(p->pid_slots[i], self);
  }
  /* SecureBits=, NoNewPrivileges= and the syscall filters last, so they constrain nothing of ours. */
  if ((st = uk_priv_final(&p->priv))) child_fail(p, st, errno);
  if ((st = uk_seccomp_apply(&p->seccomp))) child_fail(p, st, errno);
  execve(p->path, p->argv, p->envp);
  child_fail(p, EXIT_EXEC, errno);
}

/* ---- the parent: turn the JS spec into a plan ---- */

static bool get_int_array(napi_env env, napi_value arr, const char *what, int **out, size_t *count) {
  bool is_array = false;
  napi_is_array(env, arr, &is_array);
  if (!is_array) {
    uk_throw_type(env, what);
    return false;
  }
  uint32_t n;
  napi_get_array_length(env, arr, &n);
  *out = calloc(n + 1, sizeof **out);
  if (!*out) {
    uk_throw_errno(env, ENOMEM, "malloc", NULL);
    return false;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, arr, i, &e);
    int32_t x;
    if (!uk_get_i32(env, e, what, &x)) return false;
    (*out)[i] = x;
  }
  *count = n;
  return true;
}

static bool get_stdio(napi_env env, napi_value spec, const char *name, stdio_plan *s) {
  napi_value v;
  bool present, ok;
  if (!uk_prop(env, spec, name, &v, &present)) return false;
  s->kind = STDIO_INHERIT;
  if (!present) return true;
  char *kind = uk_prop_string(env, v, "kind", &ok);
  if (!ok) return false;
  bool good = true;
  if (!kind || !strcmp(kind, "inherit")) {
    s->kind = STDIO_INHERIT;
  } else if (!strcmp(kind, "null")) {
    s->kind = STDIO_NULL;
  } else if (!strcmp(kind, "fd")) {
    s->kind = STDIO_FD;
    int32_t fd = -1;
    good = uk_prop_i32(env, v, "fd", &fd, &present);
    if (good && !present) {
      uk_throw_type(env, "stdio fd missing");
      good = false;
    }
    s->fd = fd;
  } else if (!strcmp(kind, "file")) {
    s->kind = STDIO_FILE;
    s->path = uk_prop_string(env, v, "path", &ok);
    int32_t flags = 0;
    good = ok && s->path && uk_prop_i32(env, v, "flags", &flags, NULL);
    if (ok && !s->path) uk_throw_type(env, "stdio file path missing");
    s->flags = flags;
  } else if (!strcmp(kind, "terminal")) {
    s->kind = STDIO_TERMINAL;
    s->path = uk_prop_string(env, v, "path", &ok);
    if (ok && !s->path) uk_throw_type(env, "stdio terminal path missing");
    good = ok && s->path;
    char *acquire = good ? uk_prop_string(env, v, "acquire", &ok) : NULL;
    good = good && ok;
    s->acquire = !acquire ? ACQUIRE_NONE : !strcmp(acquire, "force") ? ACQUIRE_FORCE : ACQUIRE_TRY;
    free(acquire);
  } else {
    uk_throw_type(env, "stdio kind must be null, inherit, fd, file or terminal");
    good = false;
  }
  free(kind);
  return good;
}

static bool build_plan(napi_env env, napi_value spec, plan_t *p) {
  napi_value v;
  bool present, ok;
  p->path = uk_prop_string(env, spec, "path", &ok);
  if (!ok) return false;
  if (!p->path) return uk_throw_type(env, "spec.path is required");

  if (!uk_prop(env, spec, "argv", &v, &present)) return false;
  if (!present) return uk_throw_type(env, "spec.argv is required");
  if (!(p->argv = uk_get_strv(env, v, "spec.argv must be an array of strings", 0, NULL))) return false;

  /* Variables whose value is the child's own pid (LISTEN_PID, WATCHDOG_PID, SYSTEMD_EXEC_PID):
   * only the child knows it, so the parent reserves slots the child fills with digits. */
  char **pid_names = NULL;
  size_t npid = 0;
  if (!uk_prop(env, spec, "pidEnv", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    if (!(pid_names = uk_get_strv(env, v, "spec.pidEnv must be an array of strings", 0, &npid))) return false;
    if (npid > MAX_PID_VARS) {
      uk_free_strv(pid_names);
      return uk_throw_type(env, "spec.pidEnv: at most 8 names");
    }
  }
  if (!uk_prop(env, spec, "env", &v, &present)) {
    uk_free_strv(pid_names);
    return false;
  }
  size_t nenv = 0;
  if (present) {
    if (!(p->envp = uk_get_strv(env, v, "spec.env must be an array of strings", npid, &nenv))) {
      uk_free_strv(pid_names);
      return false;
    }
  } else if (!(p->envp = calloc(npid + 1, sizeof(char *)))) {
    uk_free_strv(pid_names);
    return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  }
  for (size_t i = 0; i < npid; i++) {
    size_t len = strlen(pid_names[i]);
    char *entry = calloc(1, len + 1 + PID_SLOT + 1);
    if (!entry) {
      uk_free_strv(pid_names);
      return uk_throw_errno(env, ENOMEM, "malloc", NULL);
    }
    memcpy(entry, pid_names[i], len);
    entry[len] = '=';
    p->envp[nenv + i] = entry;
    p->pid_slots[i] = entry + len + 1;
  }
  p->npid_slots = npid;
  uk_free_strv(pid_names);

  p->cwd = uk_prop_string(env, spec, "cwd", &ok);
  if (!ok || !uk_prop_bool(env, spec, "cwdMissingOk", &p->cwd_missing_ok, NULL)) return false;

  int32_t x;
  if (!uk_prop_i32(env, spec, "uid", &x, &p->set_uid)) return false;
  p->uid = (uid_t)x;
  if (!uk_prop_i32(env, spec, "gid", &x, &p->set_gid)) return false;
  p->gid = (gid_t)x;
  if (!uk_prop_i32(env, spec, "umask", &x, &p->set_umask)) return false;
  p->umask = (mode_t)x;
  if (!uk_prop_bool(env, spec, "newSession", &p->setsid, NULL)) return false;
  if (!uk_prop_bool(env, spec, "ignoreSigpipe", &p->ignore_sigpipe, NULL)) return false;
  if (!uk_prop_i32(env, spec, "nice", &x, &p->set_nice)) return false;
  p->nice = x;
  if (!uk_prop_i32(env, spec, "ioprio", &x, &p->set_ioprio)) return false;
  p->ioprio = x;

  if (!uk_prop(env, spec, "supplementaryGroups", &v, &present)) return false;
  if (present) {
    int *groups;
    if (!get_int_array(env, v, "spec.supplementaryGroups must be numbers", &groups, &p->ngroups)) {
      p->groups = (gid_t *)groups;
      return false;
    }
    p->groups = (gid_t *)groups;
    p->set_groups = true;
  } else if (p->set_gid && geteuid() == 0) {
    /* Changing the group without a list: drop the manager's own supplementary groups. */
    p->set_groups = true;
    p->ngroups = 0;
  }

  napi_value reset;
  bool has_reset;
  if (!uk_prop(env, spec, "terminalReset", &reset, &has_reset)) return false;
  p->terminal_reset.rows = p->terminal_reset.columns = -1;
  if (has_reset) {
    bool has_rows = false, has_columns = false;
    int32_t rows = -1, columns = -1;
    if (!uk_prop_bool(env, reset, "reset", &p->terminal_reset.reset, NULL) ||
        !uk_prop_bool(env, reset, "vhangup", &p->terminal_reset.vhangup, NULL) ||
        !uk_prop_bool(env, reset, "vtDisallocate", &p->terminal_reset.vt_disallocate, NULL) ||
        !uk_prop_i32(env, reset, "rows", &rows, &has_rows) || !uk_prop_i32(env, reset, "columns", &columns, &has_columns))
      return false;
    if (has_rows) p->terminal_reset.rows = rows;
    if (has_columns) p->terminal_reset.columns = columns;
  }
  if (!get_stdio(env, spec, "stdin", &p->stdio[0]) || !get_stdio(env, spec, "stdout", &p->stdio[1]) ||
      !get_stdio(env, spec, "stderr", &p->stdio[2]))
    return false;

  if (!uk_prop(env, spec, "fds", &v, &present)) return false;
  if (present && !get_int_array(env, v, "spec.fds must be numbers", &p->fds, &p->nfds)) return false;
  if (!(p->fd_copies = calloc(p->nfds + 1, sizeof(int)))) return uk_throw_errno(env, ENOMEM, "malloc", NULL);

  if (!uk_prop(env, spec, "rlimits", &v, &present)) return false;
  if (present) {
    uint32_t n;
    napi_get_array_length(env, v, &n);
    if (!(p->rlimits = calloc(n + 1, sizeof *p->rlimits))) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e, soft, hard;
      int32_t res;
      double s, h;
      napi_get_element(env, v, i, &e);
      if (!uk_prop_i32(env, e, "resource", &res, NULL)) return false;
      napi_get_named_property(env, e, "soft", &soft);
      napi_get_named_property(env, e, "hard", &hard);
      if (napi_get_value_double(env, soft, &s) != napi_ok || napi_get_value_double(env, hard, &h) != napi_ok)
        return uk_throw_type(env, "rlimit soft/hard must be numbers");
      p->rlimits[i].resource = res;
      p->rlimits[i].limit.rlim_cur = s >= 1.8e19 ? RLIM_INFINITY : (rlim_t)s;
      p->rlimits[i].limit.rlim_max = h >= 1.8e19 ? RLIM_INFINITY : (rlim_t)h;
    }
    p->nrlimits = n;
  }

  napi_value failure;
  if (!uk_prop(env, spec, "failure", &failure, &present)) return false;
  if (present && !uk_is_nullish(env, failure)) {
    int32_t st = 0, er = 0;
    if (!uk_prop_i32(env, failure, "status", &st, NULL) || !uk_prop_i32(env, failure, "errno", &er, NULL)) return false;
    p->fail_step = uk_prop_string(env, failure, "step", &ok);
    if (!ok) return false;
    if (st <= 0 || st > 255) return uk_throw_type(env, "spec.failure.status must be 1…255");
    p->fail_status = st;
    p->fail_errno = er;
  }
  if (!uk_priv_build(env, spec, &p->priv) || !uk_seccomp_build(env, spec, &p->seccomp)) return false;

  if (!uk_ns_build(env, spec, &p->ns)) return false;

  char *cgroup = uk_prop_string(env, spec, "cgroupPath", &ok);
  if (!ok) return false;
  if (cgroup) {
    size_t n = strlen(cgroup);
    p->cgroup_procs = malloc(n + sizeof "/cgroup.procs");
    if (p->cgroup_procs) {
      memcpy(p->cgroup_procs, cgroup, n);
      memcpy(p->cgroup_procs + n, "/cgroup.procs", sizeof "/cgroup.procs");
    }
    free(cgroup);
    if (!p->cgroup_procs) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  }
  return true;
}

#define CHILD_STACK_SIZE (64 * 1024)

/* struct clone_args of linux/sched.h up to `cgroup` (CLONE_ARGS_SIZE_VER2), spelled out so the
 * build does not depend on the installed kernel headers being new enough. */
struct uk_clone_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#if defined(__x86_64__)
#define UK_HAVE_CLONE3_VM 1
/*
 * clone3() with CLONE_VM on a fresh stack, the way glibc's clone() does it for clone(2): the child
 * must not return through the C caller's frames (it shares the parent's memory), so it calls
 * fn(arg) on its own stack and exits with the result. Returns the pid or -errno in the parent.
 * fn and arg ride in r8/r9, which the syscall instruction preserves into the child.
 */
long uk_clone3_vm(struct uk_clone_args *args, size_t size, int (*fn)(void *), void *arg)
    __attribute__((visibility("hidden")));
__asm__(".text\n"
        ".type uk_clone3_vm,@function\n"
        "uk_clone3_vm:\n"
        "  mov %rdx, %r8\n"
        "  mov %rcx, %r9\n"
        "  mov $435, %eax\n" /* SYS_clone3 */
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jz 1f\n"
        "  ret\n"
        "1:\n"
        "  xor %ebp, %ebp\n"
        "  mov %r9, %rdi\n"
        "  call *%r8\n"
        "  mov %eax, %edi\n"
        "  mov $60, %eax\n" /* SYS_exit */
        "  syscall\n"
        "  hlt\n"
        ".size uk_clone3_vm, .-uk_clone3_vm\n");
#endif

/*
 * Starts child_main(plan) sharing our memory (CLONE_VM|CLONE_VFORK), inside the plan's cgroup
 * when clone3 can put it there (then sets plan->born_in_cgroup). Returns the pid, or -1 with errno.
 */
static int start_child(plan_t *plan, char *stack_top, char *stack) {
#ifdef UK_HAVE_CLONE3_VM
  if (plan->cgroup_procs) {
    size_t n = strlen(plan->cgroup_procs) - (sizeof "/cgroup.procs" - 1);
    char dir[n + 1];
    memcpy(dir, plan->cgroup_procs, n);
    dir[n] = 0;
    int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd >= 0) {
      struct uk_clone_args args;
      memset(&args, 0, sizeof args);
      args.flags = CLONE_VM | CLONE_VFORK | CLONE_INTO_CGROUP;
      args.exit_signal = SIGCHLD;
      args.stack = (uint64_t)(uintptr_t)stack;
      args.stack_size = (uint64_t)(stack_top - stack);
      args.cgroup = (uint64_t)cgfd;
      plan->born_in_cgroup = 1;
      long pid = uk_clone3_vm(&args, sizeof args, child_main, plan);
      close(cgfd);
      if (pid > 0) return (int)pid;
      /* ENOSYS (pre-5.7), a cgroup v1 fd, a domain that refuses the process…: the child moves itself. */
      plan->born_in_cgroup = 0;
    }
  }
#else
  (void)stack;
#endif
  return clone(child_main, stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, plan);
}

static const char *status_step(int status) {
  switch (status) {
    case 225: return "NETWORK";
    case 226: return "NAMESPACE";
    case EXIT_CHDIR: return "CHDIR";
    case EXIT_FDS: return "FDS";
    case EXIT_EXEC: return "EXEC";
    case EXIT_LIMITS: return "LIMITS";
    case EXIT_NICE: return "NICE";
    case EXIT_IOPRIO: return "IOPRIO";
    case EXIT_SIGNAL_MASK: return "SIGNAL_MASK";
    case EXIT_STDIN: return "STDIN";
    case EXIT_STDOUT: return "STDOUT";
    case EXIT_GROUP: return "GROUP";
    case EXIT_USER: return "USER";
    case EXIT_CGROUP: return "CGROUP";
    case EXIT_SETSID: return "SETSID";
    case EXIT_STDERR: return "STDERR";
    default: return uk_priv_status_step(status) ? uk_priv_status_step(status) : "UNKNOWN";
  }
}

/*
 * spawn(plan): {pid} or, when the child gave up before execve(), {pid, failure: {status, step,
 * code, errno}} — the child still exits with that status and is reaped as usual.
 */
static napi_value js_spawn(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  plan_t plan;
  memset(&plan, 0, sizeof plan);
  napi_value result = NULL;
  char *stack = NULL;
  if (!build_plan(env, argv[0], &plan)) goto out;
  stack = malloc(CHILD_STACK_SIZE);
  if (!stack) {
    uk_throw_errno(env, ENOMEM, "malloc", NULL);
    goto out;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  /* The stack grows down on every architecture Node supports on Linux; keep it 16-byte aligned. */
  char *top = (char *)(((uintptr_t)(stack + CHILD_STACK_SIZE)) & ~(uintptr_t)15);
  int pid = start_child(&plan, top, stack);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (pid < 0) {
    uk_throw_errno(env, err, "clone", plan.path);
    goto out;
  }
  uk_reaper_child_started(env);
  napi_create_object(env, &result);
  uk_set(env, result, "pid", uk_int(env, pid));
  if (plan.failed_status) {
    napi_value f = uk_errno_error(env, plan.failed_errno, plan.fail_step && plan.failed_status == plan.fail_status ? plan.fail_step : status_step(plan.failed_status), plan.path);
    uk_set(env, f, "status", uk_int(env, plan.failed_status));
    const char *step = plan.fail_step && plan.failed_status == plan.fail_status ? plan.fail_step : status_step(plan.failed_status);
    uk_set(env, f, "step", uk_str(env, step));
    uk_set(env, result, "failure", f);
    uk_ns_report(env, &plan.ns, f, NULL);
  }
  uk_ns_report(env, &plan.ns, NULL, result);
out:
  free(stack);
  free_plan(&plan);
  return result;
}

/* ---- runCaptured: a short helper program, run to its end ---- */

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * runCaptured(path, argv, env, timeoutMs, maxBytes): runs `path` with stdin on /dev/null, stdout
 * captured and stderr inherited, waits for it and returns { status, signal, stdout, timedOut,
 * overflow }. For the user manager's environment generators, run once at start-up before the
 * event loop turns: node:child_process would load ~2.4 MB of modules (net, dgram, cluster) into
 * the manager for good (issue #19). posix_spawn is safe in a threaded process; signal dispositions
 * and the mask are reset in the child, as a fresh process expects (Node ignores SIGPIPE). On the
 * timeout, or more than maxBytes of output, the child gets SIGKILL. The child is reaped here by its
 * pid, so the reaper (which runs only from the event loop) never sees it.
 */
static napi_value js_run_captured(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!uk_args(env, info, 5, argv, NULL)) return NULL;
  int32_t timeout_ms, max_bytes;
  if (!uk_get_i32(env, argv[3], "timeoutMs", &timeout_ms) || !uk_get_i32(env, argv[4], "maxBytes", &max_bytes)) return NULL;
  char *path = uk_get_string(env, argv[0], "path must be a string", NULL);
  if (!path) return NULL;
  char **args = uk_get_strv(env, argv[1], "argv must be an array of strings", 0, NULL);
  char **envp = args ? uk_get_strv(env, argv[2], "env must be an array of strings", 0, NULL) : NULL;
  napi_value result = NULL;
  char *buf = NULL;
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  bool have_actions = false, have_attr = false;
  if (!args || !envp) goto out;
  if (pipe2(fds, O_CLOEXEC) < 0) {
    uk_throw_errno(env, errno, "pipe2", NULL);
    goto out;
  }
  posix_spawn_file_actions_init(&actions);
  have_actions = true;
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawnattr_init(&attr);
  have_attr = true;
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid;
  int err = posix_spawn(&pid, path, &actions, &attr, args, envp);
  close(fds[1]);
  fds[1] = -1;
  if (err != 0) {
    uk_throw_errno(env, err, "posix_spawn", path);
    goto out;
  }
  size_t cap = 4096, len = 0;
  buf = malloc(cap);
  bool timed_out = false, overflow = false;
  int64_t deadline = now_ms() + timeout_ms;
  while (buf) {
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    int r = poll(&pfd, 1, (int)(left > 1000000 ? 1000000 : left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    if (len == cap) {
      char *more = realloc(buf, cap * 2);
      if (!more) break;
      buf = more;
      cap *= 2;
    }
    ssize_t n = read(fds[0], buf + len, cap - len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    len += (size_t)n;
    if (len > (size_t)max_bytes) {
      overflow = true;
      len = (size_t)max_bytes;
      break;
    }
  }
  if (timed_out || overflow || !buf) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  napi_create_object(env, &result);
  uk_set(env, result, "status", WIFEXITED(status) ? uk_int(env, WEXITSTATUS(status)) : uk_undefined(env));
  uk_set(env, result, "signal", WIFSIGNALED(status) ? uk_int(env, WTERMSIG(status)) : uk_undefined(env));
  napi_value out;
  void *data;
  napi_create_buffer_copy(env, buf ? len : 0, buf ? buf : "", &data, &out);
  uk_set(env, result, "stdout", out);
  uk_set(env, result, "timedOut", uk_bool(env, timed_out));
  uk_set(env, result, "overflow", uk_bool(env, overflow));
out:
  if (have_actions) posix_spawn_file_actions_destroy(&actions);
  if (have_attr) posix_spawnattr_destroy(&attr);
  if (fds[0] >= 0) close(fds[0]);
  if (fds[1] >= 0) close(fds[1]);
  free(buf);
  free(path);
  uk_free_strv(args);
  uk_free_strv(envp);
  return result;
}

void uk_register_spawn(napi_env env, napi_value exports) {
  uk_export(env, exports, "spawn", js_spawn);
  uk_export(env, exports, "runCaptured", js_run_captured);
}
