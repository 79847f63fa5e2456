/* exec_load: a steady exec load for the live benchmark (tests/bench/live_bench.sh).
 *
 *   exec_load --rate R --seconds S [--every K] [--true PATH] [--stub PATH] [--stub-arg ARG]
 *             [--uid U --gid G] [--udp-port P] [--match TEXT] [--drain-seconds D]
 *
 * fork()s and execs PATH (default /bin/true) R times a second for S seconds on an absolute
 * schedule (a late start is caught up, and the largest lag is reported; on a machine too busy
 * to keep up it stops after 3*S seconds and reports the rate it reached). Every K-th exec runs
 * the stub instead (a copy of /bin/true named like a rule target, e.g. DIR/iptables) with
 * argv { "iptables", ARG } (default ARG -F), which the seed rule "Attempt to Disable IPTables
 * or Firewall" matches: the expected alert count is the number of stubs.
 *
 * --uid/--gid: switch to that identity before the first fork (the benchmark narrows the audit
 * rules to it, so the rest of the machine does not count).
 * --udp-port: receive the alerts (audisp-eql's udp:// sink on 127.0.0.1) in a thread, match
 * each to its stub by pid, and report the latency from the stub's fork to the alert's arrival
 * (kernel + auditd + plugin + sink; on a busy machine mostly the wait of the child for a CPU
 * before its exec ends), from the exec's record (the alert's @timestamp, the kernel's time at
 * the end of the execve, in ms) to the arrival, and the alerts that never came (waits up to D
 * seconds, default 5, after the last exec). Only datagrams containing TEXT (default the rule's
 * name) count as expected alerts; others are counted as other_alerts.
 *
 * Prints one line of key=value pairs. Exit 0 when every exec (R*S) started (and, with --udp-port,
 * every expected alert arrived exactly once), 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct stub_exec {
    pid_t pid;
    int64_t forked_ns;
    int64_t alert_ns;  /* 0 until its alert arrived */
    int64_t record_us; /* arrival (wall clock) minus the event's @timestamp (kernel, ms) */
    int alerts;        /* how many alerts named this pid (1 expected) */
};

/* An alert that came before the generator had noted its stub's pid (the parent can wait longer
 * for a CPU after fork() than the child takes to exec and alert): matched again at the end. */
struct early_alert {
    long pids[4];
    int npids;
    int64_t arrived_ns;
    int64_t record_us;
};
enum { kMaxEarly = 256 };

struct load {
    double rate;
    double seconds;
    long every;
    const char* true_path;
    const char* stub_path;
    const char* stub_arg;
    long uid, gid;
    int udp_port;
    const char* match;
    double drain_seconds;

    struct stub_exec* stubs;
    long stub_capacity;
    atomic_long stubs_started; /* published after the entry is filled */
    atomic_int receiving;
    int socket_fd;
    long unmatched_alerts; /* matching TEXT but no stub pid in them */
    struct early_alert early[kMaxEarly];
    int nearly;
    long other_alerts; /* not matching TEXT (other rules) */
};

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void usage(void) {
    fprintf(stderr,
            "usage: exec_load --rate R --seconds S [--every K] [--true PATH] [--stub PATH]\n"
            "                 [--stub-arg ARG] [--uid U --gid G] [--udp-port P] [--match TEXT]\n"
            "                 [--drain-seconds D]\n");
}

/* The stub whose pid occurs as a "pid": value in the alert (the parent's pid is the
 * generator's, never a stub's). */
static struct stub_exec* find_stub(struct load* load, const char* text, long started) {
    for (const char* p = strstr(text, "\"pid\":"); p != NULL; p = strstr(p + 1, "\"pid\":")) {
        const long pid = strtol(p + 6, NULL, 10);
        for (long i = started - 1; i >= 0; --i) {
            if (load->stubs[i].pid == pid) return &load->stubs[i];
        }
    }
    return NULL;
}

static int64_t wall_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* The alert's "@timestamp" (the audit record's time, which the kernel stamps when the syscall
 * ends, to the millisecond) in microseconds since the epoch, or -1. */
static int64_t event_time_us(const char* text) {
    const char* p = strstr(text, "\"@timestamp\":\"");
    struct tm when = {0};
    long micros = 0;
    if (p == NULL ||
        sscanf(p + 14, "%4d-%2d-%2dT%2d:%2d:%2d.%6ld", &when.tm_year, &when.tm_mon, &when.tm_mday,
               &when.tm_hour, &when.tm_min, &when.tm_sec, &micros) != 7) {
        return -1;
    }
    when.tm_year -= 1900;
    when.tm_mon -= 1;
    return (int64_t)timegm(&when) * 1000000 + micros;
}

static void note_alert(struct stub_exec* stub, int64_t arrived_ns, int64_t record_us) {
    if (stub->alerts++ == 0) {
        stub->alert_ns = arrived_ns;
        stub->record_us = record_us;
    }
}

