/*
 * unitkitd-launcher: binds systemd's private bus socket, then execs the manager (Node) in place.
 *
 * Why: Node needs ~100 ms before the manager's first line runs, and systemctl, started in the
 * same instant as the manager (a container's entrypoint, a test harness, a unit's ExecStartPost=),
 * fails at once with "Failed to connect to bus" when the socket does not exist yet. With the
 * socket bound and listening from the first millisecond, its connect() succeeds and waits in the
 * backlog until the manager accepts, as clients of a socket-activated daemon do.
 *
 * Usage: unitkitd-launcher PROGRAM [ARGS…] — every argument is the manager's command line (node,
 * its flags, the script, the daemon's options), which is only scanned for the options that decide
 * where the manager's bus is (--user, --system, --unit-path=, --runtime-dir=, --help, --deserialize=).
 * The listening fd is handed over in $UNITKIT_BUS_FD; the manager checks that it is bound where it
 * would bind the socket itself (so a disagreement here costs the head start, never the socket).
 * Anything that goes wrong here only skips the head start: the manager then binds the socket itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* mkdir -p of the socket's parent directory, as the manager does (mode 0755). */
static void make_parents(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    (void)mkdir(path, 0755);
    *p = '/';
  }
}

/* True when something answers on the socket node: another manager owns it, leave it alone. */
static int socket_is_live(const struct sockaddr_un *addr) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 1;
  int live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0 || errno != ECONNREFUSED;
  close(fd);
  return live;
}

/* Binds and listens on `path`; returns the fd (inheritable, i.e. without FD_CLOEXEC) or -1. */
static int bind_private_socket(const char *path) {
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(path) >= sizeof(addr.sun_path)) return -1;
  strcpy(addr.sun_path, path);
  char parents[sizeof(addr.sun_path)];
  strcpy(parents, path);
  make_parents(parents);
  if (access(path, F_OK) == 0) {
    if (socket_is_live(&addr)) return -1;
    (void)unlink(path);
  }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  /* Only the manager's own user may connect; systemctl checks the socket's owner, others read later. */
  mode_t old = umask(0177);
  int bound = bind(fd, (const struct sockaddr *)&addr, sizeof(addr));
  umask(old);
  if (bound < 0 || listen(fd, SOMAXCONN) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: unitkitd-launcher PROGRAM [ARGS...]\n");
    return 2;
  }
  /* The daemon's own rule (daemon-options.ts): --system by default for root, the last flag wins. */
  int system = geteuid() == 0, help = 0, as_init = 0;
  /* Without a unit path or runtime directory the manager runs the bundled examples on a bus of
   * their own (daemon-options.ts): the session's real socket is never bound for them. */
  int examples = !getenv("UNITKIT_UNIT_PATH") && !getenv("UNITKIT_RUNTIME_DIR");
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--user") == 0) system = 0;
    else if (strcmp(argv[i], "--system") == 0) system = 1;
    else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) help = 1;
    else if (strncmp(argv[i], "--deserialize=", 14) == 0) help = 1; /* a re-exec brings its own socket */
    else if (strncmp(argv[i], "--unit-path=", 12) == 0 || strncmp(argv[i], "--runtime-dir=", 14) == 0) examples = 0;
    else if (strcmp(argv[i], "--as-init") == 0) as_init = 1;
  }
  const char *runtime = getenv("XDG_RUNTIME_DIR");
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  int have_path = 0;
  /* A system manager takes the host's path only as the machine's manager (PID 1, or --as-init);
   * any other binds its own in its runtime directory, from Node. */
  if (system) {
    if (getpid() == 1 || as_init) have_path = snprintf(path, sizeof(path), "/run/systemd/private") < (int)sizeof(path);
  } else if (runtime && runtime[0] == '/') have_path = snprintf(path, sizeof(path), "%s/systemd/private", runtime) < (int)sizeof(path);
  unsetenv("UNITKIT_BUS_FD"); /* never a stale value from the environment we were started in */
  if (!help && !examples && have_path) {
    int fd = bind_private_socket(path);
    char value[16];
    if (fd >= 0) {
      snprintf(value, sizeof(value), "%d", fd);
      setenv("UNITKIT_BUS_FD", value, 1);
    }
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "unitkitd-launcher: cannot execute %s: %s\n", argv[1], strerror(errno));
  return 127;
}
