/*
 * The reaper. SIGCHLD is watched with a uv_signal_t: libuv owns the one process-wide SIGCHLD
 * handler (a self-pipe into the event loop) and fans each signal out to every uv_signal_t, so this
 * watcher coexists with libuv's own child watcher and with process.on('SIGCHLD') instead of
 * replacing their sigaction or depending on a signal mask that Node's other threads do not share
 * (which is what makes a signalfd unreliable inside Node). Each wake-up drains every exited child
 * with waitid(P_ALL, WEXITED|WNOHANG), so coalesced signals and re-parented orphans (the manager
 * is a child subreaper) are all delivered. Nothing is reaped while no handler is installed: the
 * zombies wait, and the first drain after start() collects them.
 *
 * Liveness: the signal watcher holds the event loop open exactly while the process has children
 * (as a ChildProcess handle does), so `await`ing a child's exit works without other handles, and a
 * manager with nothing left to wait for can exit. ECHILD from waitid() is the "no children" test.
 */
#include "unitkit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <uv.h>

typedef struct {
  uv_signal_t signal;
  napi_env env;
  napi_ref callback;
  /* Optional: called once before a drain reaps anything (see reaperStart). */
  napi_ref before;
  napi_async_context context;
  bool running;
} reaper_t;

/* One reaper per addon instance (per Node environment), kept as instance data. */
static reaper_t *get_reaper(napi_env env) {
  reaper_t *r = NULL;
  napi_get_instance_data(env, (void **)&r);
  return r;
}

static const char *code_name(int code) {
  switch (code) {
    case CLD_KILLED: return "killed";
    case CLD_DUMPED: return "dumped";
    default: return "exited";
  }
}

static void set_ref(reaper_t *r, bool on) {
  if (on) uv_ref((uv_handle_t *)&r->signal);
  else uv_unref((uv_handle_t *)&r->signal);
}

