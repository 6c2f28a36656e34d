/*
 * The process attributes and capability steps of systemd's exec_child(), for the spawner's child:
 * OOMScoreAdjust=, CoredumpFilter=, CPUScheduling*=, CPUAffinity=, NUMAPolicy=/NUMAMask=, TimerSlackNSec=,
 * Personality=, KeyringMode=, CapabilityBoundingSet=, AmbientCapabilities=, SecureBits=,
 * NoNewPrivileges=. The child runs on the parent's memory (CLONE_VM|CLONE_VFORK): raw syscalls
 * only (glibc's setreuid() would broadcast to the parent's threads), no allocation.
 */
#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/prctl.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* systemd's exit statuses of these steps (systemd.exec(5)). */
enum {
  EXIT_LIMITS = 205,
  EXIT_OOM_ADJUST = 206,
  EXIT_TIMERSLACK = 212,
  EXIT_SECUREBITS = 213,
  EXIT_SETSCHEDULER = 214,
  EXIT_CPUAFFINITY = 215,
  EXIT_USER = 217,
  EXIT_CAPABILITIES = 218,
  EXIT_NO_NEW_PRIVILEGES = 227,
  EXIT_SECCOMP = 228,
  EXIT_PERSONALITY = 230,
  EXIT_ADDRESS_FAMILIES = 232,
  EXIT_KEYRING = 237,
  EXIT_NUMA_POLICY = 242,
  EXIT_SELINUX_CONTEXT = 229,
  EXIT_APPARMOR_PROFILE = 231,
  EXIT_SMACK_PROCESS_LABEL = 236,
};

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM 5
#define KEYCTL_LINK 8
#define KEY_SPEC_USER_KEYRING -4
#define KEY_SPEC_SESSION_KEYRING -3
/* KEY_POS_VIEW|READ|SEARCH | KEY_USR_VIEW|READ|SEARCH */
#define INVOCATION_KEY_PERM 0x0b0b0000

const char *uk_priv_status_step(int status) {
  switch (status) {
    case EXIT_OOM_ADJUST: return "OOM_ADJUST";
    case EXIT_TIMERSLACK: return "TIMERSLACK";
    case EXIT_SECUREBITS: return "SECUREBITS";
    case EXIT_SETSCHEDULER: return "SETSCHEDULER";
    case EXIT_CPUAFFINITY: return "CPUAFFINITY";
    case EXIT_CAPABILITIES: return "CAPABILITIES";
    case EXIT_NO_NEW_PRIVILEGES: return "NO_NEW_PRIVILEGES";
    case EXIT_SECCOMP: return "SECCOMP";
    case EXIT_PERSONALITY: return "PERSONALITY";
    case EXIT_ADDRESS_FAMILIES: return "ADDRESS_FAMILIES";
    case EXIT_KEYRING: return "KEYRING";
    case EXIT_NUMA_POLICY: return "NUMA_POLICY";
    case EXIT_SELINUX_CONTEXT: return "SELINUX_CONTEXT";
    case EXIT_APPARMOR_PROFILE: return "APPARMOR_PROFILE";
    case EXIT_SMACK_PROCESS_LABEL: return "SMACK_PROCESS_LABEL";
    default: return NULL;
  }
}

/* ---- the parent ---- */

static bool prop_u64_list(napi_env env, napi_value obj, const char *name, uint64_t *mask, bool *present) {
  napi_value v;
  if (!uk_prop(env, obj, name, &v, present)) return false;
  *mask = 0;
  if (!*present || uk_is_nullish(env, v)) {
    *present = false;
    return true;
  }
  bool is_array = false;
  napi_is_array(env, v, &is_array);
  if (!is_array) return uk_throw_type(env, "capability sets must be arrays of numbers");
  uint32_t n;
  napi_get_array_length(env, v, &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    int32_t c;
    napi_get_element(env, v, i, &e);
    if (!uk_get_i32(env, e, "capability", &c)) return false;
    if (c < 0 || c > 63) return uk_throw_type(env, "capability numbers are 0…63");
    *mask |= UINT64_C(1) << c;
  }
  return true;
}

