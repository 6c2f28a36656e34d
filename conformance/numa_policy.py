"""NUMAPolicy=, NUMAMask= and CPUAffinity=numa: the policy the process runs with (numa_maps), the
CPUs it may use, systemd's validity rules (bind/interleave need nodes, preferred one at most, a
mask alone means preferred; an invalid one fails with 242/NUMA_POLICY, CPUAffinity=numa without
nodes with 215/CPUAFFINITY) and what `show` prints."""
PROPS = ("NUMAPolicy", "NUMAMask", "CPUAffinity", "CPUAffinityFromNUMA", "Result", "ExecMainStatus")

UNITS = {
    "numa-bind": "NUMAPolicy=bind\nNUMAMask=0\nCPUAffinity=numa",
    "numa-interleave-nonodes": "NUMAPolicy=interleave",
    "numa-local": "NUMAPolicy=local\nNUMAMask=0",
    "numa-bogus": "NUMAPolicy=bogus",
    "numa-maskonly": "NUMAMask=0",
    "numa-default": "NUMAPolicy=default",
    "numa-preferred-two": "NUMAPolicy=preferred\nNUMAMask=0 1",
    "numa-affinity-nonodes": "CPUAffinity=numa",
    "numa-all": "NUMAPolicy=bind\nNUMAMask=all",
}


def run(h):
    for name, settings in UNITS.items():
        h.unit(f"{name}.service", f"""
[Service]
Type=oneshot
RemainAfterExit=yes
{settings}
ExecStart=/bin/sh -c 'grep Cpus_allowed_list /proc/self/status > {{tmp}}/{name}; head -1 /proc/self/numa_maps | cut -d" " -f2 >> {{tmp}}/{name}'
""")
    h.reload()
    for name in UNITS:
        h.ctl("start", f"{name}.service")
        h.show(f"{name}.service", *PROPS)
    for name in ("numa-bind", "numa-local", "numa-maskonly", "numa-default", "numa-all"):
        h.file("{tmp}/" + name)
