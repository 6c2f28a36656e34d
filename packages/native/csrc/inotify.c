/*
 * inotify for path units (systemd.path(5)): an instance per watched path spec, watches with the
 * masks path.c uses, and the queued events read back as {wd, mask, name} objects. The instance
 * fd is non-blocking and watched by the event loop like any other fd.
 */
#include "unitkit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static napi_value js_inotify_init(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return uk_throw_errno(env, errno, "inotify_init1", NULL);
  return uk_int(env, fd);
}

static napi_value js_inotify_add_watch(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  uint32_t mask;
  if (!uk_args(env, info, 3, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  char *path = uk_get_string(env, argv[1], "path", NULL);
  if (!path) return NULL;
  if (!uk_get_u32(env, argv[2], "mask", &mask)) {
    free(path);
    return NULL;
  }
  int wd = inotify_add_watch(fd, path, mask);
  int err = errno;
  if (wd < 0) {
    napi_value r = uk_throw_errno(env, err, "inotify_add_watch", path);
    free(path);
    return r;
  }
  free(path);
  return uk_int(env, wd);
}

/* Everything queued now, as an array; an empty array when nothing is (EAGAIN). */
static napi_value js_inotify_read(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t len = read(fd, buf, sizeof buf);
    if (len < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      return uk_throw_errno(env, errno, "read", "inotify");
    }
    if (len == 0) break;
    for (char *p = buf; p < buf + len;) {
      const struct inotify_event *e = (const struct inotify_event *)p;
      napi_value ev;
      napi_create_object(env, &ev);
      uk_set(env, ev, "wd", uk_int(env, e->wd));
      uk_set(env, ev, "mask", uk_int(env, e->mask));
      uk_set(env, ev, "name", uk_str(env, e->len > 0 ? e->name : ""));
      napi_set_element(env, list, n++, ev);
      p += sizeof(struct inotify_event) + e->len;
    }
  }
  return list;
}

void uk_register_inotify(napi_env env, napi_value exports) {
  uk_export(env, exports, "inotifyInit", js_inotify_init);
  uk_export(env, exports, "inotifyAddWatch", js_inotify_add_watch);
  uk_export(env, exports, "inotifyRead", js_inotify_read);
}