static int read_last_cap(void) {
  char buf[16] = {0};
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return CAP_LAST_CAP;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return CAP_LAST_CAP;
  int v = atoi(buf);
  return v > 0 && v < 64 ? v : CAP_LAST_CAP;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool uk_priv_build(napi_env env, napi_value spec, priv_plan *p) {
  napi_value s, v;
  bool present, ok;
  if (!uk_prop(env, spec, "privileges", &s, &present)) return false;
  if (!present || uk_is_nullish(env, s)) return true;
  int32_t x;
  if (!uk_prop_i32(env, s, "oomScoreAdjust", &x, &p->set_oom)) return false;
  p->oom = x;
  p->coredump = uk_prop_string(env, s, "coredumpFilter", &ok);
  if (!ok) return false;

  if (!uk_prop(env, s, "cpuScheduling", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    int32_t policy, priority;
    bool reset = false;
    if (!uk_prop_i32(env, v, "policy", &policy, NULL) || !uk_prop_i32(env, v, "priority", &priority, NULL) ||
        !uk_prop_bool(env, v, "resetOnFork", &reset, NULL))
      return false;
    p->set_sched = true;
    p->sched_policy = policy | (reset ? SCHED_RESET_ON_FORK : 0);
    p->sched_priority = priority;
  }

  if (!uk_prop(env, s, "cpuAffinity", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    uint32_t n;
    bool is_array = false;
    napi_is_array(env, v, &is_array);
    if (!is_array) return uk_throw_type(env, "privileges.cpuAffinity must be an array of CPU numbers");
    napi_get_array_length(env, v, &n);
    int max = 0;
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      int32_t c;
      napi_get_element(env, v, i, &e);
      if (!uk_get_i32(env, e, "CPU number", &c)) return false;
      if (c < 0 || c >= 8192) return uk_throw_type(env, "CPU numbers are 0…8191");
      if (c > max) max = c;
    }
    p->affinity = CPU_ALLOC(max + 1);
    if (!p->affinity) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
    p->affinity_size = CPU_ALLOC_SIZE(max + 1);
    CPU_ZERO_S(p->affinity_size, p->affinity);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      int32_t c;
      napi_get_element(env, v, i, &e);
      uk_get_i32(env, e, "CPU number", &c);
      CPU_SET_S(c, p->affinity_size, p->affinity);
    }
  }

  if (!uk_prop(env, s, "numaPolicy", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    napi_value nodes;
    bool is_array = false, has_nodes = false;
    uint32_t n = 0;
    if (!uk_prop_i32(env, v, "mode", &p->numa_mode, NULL) || !uk_prop(env, v, "nodes", &nodes, &has_nodes)) return false;
    if (has_nodes) napi_is_array(env, nodes, &is_array);
    if (!is_array) return uk_throw_type(env, "privileges.numaPolicy.nodes must be an array of node numbers");
    napi_get_array_length(env, nodes, &n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      int32_t node;
      napi_get_element(env, nodes, i, &e);
      if (!uk_get_i32(env, e, "node number", &node)) return false;
      if (node < 0 || node >= 1024) return uk_throw_type(env, "NUMA node numbers are 0…1023");
      p->numa_nodes[node / 64] |= 1UL << (node % 64);
      p->numa_has_nodes = true;
    }
    p->set_numa = true;
  }

  int64_t y;
  if (!uk_prop_i64(env, s, "timerSlackNsec", &y, &p->set_timerslack)) return false;
  p->timerslack = (unsigned long)y;
  if (!uk_prop_i64(env, s, "personality", &y, &p->set_personality)) return false;
  p->personality = (unsigned long)y;

  if (!uk_prop(env, s, "keyring", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    bool shared = false;
    if (!uk_prop_bool(env, v, "shared", &shared, NULL)) return false;
    p->keyring = shared ? 2 : 1;
    char *id = uk_prop_string(env, v, "invocationId", &ok);
    if (!ok) return false;
    if (id && strlen(id) == 32) {
      p->have_invocation = true;
      for (int i = 0; i < 16; i++) {
        int hi = hexval(id[2 * i]), lo = hexval(id[2 * i + 1]);
        if (hi < 0 || lo < 0) p->have_invocation = false;
        p->invocation[i] = (unsigned char)(hi << 4 | lo);
      }
    }
    free(id);
  }

  if (!uk_prop(env, s, "securityLabels", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    bool is_array = false;
    uint32_t n = 0;
    napi_is_array(env, v, &is_array);
    if (!is_array) return uk_throw_type(env, "privileges.securityLabels must be an array");
    napi_get_array_length(env, v, &n);
    if (n > 3) return uk_throw_type(env, "at most 3 security labels");
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, v, i, &e);
      p->labels[i].path = uk_prop_string(env, e, "path", &ok);
      if (!ok) return false;
      p->labels[i].text = uk_prop_string(env, e, "text", &ok);
      p->nlabels = i + 1;
      if (!ok) return false;
      if (!p->labels[i].path || !p->labels[i].text) return uk_throw_type(env, "a security label needs path and text");
      if (!uk_prop_i32(env, e, "status", &p->labels[i].status, NULL) || !uk_prop_bool(env, e, "ignoreErrors", &p->labels[i].ignore_errors, NULL))
        return false;
    }
  }

  if (!uk_prop(env, s, "capabilities", &v, &present)) return false;
  if (present && !uk_is_nullish(env, v)) {
    bool any;
    p->caps = true;
    if (!prop_u64_list(env, v, "boundingSet", &p->bounding, &p->set_bounding)) return false;
    if (!prop_u64_list(env, v, "ambient", &p->ambient, &any)) return false;
    if (!uk_prop_i32(env, v, "secureBits", &x, NULL)) return false;
    p->securebits = x;
    if (!uk_prop_bool(env, v, "noNewPrivileges", &p->nnp, NULL) ||
        !uk_prop_bool(env, v, "noNewPrivilegesIfUnprivileged", &p->nnp_if_unprivileged, NULL))
      return false;
  }
  p->last_cap = read_last_cap();
  return true;
}

void uk_priv_free(priv_plan *p) {
  free(p->coredump);
  for (size_t i = 0; i < p->nlabels; i++) {
    free(p->labels[i].path);
    free(p->labels[i].text);
  }
  if (p->affinity) CPU_FREE(p->affinity);
}

/* ---- the child ---- */

static long raw_prctl(int option, unsigned long a, unsigned long b, unsigned long c, unsigned long d) {
  return syscall(SYS_prctl, option, a, b, c, d);
}

/* Writes `text` to a /proc/self file; a refusal for lack of privilege is not an error (systemd: "assuming containerized execution"). */
static int write_proc(const char *path, const char *text, size_t len) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno == EPERM || errno == EACCES || errno == EROFS ? 0 : -1;
  ssize_t n = write(fd, text, len);
  int err = errno;
  close(fd);
  if (n == (ssize_t)len) return 0;
  errno = err;
  return n < 0 && (err == EPERM || err == EACCES) ? 0 : -1;
}

int uk_priv_early(const priv_plan *p) {
  if (p->set_oom) {
    char buf[16];
    int v = p->oom, n = 0;
    char digits[12];
    int m = 0;
    unsigned u = v < 0 ? (unsigned)-v : (unsigned)v;
    do digits[m++] = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (v < 0) buf[n++] = '-';
    while (m > 0) buf[n++] = digits[--m];
    if (write_proc("/proc/self/oom_score_adj", buf, (size_t)n) < 0) return EXIT_OOM_ADJUST;
  }
  if (p->coredump && write_proc("/proc/self/coredump_filter", p->coredump, strlen(p->coredump)) < 0) return EXIT_LIMITS;
  return 0;
}

int uk_priv_sched(const priv_plan *p) {
  if (p->set_sched) {
    struct sched_param param = {.sched_priority = p->sched_priority};
    if (syscall(SYS_sched_setscheduler, 0, p->sched_policy, &param) < 0) return EXIT_SETSCHEDULER;
  }
  if (p->affinity && syscall(SYS_sched_setaffinity, 0, p->affinity_size, p->affinity) < 0) return EXIT_CPUAFFINITY;
  if (p->set_numa) {
    if (p->numa_mode < 0) {
      errno = EINVAL;
      return EXIT_NUMA_POLICY;
    }
    /* maxnode counts one past the mask's bits, as the kernel has always read it. */
    const unsigned long *mask = p->numa_has_nodes ? p->numa_nodes : NULL;
    unsigned long maxnode = p->numa_has_nodes ? sizeof p->numa_nodes * 8 + 1 : 0;
    if (syscall(SYS_set_mempolicy, p->numa_mode, mask, maxnode) < 0) return EXIT_NUMA_POLICY;
  }
  return 0;
}

int uk_priv_late_attrs(const priv_plan *p) {
  if (p->set_timerslack && raw_prctl(PR_SET_TIMERSLACK, p->timerslack, 0, 0, 0) < 0) return EXIT_TIMERSLACK;
  if (p->set_personality) {
    /* personality(2) returns the previous persona; the kernel reports errors only through it (systemd's safe_personality()). */
    long r = syscall(SYS_personality, p->personality);
    if (r < 0) return EXIT_PERSONALITY;
  }
  return 0;
}

/*
 * KeyringMode=private/shared as systemd's setup_keyring(): join a fresh anonymous session keyring
 * with the real ids briefly switched to the service's (so the kernel links the right user
 * keyring), link the user keyring in for "shared", put the invocation id in. Missing keyring
 * support or a refusal for lack of privilege is not an error.
 */
int uk_priv_keyring(const priv_plan *p, bool set_uid, uid_t uid, bool set_gid, gid_t gid) {
  if (!p->keyring) return 0;
  uid_t saved_uid = (uid_t)syscall(SYS_getuid);
  gid_t saved_gid = (gid_t)syscall(SYS_getgid);
  int status = 0, err = 0;
  if (set_gid && gid != saved_gid && syscall(SYS_setregid, gid, -1) < 0) return EXIT_KEYRING;
  if (set_uid && uid != saved_uid && syscall(SYS_setreuid, uid, -1) < 0) {
    status = EXIT_KEYRING;
    err = errno;
    goto out;
  }
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0) < 0) {
    if (errno != ENOSYS && errno != EPERM && errno != EACCES && errno != EDQUOT) {
      status = EXIT_KEYRING;
      err = errno;
    }
    goto out;
  }
  if (p->keyring == 2 && syscall(SYS_keyctl, KEYCTL_LINK, KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING, 0, 0) < 0) {
    status = EXIT_KEYRING;
    err = errno;
    goto out;
  }
  if (set_uid && uid != saved_uid && syscall(SYS_setreuid, saved_uid, -1) < 0) {
    status = EXIT_KEYRING;
    err = errno;
    goto out;
  }
  if (set_gid && gid != saved_gid && syscall(SYS_setregid, saved_gid, -1) < 0) {
    status = EXIT_KEYRING;
    err = errno;
    goto out;
  }
  if (p->have_invocation) {
    long key = syscall(SYS_add_key, "user", "invocation_id", p->invocation, (size_t)16, KEY_SPEC_SESSION_KEYRING);
    if (key >= 0 && syscall(SYS_keyctl, KEYCTL_SETPERM, key, INVOCATION_KEY_PERM, 0, 0) < 0) {
      status = EXIT_KEYRING;
      err = errno;
    }
  }
