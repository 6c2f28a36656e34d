/*
 * User and group lookups through NSS (getpwnam_r, getgrnam_r, getgrouplist), as systemd's
 * get_user_creds()/get_group_creds() do for User=, Group= and SupplementaryGroups=: whatever the
 * machine's nsswitch.conf names (files, systemd, ldap…) answers, not a parse of /etc/passwd.
 * These run in the manager (they allocate and may load NSS modules), never in a spawned child.
 * Each returns undefined when the name is unknown and throws an errno error when the lookup
 * itself failed.
 */
#include "unitkit.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

static napi_value passwd_to_js(napi_env env, const struct passwd *pw) {
  napi_value o;
  napi_create_object(env, &o);
  uk_set(env, o, "name", uk_str(env, pw->pw_name));
  uk_set(env, o, "uid", uk_int(env, pw->pw_uid));
  uk_set(env, o, "gid", uk_int(env, pw->pw_gid));
  uk_set(env, o, "home", uk_str(env, pw->pw_dir ? pw->pw_dir : ""));
  uk_set(env, o, "shell", uk_str(env, pw->pw_shell ? pw->pw_shell : ""));
  return o;
}

static napi_value group_to_js(napi_env env, const struct group *gr) {
  napi_value o;
  napi_create_object(env, &o);
  uk_set(env, o, "name", uk_str(env, gr->gr_name));
  uk_set(env, o, "gid", uk_int(env, gr->gr_gid));
  return o;
}

/* Grows the buffer while the entry does not fit (ERANGE), as the *_r manuals advise. */
#define LOOKUP(type, call, convert, what)                                              \
  do {                                                                                 \
    size_t size = 4096;                                                                \
    for (;;) {                                                                         \
      char *buf = malloc(size);                                                        \
      if (!buf) return uk_throw_errno(env, ENOMEM, "malloc", NULL);                    \
      type entry, *found = NULL;                                                       \
      int r = call;                                                                    \
      if (r == ERANGE && size < (1u << 24)) {                                          \
        free(buf);                                                                     \
        size *= 2;                                                                     \
        continue;                                                                      \
      }                                                                                \
      napi_value out = NULL;                                                           \
      if (found) out = convert(env, found);                                            \
      else if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)        \
        out = uk_undefined(env);                                                       \
      else uk_throw_errno(env, r, what, NULL);                                         \
      free(buf);                                                                       \
      return out;                                                                      \
    }                                                                                  \
  } while (0)

/* getpwnam(name) → {name, uid, gid, home, shell} | undefined */
static napi_value js_getpwnam(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  char *name = uk_get_string(env, argv[0], "name must be a string", NULL);
  if (!name) return NULL;
  napi_value out;
  {
    size_t size = 4096;
    for (;;) {
      char *buf = malloc(size);
      if (!buf) {
        free(name);
        return uk_throw_errno(env, ENOMEM, "malloc", NULL);
      }
      struct passwd entry, *found = NULL;
      int r = getpwnam_r(name, &entry, buf, size, &found);
      if (r == ERANGE && size < (1u << 24)) {
        free(buf);
        size *= 2;
        continue;
      }
      if (found) out = passwd_to_js(env, found);
      else if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM) out = uk_undefined(env);
      else out = uk_throw_errno(env, r, "getpwnam_r", name);
      free(buf);
      break;
    }
  }
  free(name);
  return out;
}

/* getpwuid(uid) → {name, uid, gid, home, shell} | undefined */
static napi_value js_getpwuid(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  int64_t uid;
  if (napi_get_value_int64(env, argv[0], &uid) != napi_ok) return uk_throw_type(env, "uid must be a number");
  LOOKUP(struct passwd, getpwuid_r((uid_t)uid, &entry, buf, size, &found), passwd_to_js, "getpwuid_r");
}

/* getgrnam(name) → {name, gid} | undefined */
static napi_value js_getgrnam(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  char *name = uk_get_string(env, argv[0], "name must be a string", NULL);
  if (!name) return NULL;
  napi_value out;
  {
    size_t size = 4096;
    for (;;) {
      char *buf = malloc(size);
      if (!buf) {
        free(name);
        return uk_throw_errno(env, ENOMEM, "malloc", NULL);
      }
      struct group entry, *found = NULL;
      int r = getgrnam_r(name, &entry, buf, size, &found);
      if (r == ERANGE && size < (1u << 24)) {
        free(buf);
        size *= 2;
        continue;
      }
      if (found) out = group_to_js(env, found);
      else if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM) out = uk_undefined(env);
      else out = uk_throw_errno(env, r, "getgrnam_r", name);
      free(buf);
      break;
    }
  }
  free(name);
  return out;
}

/* getgrgid(gid) → {name, gid} | undefined */
static napi_value js_getgrgid(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  int64_t gid;
  if (napi_get_value_int64(env, argv[0], &gid) != napi_ok) return uk_throw_type(env, "gid must be a number");
  LOOKUP(struct group, getgrgid_r((gid_t)gid, &entry, buf, size, &found), group_to_js, "getgrgid_r");
}

void uk_register_users(napi_env env, napi_value exports) {
  uk_export(env, exports, "getpwnam", js_getpwnam);
  uk_export(env, exports, "getpwuid", js_getpwuid);
  uk_export(env, exports, "getgrnam", js_getgrnam);
  uk_export(env, exports, "getgrgid", js_getgrgid);
}
