/* The same echo service in C, taking its sockets with libsystemd's sd_listen_fds():
 *   cc -o echo-server echo-server.c -lsystemd
 * and point echo.service at it (see README.md). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

int main(void) {
  int n = sd_listen_fds(1);
  if (n < 1) { fprintf(stderr, "echo-server: start me through echo.socket\n"); return 1; }
  struct pollfd p[8];
  for (int i = 0; i < n && i < 8; i++) { p[i].fd = SD_LISTEN_FDS_START + i; p[i].events = POLLIN; }
  sd_notifyf(0, "READY=1\nSTATUS=echoing on %d sockets (C)", n);
  for (;;) {
    if (poll(p, n, -1) < 0) { if (errno == EINTR) continue; return 1; }
    for (int i = 0; i < n; i++) {
      if (!(p[i].revents & POLLIN)) continue;
      int c = accept(p[i].fd, NULL, NULL);
      if (c < 0) continue;
      char b[4096];
      ssize_t r;
      while ((r = read(c, b, sizeof b)) > 0) if (write(c, b, (size_t)r) != r) break;
      close(c);
    }
  }
}
