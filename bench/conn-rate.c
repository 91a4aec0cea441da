/*
 * The connection-rate load generator of the datapath benchmarks (bench/cnp-cost.ts), built with the
 * system cc at bench time and pinned to a CPU with taskset, so the client is not the bottleneck
 * (a Node.js client is: it reached 0.61x of this kind of generator's rate).
 *
 *   conn-rate server PORT                 accept and close, forever
 *   conn-rate client HOST PORT SECONDS N  N processes, each opening one TCP connection at a time
 *                                         and resetting it (SO_LINGER 0: no TIME_WAIT, so the
 *                                         ephemeral ports never run out); prints
 *                                         {"done":D,"failed":F,"stalled":T,"seconds":S}
 *                                         (T: seconds the workers spent in connects that
 *                                         timed out, 1 s each, summed over the workers)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int server(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 4096) != 0) {
    perror("listen");
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c >= 0) close(c);
  }
}

/* One worker: connections until the deadline; writes "done failed stalled" to fd. */
static void worker(const struct sockaddr_in *dst, double end, int fd) {
  long done = 0, failed = 0;
  double stalled = 0;
  struct timeval timeout = {.tv_sec = 1};
  struct linger reset = {.l_onoff = 1, .l_linger = 0};
  while (now() < end) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    double t = now();
    if (connect(s, (const struct sockaddr *)dst, sizeof *dst) == 0) {
      done++;
    } else {
      failed++;
      stalled += now() - t;
    }
    setsockopt(s, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    close(s);
  }
  dprintf(fd, "%ld %ld %f\n", done, failed, stalled);
}

static int client(const char *host, int port, double seconds, int n) {
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &dst.sin_addr) != 1) {
    fprintf(stderr, "bad address %s\n", host);
    return 2;
  }
  int p[2];
  if (pipe(p) != 0) return 1;
  double t0 = now(), end = t0 + seconds;
  for (int i = 0; i < n; i++) {
    if (fork() == 0) {
      close(p[0]);
      worker(&dst, end, p[1]);
      _exit(0);
    }
  }
  close(p[1]);
  long done = 0, failed = 0, d, f;
  double stalled = 0, st;
  FILE *in = fdopen(p[0], "r");
  while (fscanf(in, "%ld %ld %lf", &d, &f, &st) == 3) {
    done += d;
    failed += f;
    stalled += st;
  }
  while (wait(NULL) > 0) {
  }
  printf("{\"done\":%ld,\"failed\":%ld,\"stalled\":%.4f,\"seconds\":%.4f}\n", done, failed, stalled,
         now() - t0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "server") == 0) return server(atoi(argv[2]));
  if (argc == 6 && strcmp(argv[1], "client") == 0)
    return client(argv[2], atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
  fprintf(stderr, "usage: conn-rate server PORT | conn-rate client HOST PORT SECONDS N\n");
  return 2;
}
