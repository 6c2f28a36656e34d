"""Path units on real files: PathExists= runs its service when the file appears (and waits again
once the file is gone), PathChanged= runs on a write, DirectoryNotEmpty= with MakeDirectory= creates
the directory and runs when an entry appears, a path unit without paths is refused, and show prints
the specs as systemd does."""


def run(h):
    h.unit("exists.path", """
[Path]
PathExists={tmp}/flag
""")
    h.unit("exists.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >> {tmp}/exists.log; rm -f {tmp}/flag'
""")
    h.unit("changed.path", """
[Path]
PathChanged={tmp}/conf
Unit=changed-handler.service
""")
    h.unit("changed-handler.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >> {tmp}/changed.log'
""")
    h.unit("spool.path", """
[Path]
DirectoryNotEmpty={tmp}/spool
MakeDirectory=yes
DirectoryMode=0700
""")
    h.unit("spool.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'mv {tmp}/spool/* {tmp}/done/'
""")
    h.unit("nopath.path", """
[Path]
MakeDirectory=yes
""")
    h.reload()
    import os
    os.makedirs(h.fmt("{tmp}/done"), exist_ok=True)
    with open(h.fmt("{tmp}/conf"), "w") as f:
        f.write("a")
    h.show("nopath.path", "LoadState")
    h.show("exists.path", "Unit", "Paths", "MakeDirectory", "DirectoryMode", "Result", "TriggerLimitIntervalUSec", "TriggerLimitBurst", "Triggers")
    h.ctl("start", "exists.path", "changed.path", "spool.path")
    h.show("exists.path", "ActiveState", "SubState")
    h.show("changed.path", "ActiveState", "SubState")
    h.note("spool mode", oct(os.stat(h.fmt("{tmp}/spool")).st_mode & 0o777))
    h.show("spool.path", "ActiveState", "SubState")
    # A file appears: the service runs, removes it, and the path unit waits again.
    open(h.fmt("{tmp}/flag"), "w").close()
    h.file("{tmp}/exists.log")
    h.wait("exists.service", "ActiveState", "inactive")
    h.wait("exists.path", "SubState", "waiting")
    with open(h.fmt("{tmp}/exists.log")) as f:
        h.note("exists.service runs", f.read())
    # A write to the watched file.
    with open(h.fmt("{tmp}/conf"), "w") as f:
        f.write("b")
    h.file("{tmp}/changed.log")
    h.wait("changed-handler.service", "ActiveState", "inactive")
    h.wait("changed.path", "SubState", "waiting")
    # An entry in the spool directory.
    open(h.fmt("{tmp}/spool/job1"), "w").close()
    h.file("{tmp}/done/job1")
    h.wait("spool.service", "ActiveState", "inactive")
    h.wait("spool.path", "SubState", "waiting")
    h.show("spool.path", "ActiveState", "SubState", "Result")
    h.ctl("stop", "exists.path", "changed.path", "spool.path")
    h.show("exists.path", "ActiveState", "SubState", "Result")
