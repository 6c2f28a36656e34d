"""NotifyAccess=all: READY=1 from a process of the unit that exits right after sending is
attributed to the unit (systemd looks the sender up by its cgroup while it is a zombie), so the
start completes; `systemd-notify --ready` from a shell works too."""

# The forked child sends READY=1 and exits at once; the parent never waits for it (a zombie).
CHILD = ('import os,socket,time\\nif os.fork()==0:\\n a=os.environ["NOTIFY_SOCKET"]; a="\\\\0"+a[1:] if a[0]=="@" else a;'
         ' s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.sendto(b"READY=1",a); os._exit(0)\\ntime.sleep(60)')


def run(h):
    h.unit("kid.service", f"""
[Unit]
DefaultDependencies=no
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=5
ExecStart=/usr/bin/python3 -c '{CHILD}'
""")
    h.unit("shell.service", """
[Unit]
DefaultDependencies=no
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=5
ExecStart=/bin/sh -c 'systemd-notify --ready; exec sleep 60'
""")
    h.reload()
    h.ctl("start", "kid.service")
    h.show("kid.service", "ActiveState", "SubState", "Result", "NotifyAccess")
    h.ctl("start", "shell.service")
    h.show("shell.service", "ActiveState", "SubState", "Result")
    h.ctl("stop", "kid.service", "shell.service")
    h.show("kid.service", "ActiveState", "Result")
