/*
 * Stream sockets that carry fds (SCM_RIGHTS), for D-Bus connections: Node's `net` cannot pass
 * descriptors over AF_UNIX stream sockets. Both calls are non-blocking single syscalls; the caller
 * watches the fd with the event loop and retries on EAGAIN (null).
 */
#include "unitkit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* D-Bus allows at most 253 fds per message (systemd's and dbus-daemon's limit). */
#define UNIXMSG_FD_MAX 253

/*
 * sendFds(fd, data, fds?): sendmsg(MSG_DONTWAIT|MSG_NOSIGNAL) of `data`, with `fds` as SCM_RIGHTS
 * when given and non-empty. Returns the bytes written (the fds went with the first byte), or null
 * on EAGAIN (nothing written). A partial write is reported as its count: the caller sends the rest
 * without the fds.
 */
static napi_value js_send_fds(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  if (!uk_args(env, info, 3, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  bool isbuf = false;
  napi_is_buffer(env, argv[1], &isbuf);
  if (!isbuf) return uk_throw_type(env, "data must be a Buffer");
  void *data;
  size_t dlen;
  napi_get_buffer_info(env, argv[1], &data, &dlen);
  int pass[UNIXMSG_FD_MAX];
  uint32_t npass = 0;
  if (!uk_is_nullish(env, argv[2])) {
    bool isarr = false;
    napi_is_array(env, argv[2], &isarr);
    if (!isarr) return uk_throw_type(env, "fds must be an array");
    napi_get_array_length(env, argv[2], &npass);
    if (npass > UNIXMSG_FD_MAX) return uk_throw_type(env, "at most 253 fds per message");
    for (uint32_t i = 0; i < npass; i++) {
      napi_value e;
      napi_get_element(env, argv[2], i, &e);
      if (!uk_get_i32(env, e, "fds[i]", &pass[i])) return NULL;
    }
  }
  /* SCM_RIGHTS needs at least one data byte to travel with. */
  if (npass > 0 && dlen == 0) return uk_throw_type(env, "fds need at least one data byte");
  union {
    struct cmsghdr align;
    char data[CMSG_SPACE(sizeof(int) * UNIXMSG_FD_MAX)];
  } control;
  struct iovec iov = {.iov_base = data, .iov_len = dlen};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  if (npass > 0) {
    memset(&control, 0, sizeof control);
    mh.msg_control = &control;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * npass);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * npass);
    memcpy(CMSG_DATA(c), pass, sizeof(int) * npass);
  }
  ssize_t n;
  do n = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return uk_throw_errno(env, errno, "sendmsg", NULL);
  }
  return uk_int(env, n);
}

/*
 * recvFds(fd, max): recvmsg(MSG_DONTWAIT|MSG_CMSG_CLOEXEC) of up to `max` bytes. Returns null on
 * EAGAIN, else {data, fds, fdsTruncated}: `data` empty at end of stream, `fds` the descriptors
 * that arrived with these bytes (CLOEXEC, owned by the caller), `fdsTruncated` true when the kernel
 * dropped some (MSG_CTRUNC; the caller should treat the stream as broken).
 */
static napi_value js_recv_fds(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint32_t max;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd) ||
      !uk_get_u32(env, argv[1], "max", &max))
    return NULL;
  if (max == 0 || max > 16 * 1024 * 1024) return uk_throw_type(env, "max must be 1..16777216");
  void *buf;
  napi_value out;
  UK_CALL(env, napi_create_buffer(env, max, &buf, &out));
  union {
    struct cmsghdr align;
    char data[CMSG_SPACE(sizeof(int) * UNIXMSG_FD_MAX)];
  } control;
  struct iovec iov = {.iov_base = buf, .iov_len = max};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control};
  ssize_t n;
  do n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return uk_throw_errno(env, errno, "recvmsg", NULL);
  }
  napi_value fds;
  napi_create_array(env, &fds);
  uint32_t k = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int *p = (int *)CMSG_DATA(c);
    for (size_t i = 0; i < count; i++) napi_set_element(env, fds, k++, uk_int(env, p[i]));
  }
  napi_value slice, o;
  /* A view of the received bytes only; the rest of the allocation is never exposed. */
  void *unused;
  UK_CALL(env, napi_create_buffer_copy(env, (size_t)n, buf, &unused, &slice));
  napi_create_object(env, &o);
  uk_set(env, o, "data", slice);
  uk_set(env, o, "fds", fds);
  uk_set(env, o, "fdsTruncated", uk_bool(env, (mh.msg_flags & MSG_CTRUNC) != 0));
  return o;
}

void uk_register_unixmsg(napi_env env, napi_value exports) {
  uk_export(env, exports, "sendFds", js_send_fds);
  uk_export(env, exports, "recvFds", js_recv_fds);
}