static void* receive_alerts(void* arg) {
    struct load* load = arg;
    static char datagram[65536 + 1];
    while (atomic_load(&load->receiving)) {
        const ssize_t n = recv(load->socket_fd, datagram, sizeof datagram - 1, 0);
        if (n < 0) continue; /* timeout (SO_RCVTIMEO): look at `receiving` again */
        const int64_t arrived = now_ns(), arrived_wall = wall_us();
        datagram[n] = '\0';
        if (strstr(datagram, load->match) == NULL) {
            ++load->other_alerts;
            continue;
        }
        const int64_t stamped = event_time_us(datagram);
        const int64_t record_us = stamped < 0 ? -1 : arrived_wall - stamped;
        struct stub_exec* stub = find_stub(load, datagram, atomic_load(&load->stubs_started));
        if (stub != NULL) {
            note_alert(stub, arrived, record_us);
        } else if (load->nearly < kMaxEarly) {
            struct early_alert* early = &load->early[load->nearly++];
            *early = (struct early_alert){.arrived_ns = arrived, .record_us = record_us};
            for (const char* p = strstr(datagram, "\"pid\":"); p != NULL && early->npids < 4;
                 p = strstr(p + 1, "\"pid\":")) {
                early->pids[early->npids++] = strtol(p + 6, NULL, 10);
            }
        } else {
            ++load->unmatched_alerts;
        }
    }
    return NULL;
}

