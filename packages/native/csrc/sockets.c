/*
 * Listening sockets of every kind systemd.socket(5) lists, with its options. The order follows
 * systemd's socket_address_listen() and socket_apply_socket_options(): options that decide how the
 * bind behaves are set before bind() and are fatal, the tuning ones are applied afterwards and a
 * failure is only a warning, returned to the caller to log with the unit's name.
 */
#include "unitkit.h"

#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif

typedef struct {
  napi_env env;
  napi_value warnings;
  uint32_t count;
} warn_list;

static void warn(warn_list *w, const char *option, int err) {
  napi_value e = uk_errno_error(w->env, err, "setsockopt", option);
  uk_set(w->env, e, "option", uk_str(w->env, option));
  napi_set_element(w->env, w->warnings, w->count++, e);
}

static int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) < 0 ? errno : 0;
}

/* Applies an integer option given in `options[key]`, recording a warning on failure. */
static bool opt_int(napi_env env, napi_value options, warn_list *w, int fd, const char *key, int level, int name) {
  int32_t v;
  bool present;
  if (!uk_prop_i32(env, options, key, &v, &present)) return false;
  if (present) {
    int err = set_int(fd, level, name, v);
    if (err) warn(w, key, err);
  }
  return true;
}

static bool opt_bool(napi_env env, napi_value options, warn_list *w, int fd, const char *key, int level, int name) {
  bool v, present;
  if (!uk_prop_bool(env, options, key, &v, &present)) return false;
  if (present) {
    int err = set_int(fd, level, name, v);
    if (err) warn(w, key, err);
  }
  return true;
}

/* Buffers use the FORCE variants first so a privileged manager can exceed rmem_max, as systemd does. */
static bool opt_buffer(napi_env env, napi_value options, warn_list *w, int fd, const char *key, int force, int plain) {
  int32_t v;
  bool present;
  if (!uk_prop_i32(env, options, key, &v, &present)) return false;
  if (present && set_int(fd, SOL_SOCKET, force, v) != 0) {
    int err = set_int(fd, SOL_SOCKET, plain, v);
    if (err) warn(w, key, err);
  }
  return true;
}

/* The post-bind tuning options shared by every socket kind (socket_apply_socket_options). */
static bool apply_tuning(napi_env env, napi_value o, warn_list *w, int fd, int family, int type) {
  bool inet = family == AF_INET || family == AF_INET6;
  bool tcp = inet && type == SOCK_STREAM;
  if (!opt_bool(env, o, w, fd, "keepAlive", SOL_SOCKET, SO_KEEPALIVE)) return false;
  if (tcp) {
    if (!opt_int(env, o, w, fd, "keepAliveTimeSec", IPPROTO_TCP, TCP_KEEPIDLE) ||
        !opt_int(env, o, w, fd, "keepAliveIntervalSec", IPPROTO_TCP, TCP_KEEPINTVL) ||
        !opt_int(env, o, w, fd, "keepAliveProbes", IPPROTO_TCP, TCP_KEEPCNT) ||
        !opt_int(env, o, w, fd, "deferAcceptSec", IPPROTO_TCP, TCP_DEFER_ACCEPT) ||
        !opt_bool(env, o, w, fd, "noDelay", IPPROTO_TCP, TCP_NODELAY))
      return false;
  }
  if (!opt_bool(env, o, w, fd, "broadcast", SOL_SOCKET, SO_BROADCAST) ||
      !opt_bool(env, o, w, fd, "passCredentials", SOL_SOCKET, SO_PASSCRED) ||
      !opt_bool(env, o, w, fd, "passSecurity", SOL_SOCKET, SO_PASSSEC) ||
      !opt_int(env, o, w, fd, "priority", SOL_SOCKET, SO_PRIORITY) ||
      !opt_buffer(env, o, w, fd, "receiveBuffer", SO_RCVBUFFORCE, SO_RCVBUF) ||
      !opt_buffer(env, o, w, fd, "sendBuffer", SO_SNDBUFFORCE, SO_SNDBUF) ||
      !opt_int(env, o, w, fd, "mark", SOL_SOCKET, SO_MARK))
    return false;
  if (family == AF_INET) {
    if (!opt_int(env, o, w, fd, "ipTos", IPPROTO_IP, IP_TOS) || !opt_int(env, o, w, fd, "ipTtl", IPPROTO_IP, IP_TTL))
      return false;
  } else if (family == AF_INET6) {
    if (!opt_int(env, o, w, fd, "ipTos", IPPROTO_IPV6, IPV6_TCLASS) ||
        !opt_int(env, o, w, fd, "ipTtl", IPPROTO_IPV6, IPV6_UNICAST_HOPS))
      return false;
  }
  return true;
}

