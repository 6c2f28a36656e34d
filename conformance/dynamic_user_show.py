"""What show prints for the settings of the execution environment a unit sets: DynamicUser= (User=
and Group= named after the unit, the sandboxing it implies), *DirectorySymlink= for "path:link"
entries, PAMName=, credentials (unprintable, set or not), SupplementaryGroups=. Nothing is
started: show only."""
PROPS = ("User", "Group", "DynamicUser", "RemoveIPC", "PrivateTmp", "ProtectSystem", "ProtectHome",
         "NoNewPrivileges", "RestrictSUIDSGID", "PAMName", "SupplementaryGroups", "LoadCredential",
         "SetCredential", "RuntimeDirectorySymlink", "RuntimeDirectory", "StateDirectorySymlink",
         "StateDirectory", "RuntimeDirectoryPreserve", "LogsDirectoryMode")


def run(h):
    h.unit("dyn.service", """
[Service]
DynamicUser=yes
PAMName=login
SupplementaryGroups=audio video
SupplementaryGroups=disk
RuntimeDirectory=r1 r2:link2
RuntimeDirectoryPreserve=restart
StateDirectory=s1:sl
LogsDirectoryMode=0750
LoadCredential=x:/etc/hostname
SetCredential=z:value
ExecStart=/bin/true
""")
    h.unit("named.service", """
[Service]
DynamicUser=yes
User=someone
ExecStart=/bin/true
""")
    h.unit("plain.service", """
[Service]
ExecStart=/bin/true
""")
    h.reload()
    h.show("dyn.service", *PROPS)
    h.show("named.service", "User", "Group", "DynamicUser")
    h.show("plain.service", *PROPS)
    r = h.ctl("show", "dyn.service", record=False)
    h.note("show lines about directories", [l for l in r.stdout.splitlines() if "Directory" in l and not l.startswith("WorkingDirectory") and not l.startswith("RootDirectory")])
