"""Environment-like settings merged across the fragment, a template and instance drop-ins: what
`show` prints (Environment= replaced in place, PassEnvironment=/UnsetEnvironment= without
duplicates, one EnvironmentFiles= line per file, an empty assignment resetting the list) and the
environment the process gets (Environment=, then EnvironmentFile=, UnsetEnvironment= last)."""
PROPS = ("Environment", "EnvironmentFiles", "PassEnvironment", "UnsetEnvironment")


def run(h):
    with open(h.fmt("{tmp}/vars.env"), "w") as f:
        f.write("X_FILE=file\nX_B=from-file\n")
    h.unit("envm@.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
Environment=X_A=base X_B=base
Environment="X_C=with space" X_A=tmpl
EnvironmentFile=-{tmp}/vars.env
EnvironmentFile=-{tmp}/missing.env
PassEnvironment=HOME PATH HOME
UnsetEnvironment=X_GONE X_C=nope X_GONE
Environment=X_GONE=1
ExecStart=/bin/sh -c 'env | grep ^X_ | sort > {tmp}/env.%i'
""")
    h.dropin("envm@.service", "10-tmpl.conf", """
[Service]
Environment=X_B=dropin X_D=dropin
PassEnvironment=USER HOME
""")
    h.dropin("envm@two.service", "20-inst.conf", """
[Service]
Environment=
Environment=X_E=instance X_A=instance
EnvironmentFile=
UnsetEnvironment=
""")
    h.reload()
    h.show("envm@one.service", *PROPS)
    h.show("envm@two.service", *PROPS)
    r = h.ctl("show", "envm@one.service", "-p", "EnvironmentFiles")
    h.note("EnvironmentFiles lines", r.stdout.replace(h.tmp, "<tmp>"))
    h.ctl("start", "envm@one.service")
    h.file("{tmp}/env.one")
    h.ctl("start", "envm@two.service")
    h.file("{tmp}/env.two")
    r = h.ctl("show", "envm@one.service", "-p", "Environment", "--value")
    h.note("show --value", r.stdout)