out:
  if ((uid_t)syscall(SYS_getuid) != saved_uid) (void)syscall(SYS_setreuid, saved_uid, -1);
  if ((gid_t)syscall(SYS_getgid) != saved_gid) (void)syscall(SYS_setregid, saved_gid, -1);
  errno = err;
  return status;
}

typedef struct {
  struct __user_cap_header_struct hdr;
  struct __user_cap_data_struct data[2];
} caps_t;

static int caps_get(caps_t *c) {
  memset(c, 0, sizeof *c);
  c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
  return (int)syscall(SYS_capget, &c->hdr, c->data);
}

static int caps_set(caps_t *c) {
  c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
  c->hdr.pid = 0;
  return (int)syscall(SYS_capset, &c->hdr, c->data);
}

static bool cap_in(const __u32 *field0, const __u32 *field1, int cap) {
  return ((cap < 32 ? *field0 : *field1) >> (cap & 31)) & 1;
}
#define CAP_IS(c, set, cap) cap_in(&(c)->data[0].set, &(c)->data[1].set, cap)
#define CAP_ON(c, set, cap) ((cap) < 32 ? ((c)->data[0].set |= 1u << ((cap) & 31)) : ((c)->data[1].set |= 1u << ((cap) & 31)))
#define CAP_OFF(c, set, cap) ((cap) < 32 ? ((c)->data[0].set &= ~(1u << ((cap) & 31))) : ((c)->data[1].set &= ~(1u << ((cap) & 31))))

