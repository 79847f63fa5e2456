/* fsnetops - one file or socket syscall per run, for the file/network captures.
 *
 * Usage: fsnetops [-r ROOT] [-C DIR] [-u UID] OP ARGS...
 *   -r ROOT  chroot(ROOT) first (so "/etc/cron.d/x" is written under ROOT, never the real /etc)
 *   -C DIR   chdir(DIR) (after the chroot): relative names resolve against it
 *   -u UID   then run as UID (and GID UID)
 * OPs (each makes exactly the syscall named, so the capture shows its records):
 *   create P (openat O_CREAT|O_WRONLY|O_TRUNC)   write P (openat O_WRONLY|O_TRUNC, existing)
 *   append P (openat O_WRONLY|O_APPEND)          read P (openat O_RDONLY)
 *   creat P   openat2 P   atcreate DIR NAME (openat on a real dirfd)
 *   rename OLD NEW   unlink P   rmdir P   mkdir P   symlink TARGET LINK   link OLD NEW
 *   chmod P   chown P   truncate P
 *   connect4 IP PORT   connect6 IP PORT   udp4 IP PORT   unix PATH
 *   listen4 PORT (bind 127.0.0.1:PORT, listen, connect to itself, accept)
 *   listen6 PORT (the same on ::1)
 *   unixserve PATH (bind a unix socket at PATH, listen, connect to it, accept)
 *   serve4 BIND_IP PORT PEER_IP (bind BIND_IP:PORT, a client bound to PEER_IP connects to
 *           PORT on PEER_IP, accept: the peer is PEER_IP; in a test's own network namespace)
 * Built by the capture script; it never touches anything outside ROOT or loopback. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(const char* what) {
    fprintf(stderr, "fsnetops: %s: %s\n", what, strerror(errno));
    return 1;
}

static int close_ok(int fd, const char* what) {
    if (fd < 0) return fail(what);
    close(fd);
    return 0;
}

static int connect_to(int family, const char* ip, int port, int type) {
    int fd = socket(family, type, 0);
    if (fd < 0) return fail("socket");
    int rc;
    if (family == AF_INET) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) return fail("address");
        rc = connect(fd, (struct sockaddr*)&a, sizeof a);
    } else {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
        if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1) return fail("address");
        rc = connect(fd, (struct sockaddr*)&a, sizeof a);
    }
    /* refused / unreachable are expected outcomes of some scenarios: reported, not fatal */
    if (rc != 0) fprintf(stderr, "fsnetops: connect: %s\n", strerror(errno));
    close(fd);
    return 0;
}

static int serve_from(const char* bind_ip, int port, const char* peer_ip) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (server < 0 || client < 0) return fail("socket");
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct sockaddr_in peer = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, bind_ip, &local.sin_addr) != 1) return fail("bind address");
    if (inet_pton(AF_INET, peer_ip, &peer.sin_addr) != 1) return fail("peer address");
    if (bind(server, (struct sockaddr*)&local, sizeof local) != 0) return fail("bind");
    if (listen(server, 4) != 0) return fail("listen");
    if (bind(client, (struct sockaddr*)&peer, sizeof peer) != 0) return fail("bind client");
    struct sockaddr_in target = peer;
    target.sin_port = htons((uint16_t)port);
    if (connect(client, (struct sockaddr*)&target, sizeof target) != 0) return fail("connect");
    struct sockaddr_storage from;
    socklen_t from_size = sizeof from; /* an address buffer: only then is SOCKADDR logged */
    int accepted = accept(server, (struct sockaddr*)&from, &from_size);
    if (accepted < 0) return fail("accept");
    close(accepted);
    close(client);
    close(server);
    return 0;
}

static int listen_accept(int family, int port) {
    int server = socket(family, SOCK_STREAM, 0);
    int client = socket(family, SOCK_STREAM, 0);
    if (server < 0 || client < 0) return fail("socket");
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage addr;
    socklen_t size;
    memset(&addr, 0, sizeof addr);
    if (family == AF_INET) {
        struct sockaddr_in* a = (struct sockaddr_in*)&addr;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        size = sizeof *a;
    } else {
        struct sockaddr_in6* a = (struct sockaddr_in6*)&addr;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        a->sin6_addr = in6addr_loopback;
        size = sizeof *a;
    }
    if (bind(server, (struct sockaddr*)&addr, size) != 0) return fail("bind");
    if (listen(server, 4) != 0) return fail("listen");
    if (connect(client, (struct sockaddr*)&addr, size) != 0) return fail("connect");
    struct sockaddr_storage peer;
    socklen_t peer_size = sizeof peer;
    int accepted = accept(server, (struct sockaddr*)&peer, &peer_size);
    if (accepted < 0) return fail("accept");
    close(accepted);
    close(client);
    close(server);
    return 0;
}

