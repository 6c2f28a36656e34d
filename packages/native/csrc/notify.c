/*
 * The manager's notify socket (sd_notify(3)): AF_UNIX SOCK_DGRAM with SO_PASSCRED, so every
 * datagram carries the sender's pid/uid/gid as the kernel saw them. Reception follows systemd's
 * manager_dispatch_notify_fd(): oversized or truncated datagrams, ones without credentials and
 * ones with embedded NUL bytes are refused, and any fds they carried are closed at once so a
 * misbehaving client cannot make the manager leak descriptors.
 */
#include "unitkit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* systemd's NOTIFY_BUFFER_MAX (PIPE_BUF) and NOTIFY_FD_MAX. */
#define NOTIFY_BUFFER_MAX 4096
#define NOTIFY_FD_MAX 768

/* notifyOpen(address): a bound notify socket fd (CLOEXEC, non-blocking). */
static napi_value js_notify_open(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  struct sockaddr_storage ss;
  socklen_t len;
  if (!uk_sockaddr_from_js(env, argv[0], &ss, &len)) return NULL;
  if (ss.ss_family != AF_UNIX) return uk_throw_type(env, "the notify socket address must be a unix address");
  struct sockaddr_un *un = (struct sockaddr_un *)&ss;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return uk_throw_errno(env, errno, "socket", NULL);
  int one = 1, err;
  const char *step = "setsockopt(SO_PASSCRED)";
  /* Credentials on from the first datagram: set before bind(). */
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) goto fail;
  /* Bursts of READY/STATUS from many services must not be dropped; best effort, like systemd. */
  int rcvbuf = 8 * 1024 * 1024;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (un->sun_path[0]) {
    (void)uk_mkdir_parents(un->sun_path, 0755);
    (void)unlink(un->sun_path);
  }
  step = "bind";
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) goto fail;
  /* Services run as any user; the credentials, not the file mode, say who may notify. */
  step = "chmod";
  if (un->sun_path[0] && chmod(un->sun_path, 0777) < 0) goto fail;
  return uk_int(env, fd);
fail:
  err = errno;
  close(fd);
  return uk_throw_errno(env, err, step, un->sun_path[0] ? un->sun_path : NULL);
}

static void close_fds(const int *fds, size_t n) {
  for (size_t i = 0; i < n; i++) close(fds[i]);
}

/*
 * notifyReceive(fd): null when nothing is queued; otherwise {text, pid, uid, gid, fds} or, for a
 * refused datagram, {refused: reason, pid?} (its fds already closed).
 */
static napi_value js_notify_receive(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  static __thread char buf[NOTIFY_BUFFER_MAX + 1];
  static __thread union {
    struct cmsghdr align;
    char data[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FD_MAX)];
  } control;
  struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof control};
  ssize_t n;
  do n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return uk_throw_errno(env, errno, "recvmsg", NULL);
  }

  struct ucred *cred = NULL;
  int *fds = NULL;
  size_t nfds = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
      cred = (struct ucred *)CMSG_DATA(c);
    else if (c->cmsg_type == SCM_RIGHTS) {
      fds = (int *)CMSG_DATA(c);
      nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    }
  }

  const char *refused = NULL;
  if ((size_t)n > sizeof buf - 1 || (mh.msg_flags & MSG_TRUNC)) refused = "oversized datagram";
  else if (mh.msg_flags & MSG_CTRUNC) refused = "control data truncated (too many fds)";
  else if (!cred || cred->pid <= 0) refused = "no sender credentials";
  /* One trailing NUL is tolerated; one inside would hide the rest of the message. */
  else if (n > 1 && memchr(buf, 0, (size_t)n - 1)) refused = "embedded NUL bytes";

  napi_value o;
  napi_create_object(env, &o);
  if (refused) {
    close_fds(fds, nfds);
    uk_set(env, o, "refused", uk_str(env, refused));
    uk_set(env, o, "size", uk_int(env, n));
    if (cred) uk_set(env, o, "pid", uk_int(env, cred->pid));
    return o;
  }
  size_t tlen = (size_t)n;
  if (tlen > 0 && buf[tlen - 1] == 0) tlen--;
  napi_value text, arr;
  napi_create_string_utf8(env, buf, tlen, &text);
  napi_create_array_with_length(env, nfds, &arr);
  for (size_t i = 0; i < nfds; i++) napi_set_element(env, arr, (uint32_t)i, uk_int(env, fds[i]));
  uk_set(env, o, "text", text);
  uk_set(env, o, "pid", uk_int(env, cred->pid));
  uk_set(env, o, "uid", uk_int(env, cred->uid));
  uk_set(env, o, "gid", uk_int(env, cred->gid));
  uk_set(env, o, "fds", arr);
  return o;
}

/* sendDatagram(fd, address, data, fds?): a client-side sendmsg with SCM_RIGHTS, for tests and tools. */
static napi_value js_send_datagram(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd;
  if (!uk_args(env, info, 4, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  struct sockaddr_storage ss;
  socklen_t len;
  if (!uk_sockaddr_from_js(env, argv[1], &ss, &len)) return NULL;
  void *data;
  size_t dlen;
  bool isbuf = false;
  napi_is_buffer(env, argv[2], &isbuf);
  if (!isbuf) return uk_throw_type(env, "data must be a Buffer");
  napi_get_buffer_info(env, argv[2], &data, &dlen);
  int pass[16];
  uint32_t npass = 0;
  if (!uk_is_nullish(env, argv[3])) {
    napi_get_array_length(env, argv[3], &npass);
    if (npass > 16) return uk_throw_type(env, "at most 16 fds");
    for (uint32_t i = 0; i < npass; i++) {
      napi_value e;
      napi_get_element(env, argv[3], i, &e);
      if (!uk_get_i32(env, e, "fds[i]", &pass[i])) return NULL;
    }
  }
  union {
    struct cmsghdr align;
    char data[CMSG_SPACE(sizeof(int) * 16)];
  } control;
  struct iovec iov = {.iov_base = data, .iov_len = dlen};
  struct msghdr mh = {.msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};
  if (npass) {
    mh.msg_control = &control;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * npass);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * npass);
    memcpy(CMSG_DATA(c), pass, sizeof(int) * npass);
  }
  ssize_t n;
  do n = sendmsg(fd, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return uk_throw_errno(env, errno, "sendmsg", NULL);
  return uk_int(env, n);
}

void uk_register_notify(napi_env env, napi_value exports) {
  uk_export(env, exports, "notifyOpen", js_notify_open);
  uk_export(env, exports, "notifyReceive", js_notify_receive);
  uk_export(env, exports, "sendDatagram", js_send_datagram);
}
