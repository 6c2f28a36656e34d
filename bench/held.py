#!/usr/bin/env python3
"""The per-unit figure of bench.py alone: `kb_per_unit` with N services held (issue #19).

  python3 bench/held.py [N=10000] [--impl both|unitkit|systemd] [--snapshots DIR]

Runs bench.py's reload_and_rss() against a fresh manager of each kind: N services an active target
wants, whose condition fails (each loaded and checked, no process). Prints the RSS grown and KB per
unit. --snapshots DIR (unitkit only) also writes a V8 heap snapshot of the idle manager and one with
the units held (node's --heapsnapshot-signal=SIGUSR2), to diff in Chrome's DevTools or with
bench/heap-diff.js. The full `npm run bench` takes long; this is the one figure, quickly.
"""
import argparse, glob, os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def snapshot(m, into, name):
    before = set(glob.glob(os.path.join(m.root, "*.heapsnapshot")))
    os.kill(m.proc.pid, signal.SIGUSR2)
    bench.wait_for(lambda: set(glob.glob(os.path.join(m.root, "*.heapsnapshot"))) - before, 120, "heap snapshot")
    new = (set(glob.glob(os.path.join(m.root, "*.heapsnapshot"))) - before).pop()
    size = -1
    while size != os.path.getsize(new):  # written in place; wait until it stops growing
        size = os.path.getsize(new)
        time.sleep(0.5)
    shutil.move(new, os.path.join(into, name))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=10000)
    ap.add_argument("--impl", default="unitkit", choices=["both", "unitkit", "systemd"])
    ap.add_argument("--snapshots")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-held-")
    try:
        probe = os.path.join(tmp, "probe")
        subprocess.run(["cc", "-O2", "-o", probe, os.path.join(bench.HERE, "probe.c")], check=True)
        kinds = [k for k in (bench.Systemd, bench.Unitkit) if a.impl in ("both", k.name)]
        for k in kinds:
            root = tempfile.mkdtemp(prefix=f"bench-held-{k.name}-")
            m = k(root)
            try:
                if a.snapshots and k is bench.Unitkit:
                    os.makedirs(a.snapshots, exist_ok=True)
                    env = m.env
                    m.env = lambda: dict(env(), NODE_OPTIONS="--heapsnapshot-signal=SIGUSR2")
                    cwd = os.getcwd()
                    os.chdir(root)  # node writes the snapshot into its working directory
                    try:
                        m.start()
                    finally:
                        os.chdir(cwd)
                    time.sleep(2)
                    snapshot(m, a.snapshots, "idle.heapsnapshot")
                else:
                    m.start()
                    time.sleep(2)
                idle = bench.rss_mb(m.proc.pid)
                reload_s, grown = bench.reload_and_rss(m, probe, a.n)
                held = bench.rss_mb(m.proc.pid)
                print(f"{k.name}: idle {idle:.2f} MB, held {held:.2f} MB, grown {grown:.2f} MB for {a.n} units = "
                      f"{grown * 1024 / a.n:.2f} KB/unit; daemon-reload {reload_s:.2f} s", flush=True)
                if a.snapshots and k is bench.Unitkit:
                    snapshot(m, a.snapshots, f"held-{a.n}.heapsnapshot")
            finally:
                m.stop()
                shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