int main(int argc, char** argv) {
    int opt;
    while ((opt = getopt(argc, argv, "+r:C:u:")) != -1) {
        if (opt == 'r' && (chroot(optarg) != 0 || chdir("/") != 0)) return fail("chroot");
        if (opt == 'C' && chdir(optarg) != 0) return fail("chdir");
        if (opt == 'u') {
            const unsigned id = (unsigned)atoi(optarg);
            if (setgroups(0, NULL) != 0 || setgid(id) != 0 || setuid(id) != 0)
                return fail("setuid");
        }
        if (opt != 'r' && opt != 'C' && opt != 'u') return 2;
    }
    if (optind >= argc) return 2;
    const char* op = argv[optind];
    char** a = argv + optind + 1;
    int n = argc - optind - 1;
    if (!strcmp(op, "create") && n == 1)
        return close_ok(openat(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, 0644), op);
    if (!strcmp(op, "write") && n == 1)
        return close_ok(openat(AT_FDCWD, a[0], O_WRONLY | O_TRUNC), op);
    if (!strcmp(op, "append") && n == 1)
        return close_ok(openat(AT_FDCWD, a[0], O_WRONLY | O_APPEND), op);
    if (!strcmp(op, "read") && n == 1) return close_ok(openat(AT_FDCWD, a[0], O_RDONLY), op);
    if (!strcmp(op, "creat") && n == 1) return close_ok(creat(a[0], 0644), op);
    if (!strcmp(op, "openat2") && n == 1) {
        struct open_how how = {.flags = O_CREAT | O_WRONLY, .mode = 0644};
        return close_ok((int)syscall(SYS_openat2, AT_FDCWD, a[0], &how, sizeof how), op);
    }
    if (!strcmp(op, "atcreate") && n == 2) {
        int dir = open(a[0], O_RDONLY | O_DIRECTORY);
        if (dir < 0) return fail("open dir");
        return close_ok(openat(dir, a[1], O_CREAT | O_WRONLY, 0644), op);
    }
    if (!strcmp(op, "rename") && n == 2) return rename(a[0], a[1]) ? fail(op) : 0;
    if (!strcmp(op, "unlink") && n == 1) return unlink(a[0]) ? fail(op) : 0;
    if (!strcmp(op, "rmdir") && n == 1) return rmdir(a[0]) ? fail(op) : 0;
    if (!strcmp(op, "mkdir") && n == 1) return mkdir(a[0], 0755) ? fail(op) : 0;
    if (!strcmp(op, "symlink") && n == 2) return symlink(a[0], a[1]) ? fail(op) : 0;
    if (!strcmp(op, "link") && n == 2) return link(a[0], a[1]) ? fail(op) : 0;
    if (!strcmp(op, "chmod") && n == 1) return chmod(a[0], 0600) ? fail(op) : 0;
    if (!strcmp(op, "chown") && n == 1) return chown(a[0], 0, 0) ? fail(op) : 0;
    if (!strcmp(op, "truncate") && n == 1) return truncate(a[0], 0) ? fail(op) : 0;
    if (!strcmp(op, "connect4") && n == 2)
        return connect_to(AF_INET, a[0], atoi(a[1]), SOCK_STREAM);
    if (!strcmp(op, "connect6") && n == 2)
        return connect_to(AF_INET6, a[0], atoi(a[1]), SOCK_STREAM);
    if (!strcmp(op, "udp4") && n == 2) return connect_to(AF_INET, a[0], atoi(a[1]), SOCK_DGRAM);
    if (!strcmp(op, "unix") && n == 1) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un u = {.sun_family = AF_UNIX};
        strncpy(u.sun_path, a[0], sizeof u.sun_path - 1);
        if (connect(fd, (struct sockaddr*)&u, sizeof u) != 0)
            fprintf(stderr, "fsnetops: connect: %s\n", strerror(errno));
        close(fd);
        return 0;
    }
    if (!strcmp(op, "unixserve") && n == 1) {
        int server = socket(AF_UNIX, SOCK_STREAM, 0);
        int client = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un u = {.sun_family = AF_UNIX};
        strncpy(u.sun_path, a[0], sizeof u.sun_path - 1);
        if (server < 0 || client < 0) return fail("socket");
        if (bind(server, (struct sockaddr*)&u, sizeof u) != 0) return fail("bind");
        if (listen(server, 1) != 0) return fail("listen");
        if (connect(client, (struct sockaddr*)&u, sizeof u) != 0) return fail("connect");
        struct sockaddr_un peer;
        socklen_t peer_size = sizeof peer;
        int accepted = accept(server, (struct sockaddr*)&peer, &peer_size);
        if (accepted < 0) return fail("accept");
        close(accepted);
        close(client);
        close(server);
        return unlink(a[0]) ? fail("unlink") : 0;
    }
    if (!strcmp(op, "listen4") && n == 1) return listen_accept(AF_INET, atoi(a[0]));
    if (!strcmp(op, "listen6") && n == 1) return listen_accept(AF_INET6, atoi(a[0]));
    if (!strcmp(op, "serve4") && n == 3) return serve_from(a[0], atoi(a[1]), a[2]);
    fprintf(stderr, "fsnetops: unknown op or arguments: %s\n", op);
    return 2;
}
