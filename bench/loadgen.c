/* The throughput benchmark's load generator, in C: keep-alive connections on one epoll loop, each sending
 * its next request when the previous answer is whole.
 *
 * Why C: the load generator runs on the same two cores as the servers it measures, so every microsecond
 * it spends per request is taken from them (the Python one spends 25-35 us, a fifth of an answer; with two
 * worker processes that share is what limits their scaling). The requests are signed and encoded by the
 * Python harness beforehand (bench/harness.py), so this program only writes bytes, reads answers and times
 * them.
 *
 * usage: loadgen PORT CONNECTIONS SECONDS OFFSET REQUESTS_FILE
 *   REQUESTS_FILE: records of a 4-byte little-endian length and that many bytes (one HTTP request each).
 * Prints one JSON line: {"count", "errors", "p50_ms", "p99_ms", "cpu_s"}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    long next;      /* index of the next request to send */
    double sent;    /* when the request in flight was sent */
    char buf[65536];
    size_t have;
    int open;
} conn_t;

static char **reqs;
static uint32_t *lens;
static long nreqs;
static double *lat;
static char *okv;
static long nlat, caplat;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void load_requests(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    long cap = 1024;
    reqs = malloc(cap * sizeof *reqs);
    lens = malloc(cap * sizeof *lens);
    uint8_t h[4];
    while (fread(h, 1, 4, f) == 4) {
        uint32_t n = h[0] | h[1] << 8 | h[2] << 16 | (uint32_t)h[3] << 24;
        if (nreqs == cap) {
            cap *= 2;
            reqs = realloc(reqs, cap * sizeof *reqs);
            lens = realloc(lens, cap * sizeof *lens);
        }
        reqs[nreqs] = malloc(n);
        if (fread(reqs[nreqs], 1, n, f) != n) { fprintf(stderr, "truncated %s\n", path); exit(2); }
        lens[nreqs++] = n;
    }
    fclose(f);
    if (!nreqs) { fprintf(stderr, "no requests in %s\n", path); exit(2); }
}

static int send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void record(double ms, int ok) {
    if (nlat == caplat) {
        caplat = caplat ? caplat * 2 : 1 << 16;
        lat = realloc(lat, caplat * sizeof *lat);
        okv = realloc(okv, caplat);
    }
    lat[nlat] = ms;
    okv[nlat++] = (char)ok;
}

/* A whole response in c->buf: its length (head and body), or 0 while incomplete. */
static size_t whole(conn_t *c, int *ok) {
    char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->buf) + 4, length = 0;
    for (char *p = c->buf; p < end; p++) {
        if ((p == c->buf || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
            length = strtoul(p + 15, NULL, 10);
            break;
        }
    }
    if (c->have < head + length) return 0;
    *ok = c->have >= 12 && memcmp(c->buf + 9, "200", 3) == 0 && length > 0;
    return head + length;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: loadgen PORT CONNECTIONS SECONDS OFFSET REQUESTS_FILE\n");
        return 2;
    }
    int port = atoi(argv[1]), nconn = atoi(argv[2]);
    double seconds = atof(argv[3]);
    long offset = atol(argv[4]);
    load_requests(argv[5]);
    struct rusage ru0;
    getrusage(RUSAGE_SELF, &ru0); /* what reading the requests cost is not the load's */
    int ep = epoll_create1(0);
    conn_t *conns = calloc((size_t)nconn, sizeof *conns);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(0x7f000001)};
    double stop = now() + seconds;
    int live = 0;
    for (int i = 0; i < nconn; i++) {
        conn_t *c = &conns[i];
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("connect"); return 2; }
        c->next = offset + (long)i * (nreqs / nconn > 0 ? nreqs / nconn : 1); /* evenly spaced: see harness.py */
        c->open = 1;
        live++;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        long k = c->next++ % nreqs;
        c->sent = now();
        if (send_all(c->fd, reqs[k], lens[k]) < 0) { perror("write"); return 2; }
    }
    struct epoll_event events[256];
    while (live) {
        int n = epoll_wait(ep, events, 256, 1000);
        for (int e = 0; e < n; e++) {
            conn_t *c = events[e].data.ptr;
            if (!c->open) continue;
            ssize_t r = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
            if (r <= 0) {
                if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
                record((now() - c->sent) * 1000, 0); /* the server closed on us: an error */
                close(c->fd);
                c->open = 0;
                live--;
                continue;
            }
            c->have += (size_t)r;
            int ok = 0;
            size_t used = whole(c, &ok);
            if (!used) {
                if (c->have == sizeof c->buf) { fprintf(stderr, "response over %zu bytes\n", sizeof c->buf); return 2; }
                continue;
            }
            double t = now();
            record((t - c->sent) * 1000, ok);
            memmove(c->buf, c->buf + used, c->have - used);
            c->have -= used;
            if (t >= stop) {
                close(c->fd);
                c->open = 0;
                live--;
                continue;
            }
            long k = c->next++ % nreqs;
            c->sent = t;
            if (send_all(c->fd, reqs[k], lens[k]) < 0) {
                record(0, 0);
                close(c->fd);
                c->open = 0;
                live--;
            }
        }
    }
    long errors = 0;
    for (long i = 0; i < nlat; i++) errors += !okv[i];
    qsort(lat, (size_t)nlat, sizeof *lat, cmp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (ru.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
                 (ru.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
    double p50 = nlat ? lat[nlat / 2] : 0, p99 = nlat ? lat[(long)(nlat * 0.99) < nlat ? (long)(nlat * 0.99) : nlat - 1] : 0;
    printf("{\"count\": %ld, \"errors\": %ld, \"p50_ms\": %.4f, \"p99_ms\": %.4f, \"cpu_s\": %.6f}\n", nlat, errors,
           p50, p99, cpu);
    return 0;
}