static int open_receiver(struct load* load) {
    load->socket_fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (load->socket_fd < 0) return -1;
    int buffer = 4 << 20;
    setsockopt(load->socket_fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    struct timeval timeout = {0, 100000};
    setsockopt(load->socket_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(load->udp_port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return bind(load->socket_fd, (struct sockaddr*)&address, sizeof address);
}

static int compare_i64(const void* a, const void* b) {
    const int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
    return (x > y) - (x < y);
}

/* " NAME_p50_us=.. NAME_p99_us=.. NAME_max_us=.." of N microsecond values (sorts them). */
static void print_quantiles(const char* name, int64_t* values, long n) {
    qsort(values, (size_t)n, sizeof *values, compare_i64);
    const long p99 = n ? (n * 99 + 99) / 100 - 1 : 0;
    printf(" %s_p50_us=%lld %s_p99_us=%lld %s_max_us=%lld", name,
           (long long)(n ? values[(n - 1) / 2] : 0), name, (long long)(n ? values[p99] : 0), name,
           (long long)(n ? values[n - 1] : 0));
}

static long reap(long* failed) {
    int status;
    long reaped = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        ++reaped;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++*failed;
    }
    return reaped;
}

static int parse_args(struct load* load, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const char* name = argv[i];
        if (i + 1 >= argc) return -1;
        const char* value = argv[++i];
        if (strcmp(name, "--rate") == 0)
            load->rate = atof(value);
        else if (strcmp(name, "--seconds") == 0)
            load->seconds = atof(value);
        else if (strcmp(name, "--every") == 0)
            load->every = atol(value);
        else if (strcmp(name, "--true") == 0)
            load->true_path = value;
        else if (strcmp(name, "--stub") == 0)
            load->stub_path = value;
        else if (strcmp(name, "--stub-arg") == 0)
            load->stub_arg = value;
        else if (strcmp(name, "--uid") == 0)
            load->uid = atol(value);
        else if (strcmp(name, "--gid") == 0)
            load->gid = atol(value);
        else if (strcmp(name, "--udp-port") == 0)
            load->udp_port = atoi(value);
        else if (strcmp(name, "--match") == 0)
            load->match = value;
        else if (strcmp(name, "--drain-seconds") == 0)
            load->drain_seconds = atof(value);
        else
            return -1;
    }
    if (load->rate <= 0 || load->seconds <= 0 || load->every < 0) return -1;
    if (load->every > 0 && load->stub_path == NULL) return -1;
    if ((load->uid >= 0) != (load->gid >= 0)) return -1;
    return 0;
}

int main(int argc, char** argv) {
    struct load load = {.true_path = "/bin/true",
                        .stub_arg = "-F",
                        .uid = -1,
                        .gid = -1,
                        .match = "Attempt to Disable IPTables or Firewall",
                        .drain_seconds = 5};
    if (parse_args(&load, argc, argv) != 0) {
        usage();
        return 2;
    }
    const long total = (long)(load.rate * load.seconds + 0.5);
    load.stub_capacity = load.every > 0 ? total / load.every + 1 : 1;
    load.stubs = calloc((size_t)load.stub_capacity, sizeof *load.stubs);
    if (load.stubs == NULL) return 1;

    pthread_t receiver;
    if (load.udp_port > 0) {
        if (open_receiver(&load) != 0) {
            fprintf(stderr, "exec_load: cannot bind udp 127.0.0.1:%d: %s\n", load.udp_port,
                    strerror(errno));
            return 1;
        }
        atomic_store(&load.receiving, 1);
        if (pthread_create(&receiver, NULL, receive_alerts, &load) != 0) return 1;
    }
    if (load.uid >= 0) {
        if (setgroups(0, NULL) != 0 || setgid((gid_t)load.gid) != 0 ||
            setuid((uid_t)load.uid) != 0) {
            fprintf(stderr, "exec_load: cannot switch to uid %ld gid %ld: %s\n", load.uid, load.gid,
                    strerror(errno));
            return 1;
        }
    }

    char* const true_argv[] = {"true", NULL};
    char* const stub_argv[] = {"iptables", (char*)load.stub_arg, NULL};
    char* const no_env[] = {NULL};
    const int64_t interval = (int64_t)(1e9 / load.rate);
    const int64_t start = now_ns();
    int64_t worst_lag = 0;
    long started = 0, stubs = 0, fork_errors = 0, failed = 0, reaped = 0;
    const int64_t give_up = start + (int64_t)(3e9 * load.seconds);
    for (long i = 0; i < total && now_ns() < give_up; ++i) {
        const int64_t due = start + i * interval;
        const struct timespec when = {due / 1000000000, due % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL) == EINTR) {
        }
        const int64_t forked = now_ns();
        if (forked - due > worst_lag) worst_lag = forked - due;
        const int is_stub = load.every > 0 && (i + 1) % load.every == 0;
        const pid_t pid = fork();
        if (pid == 0) {
            execve(is_stub ? load.stub_path : load.true_path, is_stub ? stub_argv : true_argv,
                   no_env);
            _exit(127);
        }
        if (pid < 0) {
            ++fork_errors;
            continue;
        }
        ++started;
        if (is_stub) {
            load.stubs[stubs] = (struct stub_exec){.pid = pid, .forked_ns = forked};
            atomic_store(&load.stubs_started, ++stubs);
        }
        reaped += reap(&failed);
    }
    const double elapsed = (double)(now_ns() - start) / 1e9;
    while (reaped < started) {
        int status;
        if (wait(&status) < 0) break;
        ++reaped;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }

    printf(
        "execs=%ld stubs=%ld fork_errors=%ld failed=%ld seconds=%.3f rate=%.1f "
        "worst_lag_us=%lld",
        started, stubs, fork_errors, failed, elapsed, (double)started / elapsed,
        (long long)(worst_lag / 1000));
    int ok = fork_errors == 0 && failed == 0 && started == total;
    if (load.udp_port > 0) {
        const int64_t deadline = now_ns() + (int64_t)(load.drain_seconds * 1e9);
        for (;;) {
            long arrived = 0;
            for (long i = 0; i < stubs; ++i) arrived += load.stubs[i].alerts > 0;
            if (arrived == stubs || now_ns() > deadline) break;
            usleep(10000);
        }
        usleep(200000); /* duplicates, if any, come right behind */
        atomic_store(&load.receiving, 0);
        pthread_join(receiver, NULL);
        for (int e = 0; e < load.nearly; ++e) {
            struct stub_exec* stub = NULL;
            for (int k = 0; k < load.early[e].npids && stub == NULL; ++k) {
                for (long i = 0; i < stubs && stub == NULL; ++i) {
                    if (load.stubs[i].pid == load.early[e].pids[k]) stub = &load.stubs[i];
                }
            }
            if (stub == NULL) {
                ++load.unmatched_alerts;
            } else {
                note_alert(stub, load.early[e].arrived_ns, load.early[e].record_us);
            }
        }
        int64_t* from_fork = calloc((size_t)stubs + 1, sizeof *from_fork);
        int64_t* from_record = calloc((size_t)stubs + 1, sizeof *from_record);
        long arrived = 0, stamped = 0, duplicates = 0;
        for (long i = 0; i < stubs; ++i) {
            if (load.stubs[i].alerts == 0) continue;
            duplicates += load.stubs[i].alerts - 1;
            from_fork[arrived++] = (load.stubs[i].alert_ns - load.stubs[i].forked_ns) / 1000;
            if (load.stubs[i].record_us >= 0) from_record[stamped++] = load.stubs[i].record_us;
        }
        printf(" alerts=%ld missing=%ld duplicates=%ld unmatched=%ld other_alerts=%ld", arrived,
               stubs - arrived, duplicates, load.unmatched_alerts, load.other_alerts);
        print_quantiles("latency", from_fork, arrived);
        print_quantiles("record_latency", from_record, stamped);
        free(from_fork);
        free(from_record);
        ok = ok && arrived == stubs && duplicates == 0 && load.unmatched_alerts == 0;
    }
    printf("\n");
    free(load.stubs);
    return ok ? 0 : 1;
}
