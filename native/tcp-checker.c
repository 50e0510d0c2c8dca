/*
 * nlbkit-tcp-checker: TCP connect checks for the health monitor, many at once, in one epoll loop.
 * Why a helper: on this kind of machine a Node net.connect + resetAndDestroy costs several times the
 * kernel's own work per check; this loop does only the syscalls a check needs (socket, connect,
 * epoll_ctl, getsockopt, setsockopt SO_LINGER 0, close).
 *
 * stdin, one request a line:   <id> <address> <port> <timeout ms>\n   (IPv4 or IPv6 literal)
 * stdout, one result a line:   <id> <code>\n   0 = connected, -1 = timed out, else the errno
 * A connected socket is closed with a RST (SO_LINGER 0): no FIN exchange, no TIME_WAIT.
 * The process exits when stdin ends. Cancelling is the caller's business (it ignores late results).
 * Build: cc -O2 -o native/build/nlbkit-tcp-checker native/tcp-checker.c (npm run build:native).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE 256
#define MAX_EVENTS 256

struct check {
  unsigned long long id;
  long long deadline_ms;
  int fd;
};

static struct check *active; /* checks in flight, unordered */
static size_t n_active, cap_active;
static size_t *slot_of_fd; /* fd -> index in active, so an event finds its check in O(1) */
static size_t cap_fd;
static char out[1 << 16];
static size_t out_len;

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void flush_out(void) {
  size_t off = 0;
  while (off < out_len) {
    ssize_t w = write(1, out + off, out_len - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      exit(1); /* the parent is gone */
    }
    off += (size_t)w;
  }
  out_len = 0;
}

static void report(unsigned long long id, int code) {
  if (out_len + 48 > sizeof out) flush_out();
  out_len += (size_t)snprintf(out + out_len, sizeof out - out_len, "%llu %d\n", id, code);
}

static void finish(size_t i, int code, int reset) {
  struct check *c = &active[i];
  if (reset) {
    struct linger l = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  close(c->fd); /* also leaves the epoll set */
  report(c->id, code);
  slot_of_fd[c->fd] = (size_t)-1;
  active[i] = active[--n_active];
  if (i < n_active) slot_of_fd[active[i].fd] = i;
}

static size_t find_fd(int fd) {
  return (size_t)fd < cap_fd ? slot_of_fd[fd] : (size_t)-1;
}

static void start(int ep, const char *line) {
  unsigned long long id;
  char addr[64];
  unsigned port;
  long timeout;
  if (sscanf(line, "%llu %63s %u %ld", &id, addr, &port, &timeout) != 4) return;
  struct sockaddr_storage sa;
  socklen_t len;
  memset(&sa, 0, sizeof sa);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sa;
  if (port == 0 || port > 65535 || timeout <= 0) return report(id, EINVAL);
  if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((unsigned short)port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((unsigned short)port);
    len = sizeof *v6;
  } else {
    return report(id, EINVAL);
  }
  int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return report(id, errno);
  if (n_active == cap_active) {
    cap_active = cap_active ? cap_active * 2 : 256;
    active = realloc(active, cap_active * sizeof *active);
    if (!active) exit(3);
  }
  if ((size_t)fd >= cap_fd) {
    size_t old = cap_fd;
    cap_fd = (size_t)fd * 2 + 64;
    slot_of_fd = realloc(slot_of_fd, cap_fd * sizeof *slot_of_fd);
    if (!slot_of_fd) exit(3);
    for (size_t j = old; j < cap_fd; j++) slot_of_fd[j] = (size_t)-1;
  }
  slot_of_fd[fd] = n_active;
  active[n_active] = (struct check){id, now_ms() + timeout, fd};
  n_active++;
  if (connect(fd, (struct sockaddr *)&sa, len) == 0) return finish(n_active - 1, 0, 1);
  if (errno != EINPROGRESS) return finish(n_active - 1, errno, 0);
  struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) finish(n_active - 1, errno, 0);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  /* Each check in flight holds a socket here, not in the monitor: allow as many as the hard limit. */
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return 2;
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  struct epoll_event in = {.events = EPOLLIN, .data.fd = 0};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in) < 0) return 2;
  static char buf[1 << 16];
  size_t have = 0;
  int input_open = 1;
  struct epoll_event evs[MAX_EVENTS];
  while (input_open || n_active > 0) {
    long long now = now_ms(), wait = -1;
    for (size_t i = 0; i < n_active; i++) {
      long long left = active[i].deadline_ms - now;
      if (left < 0) left = 0;
      if (wait < 0 || left < wait) wait = left;
    }
    if (out_len) flush_out();
    int n = epoll_wait(ep, evs, MAX_EVENTS, (int)wait);
    if (n < 0 && errno != EINTR) return 2;
    for (int k = 0; k < n; k++) {
      int fd = evs[k].data.fd;
      if (fd == 0) {
        for (;;) {
          ssize_t r = read(0, buf + have, sizeof buf - have);
          if (r == 0) {
            input_open = 0;
            epoll_ctl(ep, EPOLL_CTL_DEL, 0, NULL);
            break;
          }
          if (r < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN) input_open = 0;
            break;
          }
          have += (size_t)r;
          size_t from = 0;
          for (size_t j = 0; j < have; j++) {
            if (buf[j] != '\n') continue;
            buf[j] = 0;
            if (j - from < MAX_LINE) start(ep, buf + from);
            from = j + 1;
          }
          memmove(buf, buf + from, have - from);
          have -= from;
          if (have == sizeof buf) have = 0; /* an endless line: drop it */
        }
        continue;
      }
      size_t i = find_fd(fd);
      if (i == (size_t)-1) continue;
      /* EPOLLOUT alone is a completed connect; only a failure (EPOLLERR) needs getsockopt for its errno. */
      int err = 0;
      if (evs[k].events & (EPOLLERR | EPOLLHUP)) {
        socklen_t el = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0) err = errno;
        if (err == 0) err = ECONNRESET;
      }
      finish(i, err, err == 0);
    }
    /* Deadlines are judged only after the ready events are taken (a full batch means more may be
     * waiting: judge next turn), so a connect that completed while this process waited for a CPU
     * is reported as the success it was, not as a timeout. */
    if (n < MAX_EVENTS) {
      now = now_ms();
      for (size_t i = 0; i < n_active;) {
        if (active[i].deadline_ms <= now) finish(i, -1, 0); /* swaps the last entry into i */
        else i++;
      }
    }
    if (!input_open) {
      /* Nobody is listening any more: drop what is in flight and go. */
      while (n_active > 0) finish(n_active - 1, -1, 0);
    }
  }
  flush_out();
  return 0;
}
