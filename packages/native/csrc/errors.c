/* Errno errors and the small argument/result helpers every other file uses. */
#include "unitkit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *uk_errno_name(int err) {
  /* glibc >= 2.32 knows every name; the fallback keeps an unknown errno distinguishable. */
  const char *name = strerrorname_np(err);
  if (name) return name;
  static __thread char buf[24];
  snprintf(buf, sizeof buf, "E%d", err);
  return buf;
}

napi_value uk_errno_error(napi_env env, int err, const char *syscall, const char *detail) {
  const char *name = uk_errno_name(err);
  const char *desc = strerrordesc_np(err);
  char msg[512];
  if (detail && *detail)
    snprintf(msg, sizeof msg, "%s: %s, %s '%s'", name, desc ? desc : "unknown error", syscall, detail);
  else
    snprintf(msg, sizeof msg, "%s: %s, %s", name, desc ? desc : "unknown error", syscall);
  napi_value code, message, error;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  uk_set(env, error, "errno", uk_int(env, err));
  uk_set(env, error, "syscall", uk_str(env, syscall));
  if (detail && *detail) uk_set(env, error, "path", uk_str(env, detail));
  return error;
}

napi_value uk_throw_errno(napi_env env, int err, const char *syscall, const char *detail) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw(env, uk_errno_error(env, err, syscall, detail));
  return NULL;
}

napi_value uk_throw_type(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return NULL;
}

void uk_rethrow_napi(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, "ERR_NAPI", info && info->error_message ? info->error_message : "node-api call failed");
}

bool uk_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, napi_value *self) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, self, NULL) != napi_ok) {
    uk_rethrow_napi(env);
    return false;
  }
  /* Missing trailing arguments read as undefined, which the getters reject or treat as unset. */
  napi_value undef;
  napi_get_undefined(env, &undef);
  for (size_t i = argc; i < want; i++) argv[i] = undef;
  return true;
}

bool uk_is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return true;
  return t == napi_undefined || t == napi_null;
}

static bool type_error(napi_env env, const char *what, const char *expected) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s must be %s", what, expected);
  uk_throw_type(env, msg);
  return false;
}

bool uk_get_i64(napi_env env, napi_value v, const char *what, int64_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) return type_error(env, what, "a number");
  double d;
  napi_get_value_double(env, v, &d);
  if (d != d || d < -9007199254740992.0 || d > 9007199254740992.0 || d != (double)(int64_t)d)
    return type_error(env, what, "an integer");
  *out = (int64_t)d;
  return true;
}

bool uk_get_i32(napi_env env, napi_value v, const char *what, int32_t *out) {
  int64_t x;
  if (!uk_get_i64(env, v, what, &x)) return false;
  if (x < INT32_MIN || x > INT32_MAX) return type_error(env, what, "a 32-bit integer");
  *out = (int32_t)x;
  return true;
}

bool uk_get_u32(napi_env env, napi_value v, const char *what, uint32_t *out) {
  int64_t x;
  if (!uk_get_i64(env, v, what, &x)) return false;
  if (x < 0 || x > UINT32_MAX) return type_error(env, what, "an unsigned 32-bit integer");
  *out = (uint32_t)x;
  return true;
}

char *uk_get_string(napi_env env, napi_value v, const char *what, size_t *len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_string) {
    type_error(env, what, "a string");
    return NULL;
  }
  size_t n = 0;
  napi_get_value_string_utf8(env, v, NULL, 0, &n);
  char *s = malloc(n + 1);
  if (!s) {
    uk_throw_errno(env, ENOMEM, "malloc", NULL);
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, n + 1, &n);
  /* A NUL inside would silently cut a path or an argument short: refuse it. */
  if (strlen(s) != n) {
    free(s);
    type_error(env, what, "a string without NUL bytes");
    return NULL;
  }
  if (len) *len = n;
  return s;
}

bool uk_prop(napi_env env, napi_value obj, const char *name, napi_value *out, bool *present) {
  *present = false;
  if (uk_is_nullish(env, obj)) return true;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) {
    uk_rethrow_napi(env);
    return false;
  }
  *present = !uk_is_nullish(env, *out);
  return true;
}

bool uk_prop_i32(napi_env env, napi_value obj, const char *name, int32_t *out, bool *present) {
  napi_value v;
  bool p;
  if (!uk_prop(env, obj, name, &v, &p)) return false;
  if (present) *present = p;
  return !p || uk_get_i32(env, v, name, out);
}

bool uk_prop_i64(napi_env env, napi_value obj, const char *name, int64_t *out, bool *present) {
  napi_value v;
  bool p;
  if (!uk_prop(env, obj, name, &v, &p)) return false;
  if (present) *present = p;
  return !p || uk_get_i64(env, v, name, out);
}

bool uk_prop_bool(napi_env env, napi_value obj, const char *name, bool *out, bool *present) {
  napi_value v;
  bool p;
  if (!uk_prop(env, obj, name, &v, &p)) return false;
  if (present) *present = p;
  if (!p) return true;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_boolean) return type_error(env, name, "a boolean");
  napi_get_value_bool(env, v, out);
  return true;
}

char *uk_prop_string(napi_env env, napi_value obj, const char *name, bool *ok) {
  napi_value v;
  bool p;
  *ok = uk_prop(env, obj, name, &v, &p);
  if (!*ok || !p) return NULL;
  char *s = uk_get_string(env, v, name, NULL);
  if (!s) *ok = false;
  return s;
}

napi_value uk_int(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

napi_value uk_str(napi_env env, const char *s) {
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

napi_value uk_bool(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}

napi_value uk_undefined(napi_env env) {
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

void uk_set(napi_env env, napi_value obj, const char *name, napi_value v) {
  napi_set_named_property(env, obj, name, v);
}

void uk_export(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

/* errnoName(n) lets TS format errors the same way for errno values it gets as numbers. */
static napi_value js_errno_name(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t err;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "errno", &err)) return NULL;
  return uk_str(env, uk_errno_name(err));
}

void uk_register_errors(napi_env env, napi_value exports) {
  uk_export(env, exports, "errnoName", js_errno_name);
}

/* A JS array of strings as a NULL-terminated, malloc'd vector with `extra` free slots before the
 * NULL; throws a TypeError with `what` for anything else. `count` receives the array's length. */
char **uk_get_strv(napi_env env, napi_value arr, const char *what, size_t extra, size_t *count) {
  bool is_array = false;
  napi_is_array(env, arr, &is_array);
  if (!is_array) {
    uk_throw_type(env, what);
    return NULL;
  }
  uint32_t n;
  napi_get_array_length(env, arr, &n);
  char **v = calloc(n + extra + 1, sizeof *v);
  if (!v) {
    uk_throw_errno(env, ENOMEM, "malloc", NULL);
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, arr, i, &e);
    if (!(v[i] = uk_get_string(env, e, what, NULL))) {
      uk_free_strv(v);
      return NULL;
    }
  }
  if (count) *count = n;
  return v;
}

/* Frees what uk_get_strv() returned (NULL is fine). */
void uk_free_strv(char **v) {
  if (!v) return;
  for (char **p = v; *p; p++) free(*p);
  free(v);
}
