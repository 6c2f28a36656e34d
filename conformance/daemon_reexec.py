"""daemon-reexec: prints nothing, exits 0; services keep their main pid; a socket keeps serving;
a job in flight keeps its place and completes afterwards."""
def run(h):
    h.unit("echo.socket", """
[Socket]
ListenStream=127.0.0.1:{port}
""")
    h.unit("echo.service", """
[Service]
ExecStart={probe} echo
""")
    h.unit("sleeper.service", """
[Service]
Type=notify
ExecStart={probe} sleep
""")
    h.unit("slow.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/bin/sleep 15
ExecStart={probe} exit 0
""")
    h.reload()
    h.ctl("start", "echo.socket", "sleeper.service")
    h.tcp(b"before")
    pid = h.pid_of("sleeper.service")
    h.ctl("start", "--no-block", "slow.service")
    h.show("slow.service", "ActiveState", "SubState")
    r = h.ctl("daemon-reexec")
    h.note("daemon-reexec output", [r.stdout, r.stderr])
    h.note("sleeper keeps its main pid", h.pid_of("sleeper.service") == pid and pid > 0)
    h.show("sleeper.service", "ActiveState", "SubState")
    h.show("echo.socket", "ActiveState", "SubState")
    h.tcp(b"after")
    h.show("slow.service", "ActiveState", "SubState")
    h.note("slow.service keeps its job", h.impl.ctl("show", "slow.service", "-p", "Job", "--value").stdout.strip() != "")
    h.wait("slow.service", "ActiveState", "active", seconds=30)
    h.show("slow.service", "ActiveState", "SubState", "Result")
    h.kill_main("sleeper.service")
    h.wait("sleeper.service", "ActiveState", "failed")
    h.show("sleeper.service", "ActiveState", "Result", "ExecMainStatus")
