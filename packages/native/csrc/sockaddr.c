/*
 * Socket addresses: from the JS description the socket plugin parses out of Listen* lines, and
 * back into the strings systemd prints (list-sockets, REMOTE_ADDR, log messages).
 */
#include "unitkit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

static bool bad(napi_env env, const char *msg) {
  uk_throw_type(env, msg);
  return false;
}

static bool get_port(napi_env env, napi_value obj, uint16_t *port) {
  int32_t p = 0;
  bool present;
  if (!uk_prop_i32(env, obj, "port", &p, &present)) return false;
  if (!present || p < 0 || p > 65535) return bad(env, "address.port must be 0..65535");
  *port = htons((uint16_t)p);
  return true;
}

bool uk_sockaddr_from_js(napi_env env, napi_value obj, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  bool ok;
  char *family = uk_prop_string(env, obj, "family", &ok);
  if (!ok) return false;
  if (!family) return bad(env, "address.family is required");
  bool result = false;
  char *host = NULL, *path = NULL, *scope = NULL;

  if (strcmp(family, "inet") == 0) {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;
    in->sin_family = AF_INET;
    host = uk_prop_string(env, obj, "host", &ok);
    if (!ok || !get_port(env, obj, &in->sin_port)) goto out;
    if (host && inet_pton(AF_INET, host, &in->sin_addr) != 1) {
      bad(env, "address.host is not an IPv4 address");
      goto out;
    }
    if (!host) in->sin_addr.s_addr = htonl(INADDR_ANY);
    *len = sizeof *in;
    result = true;
  } else if (strcmp(family, "inet6") == 0) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    in6->sin6_family = AF_INET6;
    host = uk_prop_string(env, obj, "host", &ok);
    if (!ok || !get_port(env, obj, &in6->sin6_port)) goto out;
    if (host && inet_pton(AF_INET6, host, &in6->sin6_addr) != 1) {
      bad(env, "address.host is not an IPv6 address");
      goto out;
    }
    if (!host) in6->sin6_addr = in6addr_any;
    /* A scope is an interface name or index, as in [fe80::1%eth0]:80. */
    scope = uk_prop_string(env, obj, "scope", &ok);
    if (!ok) goto out;
    if (scope) {
      char *end;
      unsigned long idx = strtoul(scope, &end, 10);
      if (*scope == 0 || *end != 0) idx = if_nametoindex(scope);
      if (idx == 0) {
        uk_throw_errno(env, ENODEV, "if_nametoindex", scope);
        goto out;
      }
      in6->sin6_scope_id = (uint32_t)idx;
    }
    *len = sizeof *in6;
    result = true;
  } else if (strcmp(family, "unix") == 0) {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    un->sun_family = AF_UNIX;
    size_t plen = 0;
    bool abstract = false;
    napi_value pv;
    bool present;
    if (!uk_prop_bool(env, obj, "abstract", &abstract, NULL)) goto out;
    if (!uk_prop(env, obj, "path", &pv, &present)) goto out;
    if (!present) {
      bad(env, "address.path is required for unix addresses");
      goto out;
    }
    path = uk_get_string(env, pv, "address.path", &plen);
    if (!path) goto out;
    if (abstract) {
      /* Abstract names are length-delimited: no trailing NUL, a leading one instead. */
      if (plen + 1 > sizeof un->sun_path) {
        uk_throw_errno(env, EINVAL, "bind", "abstract socket name too long");
        goto out;
      }
      memcpy(un->sun_path + 1, path, plen);
      *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + plen);
    } else {
      if (plen == 0 || plen >= sizeof un->sun_path) {
        uk_throw_errno(env, ENAMETOOLONG, "bind", path);
        goto out;
      }
      memcpy(un->sun_path, path, plen + 1);
      *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
    }
    result = true;
  } else if (strcmp(family, "vsock") == 0) {
    struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;
    int64_t cid = VMADDR_CID_ANY, port = 0;
    bool present;
    vm->svm_family = AF_VSOCK;
    if (!uk_prop_i64(env, obj, "cid", &cid, &present) || !uk_prop_i64(env, obj, "port", &port, &present)) goto out;
    vm->svm_cid = (unsigned)cid;
    vm->svm_port = (unsigned)port;
    *len = sizeof *vm;
    result = true;
  } else {
    bad(env, "address.family must be inet, inet6, unix or vsock");
  }
out:
  free(family);
  free(host);
  free(path);
  free(scope);
  return result;
}

/* Netlink family names as systemd spells them in ListenNetlink=. */
static const char *netlink_name(int protocol) {
  static const char *const names[] = {
      [NETLINK_ROUTE] = "route",           [NETLINK_FIREWALL] = "firewall",
      [NETLINK_SOCK_DIAG] = "inet-diag",   [NETLINK_NFLOG] = "nflog",
      [NETLINK_XFRM] = "xfrm",             [NETLINK_SELINUX] = "selinux",
      [NETLINK_ISCSI] = "iscsi",           [NETLINK_AUDIT] = "audit",
      [NETLINK_FIB_LOOKUP] = "fib-lookup", [NETLINK_CONNECTOR] = "connector",
      [NETLINK_NETFILTER] = "netfilter",   [NETLINK_IP6_FW] = "ip6-fw",
      [NETLINK_DNRTMSG] = "dnrtmsg",       [NETLINK_KOBJECT_UEVENT] = "kobject-uevent",
      [NETLINK_GENERIC] = "generic",       [NETLINK_SCSITRANSPORT] = "scsitransport",
      [NETLINK_ECRYPTFS] = "ecryptfs",     [NETLINK_RDMA] = "rdma",
      [NETLINK_CRYPTO] = "crypto",
  };
  if (protocol >= 0 && protocol < (int)(sizeof names / sizeof names[0]) && names[protocol]) return names[protocol];
  return NULL;
}

