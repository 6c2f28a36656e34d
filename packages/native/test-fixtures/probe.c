/*
 * Test helper, compiled by the test run (never committed as a binary). It reports, from inside a
 * spawned child, what the manager set up: `probe report` prints one JSON object; `probe notify`
 * sends an sd_notify datagram (passing fd 0 along); `probe orphan` forks a grandchild that
 * outlives it and prints the grandchild's pid.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *kind(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) return "closed";
  if (S_ISSOCK(st.st_mode)) return "socket";
  if (S_ISFIFO(st.st_mode)) return "fifo";
  if (S_ISREG(st.st_mode)) return "regular";
  if (S_ISCHR(st.st_mode)) return "char";
  return "other";
}

static void status_field(const char *name, char *out, size_t size) {
  FILE *f = fopen("/proc/self/status", "re");
  char line[256];
  out[0] = 0;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, name, strlen(name))) {
      const char *p = line + strlen(name);
      while (*p == '\t' || *p == ' ') p++;
      snprintf(out, size, "%s", p);
      out[strcspn(out, " \t\n")] = 0;
    }
  if (f) fclose(f);
}

static int report(void) {
  const char *lp = getenv("LISTEN_PID"), *lf = getenv("LISTEN_FDS"), *ln = getenv("LISTEN_FDNAMES");
  int n = lf ? atoi(lf) : 0;
  printf("{\"pid\":%d,\"ppid\":%d,\"sid\":%d,\"pgid\":%d", getpid(), getppid(), getsid(0), getpgid(0));
  printf(",\"listenPid\":%s%s%s", lp ? "\"" : "", lp ? lp : "null", lp ? "\"" : "");
  printf(",\"listenFds\":%s%s%s", lf ? "\"" : "", lf ? lf : "null", lf ? "\"" : "");
  printf(",\"listenFdNames\":%s%s%s", ln ? "\"" : "", ln ? ln : "null", ln ? "\"" : "");
  printf(",\"fds\":[");
  for (int i = 0; i < n; i++) {
    int fd = 3 + i, type = 0, family = 0, listening = 0;
    socklen_t l = sizeof type;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l);
    l = sizeof family;
    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &l);
    l = sizeof listening;
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &l);
    int flags = fcntl(fd, F_GETFD);
    printf("%s{\"fd\":%d,\"kind\":\"%s\",\"type\":%d,\"family\":%d,\"listening\":%s,\"cloexec\":%s}", i ? "," : "", fd,
           kind(fd), type, family, listening ? "true" : "false", flags >= 0 && (flags & FD_CLOEXEC) ? "true" : "false");
  }
  printf("],\"open\":[");
  DIR *d = opendir("/proc/self/fd");
  int self = dirfd(d), first = 1;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.' && atoi(e->d_name) != self) {
      printf("%s%s", first ? "" : ",", e->d_name);
      first = 0;
    }
  closedir(d);
  char sigblk[64], sigign[64], cwd[512];
  status_field("SigBlk:", sigblk, sizeof sigblk);
  status_field("SigIgn:", sigign, sizeof sigign);
  if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "?");
  mode_t um = umask(0);
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  gid_t groups[64];
  int ng = getgroups(64, groups);
  printf("],\"sigBlk\":\"%s\",\"sigIgn\":\"%s\",\"cwd\":\"%s\",\"umask\":%u,\"uid\":%u,\"gid\":%u,\"groups\":[", sigblk,
         sigign, cwd, (unsigned)um, getuid(), getgid());
  for (int i = 0; i < ng; i++) printf("%s%u", i ? "," : "", groups[i]);
  printf("],\"nofile\":[%llu,%llu]", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  char cg[512] = "";
  FILE *f = fopen("/proc/self/cgroup", "re");
  char line[512];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "0::", 3)) {
      snprintf(cg, sizeof cg, "%s", line + 3);
      cg[strcspn(cg, "\n")] = 0;
    }
  if (f) fclose(f);
  printf(",\"cgroup\":\"%s\"}\n", cg);
  return 0;
}

static int notify(void) {
  const char *addr = getenv("NOTIFY_SOCKET");
  if (!addr) return 2;
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  size_t len = strlen(addr);
  strncpy(un.sun_path, addr, sizeof un.sun_path - 1);
  if (addr[0] == '@') un.sun_path[0] = 0;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const char *msg = "READY=1\nSTATUS=probe ready";
  struct iovec iov = {.iov_base = (void *)msg, .iov_len = strlen(msg)};
  union {
    struct cmsghdr align;
    char data[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr mh = {.msg_name = &un,
                      .msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (addr[0] == '@' ? 0 : 1)),
                      .msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = &control,
                      .msg_controllen = sizeof control};
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int pass = 0;
  memcpy(CMSG_DATA(c), &pass, sizeof pass);
  if (sendmsg(fd, &mh, 0) < 0) {
    perror("sendmsg");
    return 1;
  }
  return 0;
}

static int orphan(void) {
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    usleep(150 * 1000);
    _exit(7);
  }
  printf("%d\n", pid);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return 64;
  if (!strcmp(argv[1], "report")) return report();
  if (!strcmp(argv[1], "notify")) return notify();
  if (!strcmp(argv[1], "orphan")) return orphan();
  return 64;
}