/*
 * systemd's capability_bounding_set_drop(keep, false): CAP_SETPCAP raised in the effective set for
 * the drops, each capability outside `keep` dropped from the bounding and inheritable sets (one
 * the process never had is fine), then the sets restored.
 */
static int bounding_drop(const priv_plan *p) {
  caps_t before, after;
  if (caps_get(&before) < 0) return -1;
  after = before;
  if (!CAP_IS(&before, effective, CAP_SETPCAP)) {
    caps_t temp = before;
    CAP_ON(&temp, effective, CAP_SETPCAP);
    (void)caps_set(&temp);
  }
  int err = 0;
  for (int i = 0; i <= p->last_cap; i++) {
    if (p->bounding & (UINT64_C(1) << i)) continue;
    if (raw_prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0) {
      err = errno;
      if (raw_prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) != 0) break;
      err = 0;
    }
    CAP_OFF(&after, inheritable, i);
  }
  if (caps_set(&after) < 0 && !err && memcmp(before.data, after.data, sizeof before.data) != 0) err = errno;
  errno = err;
  return err ? -1 : 0;
}

/*
 * systemd's capability_ambient_set_apply(): requested capabilities missing from the bounding set
 * are left out; with `also_inherit` they are first added to the inheritable set (the kernel only
 * raises ambient capabilities that are permitted and inheritable); every other ambient capability
 * is lowered so nothing the manager holds leaks.
 */
