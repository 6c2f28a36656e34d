"""`stop` of a service that active sockets can start again: systemctl's warning on stderr lists
the active triggering units; none with -q, --no-block, or when the socket is stopped too."""


def run(h):
    h.unit("trig.socket", """
[Socket]
ListenStream={tmp}/trig.sock
""")
    h.unit("trig.service", """
[Service]
ExecStart={probe} sleep
""")
    h.unit("other.socket", """
[Socket]
ListenStream={tmp}/other.sock
Service=trig.service
""")
    h.reload()

    def stderr(*args):
        r = h.ctl(*args)
        lines = r.stderr.splitlines()
        # The triggering units come from a hash set in systemd: compare them in sorted order.
        h.note("stderr " + " ".join(args), lines[:1] + sorted(lines[1:]))

    h.ctl("start", "trig.socket")
    h.ctl("start", "trig.service")
    stderr("stop", "trig.service")
    h.ctl("start", "other.socket", "trig.service")
    stderr("stop", "trig.service")
    h.ctl("start", "trig.service")
    stderr("stop", "-q", "trig.service")
    h.ctl("start", "trig.service")
    stderr("stop", "--no-block", "trig.service")
    h.wait("trig.service", "ActiveState", "inactive")
    stderr("stop", "other.socket")
    stderr("stop", "trig.service")
    stderr("stop", "trig.service", "trig.socket")
    h.show("trig.socket", "ActiveState")
