{
  "targets": [
    {
      "target_name": "unitkit_native",
      "sources": [
        "csrc/addon.c",
        "csrc/errors.c",
        "csrc/fdops.c",
        "csrc/process.c",
        "csrc/sockaddr.c",
        "csrc/sockets.c",
        "csrc/sockinfo.c",
        "csrc/files.c",
        "csrc/poll.c",
        "csrc/reaper.c",
        "csrc/spawn.c",
        "csrc/notify.c",
        "csrc/unixmsg.c",
        "csrc/exec.c",
        "csrc/users.c",
        "csrc/mounts.c",
        "csrc/inotify.c",
        "csrc/privileges.c",
        "csrc/seccomp.c",
        "csrc/namespaces.c",
        "csrc/terminal.c",
        "csrc/signals.c",
        "csrc/utmp.c"
      ],
      "defines": ["_GNU_SOURCE", "NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "libraries": ["-lrt", "<!@(pkg-config --libs libseccomp)"],
      "cflags": ["<!@(pkg-config --cflags libseccomp)"]
    },
    {
      "target_name": "unitkitd-launcher",
      "type": "executable",
      "sources": ["csrc/launcher/unitkitd-launcher.c"],
      "defines": ["_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