/* Non-printable bytes of an abstract name are shown C-escaped, as systemd's cescape() does. */
static void escape_into(const char *src, size_t n, char *dst, size_t size) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 5 < size; i++) {
    unsigned char c = (unsigned char)src[i];
    if (c < ' ' || c >= 127 || c == '\\')
      o += (size_t)snprintf(dst + o, size - o, c == '\\' ? "\\\\" : "\\x%02x", c);
    else
      dst[o++] = (char)c;
  }
  dst[o] = 0;
}

void uk_sockaddr_format(const struct sockaddr *sa, socklen_t len, int protocol, char *buf, size_t size) {
  char host[INET6_ADDRSTRLEN];
  switch (sa->sa_family) {
    case AF_INET: {
      const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
      inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
      snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
      return;
    }
    case AF_INET6: {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
      /* Like systemd (translate_ipv6), an IPv4 peer on a dual-stack socket is shown as IPv4. */
      if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
        inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
        snprintf(buf, size, "%s:%u", host, ntohs(in6->sin6_port));
      } else {
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        if (in6->sin6_scope_id)
          snprintf(buf, size, "[%s%%%u]:%u", host, in6->sin6_scope_id, ntohs(in6->sin6_port));
        else
          snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
      }
      return;
    }
    case AF_UNIX: {
      const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
      size_t off = offsetof(struct sockaddr_un, sun_path);
      if (len <= off || (un->sun_path[0] == 0 && len == off + 1)) {
        snprintf(buf, size, "<unnamed>");
      } else if (un->sun_path[0] == 0) {
        buf[0] = '@';
        escape_into(un->sun_path + 1, len - off - 1, buf + 1, size - 1);
      } else {
        snprintf(buf, size, "%.*s", (int)strnlen(un->sun_path, len - off), un->sun_path);
      }
      return;
    }
    case AF_NETLINK: {
      const struct sockaddr_nl *nl = (const struct sockaddr_nl *)sa;
      const char *name = netlink_name(protocol);
      if (name)
        snprintf(buf, size, "%s %u", name, nl->nl_groups);
      else
        snprintf(buf, size, "%d %u", protocol, nl->nl_groups);
      return;
    }
    case AF_VSOCK: {
      const struct sockaddr_vm *vm = (const struct sockaddr_vm *)sa;
      snprintf(buf, size, "vsock:%u:%u", vm->svm_cid, vm->svm_port);
      return;
    }
    default:
      snprintf(buf, size, "<family %d>", sa->sa_family);
  }
}

napi_value uk_sockaddr_to_js(napi_env env, const struct sockaddr *sa, socklen_t len, int protocol) {
  napi_value o;
  napi_create_object(env, &o);
  char text[256], host[INET6_ADDRSTRLEN];
  uk_sockaddr_format(sa, len, protocol, text, sizeof text);
  uk_set(env, o, "text", uk_str(env, text));
  switch (sa->sa_family) {
    case AF_INET: {
      const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
      inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
      uk_set(env, o, "family", uk_str(env, "inet"));
      uk_set(env, o, "host", uk_str(env, host));
      uk_set(env, o, "port", uk_int(env, ntohs(in->sin_port)));
      break;
    }
    case AF_INET6: {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
      if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
        inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
      else
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
      uk_set(env, o, "family", uk_str(env, "inet6"));
      uk_set(env, o, "host", uk_str(env, host));
      uk_set(env, o, "port", uk_int(env, ntohs(in6->sin6_port)));
      if (in6->sin6_scope_id) uk_set(env, o, "scopeId", uk_int(env, in6->sin6_scope_id));
      break;
    }
    case AF_UNIX: {
      const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
      size_t off = offsetof(struct sockaddr_un, sun_path);
      uk_set(env, o, "family", uk_str(env, "unix"));
      if (len > off && !(un->sun_path[0] == 0 && len == off + 1)) {
        bool abstract = un->sun_path[0] == 0;
        napi_value p;
        if (abstract)
          napi_create_string_utf8(env, un->sun_path + 1, len - off - 1, &p);
        else
          napi_create_string_utf8(env, un->sun_path, strnlen(un->sun_path, len - off), &p);
        uk_set(env, o, "path", p);
        uk_set(env, o, "abstract", uk_bool(env, abstract));
      }
      break;
    }
    case AF_NETLINK: {
      const struct sockaddr_nl *nl = (const struct sockaddr_nl *)sa;
      uk_set(env, o, "family", uk_str(env, "netlink"));
      uk_set(env, o, "protocol", uk_int(env, protocol));
      uk_set(env, o, "groups", uk_int(env, nl->nl_groups));
      break;
    }
    case AF_VSOCK: {
      const struct sockaddr_vm *vm = (const struct sockaddr_vm *)sa;
      uk_set(env, o, "family", uk_str(env, "vsock"));
      uk_set(env, o, "cid", uk_int(env, vm->svm_cid));
      uk_set(env, o, "port", uk_int(env, vm->svm_port));
      break;
    }
    default:
      uk_set(env, o, "family", uk_str(env, "unknown"));
  }
  return o;
}
