/*
 * See terminal.h. The settings TTYReset= restores are the line discipline's usual defaults (what
 * `stty sane` gives): canonical input with echo, ^C/^\/^Z signals, CR→NL on input, NL→CRLF on
 * output, UTF-8 erase.
 */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void reset_line_settings(int fd) {
  (void)ioctl(fd, TIOCNXCL); /* exclusive mode off: others may open it again */
  struct termios t;
  if (tcgetattr(fd, &t) < 0) return;
  t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | IUCLC);
  t.c_iflag |= ICRNL | IMAXBEL | IUTF8;
  t.c_oflag |= ONLCR | OPOST;
  t.c_cflag |= CREAD;
  t.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
  static const struct { int index; cc_t value; } keys[] = {
    {VINTR, 003}, {VQUIT, 034}, {VERASE, 0177}, {VKILL, 025}, {VEOF, 004}, {VSTART, 021}, {VSTOP, 023},
    {VSUSP, 032}, {VLNEXT, 026}, {VWERASE, 027}, {VREPRINT, 022}, {VEOL, 0}, {VEOL2, 0}, {VTIME, 0}, {VMIN, 1},
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) t.c_cc[keys[i].index] = keys[i].value;
  (void)tcsetattr(fd, TCSANOW, &t);
  (void)tcflush(fd, TCIOFLUSH);
}

/* The number N of a virtual console /dev/ttyN, or 0 when `path` is not one. */
static int vt_number(const char *path) {
  if (strncmp(path, "/dev/tty", 8) != 0 || path[8] < '1' || path[8] > '9') return 0;
  int n = 0;
  for (const char *c = path + 8; *c; c++) {
    if (*c < '0' || *c > '9' || n > 1000) return 0;
    n = n * 10 + (*c - '0');
  }
  return n;
}

static void disallocate_vt(const char *path) {
  int n = vt_number(path);
  if (!n) return;
  int fd = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd >= 0) {
    int done = ioctl(fd, VT_DISALLOCATE, n) == 0;
    close(fd);
    if (done) return;
  }
  /* In use (the foreground console): clear it and its scrollback instead. */
  fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return;
  static const char clear[] = "\033[r\033[H\033[3J";
  (void)!write(fd, clear, sizeof clear - 1);
  close(fd);
}

void uk_terminal_prepare(const char *path, const uk_terminal_reset *r) {
  int saved = errno;
  if (r->vhangup || r->reset) {
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
      if (r->vhangup) (void)ioctl(fd, TIOCVHANGUP);
      close(fd);
    }
    /* After a hangup the old fd is dead: reset through a new one. */
    if (r->reset && (fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)) >= 0) {
      reset_line_settings(fd);
      close(fd);
    }
  }
  if (r->vt_disallocate) disallocate_vt(path);
  errno = saved;
}

int uk_terminal_acquire(const char *path, bool force) {
  int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (ioctl(fd, TIOCSCTTY, force ? 1 : 0) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

void uk_terminal_set_size(int fd, const uk_terminal_reset *r) {
  if (r->rows < 0 && r->columns < 0) return;
  int saved = errno;
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
    if (r->rows >= 0) ws.ws_row = (unsigned short)r->rows;
    if (r->columns >= 0) ws.ws_col = (unsigned short)r->columns;
    (void)ioctl(fd, TIOCSWINSZ, &ws);
  }
  errno = saved;
}
