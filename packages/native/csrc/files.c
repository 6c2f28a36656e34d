/*
 * The non-socket Listen* kinds: FIFOs, special files and POSIX message queues, plus the parent
 * directory creation that AF_UNIX sockets share. Modes and checks follow systemd's
 * fifo_address_create(), special_address_create() and mq_address_create().
 */
#include "unitkit.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int uk_mkdir_parents(const char *path, unsigned mode) {
  char *copy = strdup(path);
  if (!copy) return -ENOMEM;
  char *slash = strrchr(copy, '/');
  int r = 0;
  if (slash && slash != copy) {
    *slash = 0;
    /* Walk down from the root; existing components are left exactly as they are. */
    for (char *p = copy + 1;; p++) {
      if (*p == '/' || *p == 0) {
        char saved = *p;
        *p = 0;
        if (mkdir(copy, (mode_t)mode) < 0 && errno != EEXIST) {
          r = -errno;
          break;
        }
        *p = saved;
        if (saved == 0) break;
      }
    }
  }
  free(copy);
  return r;
}

static napi_value js_mkdir_parents(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint32_t mode = 0755;
  if (!uk_args(env, info, 2, argv, NULL)) return NULL;
  char *path = uk_get_string(env, argv[0], "path", NULL);
  if (!path) return NULL;
  if (!uk_is_nullish(env, argv[1]) && !uk_get_u32(env, argv[1], "mode", &mode)) {
    free(path);
    return NULL;
  }
  int r = uk_mkdir_parents(path, mode);
  napi_value result = r < 0 ? uk_throw_errno(env, -r, "mkdir", path) : uk_undefined(env);
  free(path);
  return result;
}

static bool set_pipe_size(napi_env env, int fd, int32_t size, const char *path) {
  if (size > 0 && fcntl(fd, F_SETPIPE_SZ, size) < 0) {
    uk_throw_errno(env, errno, "fcntl(F_SETPIPE_SZ)", path);
    return false;
  }
  return true;
}

/*
 * fifoOpen(path, {mode, directoryMode, pipeSize, ownerUid, ownerGid}): creates the FIFO if needed
 * and opens it O_RDWR, so the manager itself keeps a writer and never sees a hang-up when a
 * client closes. An existing non-FIFO node is refused with EEXIST.
 */
static napi_value js_fifo_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!uk_args(env, info, 2, argv, NULL)) return NULL;
  int32_t mode = 0666, dmode = 0755, pipe_size = 0, uid = -1, gid = -1;
  if (!uk_prop_i32(env, argv[1], "mode", &mode, NULL) || !uk_prop_i32(env, argv[1], "directoryMode", &dmode, NULL) ||
      !uk_prop_i32(env, argv[1], "pipeSize", &pipe_size, NULL) || !uk_prop_i32(env, argv[1], "ownerUid", &uid, NULL) ||
      !uk_prop_i32(env, argv[1], "ownerGid", &gid, NULL))
    return NULL;
  char *path = uk_get_string(env, argv[0], "path", NULL);
  if (!path) return NULL;
  napi_value result = NULL;
  int fd = -1;
  (void)uk_mkdir_parents(path, (unsigned)dmode);
  bool created = mkfifo(path, (mode_t)mode) == 0;
  if (!created && errno != EEXIST) {
    uk_throw_errno(env, errno, "mkfifo", path);
    goto out;
  }
  fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) {
    uk_throw_errno(env, errno, "open", path);
    goto out;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    uk_throw_errno(env, errno, "fstat", path);
    goto fail;
  }
  if (!S_ISFIFO(st.st_mode)) {
    uk_throw_errno(env, EEXIST, "mkfifo", path);
    goto fail;
  }
  /* mkfifo() applied the manager's umask, as systemd's fifo_address_create() does on purpose
   * (SocketMode=0666 gives 0644 under umask 022): nothing to fix up. */
  if ((uid >= 0 || gid >= 0) && fchown(fd, (uid_t)uid, (gid_t)gid) < 0) {
    uk_throw_errno(env, errno, "fchown", path);
    goto fail;
  }
  if (!set_pipe_size(env, fd, pipe_size, path)) goto fail;
  result = uk_int(env, fd);
  goto out;
fail:
  close(fd);
out:
  free(path);
  return result;
}

/* specialOpen(path, writable): a character device or a /proc, /sys file, as ListenSpecial= opens it. */
static napi_value js_special_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  bool writable = false;
  if (!uk_args(env, info, 2, argv, NULL)) return NULL;
  if (!uk_is_nullish(env, argv[1])) napi_get_value_bool(env, argv[1], &writable);
  char *path = uk_get_string(env, argv[0], "path", NULL);
  if (!path) return NULL;
  napi_value result = NULL;
  int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) {
    uk_throw_errno(env, errno, "open", path);
  } else {
    struct stat st;
    if (fstat(fd, &st) < 0) uk_throw_errno(env, errno, "fstat", path);
    else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) uk_throw_errno(env, EEXIST, "open", path);
    else result = uk_int(env, fd);
    if (!result) close(fd);
  }
  free(path);
  return result;
}

/* mqOpen(name, {mode, maxMessages, messageSize}): a POSIX message queue ("/name"), read-only. */
static napi_value js_mq_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!uk_args(env, info, 2, argv, NULL)) return NULL;
  int32_t mode = 0666;
  int64_t maxmsg = 0, msgsize = 0;
  if (!uk_prop_i32(env, argv[1], "mode", &mode, NULL) || !uk_prop_i64(env, argv[1], "maxMessages", &maxmsg, NULL) ||
      !uk_prop_i64(env, argv[1], "messageSize", &msgsize, NULL))
    return NULL;
  char *name = uk_get_string(env, argv[0], "name", NULL);
  if (!name) return NULL;
  struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
  /* Like systemd: both sizes or neither, so the kernel defaults stay consistent. The manager's
   * umask applies to the new queue's mode, as in systemd's mq_address_create(). */
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
  mqd_t q = mq_open(name, flags | O_CREAT | O_EXCL, (mode_t)mode, maxmsg > 0 && msgsize > 0 ? &attr : NULL);
  bool created = q >= 0;
  if (!created && errno == EEXIST) q = mq_open(name, flags);
  napi_value result;
  if (q < 0) {
    result = uk_throw_errno(env, errno, "mq_open", name);
  } else {
    result = uk_int(env, q);
  }
  free(name);
  return result;
}

/* setPipeSize(fd, size): F_SETPIPE_SZ, for PipeSize= on FIFOs a caller opened otherwise. */
static napi_value js_set_pipe_size(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, size;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd) ||
      !uk_get_i32(env, argv[1], "size", &size))
    return NULL;
  if (!set_pipe_size(env, fd, size, NULL)) return NULL;
  return uk_int(env, fcntl(fd, F_GETPIPE_SZ));
}

void uk_register_files(napi_env env, napi_value exports) {
  uk_export(env, exports, "mkdirParents", js_mkdir_parents);
  uk_export(env, exports, "fifoOpen", js_fifo_open);
  uk_export(env, exports, "specialOpen", js_special_open);
  uk_export(env, exports, "mqOpen", js_mq_open);
  uk_export(env, exports, "setPipeSize", js_set_pipe_size);
}
