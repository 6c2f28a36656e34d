"""`show` without a unit: the Manager properties a user manager has, with what it shows on this
machine (Architecture, Virtualization, Tainted are the machine's, the same for both managers), its
defaults, and boot timestamps that are set and in order. Version and Features name the
implementation and are left out; a job counted and a failed unit counted."""
SAME = ("Architecture", "Virtualization", "Tainted", "LogLevel", "ConfirmSpawn", "ShowStatus",
        "DefaultStandardOutput", "DefaultStandardError", "RuntimeWatchdogUSec", "RebootWatchdogUSec",
        "ServiceWatchdogs", "DefaultTimerAccuracyUSec", "DefaultTimeoutStartUSec", "DefaultTimeoutStopUSec",
        "DefaultRestartUSec", "DefaultStartLimitIntervalUSec", "DefaultStartLimitBurst", "DefaultTasksMax",
        "TimerSlackNSec", "DefaultOOMPolicy", "DefaultOOMScoreAdjust", "CtrlAltDelBurstAction",
        "KernelTimestampMonotonic", "Progress")
STAMPS = ("Userspace", "GeneratorsStart", "GeneratorsFinish", "UnitsLoadStart", "UnitsLoadFinish", "Finish")


def manager(h, *props):
    r = h.ctl("show", "-p", ",".join(props), record=False)
    return dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)


def run(h):
    h.unit("fails.service", """
[Service]
Type=oneshot
ExecStart=/bin/false
""")
    h.reload()
    got = manager(h, *SAME)
    h.note("manager show", {p: got.get(p, "<missing>") for p in SAME})
    stamps = manager(h, *[f"{s}Timestamp" for s in STAMPS], *[f"{s}TimestampMonotonic" for s in STAMPS])
    h.note("boot timestamps set", {s: stamps.get(f"{s}Timestamp", "") != "" for s in STAMPS})
    mono = [int(stamps.get(f"{s}TimestampMonotonic", "0")) for s in STAMPS]
    h.note("boot timestamps in order", all(a <= b for a, b in zip(mono, mono[1:])) and mono[0] > 0)
    before = manager(h, "NInstalledJobs", "NFailedJobs", "NFailedUnits")
    h.ctl("start", "fails.service")
    after = manager(h, "NInstalledJobs", "NFailedJobs", "NFailedUnits")
    h.note("a start counted", int(after["NInstalledJobs"]) - int(before["NInstalledJobs"]))
    h.note("a failed job counted", int(after["NFailedJobs"]) - int(before["NFailedJobs"]))
    h.note("failed units", after["NFailedUnits"])
    r = h.ctl("show", record=False)
    h.note("manager show prints Version and Features", [l.split("=")[0] for l in r.stdout.splitlines()[:2]])
