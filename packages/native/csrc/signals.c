/*
 * Signals Node cannot name. process.on() only accepts the signals of os.constants.signals, so a
 * manager cannot hear SIGRTMIN+3 (halt a container's systemd, what `docker stop` sends to images
 * that set STOPSIGNAL SIGRTMIN+3) nor the other real-time signals systemd gives meaning to. Here
 * any signal number is watched with a uv_signal_t, as the reaper watches SIGCHLD: libuv owns the
 * process-wide handler and fans each delivery out on the event loop, so this coexists with
 * process.on() for the same signal. Also kill(-1, sig), the broadcast a PID 1 sends at the end
 * (systemd-shutdown's broadcast_signal()), which the per-process kill() wrapper refuses.
 */
#include "unitkit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <uv.h>

typedef struct {
  uv_signal_t handle;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  bool closed;
  /* Owners: the libuv handle (until its close callback) and the JS external (until finalized). */
  int owners;
} signal_watch_t;

static void release(signal_watch_t *w) {
  if (--w->owners == 0) free(w);
}

static void on_closed(uv_handle_t *h) { release(h->data); }

static void close_watch(napi_env env, signal_watch_t *w) {
  if (w->closed) return;
  w->closed = true;
  uv_signal_stop(&w->handle);
  napi_delete_reference(env, w->callback);
  napi_async_destroy(env, w->context);
  uv_close((uv_handle_t *)&w->handle, on_closed);
}

static void finalize_watch(napi_env env, void *data, void *hint) {
  (void)hint;
  signal_watch_t *w = data;
  close_watch(env, w);
  release(w);
}

static void on_signal(uv_signal_t *h, int signum) {
  signal_watch_t *w = h->data;
  if (w->closed) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, arg = uk_int(env, signum), result;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &recv);
  if (napi_make_callback(env, w->context, recv, cb, 1, &arg, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

/* signalStart(signum, callback(signum)): an opaque handle; the watch does not keep the loop alive. */
static napi_value js_signal_start(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t signum;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "signal", &signum)) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) return uk_throw_type(env, "callback must be a function");
  if (signum <= 0 || signum >= NSIG || signum == SIGKILL || signum == SIGSTOP)
    return uk_throw_errno(env, EINVAL, "uv_signal_start", "not a signal that can be caught");
  uv_loop_t *loop;
  UK_CALL(env, napi_get_uv_event_loop(env, &loop));
  signal_watch_t *w = calloc(1, sizeof *w);
  if (!w) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  int r = uv_signal_init(loop, &w->handle);
  if (r < 0) {
    free(w);
    return uk_throw_errno(env, -r, "uv_signal_init", NULL);
  }
  w->handle.data = w;
  w->env = env;
  w->owners = 2;
  napi_value name, ext;
  napi_create_string_utf8(env, "unitkit:SignalWatch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->context);
  napi_create_reference(env, argv[1], 1, &w->callback);
  r = uv_signal_start(&w->handle, on_signal, signum);
  if (r < 0) {
    close_watch(env, w);
    release(w);
    return uk_throw_errno(env, -r, "uv_signal_start", NULL);
  }
  /* A manager waiting only for a signal has other handles; the watch alone keeps nothing alive. */
  uv_unref((uv_handle_t *)&w->handle);
  napi_create_external(env, w, finalize_watch, NULL, &ext);
  return ext;
}

/* signalStop(handle): idempotent. */
static napi_value js_signal_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  signal_watch_t *w;
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  if (napi_get_value_external(env, argv[0], (void **)&w) != napi_ok) return uk_throw_type(env, "not a signal watch handle");
  close_watch(env, w);
  return uk_undefined(env);
}

/* sigrtmin(): this libc's SIGRTMIN (glibc reserves the first real-time signals for itself). */
static napi_value js_sigrtmin(napi_env env, napi_callback_info info) {
  (void)info;
  return uk_int(env, SIGRTMIN);
}

/* killAll(signal): kill(-1, signal), every process this one may signal but itself; false on ESRCH (none). */
static napi_value js_kill_all(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t signum;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "signal", &signum)) return NULL;
  if (kill(-1, signum) < 0) {
    if (errno == ESRCH) return uk_bool(env, false);
    return uk_throw_errno(env, errno, "kill", "-1");
  }
  return uk_bool(env, true);
}

void uk_register_signals(napi_env env, napi_value exports) {
  uk_export(env, exports, "signalStart", js_signal_start);
  uk_export(env, exports, "signalStop", js_signal_stop);
  uk_export(env, exports, "sigrtmin", js_sigrtmin);
  uk_export(env, exports, "killAll", js_kill_all);
}
