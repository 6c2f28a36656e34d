/*
 * The baseline: spawn-and-reap of one program in a loop with posix_spawn() and waitpid(), for a
 * given time. Prints "<count> <elapsed seconds>". Compiled by run.mjs on every run.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) return 64;
  const char *program = argv[1];
  double seconds = atof(argv[2]);
  char *child_argv[] = {(char *)program, NULL};
  long count = 0;
  double start = now(), elapsed;
  do {
    pid_t pid;
    if (posix_spawn(&pid, program, NULL, NULL, child_argv, environ) != 0) return 1;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 2;
    count++;
    elapsed = now() - start;
  } while (elapsed < seconds);
  printf("%ld %f\n", count, elapsed);
  return 0;
}
