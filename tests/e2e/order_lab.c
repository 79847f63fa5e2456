/* order_lab: makes the kernel log process records out of causal order, for
 * tests/e2e/process_order_e2e.sh. Each mode starts PROG ARGS... (a stub) in a
 * way real programs do:
 *
 *   order_lab vfork PROG ARGS...      vfork + execv (dash, busybox): the fork
 *                                     record is logged after the child's exec
 *   order_lab spawn PROG ARGS...      posix_spawn (glibc uses CLONE_VFORK)
 *   order_lab exit-race PROG ARGS...  touches 512 MiB, forks, then exits while
 *                                     the child execs: the parent's exit_group
 *                                     is logged before the child's exec, which
 *                                     still names it as ppid (the kernel
 *                                     re-parents only at the end of do_exit)
 *   order_lab threads N PROG ARGS...  N pthread_create (clone3, no flags in the
 *                                     record), then fork + execv
 *   order_lab forks N PROG ARGS... [-- PADDING...]
 *                                     N fork + execv, sequentially; PADDING
 *                                     only makes this process's own argv huge
 *
 * Exit status: 0, or 1 with a message on a usage or system error. */
#define _GNU_SOURCE
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static int fail(const char* what) {
    perror(what);
    return 1;
}

static int wait_child(pid_t pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return fail("waitpid");
    return 0;
}

static void* thread_main(void* arg) { return arg; }

/* PF_EXITING (include/linux/sched.h), set in /proc/PID/stat's flags as do_exit begins. */
#define ORDER_LAB_PF_EXITING 0x4UL

/* Waits until `parent` has entered do_exit, then 1 ms more (its exit_group record is logged
 * right after), for at most about 2 s. A fixed sleep instead lost the race on a loaded machine:
 * the child woke after the parent had been re-parented away. */
static void wait_for_exit_start(pid_t parent) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)parent);
    const struct timespec poll_pause = {0, 50L * 1000};
    for (int attempt = 0; attempt < 40000; ++attempt) {
        FILE* stat = fopen(path, "r");
        if (stat == NULL) return;
        char text[1024] = {0};
        const size_t length = fread(text, 1, sizeof text - 1, stat);
        fclose(stat);
        text[length] = '\0';
        /* Fields after ") ": state ppid pgrp session tty_nr tpgid flags. */
        const char* after_name = strrchr(text, ')');
        unsigned long flags = 0;
        if (after_name != NULL &&
            sscanf(after_name + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1 &&
            (flags & ORDER_LAB_PF_EXITING) != 0) {
            const struct timespec logged = {0, 1000L * 1000};
            nanosleep(&logged, NULL);
            return;
        }
        nanosleep(&poll_pause, NULL);
    }
}

/* argv[first..] up to an optional "--": the program and its args. */
static char** program_argv(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
        if (strcmp(argv[i], "--") == 0) {
            argv[i] = NULL;
            break;
        }
    }
    return argv + first;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: order_lab MODE [N] PROG ARGS...\n");
        return 1;
    }
    const char* mode = argv[1];
    if (strcmp(mode, "vfork") == 0) {
        char** child = program_argv(argc, argv, 2);
        pid_t pid = vfork();
        if (pid < 0) return fail("vfork");
        if (pid == 0) {
            execv(child[0], child);
            _exit(127);
        }
        return wait_child(pid);
    }
    if (strcmp(mode, "spawn") == 0) {
        char** child = program_argv(argc, argv, 2);
        pid_t pid = 0;
        int error = posix_spawn(&pid, child[0], NULL, NULL, child, environ);
        if (error != 0) {
            fprintf(stderr, "posix_spawn: %s\n", strerror(error));
            return 1;
        }
        return wait_child(pid);
    }
    if (strcmp(mode, "exit-race") == 0) {
        char** child = program_argv(argc, argv, 2);
        /* Freeing this much memory makes do_exit slow, so the child execs between the
         * parent's exit_group record and its re-parenting. */
        const size_t size = (size_t)512 << 20;
        char* memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) return fail("mmap");
        memset(memory, 1, size);
        /* Not the child's: otherwise it shares the pages (the parent's exit then frees none)
         * and its own exec spends as long tearing down the copy. */
        if (madvise(memory, size, MADV_DONTFORK) != 0) return fail("madvise");
        int go[2];
        if (pipe(go) != 0) return fail("pipe");
        const pid_t parent = getpid();
        pid_t pid = fork();
        if (pid < 0) return fail("fork");
        if (pid == 0) {
            char byte = 0;
            close(go[1]);
            if (read(go[0], &byte, 1) != 1) _exit(126);
            wait_for_exit_start(parent);
            execv(child[0], child);
            _exit(127);
        }
        if (write(go[1], "x", 1) != 1) return fail("write");
        _exit(0);
    }
    if (strcmp(mode, "threads") == 0 || strcmp(mode, "forks") == 0) {
        if (argc < 4) {
            fprintf(stderr, "usage: order_lab %s N PROG ARGS...\n", mode);
            return 1;
        }
        const long count = strtol(argv[2], NULL, 10);
        char** child = program_argv(argc, argv, 3);
        if (strcmp(mode, "threads") == 0) {
            for (long i = 0; i < count; ++i) {
                pthread_t thread;
                if (pthread_create(&thread, NULL, thread_main, NULL) != 0) {
                    return fail("pthread_create");
                }
                pthread_join(thread, NULL);
            }
        }
        const long forks = strcmp(mode, "forks") == 0 ? count : 1;
        for (long i = 0; i < forks; ++i) {
            pid_t pid = fork();
            if (pid < 0) return fail("fork");
            if (pid == 0) {
                execv(child[0], child);
                _exit(127);
            }
            if (wait_child(pid) != 0) return 1;
        }
        return 0;
    }
    fprintf(stderr, "order_lab: unknown mode %s\n", mode);
    return 1;
}
