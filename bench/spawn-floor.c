/*
 * The physical floor beside activation_ms and accept_ms: spawn + exec + reap of the bench's own
 * service program (`probe inetd`, stdin /dev/null: it reads EOF and exits) in a C loop, no manager
 * involved. Usage: spawn-floor PROBE COUNT; prints the median milliseconds of one cycle.
 * Compiled by bench.py on every run.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) return 64;
  long n = atol(argv[2]);
  if (n < 1) return 64;
  double *ms = calloc((size_t)n, sizeof *ms);
  if (!ms) return 1;
  char *child_argv[] = {argv[1], "inetd", NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  for (long i = 0; i < n; i++) {
    double t = now_ms();
    pid_t pid;
    if (posix_spawn(&pid, argv[1], &fa, NULL, child_argv, environ) != 0) return 1;
    int status;
    if (waitpid(pid, &status, 0) != pid) return 2;
    ms[i] = now_ms() - t;
  }
  qsort(ms, (size_t)n, sizeof *ms, cmp);
  printf("%.3f\n", ms[n / 2]);
  return 0;
}
