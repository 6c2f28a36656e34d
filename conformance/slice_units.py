"""Slices: every service sits in Slice= or the default slice (app.slice; app-foo.slice for instances
of foo@.service) with Requires=/After= on it even with DefaultDependencies=no; slices without a
unit file load ("Slice /a/b"), nest by name (a-b.slice in a.slice in -.slice), start with the units
in them and show them in SliceOf=; the unit's cgroup nests in its slices' cgroups; stopping a slice
stops what is in it; the root slice cannot be stopped; resource-control settings show as systemd
shows them. Dependency lists come from hash sets in systemd, so they are compared sorted."""

import re

DEPS = ("Requires", "After", "Before", "Conflicts", "RequiredBy", "SliceOf", "Wants")


def show_sorted(h, unit, *props):
    """show, with dependency lists sorted (systemd's order is its hash order)."""
    r = h.impl.ctl("show", "-p", ",".join(props), "--", unit)
    got = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    out = {}
    for p in props:
        v = got.get(p, "<missing>")
        out[p] = " ".join(sorted(v.split())) if p in DEPS else v
    h.note(f"show {unit}", out)
    return got


def cgroup(h, unit):
    """ControlGroup= from the first slice down: the managers' own prefixes differ."""
    r = h.impl.ctl("show", "-p", "ControlGroup", "--value", "--", unit)
    cg = r.stdout.strip()
    m = re.search(r"/[^/]*\.slice(/.*)?$", cg)
    h.note(f"cgroup {unit}", m.group(0) if m else cg)


def run(h):
    h.unit("plain.service", """
[Service]
ExecStart=/bin/sleep 300
""")
    h.unit("nested.service", """
[Service]
Slice=a-b.slice
ExecStart=/bin/sleep 300
""")
    h.unit("nodeps.service", """
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 300
""")
    h.unit("tpl@.service", """
[Service]
ExecStart=/bin/sleep 300
""")
    h.unit("bogus.service", """
[Service]
Slice=not-a-slice.service
ExecStart=/bin/sleep 300
""")
    h.unit("limits.slice", """
[Unit]
Description=Limited
[Slice]
Slice=other.slice
CPUWeight=50
MemoryMax=1G
MemoryHigh=50%
TasksMax=20
CPUQuota=150%
AllowedCPUs=0-1,3
""")
    h.unit("limited.service", """
[Service]
Slice=limits.slice
ExecStart=/bin/sleep 300
MemoryMin=10M
MemoryLow=20K
MemorySwapMax=0
CPUWeight=idle
StartupCPUWeight=300
CPUQuotaPeriodSec=50ms
IOWeight=200
IOReadBandwidthMax=/dev/null 10M
IOWriteIOPSMax=/dev/null 2K
TasksMax=10%
Delegate=memory pids
""")
    h.reload()
    for u in ("plain.service", "nested.service", "nodeps.service", "tpl@x.service", "bogus.service"):
        show_sorted(h, u, "Slice", "Requires", "After", "LoadState")
    for u in ("a-b.slice", "a.slice", "app-tpl.slice", "limits.slice"):
        show_sorted(h, u, "Slice", "Requires", "After", "Before", "Conflicts", "Description", "LoadState", "ActiveState",
                    "SubState", "DefaultDependencies", "IgnoreOnIsolate", "Perpetual", "CanStop", "TasksMax")
    show_sorted(h, "-.slice", "Slice", "Description", "Documentation", "LoadState", "ActiveState", "SubState",
                "DefaultDependencies", "IgnoreOnIsolate", "Perpetual", "CanStop", "CanStart")

    # Starting units starts their slices first; each slice lists what it holds.
    h.ctl("start", "nested.service", "tpl@x.service", "limited.service")
    for u in ("nested.service", "a-b.slice", "a.slice", "tpl@x.service", "app-tpl.slice", "limited.service", "limits.slice"):
        show_sorted(h, u, "ActiveState", "SubState", "RequiredBy", "SliceOf")
        cgroup(h, u)

    # Resource control as systemd shows it.
    show_sorted(h, "limits.slice", "CPUWeight", "MemoryMax", "MemoryHigh", "TasksMax", "CPUQuotaPerSecUSec", "AllowedCPUs")
    show_sorted(h, "limited.service", "MemoryMin", "MemoryLow", "MemoryHigh", "MemoryMax", "MemorySwapMax", "CPUWeight",
                "StartupCPUWeight", "CPUQuotaPerSecUSec", "CPUQuotaPeriodUSec", "IOWeight", "IOReadBandwidthMax",
                "IOWriteIOPSMax", "TasksMax", "Delegate", "DelegateControllers", "MemoryAccounting", "TasksAccounting")
    show_sorted(h, "plain.service", "MemoryMax", "CPUWeight", "TasksMax", "CPUQuotaPerSecUSec", "Delegate", "IOWeight")

    # Stopping a slice stops every unit in it, the nested slice too.
    h.ctl("stop", "a.slice")
    for u in ("nested.service", "a-b.slice", "a.slice"):
        show_sorted(h, u, "ActiveState", "SubState")
    h.ctl("stop", "limits.slice")
    show_sorted(h, "limited.service", "ActiveState", "SubState", "Result")
    # The root slice is perpetual.
    h.ctl("stop", "--", "-.slice")
    show_sorted(h, "-.slice", "ActiveState")
    h.ctl("stop", "tpl@x.service", "app-tpl.slice")
    show_sorted(h, "app-tpl.slice", "ActiveState", "SubState")
