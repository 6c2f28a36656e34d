/*
 * Fd watching with uv_poll_t on the Node event loop. A watch never reads, accepts or closes the
 * fd: it only reports readiness, so a listening socket can be handed to a service with its
 * queued connection intact. Event bits shared with TS: 1 readable, 2 writable, 4 hang-up,
 * 8 priority (POLLPRI: kernfs files such as cgroup.events signal changes this way).
 */
#include "unitkit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <uv.h>

enum { EV_READABLE = 1, EV_WRITABLE = 2, EV_HANGUP = 4, EV_PRIORITY = 8 };

typedef struct {
  uv_poll_t handle;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int wanted;
  bool closed;
  /* Owners: the libuv handle (until its close callback) and the JS external (until finalized). */
  int owners;
} watch_t;

static void release(watch_t *w) {
  if (--w->owners == 0) free(w);
}

static void on_closed(uv_handle_t *h) { release(h->data); }

static void close_watch(napi_env env, watch_t *w) {
  if (w->closed) return;
  w->closed = true;
  uv_poll_stop(&w->handle);
  napi_delete_reference(env, w->callback);
  napi_async_destroy(env, w->context);
  uv_close((uv_handle_t *)&w->handle, on_closed);
}

static void finalize_watch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  watch_t *w = data;
  /* Collected without pollStop(): stop polling; the memory goes once libuv lets go too. */
  close_watch(env, w);
  release(w);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  watch_t *w = h->data;
  if (w->closed) return;
  int bits = 0;
  if (status < 0) {
    /* libuv reports POLLERR as an error and stops the handle; to the caller it is a hang-up. */
    bits = EV_HANGUP;
  } else {
    /* libuv folds POLLHUP into the wanted events; ask the kernel directly for the exact state. */
    struct pollfd p = {.fd = w->fd, .events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI};
    if (events & UV_PRIORITIZED) {
      /* A kernfs change is edge-like and poll() would report POLLERR for it: trust libuv. */
      bits |= EV_PRIORITY;
      if ((events & UV_READABLE) && (w->wanted & EV_READABLE)) bits |= EV_READABLE;
    } else if (poll(&p, 1, 0) > 0) {
      if ((p.revents & POLLIN) && (w->wanted & EV_READABLE)) bits |= EV_READABLE;
      if ((p.revents & POLLOUT) && (w->wanted & EV_WRITABLE)) bits |= EV_WRITABLE;
      if (p.revents & (POLLHUP | POLLERR | POLLRDHUP | POLLNVAL)) bits |= EV_HANGUP;
    } else {
      if ((events & UV_READABLE) && (w->wanted & EV_READABLE)) bits |= EV_READABLE;
      if ((events & UV_WRITABLE) && (w->wanted & EV_WRITABLE)) bits |= EV_WRITABLE;
      if (events & UV_DISCONNECT) bits |= EV_HANGUP;
    }
  }
  if (!bits) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, arg = uk_int(env, bits), result;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &recv);
  if (napi_make_callback(env, w->context, recv, cb, 1, &arg, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

static int start(watch_t *w, int wanted) {
  w->wanted = wanted;
  int ev = UV_DISCONNECT;
  if (wanted & EV_READABLE) ev |= UV_READABLE;
  if (wanted & EV_WRITABLE) ev |= UV_WRITABLE;
  if (wanted & EV_PRIORITY) ev |= UV_PRIORITIZED;
  return uv_poll_start(&w->handle, ev, on_poll);
}

static bool get_watch(napi_env env, napi_value v, watch_t **out) {
  if (napi_get_value_external(env, v, (void **)out) != napi_ok) {
    uk_throw_type(env, "not a watch handle");
    return false;
  }
  return true;
}

/* pollStart(fd, events, callback(bits)): an opaque handle. libuv sets O_NONBLOCK on a polled fd;
 * the fd's own mode is put back, because a listening socket handed to a service must stay as it
 * was created (systemd passes blocking listeners) and polling readiness does not need it. */
static napi_value js_poll_start(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, events;
  if (!uk_args(env, info, 3, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd) ||
      !uk_get_i32(env, argv[1], "events", &events))
    return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[2], &t);
  if (t != napi_function) return uk_throw_type(env, "callback must be a function");
  uv_loop_t *loop;
  UK_CALL(env, napi_get_uv_event_loop(env, &loop));
  watch_t *w = calloc(1, sizeof *w);
  if (!w) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  w->env = env;
  w->fd = fd;
  int flags = fcntl(fd, F_GETFL);
  int r = uv_poll_init(loop, &w->handle, fd);
  if (r < 0) {
    free(w);
    return uk_throw_errno(env, -r, "uv_poll_init", NULL);
  }
  if (flags >= 0 && !(flags & O_NONBLOCK)) (void)fcntl(fd, F_SETFL, flags);
  w->handle.data = w;
  w->owners = 2;
  napi_value name, ext;
  napi_create_string_utf8(env, "unitkit:FdWatch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->context);
  napi_create_reference(env, argv[2], 1, &w->callback);
  r = start(w, events);
  if (r < 0) {
    close_watch(env, w);
    release(w);
    return uk_throw_errno(env, -r, "uv_poll_start", NULL);
  }
  napi_create_external(env, w, finalize_watch, NULL, &ext);
  return ext;
}

/* pollUpdate(handle, events): re-arms with new wanted events (0 keeps only hang-up reporting). */
static napi_value js_poll_update(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  watch_t *w;
  int32_t events;
  if (!uk_args(env, info, 2, argv, NULL) || !get_watch(env, argv[0], &w) ||
      !uk_get_i32(env, argv[1], "events", &events))
    return NULL;
  if (w->closed) return uk_throw_errno(env, EBADF, "uv_poll_start", NULL);
  int r = start(w, events);
  if (r < 0) return uk_throw_errno(env, -r, "uv_poll_start", NULL);
  return uk_undefined(env);
}

/* pollStop(handle): stops watching; the fd stays open. Idempotent. */
static napi_value js_poll_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  watch_t *w;
  if (!uk_args(env, info, 1, argv, NULL) || !get_watch(env, argv[0], &w)) return NULL;
  close_watch(env, w);
  return uk_undefined(env);
}

void uk_register_poll(napi_env env, napi_value exports) {
  uk_export(env, exports, "pollStart", js_poll_start);
  uk_export(env, exports, "pollUpdate", js_poll_update);
  uk_export(env, exports, "pollStop", js_poll_stop);
}
