"""StandardInput=/StandardOutput=/StandardError=fd:NAME: a stream connected to a named fd of
Sockets= (FileDescriptorName=, by default the socket unit's name), output inheriting a named
input; each fd serves one stream only, so a name used twice with one fd — or a name that is not
there — fails the start with "resources" before anything runs."""
PROPS = ("StandardInput", "StandardInputFileDescriptorName", "StandardOutput", "StandardOutputFileDescriptorName",
         "StandardError", "StandardErrorFileDescriptorName", "Result", "ExecMainCode")


def run(h):
    h.unit("nfd.socket", """
[Socket]
ListenStream={tmp}/nfd.sock
FileDescriptorName=myfd
Service=nfd-in.service
""")
    h.unit("nfd-plain.socket", """
[Socket]
ListenStream={tmp}/nfd-plain.sock
Service=nfd-in.service
""")
    h.unit("nfd-in.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
Sockets=nfd.socket nfd-plain.socket
StandardInput=fd:myfd
StandardError=fd:nfd-plain.socket
ExecStart=/bin/sh -c 'for f in 0 1 2; do readlink /proc/self/fd/$f | cut -c1-7; done > {tmp}/in'
""")
    h.unit("nfd-twice.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
Sockets=nfd.socket
StandardInput=fd:myfd
StandardError=fd:myfd
ExecStart=/bin/true
""")
    h.unit("nfd-missing.service", """
[Service]
Type=oneshot
RemainAfterExit=yes
Sockets=nfd.socket
StandardInput=fd
ExecStart=/bin/true
""")
    h.reload()
    h.ctl("start", "nfd.socket", "nfd-plain.socket")
    h.show("nfd.socket", "ActiveState", "Result")
    for u in ("nfd-in", "nfd-twice", "nfd-missing"):
        h.ctl("start", f"{u}.service")
        h.show(f"{u}.service", *PROPS)
    h.file("{tmp}/in")
