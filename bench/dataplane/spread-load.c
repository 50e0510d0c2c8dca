/*
 * spread-load: an HTTP/1.1 load generator that opens a new TCP connection for every request and picks
 * the target per connection, in turn over all targets it is given.
 *
 * Why it exists: wrk aims each thread at one address, so the bench's `direct x3` baseline pairs client i
 * with backend i, while through any load balancer every client's connections spread over all backends
 * (more cross-core wakeups, colder caches). With this client the direct path spreads the same way.
 *
 * Usage: spread-load [--keep-alive] SECONDS CONNECTIONS OFFSET HOST:PORT [HOST:PORT ...]
 * Prints one JSON line: requests, seconds, p50/p99 (ms), errors (connect, read, timeout, status).
 * Single-threaded, epoll, non-blocking sockets; a request is done when the whole response (by
 * Content-Length) has arrived, then the client closes, as wrk does with `Connection: close`.
 * With --keep-alive each connection stays open and sends its next request as soon as the answer is in
 * (as wrk does by default): the target is still chosen per connection, so the connections of every
 * process spread over all targets the way a load balancer spreads them when they open.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_TARGETS 16
#define MAX_CONNS 4096
#define BUF 4096
#define TIMEOUT_NS 2000000000LL

struct conn {
  int fd;
  int connected;
  long long started;
  size_t got;
  char buf[BUF];
};

static struct sockaddr_in targets[MAX_TARGETS];
static int ntargets;
static unsigned next_target;
static int ep;
static unsigned long long requests, err_connect, err_read, err_timeout, err_status;
static unsigned *lat_us;
static size_t nlat, caplat;
static const char close_request[] = "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
static const char keep_request[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
static const char *request = close_request;
static size_t request_len = sizeof close_request - 1;
static int keep_alive;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

static void record(long long ns) {
  if (nlat == caplat) {
    caplat = caplat ? caplat * 2 : 1 << 16;
    lat_us = realloc(lat_us, caplat * sizeof *lat_us);
    if (!lat_us) die("realloc");
  }
  lat_us[nlat++] = (unsigned)(ns / 1000);
}

/* Opens c's next connection to the next target in turn; failures count and retry on the next tick. */
static void open_conn(struct conn *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) die("socket");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->connected = 0;
  c->got = 0;
  c->started = now_ns();
  struct sockaddr_in *t = &targets[next_target++ % ntargets];
  if (connect(c->fd, (struct sockaddr *)t, sizeof *t) < 0 && errno != EINPROGRESS) {
    err_connect++;
    close(c->fd);
    c->fd = -1;
    return;
  }
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.ptr = c};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
}

static void finish(struct conn *c) {
  close(c->fd); /* also removes it from the epoll set */
  c->fd = -1;
}

/* True once buf holds a whole response; *ok says whether its status is 2xx/3xx. */
static int complete(struct conn *c, int *ok) {
  c->buf[c->got] = '\0';
  char *end = strstr(c->buf, "\r\n\r\n");
  if (!end) return 0;
  size_t head = (size_t)(end - c->buf) + 4;
  size_t length = 0;
  for (char *line = strstr(c->buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "Content-Length:", 15) == 0) length = strtoul(line + 17, NULL, 10);
  }
  if (c->got < head + length) return 0;
  *ok = strncmp(c->buf, "HTTP/1.1 2", 10) == 0 || strncmp(c->buf, "HTTP/1.1 3", 10) == 0;
  return 1;
}

static void on_event(struct conn *c, unsigned events, long long deadline) {
  if (!c->connected) {
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr != 0 || (events & (EPOLLERR | EPOLLHUP))) {
      err_connect++;
      finish(c);
      return;
    }
    c->connected = 1;
    if (write(c->fd, request, request_len) != (ssize_t)request_len) {
      err_connect++;
      finish(c);
      return;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
    return;
  }
  for (;;) {
    ssize_t n = read(c->fd, c->buf + c->got, BUF - 1 - c->got);
    if (n > 0) {
      c->got += (size_t)n;
      int ok = 0;
      if (complete(c, &ok)) {
        long long t = now_ns();
        if (t <= deadline) {
          if (ok) {
            requests++;
            record(t - c->started);
          } else {
            err_status++;
          }
        }
        /* Keep-alive: the same connection asks again at once (until the deadline). */
        if (keep_alive && ok && t < deadline) {
          c->got = 0;
          c->started = t;
          if (write(c->fd, request, request_len) == (ssize_t)request_len) return;
          err_read++;
        }
        finish(c);
        return;
      }
      if (c->got >= BUF - 1) {
        err_read++;
        finish(c);
        return;
      }
      continue;
    }
    if (n < 0 && errno == EAGAIN) return;
    /* A kept-alive connection the server closed between requests is reopened, not an error. */
    if (!(n == 0 && keep_alive && c->got == 0)) err_read++; /* reset, or closed mid-response */
    finish(c);
    return;
  }
}

