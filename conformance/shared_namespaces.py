"""PrivateNetwork=/PrivateIPC= namespaces are per activation, not per process: ExecStartPre= and
ExecStart= share them, a JoinsNamespaceOf= unit gets the first one's. The transcript records only
comparisons (the inode numbers differ between runs, and the kernel reuses a freed namespace's
number, so a later activation's cannot be told apart that way)."""


def unit(h, name, joins, out):
    h.unit(name, f"""
[Unit]
{joins}
[Service]
Type=oneshot
RemainAfterExit=yes
PrivateNetwork=yes
PrivateIPC=yes
ExecStartPre=/bin/sh -c 'stat -L -c %%i /proc/self/ns/net /proc/self/ns/ipc | tr "\\\\n" " " >> {out}; echo >> {out}'
ExecStart=/bin/sh -c 'stat -L -c %%i /proc/self/ns/net /proc/self/ns/ipc | tr "\\\\n" " " >> {out}; echo >> {out}'
""")


def lines(h, name):
    import os
    with open(os.path.join(h.tmp, name)) as f:
        return [l.strip() for l in f.read().strip().split("\n")]


def run(h):
    import os
    host = f"{os.stat('/proc/self/ns/net').st_ino} {os.stat('/proc/self/ns/ipc').st_ino}"
    unit(h, "sna.service", "", "{tmp}/a")
    unit(h, "snb.service", "JoinsNamespaceOf=sna.service", "{tmp}/b")
    h.reload()
    h.ctl("start", "sna.service")
    h.ctl("start", "snb.service")
    a, b = lines(h, "a"), lines(h, "b")
    h.note("pre and main of a share", a[0] == a[1])
    h.note("a is not the host's", a[0] != host)
    h.note("b joined a", b == [a[0], a[0]])
    h.ctl("stop", "sna.service", "snb.service")
