/* record_probe: the least an auditd plugin can do, for the live benchmark (live_bench.sh).
 *
 *   record_probe OUT_FILE [INTERVAL_US [MATCH_HEX]]
 *
 * An auditd plugin (plugins.d, format = string) that reads its stdin the way audisp-eql's loop
 * does (poll, then read whatever is there) and does no other work, so that its CPU is the floor
 * of any plugin on this machine (one wakeup per record auditd writes, at low rates) and its
 * timings say what the kernel and auditd add before a plugin sees a record: for every execve
 * event whose PROCTITLE record starts with MATCH_HEX (default the hex of "iptables", the
 * benchmark's stub), the time from the event's stamp (the kernel's clock at the execve's entry,
 * in ms) to the read that brought its PROCTITLE (its last record but EOE). The stub's exit_group
 * event has the same proctitle and is not counted. At end of input or SIGTERM (auditd stops) it
 * writes to OUT_FILE: records=N reads=N polls=N matched=N probe_latency_p50_us=..
 * probe_latency_p99_us=.. probe_latency_max_us=..
 * INTERVAL_US (default 0): sleep that long after each read, so that while input is dense it reads
 * at most once per interval, as audisp-eql's read pacer does (--read-interval-us): the floor of a
 * plugin that wakes that often. (It comes before MATCH_HEX because auditd passes a plugin at most
 * two arguments.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { kMaxMatched = 1 << 16 };

static volatile sig_atomic_t stop;
static void on_term(int signal) { stop = signal; }

static int64_t wall_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int compare_i64(const void* a, const void* b) {
    const int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
    return (x > y) - (x < y);
}

/* The stamp "msg=audit(SEC.MS:SERIAL)" of a record line, or NULL. */
static const char* stamp_of(const char* line) { return strstr(line, "msg=audit("); }

/* The stamp "msg=audit(SEC.MS:" of a record line in microseconds, or -1. */
static int64_t stamp_us(const char* line) {
    const char* p = strstr(line, "msg=audit(");
    long long seconds = 0;
    int millis = 0;
    if (p == NULL || sscanf(p + 10, "%lld.%3d:", &seconds, &millis) != 2) return -1;
    return (int64_t)seconds * 1000000 + (int64_t)millis * 1000;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: record_probe OUT_FILE [INTERVAL_US [MATCH_HEX]]\n");
        return 2;
    }
    const long interval_us = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    const char* match = argc > 3 ? argv[3] : "69707461626C6573"; /* "iptables" */
    const struct timespec interval = {interval_us / 1000000, (interval_us % 1000000) * 1000};
    char wanted[128];
    snprintf(wanted, sizeof wanted, "proctitle=%s", match);
    static char buffer[1 << 20];
    static char line[1 << 16];
    static int64_t latency[kMaxMatched];
    /* "msg=audit(SEC.MS:SERIAL)" of the latest execve SYSCALL records (events interleave). */
    char exec_stamps[16][64] = {{0}};
    unsigned next_stamp = 0;
    size_t line_len = 0;
    long records = 0, reads = 0, polls = 0, matched = 0;
    struct sigaction action = {.sa_handler = on_term}; /* no SA_RESTART: poll returns EINTR */
    sigaction(SIGTERM, &action, NULL);
    while (!stop) {
        struct pollfd input = {STDIN_FILENO, POLLIN, 0};
        ++polls;
        const int ready = poll(&input, 1, 1000);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            if (ready < 0) break;
            continue;
        }
        const ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;
        ++reads;
        const int64_t now = wall_us();
        if (interval_us > 0) nanosleep(&interval, NULL); /* SIGTERM ends it early */
        for (ssize_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n') {
                if (line_len + 1 < sizeof line) line[line_len++] = buffer[i];
                continue;
            }
            line[line_len] = '\0';
            line_len = 0;
            ++records;
            const char* stamp = stamp_of(line);
            if (stamp == NULL) continue;
            const size_t stamp_len = strcspn(stamp, ")") + 1;
            if (strncmp(line, "type=SYSCALL ", 13) == 0 && strstr(line, " syscall=59 ") != NULL &&
                stamp_len < sizeof exec_stamps[0]) {
                char* slot = exec_stamps[next_stamp++ % 16];
                memcpy(slot, stamp, stamp_len);
                slot[stamp_len] = '\0';
                continue;
            }
            if (strncmp(line, "type=PROCTITLE ", 15) != 0 || strstr(line, wanted) == NULL) continue;
            int of_exec = 0;
            for (int i = 0; i < 16 && !of_exec; ++i) {
                of_exec = strncmp(stamp, exec_stamps[i], stamp_len) == 0 &&
                          exec_stamps[i][stamp_len] == '\0';
            }
            if (!of_exec) continue;
            const int64_t stamped = stamp_us(line);
            if (stamped >= 0 && matched < kMaxMatched) latency[matched++] = now - stamped;
        }
    }
    qsort(latency, (size_t)matched, sizeof *latency, compare_i64);
    const long p99 = matched ? (matched * 99 + 99) / 100 - 1 : 0;
    FILE* out = fopen(argv[1], "w");
    if (out == NULL) return 1;
    fprintf(out,
            "records=%ld reads=%ld polls=%ld matched=%ld probe_latency_p50_us=%lld "
            "probe_latency_p99_us=%lld probe_latency_max_us=%lld\n",
            records, reads, polls, matched, (long long)(matched ? latency[(matched - 1) / 2] : 0),
            (long long)(matched ? latency[p99] : 0),
            (long long)(matched ? latency[matched - 1] : 0));
    fclose(out);
    return 0;
}
