/*
 * mount(2) and umount2(2) for the manager itself (never the vfork child): the private, read-only
 * ramfs systemd puts under $CREDENTIALS_DIRECTORY. Throws an errno error on failure.
 */
#include "unitkit.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>

static char *optional_string(napi_env env, napi_value v, const char *what, bool *ok) {
  *ok = true;
  if (uk_is_nullish(env, v)) return NULL;
  char *s = uk_get_string(env, v, what, NULL);
  if (!s) *ok = false;
  return s;
}

/* mount(source|null, target, fstype|null, flags, data|null) */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!uk_args(env, info, 5, argv, NULL)) return NULL;
  bool ok1, ok3, ok5;
  char *source = optional_string(env, argv[0], "source must be a string or null", &ok1);
  char *target = ok1 ? uk_get_string(env, argv[1], "target must be a string", NULL) : NULL;
  char *fstype = target ? optional_string(env, argv[2], "fstype must be a string or null", &ok3) : NULL;
  int64_t flags = 0;
  napi_value out = NULL;
  if (!target || !ok3) goto done;
  if (napi_get_value_int64(env, argv[3], &flags) != napi_ok) {
    uk_throw_type(env, "flags must be a number");
    goto done;
  }
  char *data = optional_string(env, argv[4], "data must be a string or null", &ok5);
  if (ok5) {
    if (mount(source, target, fstype, (unsigned long)flags, data) < 0) uk_throw_errno(env, errno, "mount", target);
    else out = uk_undefined(env);
  }
  free(data);
done:
  free(source);
  free(target);
  free(fstype);
  return out;
}

/* umount2(target, flags) */
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!uk_args(env, info, 2, argv, NULL)) return NULL;
  char *target = uk_get_string(env, argv[0], "target must be a string", NULL);
  if (!target) return NULL;
  int32_t flags = 0;
  napi_value out = NULL;
  if (napi_get_value_int32(env, argv[1], &flags) != napi_ok) uk_throw_type(env, "flags must be a number");
  else if (umount2(target, flags) < 0) uk_throw_errno(env, errno, "umount2", target);
  else out = uk_undefined(env);
  free(target);
  return out;
}

void uk_register_mounts(napi_env env, napi_value exports) {
  uk_export(env, exports, "mount", js_mount);
  uk_export(env, exports, "umount2", js_umount2);
}
