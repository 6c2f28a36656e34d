"""A calendar timer: OnCalendar= every two seconds elapses, starts its service, records
LastTriggerUSec and computes the next elapse; status shows the Trigger: line; stopping it clears
the next elapse; a calendar event that never comes again leaves the timer elapsed."""
import re


def run(h):
    h.unit("tick.timer", """
[Timer]
OnCalendar=*:*:0/2
AccuracySec=1ms
""")
    h.unit("tick.service", """
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo x >> {tmp}/tick.log'
""")
    h.unit("past.timer", """
[Timer]
OnCalendar=2001-01-01 00:00:00
Unit=tick.service
""")
    h.reload()
    h.ctl("start", "tick.timer", "past.timer")
    h.show("tick.timer", "ActiveState", "SubState")
    h.show("past.timer", "ActiveState", "SubState", "NextElapseUSecRealtime")
    h.file("{tmp}/tick.log")
    h.wait("tick.service", "ActiveState", "inactive")
    h.show("tick.service", "Result")
    last = h.ctl("show", "tick.timer", "-p", "LastTriggerUSec", "--value", record=False).stdout.strip()
    h.note("LastTriggerUSec is a timestamp", bool(re.match(r"\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+$", last)))
    nxt = h.ctl("show", "tick.timer", "-p", "NextElapseUSecRealtime", "--value", record=False).stdout.strip()
    h.note("NextElapseUSecRealtime is a timestamp", bool(re.match(r"\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+$", nxt)))
    status = h.ctl("status", "tick.timer", record=False).stdout
    trig = [l.strip() for l in status.splitlines() if l.strip().startswith("Trigger:")]
    h.note("status Trigger line", bool(trig) and bool(re.match(r"Trigger: \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+; \d+(ms|s)( \d+ms)? left$", trig[0])))
    h.ctl("stop", "tick.timer")
    h.show("tick.timer", "ActiveState", "SubState", "NextElapseUSecRealtime", "TimersCalendar")
