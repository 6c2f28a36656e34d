"""Process attributes, capabilities and syscall filters (systemd.exec(5)): what show prints for
each setting — merged lines, inversions, groups, errno suffixes — and what the started processes
see from inside: /proc/self/status capability sets, NoNewPrivs and Seccomp, oom_score_adj,
affinity, timer slack, a syscall denied with the errno asked for, a process killed by SIGSYS, and
the exit statuses of the steps that fail (214/SETSCHEDULER, 215/CPUAFFINITY)."""
PROPS = ("OOMScoreAdjust", "CoredumpFilter", "CPUSchedulingPolicy", "CPUSchedulingPriority", "CPUSchedulingResetOnFork",
         "CPUAffinity", "TimerSlackNSec", "Personality", "KeyringMode", "NoNewPrivileges", "CapabilityBoundingSet",
         "AmbientCapabilities", "SecureBits", "SystemCallFilter", "SystemCallErrorNumber", "SystemCallArchitectures",
         "SystemCallLog", "RestrictAddressFamilies", "RestrictNamespaces", "LockPersonality", "MemoryDenyWriteExecute",
         "RestrictRealtime", "RestrictSUIDSGID")


def run(h):
    h.unit("settings.service", """
[Service]
ExecStart=/bin/true
OOMScoreAdjust=100
CPUSchedulingPolicy=batch
CPUSchedulingResetOnFork=yes
CPUAffinity=0 1-1
CoredumpFilter=default private-dax
TimerSlackNSec=1ms
KeyringMode=shared
CapabilityBoundingSet=CAP_NET_ADMIN CAP_CHOWN
CapabilityBoundingSet=CAP_SYS_ADMIN
AmbientCapabilities=CAP_NET_RAW
SecureBits=keep-caps noroot-locked
SystemCallFilter=@system-service
SystemCallFilter=~@mount fchown
SystemCallErrorNumber=EPERM
SystemCallArchitectures=native
SystemCallLog=@clock
RestrictAddressFamilies=AF_UNIX AF_INET
RestrictNamespaces=cgroup ipc
LockPersonality=yes
MemoryDenyWriteExecute=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
""")
    h.unit("inverted.service", """
[Service]
ExecStart=/bin/true
CapabilityBoundingSet=~CAP_NET_ADMIN
CapabilityBoundingSet=~CAP_SYS_ADMIN
SystemCallFilter=~chmod:EACCES fchmod:kill @swap:ENOENT
RestrictAddressFamilies=none
RestrictNamespaces=~user net
RestrictNamespaces=user
CoredumpFilter=all
SystemCallArchitectures=x86-64 native
""")
    h.unit("inside.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
OOMScoreAdjust=100
CPUAffinity=0
TimerSlackNSec=2ms
CapabilityBoundingSet=CAP_NET_RAW CAP_CHOWN
CapabilityBoundingSet=~CAP_CHOWN
AmbientCapabilities=CAP_NET_RAW
User=nobody
StandardOutput=truncate:{tmp}/inside.out
ExecStart=/bin/sh -c "grep -E \\"^(Cap|NoNewPrivs|Seccomp:|Cpus_allowed_list)\\" /proc/self/status; cat /proc/self/oom_score_adj /proc/self/timerslack_ns"
""")
    h.unit("errno.service", """
[Service]
Type=oneshot
SystemCallFilter=~mkdir:EACCES mkdirat:EACCES
StandardOutput=truncate:{tmp}/errno.out
ExecStart=/bin/sh -c "mkdir {tmp}/never 2>&1 | sed \\"s/.*: //\\"; grep -E \\"^(NoNewPrivs|Seccomp:)\\" /proc/self/status"
""")
    h.unit("sigsys.service", """
[Service]
Type=oneshot
SystemCallFilter=~uname
ExecStart=/usr/bin/uname
""")
    h.unit("affinity.service", """
[Service]
Type=oneshot
CPUAffinity=4000
ExecStart=/bin/true
""")
    h.unit("priority.service", """
[Service]
Type=oneshot
CPUSchedulingPriority=50
ExecStart=/bin/true
""")
    h.reload()
    h.show("settings.service", *PROPS)
    h.show("inverted.service", *PROPS)
    for u in ("inside.service", "errno.service", "sigsys.service", "affinity.service", "priority.service"):
        h.ctl("start", u)
        h.show(u, "Result", "ExecMainCode", "ExecMainStatus")
    h.file("{tmp}/inside.out")
    h.file("{tmp}/errno.out")