static void call_js(reaper_t *r, napi_ref ref, size_t argc, napi_value *args) {
  napi_env env = r->env;
  napi_value cb, recv, result;
  napi_get_reference_value(env, ref, &cb);
  napi_get_global(env, &recv);
  if (napi_make_callback(env, r->context, recv, cb, argc, args, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
}

/*
 * Reaps all exited children, calling the handler once per child. When a child has exited, the
 * "before" hook runs first, while the exited children are still zombies: whatever must see them
 * before they are gone (a notify datagram whose sender is looked up by /proc/PID/cgroup) goes
 * first — systemd gives its notify fd a higher priority than SIGCHLD for the same reason.
 */
static void drain(reaper_t *r) {
  napi_env env = r->env;
  if (r->before && r->running) {
    siginfo_t peek;
    peek.si_pid = 0;
    if (waitid(P_ALL, 0, &peek, WEXITED | WNOHANG | WNOWAIT) == 0 && peek.si_pid != 0) {
      napi_handle_scope scope;
      napi_open_handle_scope(env, &scope);
      call_js(r, r->before, 0, NULL);
      napi_close_handle_scope(env, scope);
    }
  }
  while (r->running) {
    siginfo_t si;
    si.si_pid = 0;
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0) {
      if (errno == EINTR) continue;
      set_ref(r, false); /* ECHILD: no children at all */
      return;
    }
    if (si.si_pid == 0) {
      set_ref(r, true); /* children left, none exited yet */
      return;
    }
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    napi_value args[3];
    args[0] = uk_int(env, si.si_pid);
    args[1] = uk_str(env, code_name(si.si_code));
    args[2] = uk_int(env, si.si_status);
    call_js(r, r->callback, 3, args);
    napi_close_handle_scope(env, scope);
  }
}

static void on_sigchld(uv_signal_t *h, int signum) {
  (void)signum;
  drain(h->data);
}

static void on_closed(uv_handle_t *h) { free(h->data); }

static void free_reaper(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  /* Environment teardown: libuv's SIGCHLD handler must stop seeing this watcher before it goes. */
  reaper_t *r = data;
  uv_signal_stop(&r->signal);
  uv_close((uv_handle_t *)&r->signal, on_closed);
}

void uk_reaper_child_started(napi_env env) {
  reaper_t *r = get_reaper(env);
  if (r && r->running) set_ref(r, true);
}

/*
 * reaperStart(callback(pid, code, status), subreaper, before?): installs the handler (replacing any
 * previous one) and, when asked, makes this process a child subreaper. `before()`, when given, runs
 * once per wake-up before anything is reaped (see drain()).
 */
static napi_value js_reaper_start(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  bool subreaper = true;
  if (!uk_args(env, info, 3, argv, NULL)) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[0], &t);
  if (t != napi_function) return uk_throw_type(env, "callback must be a function");
  napi_valuetype bt;
  napi_typeof(env, argv[2], &bt);
  if (bt != napi_undefined && bt != napi_null && bt != napi_function) return uk_throw_type(env, "before must be a function");
  if (!uk_is_nullish(env, argv[1])) napi_get_value_bool(env, argv[1], &subreaper);
  if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) < 0)
    return uk_throw_errno(env, errno, "prctl(PR_SET_CHILD_SUBREAPER)", NULL);
  reaper_t *r = get_reaper(env);
  if (!r) {
    uv_loop_t *loop;
    UK_CALL(env, napi_get_uv_event_loop(env, &loop));
    r = calloc(1, sizeof *r);
    if (!r) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
    int e = uv_signal_init(loop, &r->signal);
    if (e < 0) {
      free(r);
      return uk_throw_errno(env, -e, "uv_signal_init", NULL);
    }
    r->signal.data = r;
    r->env = env;
    /* The reaper alone must not keep a finished manager alive. */
    uv_unref((uv_handle_t *)&r->signal);
    napi_set_instance_data(env, r, free_reaper, NULL);
  }
  if (r->running) {
    napi_delete_reference(env, r->callback);
    if (r->before) napi_delete_reference(env, r->before);
    r->before = NULL;
    napi_async_destroy(env, r->context);
  }
  napi_value name;
  napi_create_string_utf8(env, "unitkit:Reaper", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &r->context);
  napi_create_reference(env, argv[0], 1, &r->callback);
  if (bt == napi_function) napi_create_reference(env, argv[2], 1, &r->before);
  if (!r->running) {
    int e = uv_signal_start(&r->signal, on_sigchld, SIGCHLD);
    if (e < 0) {
      napi_delete_reference(env, r->callback);
      if (r->before) napi_delete_reference(env, r->before);
      r->before = NULL;
      napi_async_destroy(env, r->context);
      return uk_throw_errno(env, -e, "uv_signal_start", NULL);
    }
    r->running = true;
  }
  siginfo_t si;
  set_ref(r, waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0);
  return uk_undefined(env);
}

/* reaperStop(): no more reaping until the next start; children exiting meanwhile stay zombies. */
static napi_value js_reaper_stop(napi_env env, napi_callback_info info) {
  (void)info;
  reaper_t *r = get_reaper(env);
  if (r && r->running) {
    r->running = false;
    uv_signal_stop(&r->signal);
    set_ref(r, false);
    napi_delete_reference(env, r->callback);
    if (r->before) napi_delete_reference(env, r->before);
    r->before = NULL;
    napi_async_destroy(env, r->context);
  }
  return uk_undefined(env);
}

/* reapNow(): drains synchronously — for the first drain after start and for callers that know. */
static napi_value js_reap_now(napi_env env, napi_callback_info info) {
  (void)info;
  reaper_t *r = get_reaper(env);
  if (r && r->running) drain(r);
  return uk_undefined(env);
}

void uk_register_reaper(napi_env env, napi_value exports) {
  uk_export(env, exports, "reaperStart", js_reaper_start);
  uk_export(env, exports, "reaperStop", js_reaper_stop);
  uk_export(env, exports, "reapNow", js_reap_now);
}
