/*
 * Seccomp filters for the spawner's child. core decides the rules (exec-seccomp.ts: syscall
 * groups, address families, namespaces… as systemd's seccomp-util.c does); here libseccomp
 * compiles each filter to classic BPF in the PARENT — libseccomp allocates, which the child
 * (sharing our memory, see spawn.c) must not — and the child loads the finished programs with
 * the raw seccomp(2) syscall as its last step before execve(). libseccomp 2.5.4 exports only to
 * an fd (seccomp_export_bpf), so each program goes through a memfd and is read back.
 */
#include "privileges.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool get_u32(napi_env env, napi_value obj, const char *name, uint32_t *out, bool required) {
  napi_value v;
  bool present;
  if (!uk_prop(env, obj, name, &v, &present)) return false;
  if (!present || uk_is_nullish(env, v)) {
    if (required) return uk_throw_type(env, name);
    return true;
  }
  int64_t x;
  if (!uk_get_i64(env, v, name, &x)) return false;
  if (x < 0 || x > UINT32_MAX) return uk_throw_type(env, "seccomp values are unsigned 32-bit numbers");
  *out = (uint32_t)x;
  return true;
}

static bool get_u64(napi_env env, napi_value obj, const char *name, uint64_t *out) {
  int64_t x = 0;
  bool present;
  if (!uk_prop_i64(env, obj, name, &x, &present)) return false;
  *out = (uint64_t)x;
  return true;
}

static bool add_rule(napi_env env, scmp_filter_ctx ctx, napi_value rule) {
  bool ok;
  char *name = uk_prop_string(env, rule, "syscall", &ok);
  if (!ok) return false;
  if (!name) return uk_throw_type(env, "seccomp rule without syscall");
  uint32_t action = 0;
  if (!get_u32(env, rule, "action", &action, true)) {
    free(name);
    return false;
  }
  int nr = seccomp_syscall_resolve_name(name);
  free(name);
  /* A name libseccomp does not know here (another architecture's syscall): systemd skips it too. */
  if (nr == __NR_SCMP_ERROR) return true;
  struct scmp_arg_cmp cmps[6];
  unsigned ncmp = 0;
  napi_value args;
  bool present;
  if (!uk_prop(env, rule, "args", &args, &present)) return false;
  if (present && !uk_is_nullish(env, args)) {
    uint32_t n;
    napi_get_array_length(env, args, &n);
    if (n > 6) return uk_throw_type(env, "seccomp rule: at most 6 comparisons");
    for (uint32_t i = 0; i < n; i++) {
      napi_value c;
      napi_get_element(env, args, i, &c);
      uint32_t arg = 0, op = 0;
      uint64_t a = 0, b = 0;
      if (!get_u32(env, c, "arg", &arg, true) || !get_u32(env, c, "op", &op, true) || !get_u64(env, c, "a", &a) || !get_u64(env, c, "b", &b))
        return false;
      cmps[ncmp].arg = arg;
      cmps[ncmp].op = (enum scmp_compare)op;
      cmps[ncmp].datum_a = a;
      cmps[ncmp].datum_b = b;
      ncmp++;
    }
  }
  /* Per-rule failures (a rule equal to the default action, a syscall this architecture lacks) are skipped, as systemd does. */
  (void)seccomp_rule_add_array(ctx, action, nr, ncmp, cmps);
  return true;
}

