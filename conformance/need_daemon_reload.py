"""NeedDaemonReload= after the files of a loaded unit change on disk (fragment edited, a drop-in
added to a directory the manager knows, one edited or removed) and the warnings systemctl
prints for it on stderr (status, start, stop, cat), gone after daemon-reload. The suggested
command is compared as CTL so the check does not depend on which client's name the hint uses."""
import os
import time


def later(path):
    t = time.time() + 30
    os.utime(path, (t, t))


def run(h):
    units = os.path.dirname(h.impl.units + "/")
    h.unit("ndr.service", """
[Service]
ExecStart={probe} sleep
ExecStop=/bin/sleep 0.3
""")
    h.dropin("ndr.service", "a.conf", """
[Unit]
Description=first
""")
    h.reload()

    def stderr(*args):
        r = h.ctl(*args)
        text = r.stderr.replace("systemctl --user daemon-reload", "CTL").replace("unitkitctl --user daemon-reload", "CTL")
        h.note("stderr " + " ".join(args), text.replace(units, "<units>"))

    h.ctl("start", "ndr.service")
    h.show("ndr.service", "NeedDaemonReload")
    later(os.path.join(units, "ndr.service"))
    h.show("ndr.service", "NeedDaemonReload")
    stderr("status", "ndr.service")
    stderr("start", "ndr.service")
    stderr("cat", "ndr.service")
    h.reload()
    h.show("ndr.service", "NeedDaemonReload", "Description")
    h.dropin("ndr.service", "b.conf", """
[Unit]
Description=second
""")
    h.show("ndr.service", "NeedDaemonReload")
    h.reload()
    h.show("ndr.service", "NeedDaemonReload", "Description")
    later(os.path.join(units, "ndr.service.d", "a.conf"))
    h.show("ndr.service", "NeedDaemonReload")
    h.reload()
    os.remove(os.path.join(units, "ndr.service.d", "b.conf"))
    h.show("ndr.service", "NeedDaemonReload")
    stderr("stop", "ndr.service")
    h.reload()
    h.show("ndr.service", "NeedDaemonReload", "ActiveState")