static int socket_type(napi_env env, napi_value spec) {
  bool ok;
  char *t = uk_prop_string(env, spec, "type", &ok);
  if (!ok) return -1;
  int r = -1;
  if (!t) uk_throw_type(env, "spec.type is required");
  else if (!strcmp(t, "stream")) r = SOCK_STREAM;
  else if (!strcmp(t, "dgram")) r = SOCK_DGRAM;
  else if (!strcmp(t, "seqpacket")) r = SOCK_SEQPACKET;
  else if (!strcmp(t, "raw")) r = SOCK_RAW;
  else uk_throw_type(env, "spec.type must be stream, dgram, seqpacket or raw");
  free(t);
  return r;
}

static napi_value opened(napi_env env, int fd, warn_list *w) {
  napi_value o;
  napi_create_object(env, &o);
  uk_set(env, o, "fd", uk_int(env, fd));
  uk_set(env, o, "warnings", w->warnings);
  return o;
}

/*
 * socketOpen({type, address, options}): a bound (and for stream/seqpacket listening) socket,
 * CLOEXEC and non-blocking. Returns {fd, warnings}.
 */
static napi_value js_socket_open(napi_env env, napi_callback_info info) {
  napi_value argv[1], address, options;
  bool present;
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  napi_value spec = argv[0];
  int type = socket_type(env, spec);
  if (type < 0) return NULL;
  if (!uk_prop(env, spec, "address", &address, &present)) return NULL;
  if (!present) return uk_throw_type(env, "spec.address is required");
  if (!uk_prop(env, spec, "options", &options, &present)) return NULL;
  if (!present) napi_create_object(env, &options);

  struct sockaddr_storage ss;
  socklen_t len;
  if (!uk_sockaddr_from_js(env, address, &ss, &len)) return NULL;
  int family = ss.ss_family;
  char where[256];
  uk_sockaddr_format((struct sockaddr *)&ss, len, 0, where, sizeof where);

  int32_t backlog = SOMAXCONN, socket_mode = 0666, directory_mode = 0755, uid = -1, gid = -1;
  bool reuse_port = false, free_bind = false, transparent = false, remove_stale = true;
  char *ipv6_only = NULL, *device = NULL;
  bool ok1, ok2;
  if (!uk_prop_i32(env, options, "backlog", &backlog, NULL) || !uk_prop_i32(env, options, "socketMode", &socket_mode, NULL) ||
      !uk_prop_i32(env, options, "directoryMode", &directory_mode, NULL) ||
      !uk_prop_i32(env, options, "ownerUid", &uid, NULL) || !uk_prop_i32(env, options, "ownerGid", &gid, NULL) ||
      !uk_prop_bool(env, options, "reusePort", &reuse_port, NULL) ||
      !uk_prop_bool(env, options, "freeBind", &free_bind, NULL) ||
      !uk_prop_bool(env, options, "transparent", &transparent, NULL) ||
      !uk_prop_bool(env, options, "removeStale", &remove_stale, NULL))
    return NULL;
  ipv6_only = uk_prop_string(env, options, "bindIPv6Only", &ok1);
  device = uk_prop_string(env, options, "bindToDevice", &ok2);
  napi_value result = NULL;
  int fd = -1;
  if (!ok1 || !ok2) goto out;

  warn_list w = {env, NULL, 0};
  napi_create_array(env, &w.warnings);

  /* Blocking, as systemd's socket_address_listen() creates them: services that take these
   * sockets expect blocking accept()/recv(). The manager itself never blocks on them (see accept). */
  fd = socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    uk_throw_errno(env, errno, "socket", where);
    goto out;
  }
  int err;
  if (family == AF_INET || family == AF_INET6) {
    if ((err = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1))) {
      uk_throw_errno(env, err, "setsockopt(SO_REUSEADDR)", where);
      goto fail;
    }
    if (reuse_port && (err = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1))) warn(&w, "reusePort", err);
    if (free_bind) {
      err = family == AF_INET6 ? set_int(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1) : set_int(fd, IPPROTO_IP, IP_FREEBIND, 1);
      /* Kernels before 4.15 only know the IPv4 option, which also covers IPv6 sockets. */
      if (err == ENOPROTOOPT) err = set_int(fd, IPPROTO_IP, IP_FREEBIND, 1);
      if (err) warn(&w, "freeBind", err);
    }
    if (transparent) {
      err = family == AF_INET6 ? set_int(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, 1)
                               : set_int(fd, IPPROTO_IP, IP_TRANSPARENT, 1);
      if (err) warn(&w, "transparent", err);
    }
  }
  if (family == AF_INET6 && ipv6_only && strcmp(ipv6_only, "default") != 0) {
    bool only = strcmp(ipv6_only, "ipv6-only") == 0;
    if (!only && strcmp(ipv6_only, "both") != 0) {
      uk_throw_type(env, "options.bindIPv6Only must be default, both or ipv6-only");
      goto fail;
    }
    if ((err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, only))) {
      uk_throw_errno(env, err, "setsockopt(IPV6_V6ONLY)", where);
      goto fail;
    }
  }
  if (device && *device && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device, (socklen_t)strlen(device)) < 0) {
    uk_throw_errno(env, errno, "setsockopt(SO_BINDTODEVICE)", device);
    goto fail;
  }

  struct sockaddr_un *un = (struct sockaddr_un *)&ss;
  bool unix_path = family == AF_UNIX && un->sun_path[0] != 0;
  if (unix_path) (void)uk_mkdir_parents(un->sun_path, (unsigned)directory_mode);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    err = errno;
    /* A socket node left by a previous run is stale: unlink it and try once more, as systemd does. */
    if (!(err == EADDRINUSE && unix_path && remove_stale && unlink(un->sun_path) == 0 &&
          bind(fd, (struct sockaddr *)&ss, len) == 0)) {
      uk_throw_errno(env, err, "bind", where);
      goto fail;
    }
  }
  if (unix_path) {
    /* Before listen() nobody can connect yet, so fixing the mode after bind() opens no window. */
    if (chmod(un->sun_path, (mode_t)socket_mode) < 0) {
      uk_throw_errno(env, errno, "chmod", un->sun_path);
      goto fail;
    }
    if ((uid >= 0 || gid >= 0) && lchown(un->sun_path, (uid_t)uid, (gid_t)gid) < 0) {
      uk_throw_errno(env, errno, "chown", un->sun_path);
      goto fail;
    }
  }
  if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) && listen(fd, backlog) < 0) {
    uk_throw_errno(env, errno, "listen", where);
    goto fail;
  }
  if (!apply_tuning(env, options, &w, fd, family, type)) goto fail;
  result = opened(env, fd, &w);
  goto out;
