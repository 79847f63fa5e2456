/* platform_costs: what this machine charges a process for the kernel services a plugin leans on,
 * in CPU time (getrusage, user + system), for tests/bench/live_bench.sh's report. A plugin's live
 * cost is its work plus these, per exec: on a paravirtualised VM they can be many times those of
 * bare hardware, and no plugin can spend less than they cost.
 *
 *   platform_costs        prints one line: syscall_us=.. sleep_wake_us=.. pipe_wakeup_us=..
 *                         page_fault_us=..; exits 1 when a figure is not above zero
 *
 * syscall_us      getppid(), the cheapest system call
 * sleep_wake_us   one nanosleep of 100 us: the switch out, the timer's wakeup, the switch back
 * pipe_wakeup_us  one byte through a pipe to a process blocked in read(), which answers through a
 *                 second pipe: per one-way wakeup, both processes' CPU counted (what a plugin
 *                 blocked on auditd's pipe costs per write that wakes it, writer's side included)
 * page_fault_us   a first touch of an anonymous page given back with madvise(MADV_DONTNEED)
 *                 (what an allocator that returns idle memory pays to use it again)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(int who) {
    struct rusage usage;
    getrusage(who, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}

static double syscall_us(void) {
    enum { kCalls = 200000 };
    const double start = cpu_seconds(RUSAGE_SELF);
    for (int i = 0; i < kCalls; i++) syscall(SYS_getppid);
    return (cpu_seconds(RUSAGE_SELF) - start) / kCalls * 1e6;
}

static double sleep_wake_us(void) {
    enum { kSleeps = 3000 };
    const struct timespec pause = {0, 100000};
    const double start = cpu_seconds(RUSAGE_SELF);
    for (int i = 0; i < kSleeps; i++) nanosleep(&pause, NULL);
    return (cpu_seconds(RUSAGE_SELF) - start) / kSleeps * 1e6;
}

static double pipe_wakeup_us(void) {
    enum { kRoundTrips = 20000 };
    int to_child[2], to_parent[2];
    if (pipe(to_child) != 0 || pipe(to_parent) != 0) return -1;
    const pid_t child = fork();
    if (child < 0) return -1;
    char byte = 0;
    if (child == 0) {
        close(to_child[1]);  // else its read() never sees the end of the pipe
        close(to_parent[0]);
        while (read(to_child[0], &byte, 1) == 1) {
            if (write(to_parent[1], &byte, 1) != 1) break;
        }
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    const double start = cpu_seconds(RUSAGE_SELF);
    for (int i = 0; i < kRoundTrips; i++) {
        if (write(to_child[1], &byte, 1) != 1 || read(to_parent[0], &byte, 1) != 1) return -1;
    }
    const double parent = cpu_seconds(RUSAGE_SELF) - start;
    close(to_child[1]);
    close(to_parent[0]);
    waitpid(child, NULL, 0);
    // The child's CPU (its start and exit are a small part of 20,000 round trips).
    return (parent + cpu_seconds(RUSAGE_CHILDREN)) / (2.0 * kRoundTrips) * 1e6;
}

static double page_fault_us(void) {
    enum { kPages = 4096, kRounds = 10 };
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char* memory =
        mmap(NULL, kPages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return -1;
    for (size_t i = 0; i < kPages; i++) memory[i * page] = 1;
    const double start = cpu_seconds(RUSAGE_SELF);
    for (int round = 0; round < kRounds; round++) {
        madvise(memory, kPages * page, MADV_DONTNEED);
        for (size_t i = 0; i < kPages; i++) memory[i * page] = 1;
    }
    const double spent = cpu_seconds(RUSAGE_SELF) - start;
    munmap(memory, kPages * page);
    return spent / (kRounds * (double)kPages) * 1e6;
}

int main(void) {
    // The pipe test first: RUSAGE_CHILDREN must hold its child only.
    const double costs[] = {pipe_wakeup_us(), syscall_us(), sleep_wake_us(), page_fault_us()};
    printf("syscall_us=%.2f sleep_wake_us=%.2f pipe_wakeup_us=%.2f page_fault_us=%.2f\n", costs[1],
           costs[2], costs[0], costs[3]);
    // A figure not above zero is a failed measurement (a call failed, or no CPU time was seen).
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++) {
        if (!(costs[i] > 0)) return 1;
    }
    return 0;
}
