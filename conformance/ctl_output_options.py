"""unitkitctl's output options beside systemctl's (targets only, no service plugin needed):
-o json/json-pretty/json-seq/json-sse tables, --plain list-units and list-dependencies,
--legend=/-q, -o on verbs that ignore it, -P, abbreviated long options, and the exit status of
bad option values (stderr is not compared: the program name differs)."""
def run(h):
    h.unit("oa.target", """
[Unit]
Description=Output A
Wants=ob.target
""")
    h.unit("ob.target", """
[Unit]
Description=Output B
Wants=oc.target
""")
    h.unit("oc.target", """
[Unit]
Description=Output C
""")
    h.reload()
    h.ctl("start", "oa.target")
    for args in (["list-units", "-o", "json", "o?.target"],
                 ["list-units", "--output=json-pretty", "o?.target"],
                 ["list-units", "-ojson-seq", "oa.target"],
                 ["list-units", "-o", "json-sse", "oa.target"],
                 ["list-units", "-o", "json", "--all", "nomatch*"],
                 ["list-units", "-o", "json-pretty", "nomatch*"],
                 ["list-units", "-o", "short", "--no-legend", "o?.target"],
                 ["list-units", "--plain", "--no-legend", "o?.target"],
                 ["list-units", "--legend=no", "o?.target"],
                 ["list-units", "-q", "o?.target"],
                 ["list-units", "--no-leg", "oa.target"],
                 ["list-dependencies", "--plain", "oa.target"],
                 ["list-dependencies", "-o", "json", "oa.target"],
                 ["list-dependencies", "--plain", "--reverse", "oc.target"],
                 ["show", "-o", "json", "-p", "Id", "oa.target"],
                 ["show", "-P", "Description", "oa.target"],
                 ["show", "--prop=Id", "--val", "ob.target"],
                 ["is-active", "-o", "json", "oa.target"]):
        r = h.ctl(*args)
        h.note(" ".join(args), r.stdout)
    h.ctl("list-units", "-o", "fancy")
    h.ctl("list-units", "--legend=maybe")
    h.ctl("show", "--p", "Id", "oa.target")
    h.ctl("show", "oa.target", "--property")
    h.ctl("--user=1", "show", "oa.target")
    h.ctl("-z", "list-units")
    h.ctl("--kill-value=1", "list-units")
