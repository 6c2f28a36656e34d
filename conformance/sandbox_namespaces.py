"""The mount-namespace sandbox and the other namespaces, from inside the services: ProtectSystem=,
ProtectHome=, PrivateTmp= (its host directory while the unit runs and after it stops), BindPaths=,
InaccessiblePaths=, the *Paths= "-" prefix, PrivateDevices=, ProtectKernelTunables=,
ProtectControlGroups=, PrivateNetwork=, the mount table the service sees, a path that must exist
and does not (226/NAMESPACE), PrivateUsers=, JoinsNamespaceOf= sharing the private /tmp, and what
show prints for the settings.

systemd (as PID 1) keeps the nodes it mounts over inaccessible paths in /run/systemd/inaccessible;
a `systemd --user` outside PID 1 does not make them and fails every such unit with 226/NAMESPACE.
The scenario makes them first, as PID 1 would (unitkit keeps its own)."""
import glob
import os
import stat

PROPS = ("ProtectSystem", "ProtectHome", "PrivateTmp", "ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths",
         "ExecPaths", "NoExecPaths", "BindPaths", "BindReadOnlyPaths", "TemporaryFileSystem", "PrivateDevices",
         "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups",
         "PrivateNetwork", "PrivateIPC", "ProtectHostname", "ProtectProc", "ProcSubset", "MountFlags", "MountAPIVFS")

# What the service reports, one file per unit in {tmp} (bound in, or writable): the mount table as
# mount point, per-mount options and file system type (the script avoids quoting inside ExecStart=).
MOUNTS = "sh {tmp}/mounts.sh"
MOUNTS_SCRIPT = """awk '{print $5, $6, $9}' /proc/self/mountinfo | grep -v '^/mnt/sandboxing' | sort\n"""


def inaccessible_nodes():
    d = "/run/systemd/inaccessible"
    try:
        os.makedirs(d, exist_ok=True)
        for name, mode in (("dir", stat.S_IFDIR), ("reg", stat.S_IFREG), ("fifo", stat.S_IFIFO), ("chr", stat.S_IFCHR), ("blk", stat.S_IFBLK)):
            p = os.path.join(d, name)
            if os.path.lexists(p):
                continue
            if mode == stat.S_IFDIR:
                os.mkdir(p, 0)
            else:
                os.mknod(p, mode, 0)
            os.chmod(p, 0)
    except OSError:
        pass


def run(h):
    inaccessible_nodes()
    with open(os.path.join(h.tmp, "mounts.sh"), "w") as f:
        f.write(MOUNTS_SCRIPT)
    h.unit("strict.service", """
[Service]
Type=oneshot
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
BindPaths={tmp}
ReadOnlyPaths=-/nonexistent-sandbox-path
InaccessiblePaths=/etc/hostname
ExecStart=/bin/sh -c 'exec > {tmp}/strict.out 2>&1; touch /usr/.sandbox-x; touch /etc/.sandbox-x; touch /var/.sandbox-x; ls -A /tmp | grep -v ^conf-; echo "home:$(ls -A /home /root | grep -v : | tr -d "\\\\n")"; cat /etc/hostname; echo private > /tmp/file && echo tmp-rw; %s'
""" % MOUNTS)
    h.unit("kernel.service", """
[Service]
Type=oneshot
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
PrivateNetwork=yes
PrivateIPC=yes
ProtectHostname=yes
ReadWritePaths={tmp}
ExecStart=/bin/sh -c 'exec > {tmp}/kernel.out 2>&1; ls /dev; tail -n +3 /proc/net/dev | cut -d: -f1; echo 60 > /proc/sys/vm/swappiness; mkdir /sys/fs/cgroup/sandbox-x; ls /usr/lib/modules | wc -l; %s'
""" % MOUNTS)
    h.unit("ptmp.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
PrivateTmp=yes
ExecStart=/bin/sh -c 'echo x > /tmp/x'
""")
    h.unit("users.service", """
[Service]
Type=oneshot
PrivateUsers=yes
ReadWritePaths={tmp}
ExecStart=/bin/sh -c 'exec > {tmp}/users.out 2>&1; cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %%u /proc/1'
""")
    h.unit("ja.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
PrivateTmp=yes
ExecStart=/bin/sh -c 'echo from-a > /tmp/shared'
""")
    h.unit("jb.service", """
[Unit]
JoinsNamespaceOf=ja.service
[Service]
Type=oneshot
PrivateTmp=yes
BindPaths={tmp}
ExecStart=/bin/sh -c 'cat /tmp/shared > {tmp}/jb.out 2>&1'
""")
    h.unit("missing.service", """
[Service]
Type=oneshot
ReadOnlyPaths=/nonexistent-sandbox-path
ExecStart=/bin/true
""")
    h.unit("shown.service", """
[Service]
ProtectSystem=full
ProtectHome=tmpfs
ReadWritePaths=/var/tmp -/nonexist +/run
ReadOnlyPaths="/a path"
InaccessiblePaths=-/opt/x
ExecPaths=/usr/bin
NoExecPaths=/srv
BindPaths=/tmp/a:/mnt/a:rbind -/tmp/b
BindReadOnlyPaths=/etc/hostname:/mnt/h:norbind
TemporaryFileSystem=/var/cache:ro,mode=0755 /mnt/t
ProtectProc=invisible
ProcSubset=pid
MountFlags=slave
ExecStart=/bin/true
""")
    h.reload()
    h.show("shown.service", *PROPS)
    h.show("strict.service", *PROPS)

    h.ctl("start", "strict.service")
    h.show("strict.service", "Result", "ExecMainStatus")
    h.file("{tmp}/strict.out")

    h.ctl("start", "kernel.service")
    h.show("kernel.service", "Result", "ExecMainStatus")
    h.file("{tmp}/kernel.out")

    h.ctl("start", "users.service")
    h.file("{tmp}/users.out")

    pattern = "/tmp/systemd-private-*-ptmp.service-*"
    h.ctl("start", "ptmp.service")
    h.note("private /tmp and /var/tmp while active", [len(glob.glob(pattern)), len(glob.glob("/var/tmp/systemd-private-*-ptmp.service-*"))])
    h.note("its file", [open(p + "/tmp/x").read() for p in glob.glob(pattern)])
    h.ctl("stop", "ptmp.service")
    h.note("private /tmp after stop", len(glob.glob(pattern)))

    # JoinsNamespaceOf=: the second unit sees the first one's /tmp; they go when the last stops.
    h.ctl("start", "ja.service")
    h.ctl("start", "jb.service")
    h.file("{tmp}/jb.out")
    h.ctl("stop", "ja.service")
    h.note("joined private /tmp after both stopped", len(glob.glob("/tmp/systemd-private-*-ja.service-*")))

    h.ctl("start", "missing.service")
    h.show("missing.service", "ActiveState", "Result", "ExecMainStatus")