static int ambient_apply(const priv_plan *p, bool also_inherit) {
  uint64_t set = p->ambient;
  for (int i = 0; i <= p->last_cap && set; i++)
    if ((set & (UINT64_C(1) << i)) && raw_prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) != 1) set &= ~(UINT64_C(1) << i);
  if (raw_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) < 0) {
    /* No ambient capabilities in this kernel. */
    if (set == 0) return 0;
    errno = EOPNOTSUPP;
    return -1;
  }
  if (also_inherit && set) {
    caps_t c;
    if (caps_get(&c) < 0) return -1;
    for (int i = 0; i <= p->last_cap; i++)
      if (set & (UINT64_C(1) << i)) CAP_ON(&c, inheritable, i);
    if (caps_set(&c) < 0) return -1;
  }
  for (int i = 0; i <= p->last_cap; i++) {
    if (set & (UINT64_C(1) << i)) {
      if (raw_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)i, 0, 0) < 0) return -1;
    } else {
      long r = raw_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, (unsigned long)i, 0, 0);
      if (r < 0) return -1;
      if (r && raw_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, (unsigned long)i, 0, 0) < 0) return -1;
    }
  }
  return 0;
}

int uk_priv_before_setuid(const priv_plan *p) {
  if (!p->caps) return 0;
  if (p->set_bounding && bounding_drop(p) < 0) return EXIT_CAPABILITIES;
  if (ambient_apply(p, true) < 0) return EXIT_CAPABILITIES;
  return 0;
}

/*
 * systemd's enforce_user() and what follows it: when ambient capabilities or secure bits are
 * wanted, SECBIT_KEEP_CAPS keeps the permitted set across setresuid() to a non-root uid, and the
 * ambient set is raised again afterwards (the kernel clears it on the uid change).
 */
int uk_priv_setuid(const priv_plan *p, uid_t uid) {
  uint64_t ambient = p->caps ? p->ambient : 0;
  if ((ambient != 0 || p->securebits != 0) && uid != 0) {
    long sb = p->securebits | SECBIT_KEEP_CAPS;
    if (raw_prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != sb && raw_prctl(PR_SET_SECUREBITS, (unsigned long)sb, 0, 0, 0) < 0) return EXIT_USER;
  }
  if (syscall(SYS_setresuid, uid, uid, uid) < 0) return EXIT_USER;
  if (ambient != 0 && ambient_apply(p, false) < 0) return EXIT_CAPABILITIES;
  return 0;
}

static bool have_effective(int cap) {
  caps_t c;
  return caps_get(&c) == 0 && CAP_IS(&c, effective, cap);
}

int uk_priv_final(const priv_plan *p) {
  for (size_t i = 0; i < p->nlabels; i++) {
    int fd = open(p->labels[i].path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(p->labels[i].text);
    ssize_t n = fd < 0 ? -1 : write(fd, p->labels[i].text, len);
    int err = errno;
    if (fd >= 0) close(fd);
    if (n != (ssize_t)len && !p->labels[i].ignore_errors) {
      errno = n < 0 ? err : EIO;
      return p->labels[i].status;
    }
  }
  if (!p->caps) return 0;
  /* PR_SET_SECUREBITS is privileged and fails once keep-caps is locked: only when they differ. */
  if (raw_prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != p->securebits) {
    if (!have_effective(CAP_SETPCAP)) {
      caps_t c;
      if (caps_get(&c) < 0) return EXIT_CAPABILITIES;
      CAP_ON(&c, effective, CAP_SETPCAP);
      if (caps_set(&c) < 0) return EXIT_CAPABILITIES;
    }
    if (raw_prctl(PR_SET_SECUREBITS, (unsigned long)p->securebits, 0, 0, 0) < 0) return EXIT_SECUREBITS;
  }
  /* Seccomp filters need NoNewPrivileges= unless the process may load them anyway (CAP_SYS_ADMIN). */
  if (p->nnp || (p->nnp_if_unprivileged && !have_effective(CAP_SYS_ADMIN)))
    if (raw_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return EXIT_NO_NEW_PRIVILEGES;
  return 0;
}
