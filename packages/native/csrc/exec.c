/*
 * execve() in place for a manager re-exec. Node has no exec, and every fd it or libuv opens is
 * O_CLOEXEC: the fds the new image must find (listening sockets, the notify socket, fd stores,
 * the serialized state) are switched to inherit, everything else to close-on-exec — libuv's
 * epoll and signal pipes, the control clients' connections; stdio always stays. If execve() fails, every flag is put
 * back as it was and the error is thrown: the caller keeps running with its state in memory.
 */
#include "unitkit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An fd whose FD_CLOEXEC we changed, with its old flags (restored if execve() fails). */
struct changed_fd {
  int fd;
  int flags;
};

static bool in_list(int fd, const int32_t *keep, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (keep[i] == fd) return true;
  return false;
}

/* Reads a JS string array into a NULL-terminated char* array (NULL on error, exception pending). */
/*
 * execKeepFds(path, argv[], envp[], keepFds[]): replaces the process image. Returns only by
 * throwing (the execve() errno, or an fd of keepFds that is not open: nothing is changed then).
 */
static napi_value js_exec_keep_fds(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!uk_args(env, info, 4, argv, NULL)) return NULL;
  char *path = uk_get_string(env, argv[0], "path", NULL);
  if (!path) return NULL;
  char **args = uk_get_strv(env, argv[1], "argv must be an array of strings", 0, NULL);
  char **envp = args ? uk_get_strv(env, argv[2], "envp must be an array of strings", 0, NULL) : NULL;
  uint32_t nkeep = 0;
  bool is_array = false;
  int32_t *keep = NULL;
  struct changed_fd *changed = NULL;
  size_t nchanged = 0, cap = 0;
  napi_value result = NULL;
  if (!envp) goto out;
  if (napi_is_array(env, argv[3], &is_array) != napi_ok || !is_array) {
    uk_throw_type(env, "keepFds must be an array of fds");
    goto out;
  }
  napi_get_array_length(env, argv[3], &nkeep);
  keep = calloc(nkeep + 1, sizeof(int32_t));
  for (uint32_t i = 0; i < nkeep; i++) {
    napi_value v;
    napi_get_element(env, argv[3], i, &v);
    if (!uk_get_i32(env, v, "fd", &keep[i])) goto out;
    if (fcntl(keep[i], F_GETFD) < 0) {
      uk_throw_errno(env, errno, "fcntl(F_GETFD)", "an fd to keep is not open");
      goto out;
    }
  }
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    uk_throw_errno(env, errno, "opendir", "/proc/self/fd");
    goto out;
  }
  int dfd = dirfd(d);
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    int fd = atoi(de->d_name);
    if (fd == dfd) continue; /* the listing closes itself */
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) continue;
    /* Node marks stdio close-on-exec at startup (uv_disable_stdio_inheritance): the new image
     * must get its stdout and stderr back, so 0-2 are always inherited. */
    int want = fd <= 2 || in_list(fd, keep, nkeep) ? (flags & ~FD_CLOEXEC) : (flags | FD_CLOEXEC);
    if (want == flags) continue;
    if (nchanged == cap) {
      cap = cap ? cap * 2 : 64;
      struct changed_fd *n = realloc(changed, cap * sizeof(*changed));
      if (!n) break;
      changed = n;
    }
    if (fcntl(fd, F_SETFD, want) == 0) changed[nchanged++] = (struct changed_fd){fd, flags};
  }
  closedir(d);
  execve(path, args, envp);
  int err = errno;
  for (size_t i = 0; i < nchanged; i++) fcntl(changed[i].fd, F_SETFD, changed[i].flags);
  uk_throw_errno(env, err, "execve", path);
out:
  free(changed);
  free(keep);
  free(path);
  uk_free_strv(args);
  uk_free_strv(envp);
  return result;
}

void uk_register_exec(napi_env env, napi_value exports) {
  uk_export(env, exports, "execKeepFds", js_exec_keep_fds);
}
