"""unitkitctl's verbs on target units (no service or socket plugin needed): job verbs and their
exit codes, show formats, is-active/is-failed, list-units filters, reset-failed, daemon-reload."""
def run(h):
    h.unit("a.target", """
[Unit]
Description=Target A
Wants=b.target
""")
    h.unit("b.target", """
[Unit]
Description=Target B
""")
    h.unit("iso.target", """
[Unit]
Description=Isolatable
AllowIsolate=yes
""")
    h.reload()
    h.show("a.target", "LoadState", "ActiveState", "SubState", "Description", "Wants")
    h.ctl("start", "a.target")
    h.show("a.target", "ActiveState", "SubState")
    h.show("b.target", "ActiveState", "WantedBy")
    h.ctl("is-active", "a.target")
    h.ctl("is-active", "nope.target")
    h.ctl("is-failed", "a.target")
    h.ctl("start", "nope.target")
    h.ctl("stop", "nope.target")
    h.ctl("restart", "nope.target")
    h.ctl("reload", "a.target")
    h.ctl("isolate", "b.target")
    h.ctl("start")
    h.ctl("frobnicate")
    h.ctl("--frobnicate")
    h.show("nope.target", "LoadState", "ActiveState")
    r = h.ctl("list-units", "--state=active", "--no-legend", "a.target")
    h.note("list-units a.target", r.stdout)
    r = h.ctl("show", "a.target", "b.target", "-p", "Id")
    h.note("show two", r.stdout)
    r = h.ctl("show", "a.target", "-p", "Id", "--value")
    h.note("show value", r.stdout)
    h.ctl("stop", "a.target")
    h.show("a.target", "ActiveState", "SubState")
    h.ctl("start", "--no-block", "a.target")
    h.wait("a.target", "ActiveState", "active")
    h.ctl("reset-failed")
    h.ctl("reset-failed", "nope.target")
    h.ctl("kill", "--signal=FOO", "a.target")
    h.unit("late.target", """
[Unit]
Description=Late
""")
    h.reload()
    h.ctl("start", "late.target")
    h.show("late.target", "ActiveState", "Description")
    r = h.ctl("cat", "b.target")
    h.note("cat", r.stdout)
    h.ctl("cat", "nope.target")
    r = h.ctl("list-dependencies", "a.target")
    h.note("list-dependencies", r.stdout)
    r = h.ctl("is-enabled", "b.target")
    h.note("is-enabled", r.stdout)
    h.ctl("status", "a.target")
    h.ctl("status", "nope.target")
