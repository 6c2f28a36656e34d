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


def rollup(pid):
    """RSS split as /proc/PID/smaps_rollup gives it: anonymous and file-backed, MB."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Rss", "Anonymous"):
                out[k] = int(v.split()[0]) / 1024
    out["File"] = out["Rss"] - out["Anonymous"]
    return out


def idle_figure(runs):
    """bench.py's idle_over_node_mb, `runs` times, with the anonymous/file-backed split of both."""
    for _ in range(runs):
        root = tempfile.mkdtemp(prefix="bench-idle-")
        m = bench.Unitkit(root)
        try:
            m.start()
            floor = subprocess.Popen(["node", *bench.node_flags(), "-e", "setInterval(() => {}, 1e9)"])
            time.sleep(2)
            u, n = rollup(m.proc.pid), rollup(floor.pid)
            floor.kill()
            floor.wait()
            print(f"unitkitd {u['Rss']:.2f} MB (anon {u['Anonymous']:.2f}, file {u['File']:.2f}); node {n['Rss']:.2f} "
                  f"(anon {n['Anonymous']:.2f}, file {n['File']:.2f}); over node {u['Rss'] - n['Rss']:.2f} MB "
                  f"(anon {u['Anonymous'] - n['Anonymous']:+.2f}, file {u['File'] - n['File']:+.2f})", flush=True)
        finally:
            m.stop()
            shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=10000)
    ap.add_argument("--impl", default="unitkit", choices=["both", "unitkit", "systemd"])
    ap.add_argument("--snapshots")
    ap.add_argument("--node-options", default="", help="NODE_OPTIONS for unitkitd (e.g. --heap-prof)")
    ap.add_argument("--node-flags", default="", help="more node/V8 flags for unitkitd (e.g. --trace-gc), beside its shebang's")
    ap.add_argument("--log", help="copy unitkitd's output here")
    ap.add_argument("--idle", type=int, metavar="RUNS", help="only the idle figure: RUNS fresh managers beside a bare Node")
    a = ap.parse_args()
    if a.idle:
        return idle_figure(a.idle)
    tmp = tempfile.mkdtemp(prefix="bench-held-")
    try:
        probe = os.path.join(tmp, "probe")
        subprocess.run(["cc", "-O2", "-o", probe, os.path.join(bench.HERE, "probe.c")], check=True)
        kinds = [k for k in (bench.Systemd, bench.Unitkit) if a.impl in ("both", k.name)]
        for k in kinds:
            root = tempfile.mkdtemp(prefix=f"bench-held-{k.name}-")
            m = k(root)
            try:
                if k is bench.Unitkit and a.node_flags:
                    bundle = os.path.join(bench.PROJECT, "packages", "cli", "dist", "unitkitd.bundle.js")
                    argv = ["node", *bench.node_flags(), *a.node_flags.split(), bundle, "--user"]
                    real = subprocess.Popen
                    subprocess.Popen = lambda args, **kw: real(argv if args and args[0].endswith("unitkitd") else args, **kw)
                if k is bench.Unitkit and (a.snapshots or a.node_options):
                    env = m.env
                    opts = (a.node_options + (" --heapsnapshot-signal=SIGUSR2" if a.snapshots else "")).strip()
                    m.env = lambda: dict(env(), NODE_OPTIONS=opts)
                if a.snapshots and k is bench.Unitkit:
                    os.makedirs(a.snapshots, exist_ok=True)
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
                # The split of what grew (anonymous / file-backed), read where reload_and_rss reads RSS.
                reads, rss = [], bench.rss_mb
                bench.rss_mb = lambda pid: (reads.append(rollup(pid)), rss(pid))[1]
                try:
                    reload_s, grown = bench.reload_and_rss(m, probe, a.n)
                finally:
                    bench.rss_mb = rss
                if len(reads) == 2:
                    print(f"grown: anonymous {reads[1]['Anonymous'] - reads[0]['Anonymous']:+.2f} MB, "
                          f"file-backed {reads[1]['File'] - reads[0]['File']:+.2f} MB")
                held = bench.rss_mb(m.proc.pid)
                with open(f"/proc/{m.proc.pid}/smaps_rollup") as f:
                    print("".join(l for l in f if l.split(":")[0] in ("Rss", "Anonymous", "Private_Dirty", "Shared_Clean")), end="")
                print(f"{k.name}: idle {idle:.2f} MB, held {held:.2f} MB, grown {grown:.2f} MB for {a.n} units = "
                      f"{grown * 1024 / a.n:.2f} KB/unit; daemon-reload {reload_s:.2f} s", flush=True)
                if a.snapshots and k is bench.Unitkit:
                    snapshot(m, a.snapshots, f"held-{a.n}.heapsnapshot")
            finally:
                m.stop()
                if a.log and k is bench.Unitkit:
                    shutil.copy(os.path.join(root, "unitkitd.log"), a.log)
                shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
