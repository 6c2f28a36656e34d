"""StandardInputText= and StandardInputData=: one buffer in the order of the assignments (C escapes
as bytes, specifiers, a newline per text line, base64 with blanks), implied StandardInput=data, an
empty assignment emptying it, bad lines ignored; what the process reads on fd 0 (a sealed memory
file named data-fd) and what `show` prints."""


def run(h):
    h.unit("stdin-data.service", r"""
[Service]
Type=oneshot
RemainAfterExit=yes
StandardInputText=dropped
StandardInputData=
StandardInputText=hello %n
StandardInputData=Zm9v  Cg==
StandardInputData=!!!
StandardInputText=bad \q
StandardInputText=ok\xe9\u00e9\ttab
ExecStart=/bin/sh -c 'readlink /proc/self/fd/0 > {tmp}/out; od -An -c >> {tmp}/out'
""")
    h.unit("stdin-empty.service", """
[Service]
Type=oneshot
StandardInput=data
ExecStart=/bin/sh -c 'readlink /proc/self/fd/0 > {tmp}/empty'
""")
    h.reload()
    h.ctl("start", "stdin-data.service")
    h.show("stdin-data.service", "StandardInput", "StandardInputData", "StandardOutput", "ActiveState", "Result")
    h.file("{tmp}/out")
    h.ctl("start", "stdin-empty.service")
    h.show("stdin-empty.service", "StandardInput", "StandardInputData", "Result")
    h.file("{tmp}/empty")
