/*
 * utmp and wtmp records for UtmpIdentifier= (see core's UtmpRecords port): glibc's pututxline()
 * and updwtmpx(), in the parent, with the fields systemd's utmp_put_init_process() and
 * utmp_put_dead_process() fill: ut_id from the last 4 characters of the identifier, ut_line the
 * terminal without /dev/, ut_user "LOGIN" for login records, the time of now.
 */
#include "unitkit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <utmpx.h>

/* Copies `s` into a fixed-size utmp field, keeping its last `size` characters as systemd does for ut_id. */
static void copy_tail(char *dst, size_t size, const char *s) {
  size_t n = strlen(s);
  if (n > size) s += n - size, n = size;
  memset(dst, 0, size);
  memcpy(dst, s, n);
}

static void copy_head(char *dst, size_t size, const char *s) {
  memset(dst, 0, size);
  strncpy(dst, s, size);
}

/*
 * Writes `u` to utmp (file: the database to use, NULL for the system's) and to wtmp when wtmp is
 * set. A DEAD_PROCESS record is written only when the record it ends is there with its pid, and
 * wtmp's copy keeps that record's line (systemd's utmp_put_dead_process()).
 */
static bool write_record(struct utmpx *u, const char *file, const char *wtmp) {
  if (file && utmpxname(file) < 0) return false;
  setutxent();
  struct utmpx w = *u;
  bool ok = true;
  if (u->ut_type == DEAD_PROCESS) {
    struct utmpx lookup;
    memset(&lookup, 0, sizeof lookup);
    lookup.ut_type = INIT_PROCESS; /* getutxid() matches INIT/LOGIN/USER/DEAD records by ut_id */
    memcpy(lookup.ut_id, u->ut_id, sizeof lookup.ut_id);
    struct utmpx *found = getutxid(&lookup);
    if (!found || found->ut_pid != u->ut_pid) ok = false;
    else memcpy(w.ut_line, found->ut_line, sizeof w.ut_line);
  }
  if (ok) ok = pututxline(u) != NULL;
  endutxent();
  if (file) utmpxname(_PATH_UTMPX);
  if (ok && wtmp) updwtmpx(wtmp, &w);
  return ok;
}

/*
 * utmpRecord({ type: 'init'|'login'|'user'|'dead', id, pid, sid?, line?, user?, exitCode?, exitStatus?, file?, wtmp? })
 * → true when the utmp write succeeded. `file`/`wtmp` default to the system's databases.
 */
static napi_value js_utmp_record(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!uk_args(env, info, 1, argv, NULL)) return NULL;
  bool ok = true, present;
  char *type = uk_prop_string(env, argv[0], "type", &ok);
  char *id = ok ? uk_prop_string(env, argv[0], "id", &ok) : NULL;
  char *line = ok ? uk_prop_string(env, argv[0], "line", &ok) : NULL;
  char *user = ok ? uk_prop_string(env, argv[0], "user", &ok) : NULL;
  char *file = ok ? uk_prop_string(env, argv[0], "file", &ok) : NULL;
  char *wtmp = ok ? uk_prop_string(env, argv[0], "wtmp", &ok) : NULL;
  int32_t pid = 0, sid = 0, code = 0, status = 0;
  napi_value result = NULL;
  if (ok && (!type || !id)) {
    uk_throw_type(env, "utmpRecord needs type and id");
    ok = false;
  }
  if (ok) ok = uk_prop_i32(env, argv[0], "pid", &pid, &present) && uk_prop_i32(env, argv[0], "sid", &sid, &present) &&
               uk_prop_i32(env, argv[0], "exitCode", &code, &present) && uk_prop_i32(env, argv[0], "exitStatus", &status, &present);
  if (ok) {
    struct utmpx u;
    memset(&u, 0, sizeof u);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    u.ut_tv.tv_sec = tv.tv_sec;
    u.ut_tv.tv_usec = tv.tv_usec;
    u.ut_pid = pid;
    copy_tail(u.ut_id, sizeof u.ut_id, id);
    if (!strcmp(type, "dead")) {
      /* The record it ends is found by ut_id; its line is kept by pututxline(). */
      u.ut_type = DEAD_PROCESS;
      u.ut_exit.e_termination = (short)code;
      u.ut_exit.e_exit = (short)status;
    } else {
      u.ut_type = !strcmp(type, "login") ? LOGIN_PROCESS : !strcmp(type, "user") ? USER_PROCESS : INIT_PROCESS;
      u.ut_session = sid;
      if (line) copy_head(u.ut_line, sizeof u.ut_line, line);
      if (!strcmp(type, "login")) copy_head(u.ut_user, sizeof u.ut_user, "LOGIN");
      else if (!strcmp(type, "user") && user) copy_head(u.ut_user, sizeof u.ut_user, user);
    }
    bool wrote = write_record(&u, file, wtmp ? wtmp : (file ? NULL : _PATH_WTMPX));
    napi_get_boolean(env, wrote, &result);
  }
  free(type);
  free(id);
  free(line);
  free(user);
  free(file);
  free(wtmp);
  return result;
}

void uk_register_utmp(napi_env env, napi_value exports) {
  uk_export(env, exports, "utmpRecord", js_utmp_record);
}
