/* A socket-activated daemon for the tests: takes its fds with libsystemd's sd_listen_fds_with_names()
 * and prints one line per fd ("3 name stream listening unix" …), then LISTEN_* after the call. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

int main(void) {
  char **names = NULL;
  int n = sd_listen_fds_with_names(1, &names);
  if (n < 0) { printf("error %d\n", n); return 1; }
  printf("n %d\n", n);
  for (int i = 0; i < n; i++) {
    int fd = SD_LISTEN_FDS_START + i;
    const char *type = sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, -1) > 0 ? "stream"
      : sd_is_socket(fd, AF_UNSPEC, SOCK_SEQPACKET, -1) > 0 ? "seqpacket"
      : sd_is_socket(fd, AF_UNSPEC, SOCK_DGRAM, -1) > 0 ? "dgram"
      : sd_is_fifo(fd, NULL) > 0 ? "fifo" : "other";
    const char *family = sd_is_socket(fd, AF_UNIX, 0, -1) > 0 ? "unix"
      : sd_is_socket_inet(fd, AF_INET, 0, -1, 0) > 0 ? "inet"
      : sd_is_socket_inet(fd, AF_INET6, 0, -1, 0) > 0 ? "inet6" : "-";
    const char *listening = sd_is_socket(fd, AF_UNSPEC, 0, 1) > 0 ? "listening" : "-";
    printf("%d %s %s %s %s\n", fd, names[i], type, listening, family);
  }
  printf("unset %s\n", getenv("LISTEN_FDS") ? "no" : "yes");
  return 0;
}