fail:
  close(fd);
out:
  free(ipv6_only);
  free(device);
  return result;
}

/* netlinkOpen({protocol, group, options}): a raw netlink socket bound to one multicast group. */
static napi_value js_netlink_open(napi_env env, napi_callback_info info) {
  napi_value argv[1], options;
  bool present;
  int32_t protocol, group = 0;
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  if (!uk_prop_i32(env, argv[0], "protocol", &protocol, &present)) return NULL;
  if (!present) return uk_throw_type(env, "spec.protocol is required");
  if (!uk_prop_i32(env, argv[0], "group", &group, NULL) || !uk_prop(env, argv[0], "options", &options, &present))
    return NULL;
  warn_list w = {env, NULL, 0};
  napi_create_array(env, &w.warnings);
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0) return uk_throw_errno(env, errno, "socket(AF_NETLINK)", NULL);
  struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_groups = (uint32_t)group};
  if (bind(fd, (struct sockaddr *)&nl, sizeof nl) < 0) {
    int err = errno;
    close(fd);
    return uk_throw_errno(env, err, "bind", NULL);
  }
  if (present && !apply_tuning(env, options, &w, fd, AF_NETLINK, SOCK_RAW)) {
    close(fd);
    return NULL;
  }
  return opened(env, fd, &w);
}

/* applySocketOptions(fd, options): the tuning options on an existing socket; returns the warnings. */
static napi_value js_apply_options(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!uk_args(env, info, 2, argv, NULL) || !uk_get_i32(env, argv[0], "fd", &fd)) return NULL;
  int family = 0, type = 0;
  socklen_t l = sizeof family;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &l) < 0) return uk_throw_errno(env, errno, "getsockopt(SO_DOMAIN)", NULL);
  l = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0) return uk_throw_errno(env, errno, "getsockopt(SO_TYPE)", NULL);
  warn_list w = {env, NULL, 0};
  napi_create_array(env, &w.warnings);
  if (!apply_tuning(env, argv[1], &w, fd, family, type)) return NULL;
  return w.warnings;
}

void uk_register_sockets(napi_env env, napi_value exports) {
  uk_export(env, exports, "socketOpen", js_socket_open);
  uk_export(env, exports, "netlinkOpen", js_netlink_open);
  uk_export(env, exports, "applySocketOptions", js_apply_options);
}
