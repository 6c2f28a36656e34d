/* Questions about an existing socket fd: its addresses, kind, peer, and accepting connections. */
#include "unitkit.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock_int(int fd, int name, int *out) {
  socklen_t l = sizeof *out;
  return getsockopt(fd, SOL_SOCKET, name, out, &l) < 0 ? errno : 0;
}

static napi_value name_of(napi_env env, napi_callback_info info, bool peer) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) : getsockname(fd, (struct sockaddr *)&ss, &len);
  if (r < 0) return uk_throw_errno(env, errno, peer ? "getpeername" : "getsockname", NULL);
  int protocol = 0;
  (void)sock_int(fd, SO_PROTOCOL, &protocol);
  return uk_sockaddr_to_js(env, (struct sockaddr *)&ss, len, protocol);
}

static napi_value js_getsockname(napi_env env, napi_callback_info info) { return name_of(env, info, false); }
static napi_value js_getpeername(napi_env env, napi_callback_info info) { return name_of(env, info, true); }

static const char *family_name(int f) {
  switch (f) {
    case AF_UNIX: return "unix";
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_NETLINK: return "netlink";
    case AF_VSOCK: return "vsock";
    case AF_PACKET: return "packet";
    default: return "unknown";
  }
}

static const char *type_name(int t) {
  switch (t) {
    case SOCK_STREAM: return "stream";
    case SOCK_DGRAM: return "dgram";
    case SOCK_SEQPACKET: return "seqpacket";
    case SOCK_RAW: return "raw";
    default: return "unknown";
  }
}

/*
 * socketInfo(fd): {family, familyName, type, typeName, protocol, listening} — the facts
 * sd_is_socket()/sd_is_socket_inet()/sd_is_socket_unix() test. Throws ENOTSOCK for non-sockets.
 */
static napi_value js_socket_info(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  int family, type, protocol = 0, listening = 0, err;
  if ((err = sock_int(fd, SO_DOMAIN, &family))) return uk_throw_errno(env, err, "getsockopt(SO_DOMAIN)", NULL);
  if ((err = sock_int(fd, SO_TYPE, &type))) return uk_throw_errno(env, err, "getsockopt(SO_TYPE)", NULL);
  (void)sock_int(fd, SO_PROTOCOL, &protocol);
  (void)sock_int(fd, SO_ACCEPTCONN, &listening);
  napi_value o;
  napi_create_object(env, &o);
  uk_set(env, o, "family", uk_int(env, family));
  uk_set(env, o, "familyName", uk_str(env, family_name(family)));
  uk_set(env, o, "type", uk_int(env, type));
  uk_set(env, o, "typeName", uk_str(env, type_name(type)));
  uk_set(env, o, "protocol", uk_int(env, protocol));
  uk_set(env, o, "listening", uk_bool(env, listening != 0));
  return o;
}

/* accept4(fd): the new connection's fd (CLOEXEC|NONBLOCK), or null when none is queued. The
 * listener may be in blocking mode (as systemd creates it), so readiness is checked first: the
 * manager must never block in accept(). */
static napi_value js_accept(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  int ready;
  do ready = poll(&pf, 1, 0);
  while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    napi_value nul;
    napi_get_null(env, &nul);
    return nul;
  }
  int c;
  do c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  while (c < 0 && errno == EINTR);
  if (c < 0) {
    /* A connection reset while queued is not an error of the listener: report "none". */
    if (errno == EAGAIN || errno == ECONNABORTED) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return uk_throw_errno(env, errno, "accept4", NULL);
  }
  return uk_int(env, c);
}

/* peerCred(fd): SO_PEERCRED of a connected AF_UNIX socket, {pid, uid, gid}. */
static napi_value js_peer_cred(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!uk_args(env, info, 1, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  struct ucred uc;
  socklen_t l = sizeof uc;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &l) < 0) return uk_throw_errno(env, errno, "getsockopt(SO_PEERCRED)", NULL);
  napi_value o;
  napi_create_object(env, &o);
  uk_set(env, o, "pid", uk_int(env, uc.pid));
  uk_set(env, o, "uid", uk_int(env, uc.uid));
  uk_set(env, o, "gid", uk_int(env, uc.gid));
  return o;
}

/* connect(fd, address): for clients the manager itself runs (and tests); EINPROGRESS is not an error. */
static napi_value js_connect(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  struct sockaddr_storage ss;
  socklen_t len;
  if (!uk_sockaddr_from_js(env, argv[1], &ss, &len)) return NULL;
  if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
    char where[256];
    uk_sockaddr_format((struct sockaddr *)&ss, len, 0, where, sizeof where);
    return uk_throw_errno(env, errno, "connect", where);
  }
  return uk_undefined(env);
}

/* socket(familyName, type): an unbound CLOEXEC|NONBLOCK socket, mostly for clients in tests. */
static napi_value js_socket(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t family, type;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "family", &family) ||
      !uk_get_i32(env, argv[1], "type", &type))
    return NULL;
  int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return uk_throw_errno(env, errno, "socket", NULL);
  return uk_int(env, fd);
}

void uk_register_sockinfo(napi_env env, napi_value exports) {
  uk_export(env, exports, "getsockname", js_getsockname);
  uk_export(env, exports, "getpeername", js_getpeername);
  uk_export(env, exports, "socketInfo", js_socket_info);
  uk_export(env, exports, "accept", js_accept);
  uk_export(env, exports, "peerCred", js_peer_cred);
  uk_export(env, exports, "connect", js_connect);
  uk_export(env, exports, "socket", js_socket);
}
