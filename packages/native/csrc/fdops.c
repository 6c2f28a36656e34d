/* Raw fd operations the socket and service code need beyond what node:fs offers (and the IPC_RMID of RemoveIPC=). */
#include "unitkit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  /* Linux closes the fd even when close() reports EINTR; retrying would close a reused number. */
  if (close(fd) < 0 && errno != EINTR) return uk_throw_errno(env, errno, "close", NULL);
  return uk_undefined(env);
}

/* dup(fd, minFd = 3): always CLOEXEC, so a copy never leaks into a child by accident. */
static napi_value js_dup(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, min = 3;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  if (!uk_is_nullish(env, argv[1]) && !uk_get_i32(env, argv[1], "minFd", &min)) return NULL;
  int r = fcntl(fd, F_DUPFD_CLOEXEC, min);
  if (r < 0) return uk_throw_errno(env, errno, "fcntl(F_DUPFD_CLOEXEC)", NULL);
  return uk_int(env, r);
}

static napi_value js_dup3(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, target;
  bool cloexec = false;
  if (!uk_args(env, info, 3, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd) ||
      !uk_get_i32(env, argv[1], "target", &target))
    return NULL;
  if (!uk_is_nullish(env, argv[2])) napi_get_value_bool(env, argv[2], &cloexec);
  int r = fd == target ? target : dup3(fd, target, cloexec ? O_CLOEXEC : 0);
  if (r < 0) return uk_throw_errno(env, errno, "dup3", NULL);
  return uk_int(env, r);
}

static napi_value set_fd_flag(napi_env env, napi_callback_info info, int getcmd, int setcmd, int flag,
                              const char *name) {
  napi_value argv[2];
  int32_t fd;
  bool on;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  if (napi_get_value_bool(env, argv[1], &on) != napi_ok) return uk_throw_type(env, "on must be a boolean");
  int flags = fcntl(fd, getcmd);
  if (flags < 0) return uk_throw_errno(env, errno, name, NULL);
  int nflags = on ? flags | flag : flags & ~flag;
  if (nflags != flags && fcntl(fd, setcmd, nflags) < 0) return uk_throw_errno(env, errno, name, NULL);
  return uk_undefined(env);
}

static napi_value js_set_cloexec(napi_env env, napi_callback_info info) {
  return set_fd_flag(env, info, F_GETFD, F_SETFD, FD_CLOEXEC, "fcntl(F_SETFD)");
}

static napi_value js_set_nonblock(napi_env env, napi_callback_info info) {
  return set_fd_flag(env, info, F_GETFL, F_SETFL, O_NONBLOCK, "fcntl(F_SETFL)");
}

static napi_value js_get_cloexec(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return uk_throw_errno(env, errno, "fcntl(F_GETFD)", NULL);
  return uk_bool(env, flags & FD_CLOEXEC);
}

/* read(fd, max): a Buffer (empty at EOF), or null when nothing is available on a non-blocking fd. */
static napi_value js_read(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, max = 65536;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  if (!uk_is_nullish(env, argv[1]) && !uk_get_i32(env, argv[1], "max", &max)) return NULL;
  if (max <= 0) return uk_throw_type(env, "max must be positive");
  /* The fd may be in blocking mode (a listener handed to services): never block the manager. */
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  int ready;
  do ready = poll(&pf, 1, 0);
  while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    napi_value nul;
    napi_get_null(env, &nul);
    return nul;
  }
  char *buf = malloc((size_t)max);
  if (!buf) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  ssize_t n;
  do n = read(fd, buf, (size_t)max);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int err = errno;
    free(buf);
    if (err == EAGAIN) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return uk_throw_errno(env, err, "read", NULL);
  }
  napi_value result;
  napi_status st = napi_create_buffer_copy(env, (size_t)n, buf, NULL, &result);
  free(buf);
  UK_CALL(env, st);
  return result;
}

/* write(fd, data): bytes written, or null when a non-blocking fd is full. */
static napi_value js_write(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  void *data;
  size_t len;
  bool isbuf = false;
  napi_is_buffer(env, argv[1], &isbuf);
  if (!isbuf) return uk_throw_type(env, "data must be a Buffer");
  napi_get_buffer_info(env, argv[1], &data, &len);
  ssize_t n;
  do n = write(fd, data, len);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return uk_throw_errno(env, errno, "write", NULL);
  }
  return uk_int(env, n);
}

static napi_value pair_result(napi_env env, int fds[2]) {
  napi_value arr;
  napi_create_array_with_length(env, 2, &arr);
  napi_set_element(env, arr, 0, uk_int(env, fds[0]));
  napi_set_element(env, arr, 1, uk_int(env, fds[1]));
  return arr;
}

/* pipe2(nonblock): always O_CLOEXEC; [readEnd, writeEnd]. */
static napi_value js_pipe2(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  bool nonblock = false;
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  if (!uk_is_nullish(env, argv[0])) napi_get_value_bool(env, argv[0], &nonblock);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0)) < 0) return uk_throw_errno(env, errno, "pipe2", NULL);
  return pair_result(env, fds);
}

