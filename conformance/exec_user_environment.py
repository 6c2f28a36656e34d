"""User=, Group=, SupplementaryGroups= resolved through NSS, and the login variables a process of
another user gets (USER, LOGNAME, HOME, SHELL from the passwd entry, but no "/" home or nologin
shell; root and nobody synthesized), with the default PATH; a uid without entry fails the child
with 217/USER, an unknown group with 216/GROUP. Needs a manager allowed to change uid (the harness
runs as root); otherwise both sides fail alike."""
import os
import shutil
import tempfile


def run(h):
    # The scratch directory is under the harness's 0700 root: nobody could not write there.
    out = tempfile.mkdtemp(prefix="unitkit-conf-")
    os.chmod(out, 0o777)
    h.vars["out"] = out
    h.unit("asnobody.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
Group=nogroup
SupplementaryGroups=audio
ExecStart=/bin/sh -c 'env | grep -E "^(USER|LOGNAME|HOME|SHELL|PATH)=" | sort > {out}/env; id > {out}/id'
""")
    for name, user in (("asdaemon", "daemon"), ("asroot", "root")):
        h.unit(name + ".service", """
[Service]
Type=oneshot
User=%s
ExecStart=/bin/sh -c 'env | grep -E "^(USER|LOGNAME|HOME|SHELL)=" | sort > {out}/%s'
""" % (user, name))
    h.unit("nouid.service", """
[Service]
Type=oneshot
User=4242
ExecStart=/bin/true
""")
    h.unit("badgroup.service", """
[Service]
Type=oneshot
Group=unitkit-no-such-group
ExecStart=/bin/true
""")
    h.reload()
    h.show("asnobody.service", "User", "Group", "SupplementaryGroups", "DynamicUser")
    h.ctl("start", "asnobody.service")
    h.file("{out}/env")
    h.file("{out}/id")
    for name in ("asdaemon", "asroot"):
        h.ctl("start", name + ".service")
        h.file("{out}/" + name)
    h.ctl("start", "nouid.service")
    h.show("nouid.service", "Result", "ExecMainStatus")
    h.ctl("start", "badgroup.service")
    h.show("badgroup.service", "Result", "ExecMainStatus", "ActiveState")
    shutil.rmtree(out, ignore_errors=True)
