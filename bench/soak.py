#!/usr/bin/env python3
"""Soak: many activations of services that exit, restart and crash, and what the manager keeps.

  python3 bench/soak.py [--impl both|unitkit|systemd] [--activations N]   (default 10,000 per socket)

Three sockets take N connections each, one after another:
  once    Accept=no; the service serves one connection and exits 0 — the socket starts it again
  crash   Accept=no; every third service process aborts after answering (Restart=on-failure)
  inetd   Accept=yes; one instance per connection
Before and after, for each manager: its open fds, zombie children, RSS and (unitkit) journal files.
A manager that leaks shows it in the "after" column; refused or unanswered connections are counted.
Never run in CI: it takes minutes.
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import HERE, Systemd, Unitkit, free_port, rss_mb  # noqa: E402


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def zombies(pid):
    n = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if fields[0] == "Z" and int(fields[1]) == pid:
            n += 1
    return n


def journal_files(m):
    d = os.path.join(m.run, "journal")
    return len(os.listdir(d)) if os.path.isdir(d) else None


def snapshot(m):
    pid = m.proc.pid if isinstance(m, Unitkit) else m.proc.pid
    return {"fds": fds(pid), "zombies": zombies(pid), "rss_mb": round(rss_mb(pid), 1), "journal_files": journal_files(m)}


def hammer(port, n):
    failed = 0
    for _ in range(n):
        for attempt in range(50):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                    s.sendall(b"x")
                    if s.recv(16) == b"x":
                        break
            except OSError:
                pass
            time.sleep(0.01)  # the service of an Accept=no socket may be between two lives
        else:
            failed += 1
    return failed


def soak(cls, probe, n):
    root = tempfile.mkdtemp(prefix=f"soak-{cls.name}-")
    m = cls(root)
    out = {}
    try:
        m.start()
        ports = {k: free_port() for k in ("once", "crash", "inetd")}
        common = "TriggerLimitIntervalSec=0\n"
        m.write("sonce.socket", f"[Socket]\nListenStream=127.0.0.1:{ports['once']}\n{common}")
        m.write("sonce.service", f"[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart={probe} once\n")
        m.write("scrash.socket", f"[Socket]\nListenStream=127.0.0.1:{ports['crash']}\n{common}")
        m.write("scrash.service", f"[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart={probe} crash\nRestart=on-failure\nRestartSec=0\n")
        m.write("sinetd.socket", f"[Socket]\nListenStream=127.0.0.1:{ports['inetd']}\nAccept=yes\nMaxConnections=1024\n{common}")
        m.write("sinetd@.service", f"[Service]\nExecStart={probe} inetd\nStandardInput=socket\n")
        m.ctl("daemon-reload", check=True)
        m.ctl("start", "sonce.socket", "scrash.socket", "sinetd.socket", check=True)
        time.sleep(0.5)
        out["before"] = snapshot(m)
        t = time.perf_counter()
        out["failed"] = {k: hammer(ports[k], n) for k in ("once", "crash", "inetd")}
        out["seconds"] = round(time.perf_counter() - t, 1)
        time.sleep(2)  # let the last services exit and be reaped
        out["after"] = snapshot(m)
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"
    finally:
        m.stop()
        shutil.rmtree(root, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", default="both", choices=["both", "unitkit", "systemd"])
    ap.add_argument("--activations", type=int, default=10000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="soak-probe-")
    try:
        probe = os.path.join(tmp, "probe")
        subprocess.run(["cc", "-O2", "-o", probe, os.path.join(HERE, "probe.c")], check=True)
        kinds = [k for k in ([Systemd] if os.path.exists("/usr/lib/systemd/systemd") else []) + [Unitkit] if a.impl in ("both", k.name)]
        for k in kinds:
            r = soak(k, probe, a.activations)
            print(f"{k.name}: {a.activations} connections to each of once/crash/inetd in {r.get('seconds', '-')} s; unanswered {r.get('failed')}")
            if "error" in r:
                print(f"  error: {r['error']}")
                continue
            for key in ("fds", "zombies", "rss_mb", "journal_files"):
                if r["before"][key] is not None:
                    print(f"  {key:14} before {r['before'][key]:>8}   after {r['after'][key]:>8}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
