"""Type=dbus and D-Bus activation on the distribution's own user bus (dbus.socket and dbus.service
from the default unit path): a Type=dbus service is active once its name is taken and stops when
it releases it; a bus service file with SystemdService= starts its unit on the first call; a
missing unit fails the call at once. Needs node, dbus-daemon and dbus-send."""
import os
import shutil
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
HOLDER = os.path.join(REPO, "test", "fixtures", "bus-name-holder.mjs")


def run(h):
    node = shutil.which("node")
    if not node or not shutil.which("dbus-send") or not shutil.which("dbus-daemon"):
        h.note("skipped", "node, dbus-send or dbus-daemon missing")
        return
    run_dir = h.impl.run
    # dbus-daemon's standard session service directories begin with $XDG_RUNTIME_DIR/dbus-1/services.
    services = os.path.join(run_dir, "dbus-1", "services")
    os.makedirs(services, exist_ok=True)
    for name, unit in (("org.example.Act", "act.service"), ("org.example.Missing", "missing-xyz.service")):
        with open(os.path.join(services, name + ".service"), "w") as f:
            f.write(f"[D-BUS Service]\nName={name}\nExec=/bin/false\nSystemdService={unit}\n")
    h.unit("hold.service", f"""
[Service]
Type=dbus
BusName=org.example.Hold
ExecStart={node} {HOLDER} org.example.Hold 300
""")
    h.unit("act.service", f"""
[Service]
BusName=org.example.Act
ExecStart={node} {HOLDER} org.example.Act 300
""")
    h.reload()
    h.show("hold.service", "Type", "BusName", "ActiveState", "LoadState")
    h.ctl("start", "hold.service")
    h.show("hold.service", "ActiveState", "SubState", "Result")
    h.show("dbus.service", "ActiveState", "SubState")
    h.ctl("kill", "-s", "USR1", "--kill-whom=main", "hold.service")
    h.wait("hold.service", "ActiveState", "inactive")
    h.show("hold.service", "ActiveState", "SubState", "Result")

    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=f"unix:path={run_dir}/bus")

    def call(dest):
        r = subprocess.run(["dbus-send", "--session", "--print-reply", "--reply-timeout=10000", f"--dest={dest}", "/", "org.example.Test.Ping"],
                           env=env, capture_output=True, text=True, timeout=20)
        lines = [l.strip() for l in (r.stdout + r.stderr).splitlines() if not l.startswith("method return")]
        h.note(f"dbus-send {dest}", {"rc": r.returncode, "out": lines})

    call("org.example.Act")
    h.show("act.service", "ActiveState", "SubState", "Type")
    call("org.example.Missing")
