"""RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory= in a
user manager: where each kind lands (systemd 252: $XDG_RUNTIME_DIR, $XDG_CONFIG_HOME for state and
configuration, $XDG_CONFIG_HOME/log, $XDG_CACHE_HOME or ~/.cache), their modes, the variables the
process gets, show's properties, removal of the runtime ones at stop (kept with
RuntimeDirectoryPreserve=yes), the exit statuses of a directory that cannot be created (233) and
of an unknown User= (217), and the PATH a user manager gives its services."""
import os
import shutil

PROPS = ("RuntimeDirectory", "RuntimeDirectoryMode", "RuntimeDirectoryPreserve", "StateDirectory",
         "StateDirectoryMode", "CacheDirectory", "LogsDirectory", "ConfigurationDirectory",
         "ConfigurationDirectoryMode", "DynamicUser", "User", "Group")
CACHE = "unitkit-conformance-cache"


def run(h):
    run_dir = h.impl.run
    config = os.path.join(h.impl.root, "config")
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), CACHE)
    shutil.rmtree(cache, ignore_errors=True)
    h.unit("dirs.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=ck ck/sub
RuntimeDirectoryMode=0700
StateDirectory=ck-state
CacheDirectory=%s
LogsDirectory=ck-logs
ConfigurationDirectory=ck-conf
ConfigurationDirectoryMode=0750
ExecStart=/bin/sh -c 'env | grep -E "^(RUNTIME|STATE|CACHE|LOGS|CONFIGURATION)_DIRECTORY=|^PATH=" | sed "s|$HOME|~|g" | sort > {tmp}/env'
""" % CACHE)
    h.unit("keep.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
RuntimeDirectory=ck-kept
RuntimeDirectoryPreserve=yes
ExecStart=/bin/true
""")
    h.unit("blocked.service", """
[Service]
Type=oneshot
RuntimeDirectory=ck-file/x
ExecStart=/bin/true
""")
    h.unit("nouser.service", """
[Service]
Type=oneshot
User=unitkit-no-such-user
ExecStart=/bin/true
""")
    with open(os.path.join(run_dir, "ck-file"), "w"):
        pass
    h.reload()
    h.show("dirs.service", *PROPS)
    h.ctl("start", "dirs.service")
    h.file("{tmp}/env")
    for p in ("ck", "ck/sub"):
        h.stat(os.path.join(run_dir, p))
    for p in ("ck-state", "log/ck-logs", "ck-conf"):
        h.stat(os.path.join(config, p))
    h.stat(cache)
    h.ctl("stop", "dirs.service")
    h.note("runtime directory after stop", os.path.exists(os.path.join(run_dir, "ck")))
    h.note("state directory after stop", os.path.exists(os.path.join(config, "ck-state")))
    h.ctl("start", "keep.service")
    h.ctl("stop", "keep.service")
    h.note("preserved runtime directory after stop", os.path.exists(os.path.join(run_dir, "ck-kept")))
    h.ctl("start", "blocked.service")
    h.show("blocked.service", "Result", "ExecMainStatus", "ActiveState")
    h.ctl("start", "nouser.service")
    h.show("nouser.service", "Result", "ExecMainStatus", "ActiveState")
    shutil.rmtree(cache, ignore_errors=True)
