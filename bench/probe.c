/*
 * The benchmark's service program, without libsystemd so it builds anywhere:
 *   probe echo   Type=notify + Accept=no: READY=1, then accept on fd 3 and echo one read per connection
 *   probe inetd  Accept=yes with StandardInput=socket: echo one read from stdin to stdout
 *   probe sleep  a simple service that stays up until signalled
 *   probe once   Accept=no, Type=simple: serve one connection on fd 3, then exit 0 (the socket starts it again)
 *   probe crash  like once, but every third process aborts after answering (SIGABRT: a crash to restart from)
 */
#include <signal.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void notify_ready(void) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path) return;
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  size_t n = strlen(path);
  if (n >= sizeof sa.sun_path) return;
  memcpy(sa.sun_path, path, n);
  if (sa.sun_path[0] == '@') sa.sun_path[0] = 0;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
  close(fd);
}

int main(int argc, char **argv) {
  char buf[256];
  if (argc < 2) return 2;
  if (!strcmp(argv[1], "echo")) {
    notify_ready();
    for (;;) {
      int c = accept(3, NULL, NULL);
      if (c < 0) return 1;
      ssize_t r = read(c, buf, sizeof buf);
      if (r > 0) (void)!write(c, buf, (size_t)r);
      close(c);
    }
  }
  if (!strcmp(argv[1], "inetd")) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r > 0) (void)!write(1, buf, (size_t)r);
    return 0;
  }
  if (!strcmp(argv[1], "once") || !strcmp(argv[1], "crash")) {
    int c = accept(3, NULL, NULL);
    if (c < 0) return 1;
    ssize_t r = read(c, buf, sizeof buf);
    if (r > 0) (void)!write(c, buf, (size_t)r);
    close(c);
    if (!strcmp(argv[1], "crash") && getpid() % 3 == 0) abort();
    return 0;
  }
  if (!strcmp(argv[1], "sleep")) {
    for (;;) pause();
  }
  return 2;
}
