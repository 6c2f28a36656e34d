/*
 * Terminals for StandardInput=tty*, StandardOutput=tty (terminal.c): what the vfork child does to
 * the terminal of TTYPath= before it takes it (TTYReset=, TTYVHangup=, TTYVTDisallocate=), and
 * taking it as the controlling terminal. Only syscalls and glibc's thin termios wrappers: the
 * child shares the manager's memory until execve().
 */
#ifndef UNITKIT_TERMINAL_H
#define UNITKIT_TERMINAL_H

#include <stdbool.h>

typedef struct {
  bool reset, vhangup, vt_disallocate;
  int rows, columns; /* TTYRows=/TTYColumns=, -1 when unset */
} uk_terminal_reset;

/* Best effort, as systemd's exec_context_tty_reset(): a step that fails is skipped. */
void uk_terminal_prepare(const char *path, const uk_terminal_reset *r);

/*
 * Opens `path` read-write and makes it the caller's controlling terminal (the caller leads a new
 * session); `force` takes it from another session. Returns the fd, or -1 with errno set.
 */
int uk_terminal_acquire(const char *path, bool force);

/* TTYRows=/TTYColumns= on an open terminal (best effort, as systemd's terminal_set_size_fd()). */
void uk_terminal_set_size(int fd, const uk_terminal_reset *r);

#endif
