/* Module entry: each concept file registers its own functions. */
#include "unitkit.h"

static napi_value init(napi_env env, napi_value exports) {
  uk_register_errors(env, exports);
  uk_register_fdops(env, exports);
  uk_register_utmp(env, exports);
  uk_register_process(env, exports);
  uk_register_sockets(env, exports);
  uk_register_sockinfo(env, exports);
  uk_register_files(env, exports);
  uk_register_poll(env, exports);
  uk_register_reaper(env, exports);
  uk_register_spawn(env, exports);
  uk_register_notify(env, exports);
  uk_register_unixmsg(env, exports);
  uk_register_exec(env, exports);
  uk_register_users(env, exports);
  uk_register_mounts(env, exports);
  uk_register_inotify(env, exports);
  uk_register_signals(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