static int cmp_u(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return x < y ? -1 : x > y;
}

static double pct_ms(double p) {
  if (nlat == 0) return 0;
  size_t i = (size_t)(p * (double)(nlat - 1) + 0.5);
  return lat_us[i] / 1000.0;
}

static void parse_target(const char *arg, struct sockaddr_in *out) {
  char host[64];
  const char *colon = strrchr(arg, ':');
  if (!colon || (size_t)(colon - arg) >= sizeof host) {
    fprintf(stderr, "bad target %s (HOST:PORT)\n", arg);
    exit(2);
  }
  memcpy(host, arg, (size_t)(colon - arg));
  host[colon - arg] = '\0';
  long port = strtol(colon + 1, NULL, 10);
  memset(out, 0, sizeof *out);
  out->sin_family = AF_INET;
  out->sin_port = htons((unsigned short)port);
  if (port < 1 || port > 65535 || inet_pton(AF_INET, host, &out->sin_addr) != 1) {
    fprintf(stderr, "bad target %s (IPv4 HOST:PORT)\n", arg);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--keep-alive") == 0) {
    keep_alive = 1;
    request = keep_request;
    request_len = sizeof keep_request - 1;
    argv++;
    argc--;
  }
  if (argc < 5) {
    fprintf(stderr,
            "usage: spread-load [--keep-alive] SECONDS CONNECTIONS OFFSET HOST:PORT [HOST:PORT ...]\n");
    return 2;
  }
  double seconds = atof(argv[1]);
  int nconns = atoi(argv[2]);
  next_target = (unsigned)atoi(argv[3]);
  ntargets = argc - 4;
  if (seconds <= 0 || nconns < 1 || nconns > MAX_CONNS || ntargets > MAX_TARGETS) {
    fprintf(stderr, "spread-load: bad arguments\n");
    return 2;
  }
  for (int i = 0; i < ntargets; i++) parse_target(argv[4 + i], &targets[i]);

  ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  struct conn *conns = calloc((size_t)nconns, sizeof *conns);
  if (!conns) die("calloc");
  long long start = now_ns();
  long long deadline = start + (long long)(seconds * 1e9);
  for (int i = 0; i < nconns; i++) open_conn(&conns[i]);

  struct epoll_event events[256];
  long long last_sweep = start;
  for (;;) {
    long long t = now_ns();
    if (t >= deadline) break;
    int wait_ms = (int)((deadline - t) / 1000000) + 1;
    int n = epoll_wait(ep, events, 256, wait_ms < 100 ? wait_ms : 100);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) on_event(events[i].data.ptr, events[i].events, deadline);
    t = now_ns();
    /* Reopen what finished; every 100 ms, give up on connections older than the timeout. */
    int sweep = t - last_sweep > 100000000LL;
    if (sweep) last_sweep = t;
    for (int i = 0; i < nconns; i++) {
      struct conn *c = &conns[i];
      if (c->fd >= 0 && sweep && t - c->started > TIMEOUT_NS) {
        err_timeout++;
        finish(c);
      }
      if (c->fd < 0 && t < deadline) open_conn(c);
    }
  }
  double elapsed = (double)(now_ns() - start) / 1e9;
  qsort(lat_us, nlat, sizeof *lat_us, cmp_u);
  printf("{\"requests\":%llu,\"seconds\":%.4f,\"p50\":%.4f,\"p99\":%.4f,"
         "\"errors\":{\"connect\":%llu,\"read\":%llu,\"timeout\":%llu,\"status\":%llu}}\n",
         requests, elapsed, pct_ms(0.50), pct_ms(0.99), err_connect, err_read, err_timeout,
         err_status);
  return 0;
}