/* socketpair(type, nonblock): AF_UNIX, always SOCK_CLOEXEC. type is a SOCK_* number. */
static napi_value js_socketpair(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t type;
  bool nonblock = false;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "type", &type)) return NULL;
  if (!uk_is_nullish(env, argv[1])) napi_get_value_bool(env, argv[1], &nonblock);
  int fds[2];
  if (socketpair(AF_UNIX, type | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0, fds) < 0)
    return uk_throw_errno(env, errno, "socketpair", NULL);
  return pair_result(env, fds);
}

/* fdType(fd): what fstat() says the fd is, by the names sd_is_*() distinguish. */
static napi_value js_fd_type(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  struct stat st;
  if (fstat(fd, &st) < 0) return uk_throw_errno(env, errno, "fstat", NULL);
  const char *t = "unknown";
  switch (st.st_mode & S_IFMT) {
    case S_IFSOCK: t = "socket"; break;
    case S_IFIFO: t = "fifo"; break;
    case S_IFREG: t = "regular"; break;
    case S_IFDIR: t = "directory"; break;
    case S_IFCHR: t = "character-device"; break;
    case S_IFBLK: t = "block-device"; break;
    case S_IFLNK: t = "symlink"; break;
  }
  return uk_str(env, t);
}

/*
 * memfdSealed(name, data): a memory file holding `data`, sealed against every change, its offset
 * at 0, CLOEXEC: what StandardInput=data hands a child as fd 0 (systemd's memfd_new_and_seal()).
 */
static napi_value js_memfd_sealed(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!uk_args(env, info, 2, argv, NULL)) return NULL;
  char *name = uk_get_string(env, argv[0], "name", NULL);
  if (!name) return NULL;
  void *data;
  size_t len;
  bool isbuf = false;
  napi_is_buffer(env, argv[1], &isbuf);
  if (!isbuf) {
    free(name);
    return uk_throw_type(env, "data must be a Buffer");
  }
  napi_get_buffer_info(env, argv[1], &data, &len);
  int fd = (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  free(name);
  if (fd < 0) return uk_throw_errno(env, errno, "memfd_create", NULL);
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, (const char *)data + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      close(fd);
      return uk_throw_errno(env, e, "write", "memfd");
    }
    done += (size_t)n;
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
    int e = errno;
    close(fd);
    return uk_throw_errno(env, e, "fcntl(F_ADD_SEALS)", NULL);
  }
  return uk_int(env, fd);
}

/* openPty(): a new pseudo-terminal, { master, path } (the master fd CLOEXEC, the peer unlocked). */
static napi_value js_open_pty(napi_env env, napi_callback_info info) {
  int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return uk_throw_errno(env, errno, "posix_openpt", NULL);
  char path[128];
  if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, path, sizeof path) != 0) {
    int e = errno;
    close(fd);
    return uk_throw_errno(env, e, "unlockpt", NULL);
  }
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "master", uk_int(env, fd));
  napi_set_named_property(env, o, "path", uk_str(env, path));
  return o;
}

/*
 * sysvIpcRemove(kind, id): IPC_RMID of a System V object (kind 0 shm, 1 sem, 2 msg); false when it
 * was gone already (EINVAL/EIDRM), throws on anything else.
 */
static napi_value js_sysv_ipc_remove(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t kind, id;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "kind", &kind) || !uk_get_i32(env, argv[1], "id", &id)) return NULL;
  int r;
  switch (kind) {
    case 0: r = shmctl(id, IPC_RMID, NULL); break;
    case 1: r = semctl(id, 0, IPC_RMID); break;
    case 2: r = msgctl(id, IPC_RMID, NULL); break;
    default: return uk_throw_type(env, "kind must be 0 (shm), 1 (sem) or 2 (msg)");
  }
  napi_value out;
  if (r < 0 && errno != EINVAL && errno != EIDRM) return uk_throw_errno(env, errno, "IPC_RMID", NULL);
  napi_get_boolean(env, r == 0, &out);
  return out;
}

void uk_register_fdops(napi_env env, napi_value exports) {
  uk_export(env, exports, "sysvIpcRemove", js_sysv_ipc_remove);
  uk_export(env, exports, "memfdSealed", js_memfd_sealed);
  uk_export(env, exports, "openPty", js_open_pty);
  uk_export(env, exports, "close", js_close);
  uk_export(env, exports, "dup", js_dup);
  uk_export(env, exports, "dup3", js_dup3);
  uk_export(env, exports, "setCloexec", js_set_cloexec);
  uk_export(env, exports, "getCloexec", js_get_cloexec);
  uk_export(env, exports, "setNonblock", js_set_nonblock);
  uk_export(env, exports, "read", js_read);
  uk_export(env, exports, "write", js_write);
  uk_export(env, exports, "pipe2", js_pipe2);
  uk_export(env, exports, "socketpair", js_socketpair);
  uk_export(env, exports, "fdType", js_fd_type);
}
