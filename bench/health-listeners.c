/*
 * The health bench's TCP listeners: many real listening sockets in one epoll loop that accept and
 * close, so the backends cost little CPU and the bench measures the monitor, not them.
 * stdin: "L <address> <port>" listens (index = order), "R" answers "ready"; "D <index>" closes one,
 * "S" answers "down". Exits when stdin ends. Built by bench/health-procs.ts with cc.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int *fds;
static size_t n_fds, cap_fds;

static void command(int ep, char *line) {
  char addr[64];
  unsigned port;
  size_t idx;
  if (sscanf(line, "L %63s %u", addr, &port) == 2) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) exit(4);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1024) < 0) {
      fprintf(stderr, "listen %s:%u: %s\n", addr, port, strerror(errno));
      exit(2);
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    if (n_fds == cap_fds) {
      cap_fds = cap_fds ? cap_fds * 2 : 1024;
      fds = realloc(fds, cap_fds * sizeof *fds);
    }
    fds[n_fds++] = fd;
  } else if (sscanf(line, "D %zu", &idx) == 1 && idx < n_fds && fds[idx] >= 0) {
    close(fds[idx]);
    fds[idx] = -1;
  } else if (line[0] == 'R') {
    write(1, "ready\n", 6);
  } else if (line[0] == 'S') {
    write(1, "down\n", 5);
  }
}

int main(void) {
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event in = {.events = EPOLLIN, .data.fd = 0};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);
  static char buf[1 << 16];
  size_t have = 0;
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int k = 0; k < n; k++) {
      int fd = evs[k].data.fd;
      if (fd != 0) {
        for (int c; (c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0;) close(c);
        continue;
      }
      ssize_t r = read(0, buf + have, sizeof buf - have);
      if (r <= 0) return 0;
      have += (size_t)r;
      size_t from = 0;
      for (size_t j = 0; j < have; j++) {
        if (buf[j] != '\n') continue;
        buf[j] = 0;
        command(ep, buf + from);
        from = j + 1;
      }
      memmove(buf, buf + from, have - from);
      have -= from;
    }
  }
}
