"""Timers: a timer with OnActiveSec= starts its service once and stays elapsed (RemainAfterElapse=
yes), one with RemainAfterElapse=no goes dead, OnUnitActiveSec= repeats relative to the service's
activation, a timer without values is refused, an empty OnCalendar= resets earlier values, and the
normalised calendar forms and dependencies show as systemd shows them."""


def run(h):
    h.unit("once.timer", """
[Timer]
OnActiveSec=1s
AccuracySec=1ms
""")
    h.unit("once.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >> {tmp}/once.log'
""")
    h.unit("gone.timer", """
[Timer]
OnActiveSec=1s
AccuracySec=1ms
RemainAfterElapse=no
Unit=once2.service
""")
    h.unit("once2.service", """
[Service]
Type=oneshot
ExecStart=/bin/true
""")
    h.unit("rep.timer", """
[Timer]
OnActiveSec=1s
OnUnitActiveSec=1s
AccuracySec=1ms
""")
    h.unit("rep.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo x >> {tmp}/rep.log'
""")
    h.unit("empty.timer", """
[Timer]
AccuracySec=1s
""")
    h.unit("cal.timer", """
[Timer]
OnActiveSec=5min
OnCalendar=
OnCalendar=Mon..Fri 9..17:00/15 UTC
OnCalendar=*-02~01 12:00
""")
    h.reload()
    h.show("empty.timer", "LoadState")
    h.show("cal.timer", "Unit", "TimersMonotonic", "TimersCalendar", "Triggers", "Conflicts", "AccuracyUSec", "RemainAfterElapse", "Persistent")
    # systemd lists dependencies in hashmap order, which changes between runs: compare them sorted.
    before = h.ctl("show", "cal.timer", "-p", "Before", "--value", record=False).stdout.split()
    h.note("cal.timer Before (sorted)", sorted(before))
    h.show("once.timer", "ActiveState", "SubState", "Result", "NextElapseUSecMonotonic")
    h.ctl("start", "once.timer", "gone.timer", "rep.timer")
    h.show("once.timer", "ActiveState", "SubState")
    h.wait("once.timer", "SubState", "elapsed")
    h.show("once.timer", "ActiveState", "SubState", "Result", "NextElapseUSecMonotonic")
    h.show("once.service", "ActiveState", "Result")
    h.wait("gone.timer", "ActiveState", "inactive")
    h.show("gone.timer", "SubState", "Result")
    h.show("once2.service", "ActiveState", "Result")
    h.file("{tmp}/once.log")
    h.sleep(3.5)
    with open(h.fmt("{tmp}/rep.log")) as f:
        runs = len(f.read().split())
    h.note("rep.service ran at least 3 times", runs >= 3)
    h.show("rep.timer", "ActiveState", "SubState")
    h.ctl("stop", "rep.timer")
    h.show("rep.timer", "ActiveState", "SubState", "NextElapseUSecMonotonic")
    with open(h.fmt("{tmp}/once.log")) as f:
        h.note("once.service ran once", f.read())
