/*
 * Shared helpers of the unitkit native addon. Every syscall failure becomes a JS Error whose
 * `code` is the errno name, `errno` the positive errno number and `syscall` the call that failed:
 * nothing in this addon aborts the process.
 */
#ifndef UNITKIT_H
#define UNITKIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Throws an errno error and returns NULL so callers can `return uk_throw_errno(...)`. */
napi_value uk_throw_errno(napi_env env, int err, const char *syscall, const char *detail);
/* Creates (does not throw) an errno error object. */
napi_value uk_errno_error(napi_env env, int err, const char *syscall, const char *detail);
/* Throws a TypeError about a bad argument and returns NULL. */
napi_value uk_throw_type(napi_env env, const char *message);
/* The errno name ("ENOENT"), never NULL. */
const char *uk_errno_name(int err);

/* If a napi call failed, the pending exception (or a generic one) propagates. */
#define UK_CALL(env, call)                                                   \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      uk_rethrow_napi(env);                                                  \
      return NULL;                                                           \
    }                                                                        \
  } while (0)
void uk_rethrow_napi(napi_env env);

/* Argument access: these throw a TypeError and return false on bad input. */
bool uk_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, napi_value *self);
bool uk_get_i32(napi_env env, napi_value v, const char *what, int32_t *out);
bool uk_get_i64(napi_env env, napi_value v, const char *what, int64_t *out);
bool uk_get_u32(napi_env env, napi_value v, const char *what, uint32_t *out);
/* Returns a malloc'ed NUL-terminated copy; *len (optional) gets its byte length. */
char *uk_get_string(napi_env env, napi_value v, const char *what, size_t *len);
char **uk_get_strv(napi_env env, napi_value arr, const char *what, size_t extra, size_t *count);
void uk_free_strv(char **v);
bool uk_is_nullish(napi_env env, napi_value v);

/* Optional object properties: return false only on a type error (thrown); *present tells whether set. */
bool uk_prop(napi_env env, napi_value obj, const char *name, napi_value *out, bool *present);
bool uk_prop_i32(napi_env env, napi_value obj, const char *name, int32_t *out, bool *present);
bool uk_prop_i64(napi_env env, napi_value obj, const char *name, int64_t *out, bool *present);
bool uk_prop_bool(napi_env env, napi_value obj, const char *name, bool *out, bool *present);
char *uk_prop_string(napi_env env, napi_value obj, const char *name, bool *ok);

/* Building results. */
napi_value uk_int(napi_env env, int64_t v);
napi_value uk_str(napi_env env, const char *s);
napi_value uk_bool(napi_env env, bool b);
napi_value uk_undefined(napi_env env);
void uk_set(napi_env env, napi_value obj, const char *name, napi_value v);
void uk_export(napi_env env, napi_value exports, const char *name, napi_callback cb);

/* Socket addresses (sockaddr.c). */
#include <sys/socket.h>
/* Fills `ss` from a JS address object {family, host, port, scope, path, abstract, cid}; throws on bad input. */
bool uk_sockaddr_from_js(napi_env env, napi_value obj, struct sockaddr_storage *ss, socklen_t *len);
/* A JS object {family, text, host?, port?, path?, abstract?} describing `sa`, `text` as systemd prints it. */
napi_value uk_sockaddr_to_js(napi_env env, const struct sockaddr *sa, socklen_t len, int protocol);
/* The address as systemd prints it ("127.0.0.1:80", "[::1]:80", "/run/x", "@name"), into buf. */
void uk_sockaddr_format(const struct sockaddr *sa, socklen_t len, int protocol, char *buf, size_t size);

/* Creates the missing parent directories of `path` with `mode` (files.c); 0 or -errno. */
int uk_mkdir_parents(const char *path, unsigned mode);

/* Tells the reaper a child exists, so the loop stays alive until it is reaped (reaper.c). */
void uk_reaper_child_started(napi_env env);

/* Module parts; each registers its functions on `exports`. */
void uk_register_errors(napi_env env, napi_value exports);
void uk_register_fdops(napi_env env, napi_value exports);
void uk_register_utmp(napi_env env, napi_value exports);
void uk_register_process(napi_env env, napi_value exports);
void uk_register_sockets(napi_env env, napi_value exports);
void uk_register_sockinfo(napi_env env, napi_value exports);
void uk_register_files(napi_env env, napi_value exports);
void uk_register_poll(napi_env env, napi_value exports);
void uk_register_reaper(napi_env env, napi_value exports);
void uk_register_spawn(napi_env env, napi_value exports);
void uk_register_notify(napi_env env, napi_value exports);
void uk_register_unixmsg(napi_env env, napi_value exports);
void uk_register_exec(napi_env env, napi_value exports);
void uk_register_users(napi_env env, napi_value exports);
void uk_register_mounts(napi_env env, napi_value exports);
void uk_register_inotify(napi_env env, napi_value exports);
void uk_register_signals(napi_env env, napi_value exports);

#endif
