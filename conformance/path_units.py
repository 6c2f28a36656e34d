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
    h.unit("glob.path", """
[Path]
PathExistsGlob={tmp}/in/*.job
Unit=glob-handler.service
""")
    h.unit("glob-handler.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >> {tmp}/glob.log; rm -f {tmp}/in/*.job'
""")
    h.unit("modified.path", """
[Path]
PathModified={tmp}/log
Unit=modified-handler.service
""")
    h.unit("modified-handler.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >> {tmp}/modified.log'
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
    os.makedirs(h.fmt("{tmp}/in"), exist_ok=True)
    open(h.fmt("{tmp}/in/.hidden.job"), "w").close()
    open(h.fmt("{tmp}/log"), "w").close()
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
    # A glob: a hidden file does not match "*.job"; a visible one does.
    h.ctl("start", "glob.path", "modified.path")
    h.show("glob.path", "ActiveState", "SubState")
    open(h.fmt("{tmp}/in/a.job"), "w").close()
    h.file("{tmp}/glob.log")
    h.wait("glob-handler.service", "ActiveState", "inactive")
    h.wait("glob.path", "SubState", "waiting")
    # PathModified=: a write without closing the file is enough.
    f = open(h.fmt("{tmp}/log"), "a")
    f.write("x")
    f.flush()
    h.file("{tmp}/modified.log")
    f.close()
    h.wait("modified-handler.service", "ActiveState", "inactive")
    h.wait("modified.path", "SubState", "waiting")
    h.ctl("stop", "exists.path", "changed.path", "spool.path", "glob.path", "modified.path")
    h.show("exists.path", "ActiveState", "SubState", "Result")