/* Compiles one filter spec into `prog`. */
static bool compile(napi_env env, napi_value f, struct sock_fprog *prog) {
  uint32_t def = 0, badarch = SCMP_ACT_ALLOW;
  if (!get_u32(env, f, "defaultAction", &def, true) || !get_u32(env, f, "badArchAction", &badarch, false)) return false;
  scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx) return uk_throw_errno(env, ENOMEM, "seccomp_init", NULL);
  bool good = false;
  int r;
  if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch)) < 0 || (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0) {
    uk_throw_errno(env, -r, "seccomp_attr_set", NULL);
    goto out;
  }
  napi_value archs;
  bool present;
  if (!uk_prop(env, f, "archs", &archs, &present)) goto out;
  if (present && !uk_is_nullish(env, archs)) {
    uint32_t n, native = seccomp_arch_native();
    bool keep_native = false;
    napi_get_array_length(env, archs, &n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, archs, i, &e);
      char *name = uk_get_string(env, e, "seccomp arch", NULL);
      if (!name) goto out;
      uint32_t a = strcmp(name, "native") == 0 ? native : seccomp_arch_resolve_name(name);
      free(name);
      if (a == 0) continue; /* unknown to this libseccomp */
      if (a == native) keep_native = true;
      else if ((r = seccomp_arch_add(ctx, a)) < 0 && r != -EEXIST) continue;
    }
    if (!keep_native && (r = seccomp_arch_remove(ctx, native)) < 0) {
      uk_throw_errno(env, -r, "seccomp_arch_remove", NULL);
      goto out;
    }
  }
  napi_value rules;
  if (!uk_prop(env, f, "rules", &rules, &present)) goto out;
  if (present && !uk_is_nullish(env, rules)) {
    uint32_t n;
    napi_get_array_length(env, rules, &n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, rules, i, &e);
      if (!add_rule(env, ctx, e)) goto out;
    }
  }
  int fd = memfd_create("unitkit-seccomp", MFD_CLOEXEC);
  if (fd < 0) {
    uk_throw_errno(env, errno, "memfd_create", NULL);
    goto out;
  }
  if ((r = seccomp_export_bpf(ctx, fd)) < 0) {
    close(fd);
    uk_throw_errno(env, -r, "seccomp_export_bpf", NULL);
    goto out;
  }
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0 || size % sizeof(struct sock_filter) != 0 || size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    close(fd);
    uk_throw_errno(env, size < 0 ? errno : E2BIG, "seccomp_export_bpf", NULL);
    goto out;
  }
  prog->filter = malloc((size_t)size);
  if (!prog->filter) {
    close(fd);
    uk_throw_errno(env, ENOMEM, "malloc", NULL);
    goto out;
  }
  ssize_t got = pread(fd, prog->filter, (size_t)size, 0);
  close(fd);
  if (got != size) {
    uk_throw_errno(env, got < 0 ? errno : EIO, "pread", "seccomp filter");
    goto out;
  }
  prog->len = (unsigned short)(size / sizeof(struct sock_filter));
  good = true;
out:
  seccomp_release(ctx);
  return good;
}

bool uk_seccomp_build(napi_env env, napi_value spec, seccomp_plan *p) {
  napi_value list;
  bool present;
  if (!uk_prop(env, spec, "seccomp", &list, &present)) return false;
  if (!present || uk_is_nullish(env, list)) return true;
  bool is_array = false;
  napi_is_array(env, list, &is_array);
  if (!is_array) return uk_throw_type(env, "spec.seccomp must be an array of filters");
  uint32_t n;
  napi_get_array_length(env, list, &n);
  if (n == 0) return true;
  p->progs = calloc(n, sizeof *p->progs);
  p->status = calloc(n, sizeof *p->status);
  if (!p->progs || !p->status) return uk_throw_errno(env, ENOMEM, "malloc", NULL);
  for (uint32_t i = 0; i < n; i++) {
    napi_value f;
    napi_get_element(env, list, i, &f);
    int32_t st = 228;
    bool has;
    if (!uk_prop_i32(env, f, "status", &st, &has)) return false;
    p->status[i] = has ? st : 228;
    p->n = i + 1;
    if (!compile(env, f, &p->progs[i])) return false;
  }
  return true;
}

void uk_seccomp_free(seccomp_plan *p) {
  if (p->progs)
    for (size_t i = 0; i < p->n; i++) free(p->progs[i].filter);
  free(p->progs);
  free(p->status);
}

int uk_seccomp_apply(const seccomp_plan *p) {
  for (size_t i = 0; i < p->n; i++) {
    struct sock_fprog prog = p->progs[i];
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
      if (errno != ENOSYS) return p->status[i];
      /* Kernels before 3.17 know only the prctl() interface. */
      if (syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) return p->status[i];
    }
  }
  return 0;
}
