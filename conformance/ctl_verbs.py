"""unitkitctl verbs beyond the job verbs, beside systemctl 252: list-unit-files (states, presets,
filters, footer, exit status), the manager environment (set/show/unset-environment, a service
started afterwards sees the variable, systemctl's messages for bad assignments), cat with
instance, template and type-level drop-ins, list-timers with no timers, edit without a tty."""
import os


def run(h):
    h.unit("ck-a.service", """
[Unit]
Description=Writes FOO
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'printenv FOO > {tmp}/foo.out; printenv SPACED >> {tmp}/foo.out'
[Install]
WantedBy=default.target
""")
    h.unit("ck-b.service", """
[Service]
ExecStart=/bin/true
""")
    h.unit("ck-t@.service", """
[Service]
ExecStart=/bin/true
""")
    h.unit("ck-c.target", """
[Unit]
Description=C
[Install]
WantedBy=default.target
""")
    h.dropin("ck-a.service", "10-x.conf", """[Unit]
Documentation=man:ck-a
""")
    h.dropin("ck-t@x.service", "10-inst.conf", "[Unit]\nDescription=inst\n")
    h.dropin("ck-t@.service", "20-tmpl.conf", "\n\n[Unit]\n\nDocumentation=man:tmpl\n\n")
    h.dropin("ck-t@x.service", "45-empty.conf", "")
    h.dropin("ck-t-.service", "30-prefix.conf", "[Unit]\nDescription=prefix\n")
    h.reload()

    def out(step, *args):
        r = h.ctl(*args)
        h.note(step + " stdout", r.stdout)
        h.note(step + " stderr", r.stderr)
        return r

    # list-unit-files
    out("luf", "list-unit-files", "ck-*")
    out("luf state", "list-unit-files", "--state=static", "ck-*")
    out("luf type", "list-unit-files", "--type=target", "--no-legend", "ck-*")
    out("luf two", "list-unit-files", "ck-a.service", "ck-t@.service")
    out("luf none", "list-unit-files", "nomatch-*")
    out("luf none nolegend", "list-unit-files", "--no-legend", "nomatch-*")
    out("luf bad type", "list-unit-files", "--type=bogus")
    out("luf json", "list-unit-files", "-o", "json", "ck-*")
    out("luf json none", "list-unit-files", "-o", "json-pretty", "nomatch-*")
    h.ctl("enable", "ck-a.service")
    out("luf enabled", "list-unit-files", "ck-a*")
    # an alias, a mask, an indirect unit
    h.unit("ck-d.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlias=ck-dd.service\nWantedBy=default.target\n")
    h.unit("ck-e.service", "[Service]\nExecStart=/bin/true\n[Install]\nAlso=ck-d.service\n")
    h.reload()
    h.ctl("enable", "ck-d.service")
    h.ctl("mask", "ck-b.service")
    out("luf states", "list-unit-files", "ck-*")
    out("luf masked", "list-unit-files", "--state=masked,alias", "ck-*")
    h.ctl("unmask", "ck-b.service")

    # the manager environment
    def env_lines(step):
        r = h.ctl("show-environment")
        h.note(step, [l for l in r.stdout.splitlines() if l.split("=", 1)[0] in ("FOO", "SPACED", "QUOTED", "CK_IMPORTED")])

    out("set", "set-environment", "FOO=bar", "SPACED=a b", "QUOTED=it's $x")
    env_lines("env after set")
    h.ctl("start", "ck-a.service")
    h.file("{tmp}/foo.out")
    for bad in ("FOO", "=x", "A-B=1", "1A=2"):
        out("set bad " + bad, "set-environment", bad)
    out("set dup", "set-environment", "A=1", "A=2")
    out("set none", "set-environment")
    out("unset bad", "unset-environment", "A-B")
    out("unset", "unset-environment", "FOO", "SPACED=other")
    env_lines("env after unset")
    out("import", "import-environment", "CK_NOT_SET_ANYWHERE")
    h.ctl("start", "ck-a.service")
    h.file("{tmp}/foo.out")

    # cat with drop-ins
    out("cat a", "cat", "ck-a.service")
    out("cat instance", "cat", "ck-t@x.service")
    out("cat two", "cat", "ck-b.service", "ck-c.target")
    h.dropin("ck-ghost.service", "10-only.conf", "[Unit]\nDescription=only a drop-in\n")
    h.reload()
    out("cat drop-in only", "cat", "ck-ghost.service")
    out("cat missing", "cat", "ck-nope.service", "ck-b.service")
    os.symlink("/dev/null", os.path.join(h.impl.units, "ck-m.service"))
    h.reload()
    out("cat masked", "cat", "ck-m.service", "ck-b.service", "ck-m.service")
    out("edit masked", "edit", "ck-m.service")

    # list-timers, edit
    out("timers", "list-timers", "nomatch-*")
    out("timers all", "list-timers", "--all", "nomatch-*")
    out("timers json", "list-timers", "-o", "json", "nomatch-*")
    out("edit no tty", "edit", "ck-a.service")
