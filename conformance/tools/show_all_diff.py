#!/usr/bin/env python3
"""Compares `show --all` of units key by key between a running `systemd --user` and a running
unitkitd — the yardstick for "units show the same properties as systemd 252".

    show_all_diff.py [--state NAME] UNIT...      # both managers must already be running

systemctl is run with the caller's XDG_RUNTIME_DIR, unitkitctl with UNITKIT_RUNTIME_DIR (and
UNITKIT_CTL, default `unitkitctl`). Each unit prints the keys that differ in presence, order or
value; values that vary between runs (timestamps, pids, invocation ids, resource counters) are
compared for presence only, and the accepted differences (docs: conformance/README.md) are
skipped. Exit status 1 when any unit differs. Not part of the tests: a tool for humans."""
import os
import re
import subprocess
import sys

# Values that differ between any two runs: compare presence and order only.
VOLATILE = re.compile(
    r"(Timestamp|TimestampMonotonic|^InvocationID$|PID$|^MainPID$|^ControlPID$|^ExecMainPID$|^NRestarts$"
    r"|^Memory(Current|Available|Peak|SwapCurrent|SwapPeak|ZSwapCurrent)$|^CPUUsageNSec$|^TasksCurrent$|^IP(Ingress|Egress)(Bytes|Packets)$"
    r"|^IO(Read|Write)(Bytes|Operations)$|^NAccepted$|^NConnections$|^NRefused$|^StatusText$|^InvocationID$|^Job$"
    r"|^ExecMainCode$|^ExecMainStatus$|^StateChangeTimestamp|^ActivationDetails$)")
# Known accepted differences (conformance/README.md): cgroup path prefix, freezing.
ACCEPTED = re.compile(r"^(ControlGroup|ControlGroupId|CanFreeze|FreezerState)$")
# Hash-set order in systemd: compare as sets.
SETS = {"Before", "After", "Wants", "WantedBy", "Requires", "RequiredBy", "Conflicts", "ConflictedBy",
        "Triggers", "TriggeredBy", "Names", "PartOf", "ConsistsOf", "BindsTo", "BoundBy", "Requisite",
        "RequisiteOf", "Upholds", "UpheldBy", "OnFailure", "OnFailureOf", "OnSuccess", "OnSuccessOf",
        "PropagatesReloadTo", "ReloadPropagatedFrom", "PropagatesStopTo", "StopPropagatedFrom", "References",
        "ReferencedBy", "RequiresMountsFor", "JoinsNamespaceOf", "SliceOf", "DropInPaths"}
# Slices are not implemented: dependencies on them are left out of the comparison.
SLICE_DEP = re.compile(r"\S+\.slice")


def show(argv, unit):
    r = subprocess.run(argv + ["show", "--all", unit], capture_output=True, text=True)
    items = []
    for line in r.stdout.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            items.append((k, v))
    return items


def norm(k, v):
    if k in SETS:
        return " ".join(sorted(w for w in v.split() if not SLICE_DEP.fullmatch(w)))
    if k.startswith("Exec") and v.startswith("{"):
        return re.sub(r"(start_time|stop_time|pid|code|status)=[^;]*", r"\1=*", v)
    return v


def compare(unit, sd, uk, out):
    diffs = 0
    sd_keys = [k for k, _ in sd if not ACCEPTED.match(k)]
    uk_keys = [k for k, _ in uk if not ACCEPTED.match(k)]
    missing = [k for k in dict.fromkeys(sd_keys) if k not in uk_keys]
    extra = [k for k in dict.fromkeys(uk_keys) if k not in sd_keys]
    if missing:
        out.append(f"  missing: {' '.join(missing)}")
        diffs += 1
    if extra:
        out.append(f"  extra:   {' '.join(extra)}")
        diffs += 1
    common = [k for k in sd_keys if k in uk_keys]
    uk_common = [k for k in uk_keys if k in sd_keys]
    if common != uk_common:
        for i, (a, b) in enumerate(zip(common, uk_common)):
            if a != b:
                out.append(f"  order:   first difference at {a} (systemd) vs {b} (unitkit), after {common[i - 1] if i else '^'}")
                break
        diffs += 1
    sd_vals, uk_vals = {}, {}
    for k, v in sd:
        sd_vals.setdefault(k, []).append(v)
    for k, v in uk:
        uk_vals.setdefault(k, []).append(v)
    for k in dict.fromkeys(common):
        if VOLATILE.search(k) or ACCEPTED.match(k):
            continue
        a = [norm(k, v) for v in sd_vals[k]]
        b = [norm(k, v) for v in uk_vals[k]]
        if a != b:
            out.append(f"  {k}: systemd={' | '.join(a)!r} unitkit={' | '.join(b)!r}")
            diffs += 1
    return diffs


def main():
    units = sys.argv[1:]
    if not units:
        print(__doc__)
        return 2
    sc = ["systemctl", "--user", "--no-pager"]
    ukctl = os.environ.get("UNITKIT_CTL", "unitkitctl").split() + ["--no-pager"]
    bad = 0
    for u in units:
        out = []
        if compare(u, show(sc, u), show(ukctl, u), out):
            bad += 1
            print(f"{u}:")
            print("\n".join(out))
        else:
            print(f"{u}: same")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
