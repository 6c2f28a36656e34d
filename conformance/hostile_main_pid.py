"""Processes a unit may not claim (issue 14): a Type=forking service whose PID file is owned by
nobody and names an unrelated process is refused with Result=protocol and the process survives in
its own cgroup; MAINPID=1 is refused; MAINPID=99999999999 sent 40 times with fds is ignored and the
service starts and stops normally; a foreign MAINPID= from root is supervised without being moved.
Needs root (the services run as root; the PID file is handed to nobody)."""
import os
import subprocess

SENDER = r'''import array, os, socket, sys, time
a = os.environ["NOTIFY_SOCKET"]
a = "\0" + a[1:] if a[0] == "@" else a
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(int(sys.argv[2]))]
for i in range(int(sys.argv[3])):
    s.sendmsg([("MAINPID=%s" % sys.argv[1]).encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else [], 0, a)
s.sendto(b"READY=1", a)
time.sleep(60)
'''


def cgroup(pid):
    with open(f"/proc/{pid}/cgroup") as f:
        return [l for l in f.read().splitlines() if l.startswith("0::")]


def run(h):
    victim = subprocess.Popen(["/bin/sleep", "120"])
    try:
        before = cgroup(victim.pid)
        with open(os.path.join(h.tmp, "sender.py"), "w") as f:
            f.write(SENDER)
        h.unit("attack.service", f"""
[Unit]
DefaultDependencies=no
[Service]
Type=forking
PIDFile={{tmp}}/attack.pid
TimeoutStopSec=2
ExecStart=/bin/sh -c 'echo {victim.pid} > {{tmp}}/attack.pid && chown nobody {{tmp}}/attack.pid'
""")
        for name, value, nfds, count in (("one", "1", 0, 1), ("huge", "99999999999", 50, 40), ("foreign", str(victim.pid), 0, 1)):
            h.unit(f"{name}.service", f"""
[Unit]
DefaultDependencies=no
[Service]
Type=notify
NotifyAccess=all
TimeoutStopSec=5
ExecStart=/usr/bin/python3 {{tmp}}/sender.py {value} {nfds} {count}
""")
        h.reload()
        h.ctl("start", "attack.service")
        h.show("attack.service", "ActiveState", "SubState", "Result", "MainPID")
        h.note("victim alive after attack", h.alive(victim.pid))
        h.note("victim cgroup unchanged after attack", cgroup(victim.pid) == before)

        h.ctl("start", "one.service")
        h.show("one.service", "ActiveState", "SubState")
        h.note("one.service MainPID is not 1", h.pid_of("one.service") > 1)
        h.ctl("stop", "one.service")

        h.ctl("start", "huge.service")
        h.show("huge.service", "ActiveState", "SubState", "Result")
        h.note("huge.service MainPID is its own", h.pid_of("huge.service") not in (0, 1, victim.pid))
        h.ctl("stop", "huge.service")
        h.show("huge.service", "ActiveState", "Result")

        h.ctl("start", "foreign.service")
        h.show("foreign.service", "ActiveState", "SubState")
        h.note("foreign.service MainPID is the victim", h.pid_of("foreign.service") == victim.pid)
        h.note("victim cgroup unchanged while supervised", cgroup(victim.pid) == before)
    finally:
        victim.kill()
        victim.wait()
