/* Signals, pidfds, prctl, rlimits and clocks: process-level calls of the manager. */
#include "unitkit.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* kill(pid, sig) and killpg: false for ESRCH (already gone), as the ProcessSpawner port wants. */
static napi_value do_kill(napi_env env, napi_callback_info info, bool group) {
  napi_value argv[2];
  int32_t pid, sig;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "pid", &pid) ||
      !uk_get_i32(env, argv[1], "signal", &sig))
    return NULL;
  /* Refuse the broadcast forms: a bug passing 0 or -1 must not signal the manager's whole world. */
  if (pid <= 0) return uk_throw_errno(env, EINVAL, group ? "killpg" : "kill", NULL);
  if ((group ? killpg(pid, sig) : kill(pid, sig)) < 0) {
    if (errno == ESRCH) return uk_bool(env, false);
    return uk_throw_errno(env, errno, group ? "killpg" : "kill", NULL);
  }
  return uk_bool(env, true);
}

static napi_value js_kill(napi_env env, napi_callback_info info) { return do_kill(env, info, false); }
static napi_value js_killpg(napi_env env, napi_callback_info info) { return do_kill(env, info, true); }

/* pidfdOpen(pid): a CLOEXEC pidfd; throws ENOSYS on kernels before 5.3. */
static napi_value js_pidfd_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t pid;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "pid", &pid)) return NULL;
  long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return uk_throw_errno(env, errno, "pidfd_open", NULL);
  return uk_int(env, fd);
}

static napi_value js_pidfd_send_signal(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, sig;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "pidfd", &fd) ||
      !uk_get_i32(env, argv[1], "signal", &sig))
    return NULL;
  if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0) {
    if (errno == ESRCH) return uk_bool(env, false);
    return uk_throw_errno(env, errno, "pidfd_send_signal", NULL);
  }
  return uk_bool(env, true);
}

/* prctl(option, arg2): the raw call for the integer-argument options; returns prctl's result. */
static napi_value js_prctl(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t option;
  int64_t arg2 = 0;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "option", &option)) return NULL;
  if (!uk_is_nullish(env, argv[1]) && !uk_get_i64(env, argv[1], "arg2", &arg2)) return NULL;
  int r = prctl(option, (unsigned long)arg2, 0UL, 0UL, 0UL);
  if (r < 0) return uk_throw_errno(env, errno, "prctl", NULL);
  return uk_int(env, r);
}

/* PR_GET_CHILD_SUBREAPER writes through a pointer, so it needs its own entry point. */
static napi_value js_get_child_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  int v = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&v, 0UL, 0UL, 0UL) < 0)
    return uk_throw_errno(env, errno, "prctl(PR_GET_CHILD_SUBREAPER)", NULL);
  return uk_bool(env, v != 0);
}

static napi_value rlim_value(napi_env env, rlim_t v) {
  napi_value r;
  napi_create_double(env, v == RLIM_INFINITY ? INFINITY : (double)v, &r);
  return r;
}

static bool get_rlim(napi_env env, napi_value v, const char *what, rlim_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || d != d || d < 0) {
    uk_throw_type(env, "rlimit values must be non-negative numbers or Infinity");
    (void)what;
    return false;
  }
  *out = isinf(d) ? RLIM_INFINITY : (rlim_t)d;
  return true;
}

static napi_value js_getrlimit(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t res;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "resource", &res)) return NULL;
  struct rlimit rl;
  if (getrlimit(res, &rl) < 0) return uk_throw_errno(env, errno, "getrlimit", NULL);
  napi_value o;
  napi_create_object(env, &o);
  uk_set(env, o, "soft", rlim_value(env, rl.rlim_cur));
  uk_set(env, o, "hard", rlim_value(env, rl.rlim_max));
  return o;
}

static napi_value js_setrlimit(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t res;
  struct rlimit rl;
  if (!uk_args(env, info, 3, argv, NULL) || !uk_get_i32(env, argv[0], "resource", &res) ||
      !get_rlim(env, argv[1], "soft", &rl.rlim_cur) || !get_rlim(env, argv[2], "hard", &rl.rlim_max))
    return NULL;
  if (setrlimit(res, &rl) < 0) return uk_throw_errno(env, errno, "setrlimit", NULL);
  return uk_undefined(env);
}

