"""The first failure wins: when the start limit refuses the start of a unit whose last run failed
(a Restart=always crash loop, repeated manual starts, a socket triggering a crashing service),
Result= keeps the earlier failure (exit-code) instead of start-limit-hit; the socket gets
service-start-limit-hit."""


def run(h):
    h.unit("loop.service", """
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=60
StartLimitBurst=3
[Service]
ExecStart=/bin/sh -c 'exit 3'
Restart=always
RestartSec=100ms
""")
    h.unit("manual.service", """
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=60
StartLimitBurst=2
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'exit 5'
""")
    h.unit("crash.socket", """
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=127.0.0.1:{port}
""")
    h.unit("crash.service", """
[Unit]
DefaultDependencies=no
StartLimitIntervalSec=60
StartLimitBurst=2
[Service]
ExecStart=/bin/sh -c 'exit 4'
""")
    h.reload()
    h.ctl("start", "loop.service")
    h.wait("loop.service", "NRestarts", "3")
    h.wait("loop.service", "SubState", "failed")
    h.show("loop.service", "ActiveState", "SubState", "Result", "NRestarts", "ExecMainStatus")
    for _ in range(3):
        h.ctl("start", "manual.service")
    h.show("manual.service", "ActiveState", "SubState", "Result")
    h.ctl("start", "crash.socket")
    for _ in range(4):
        h.tcp()
        h.sleep(0.4)
    h.wait("crash.socket", "ActiveState", "failed")
    h.show("crash.socket", "ActiveState", "SubState", "Result")
    h.show("crash.service", "ActiveState", "SubState", "Result")
    h.ctl("reset-failed", "loop.service", "manual.service", "crash.socket", "crash.service")
    h.show("loop.service", "ActiveState", "Result")