static napi_value clock_usec(napi_env env, clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  napi_value r;
  /* Microseconds fit a double exactly for ~285 years of uptime or epoch time. */
  napi_create_double(env, (double)ts.tv_sec * 1e6 + (double)(ts.tv_nsec / 1000), &r);
  return r;
}

static napi_value js_monotonic(napi_env env, napi_callback_info info) {
  (void)info;
  return clock_usec(env, CLOCK_MONOTONIC);
}

static napi_value js_realtime(napi_env env, napi_callback_info info) {
  (void)info;
  return clock_usec(env, CLOCK_REALTIME);
}

/*
 * A timerfd on CLOCK_REALTIME armed at the end of time with TFD_TIMER_CANCEL_ON_SET: it becomes
 * readable (read fails with ECANCELED) whenever someone sets the wall clock, which is how systemd
 * learns of clock jumps (manager_setup_time_change()). Arming it again resets it.
 */
static int arm_clock_change(int fd) {
  struct itimerspec its = {0};
  its.it_value.tv_sec = (time_t)0x7fffffff;
  return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL);
}

static napi_value js_clock_change_fd(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return uk_throw_errno(env, errno, "timerfd_create", NULL);
  if (arm_clock_change(fd) < 0) {
    int err = errno;
    close(fd);
    return uk_throw_errno(env, err, "timerfd_settime", NULL);
  }
  return uk_int(env, fd);
}

/* Consumes a wake-up of the clock-change fd and arms it again; true if the clock was set. */
static napi_value js_clock_change_rearm(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  uint64_t expirations;
  bool changed = read(fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED;
  if (arm_clock_change(fd) < 0) return uk_throw_errno(env, errno, "timerfd_settime", NULL);
  return uk_bool(env, changed);
}

/*
 * limitMallocArenas(n): mallopt(M_ARENA_MAX, n) where glibc has it. glibc gives every thread that
 * meets a locked arena a new one (up to 8 per CPU), and V8's compiler and GC threads each kept a
 * few MB of theirs resident in unitkitd (issue #19). Returns whether the limit was set.
 */
static napi_value js_limit_malloc_arenas(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t n;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "arenas", &n)) return NULL;
#ifdef M_ARENA_MAX
  return uk_bool(env, n > 0 && mallopt(M_ARENA_MAX, n) == 1);
#else
  return uk_bool(env, false);
#endif
}

/*
 * trimMalloc(): malloc_trim(0) where glibc has it, handing the free pages inside malloc's heaps back
 * to the kernel. Loading and compiling a script of ~0.9 MB leaves V8's parser and compiler zones
 * freed but resident inside the brk heap (~4 MB in an idle unitkitd, issue #19), which glibc trims
 * only from the heap's top. Returns whether any memory was released.
 */
static napi_value js_trim_malloc(napi_env env, napi_callback_info info) {
  (void)info;
#ifdef __GLIBC__
  return uk_bool(env, malloc_trim(0) == 1);
#else
  return uk_bool(env, false);
#endif
}

void uk_register_process(napi_env env, napi_value exports) {
  uk_export(env, exports, "trimMalloc", js_trim_malloc);
  uk_export(env, exports, "limitMallocArenas", js_limit_malloc_arenas);
  uk_export(env, exports, "clockChangeFd", js_clock_change_fd);
  uk_export(env, exports, "clockChangeRearm", js_clock_change_rearm);
  uk_export(env, exports, "kill", js_kill);
  uk_export(env, exports, "killpg", js_killpg);
  uk_export(env, exports, "pidfdOpen", js_pidfd_open);
  uk_export(env, exports, "pidfdSendSignal", js_pidfd_send_signal);
  uk_export(env, exports, "prctl", js_prctl);
  uk_export(env, exports, "getChildSubreaper", js_get_child_subreaper);
  uk_export(env, exports, "getrlimit", js_getrlimit);
  uk_export(env, exports, "setrlimit", js_setrlimit);
  uk_export(env, exports, "monotonicUsec", js_monotonic);
  uk_export(env, exports, "realtimeUsec", js_realtime);
}
