// What the line filter hands to libauparse: each record the event builder reads, cut to what it
// reads, and nothing else. (The reader tests prove the events built from it are unchanged.)
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "audit/line_filter.hpp"

namespace {

std::vector<std::string> forwarded(const std::string& text) {
    std::vector<std::string> records;
    audit::LineFilter filter(
        {}, [&](std::string_view record) { records.emplace_back(record); }, nullptr);
    filter.feed(text);
    filter.finish();
    return records;
}

const char* const kExecSyscall =
    "type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes exit=0 "
    "a0=1 a1=2 a2=3 a3=4 items=2 ppid=10 pid=20 auid=1000 uid=1000 gid=1000 euid=0 suid=0 "
    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" key=\"exec\"";

}  // namespace

TEST_CASE("line filter: PATH item 0 reaches auparse with its name only; other items not at all") {
    const std::string stamp = "msg=audit(1700000000.123:100): ";
    const auto records =
        forwarded(std::string(kExecSyscall) + "\x1d" +
                  "ARCH=x86_64 SYSCALL=execve AUID=\"alice\"\n" + "type=PATH " + stamp +
                  "item=0 name=\"/bin/ls\" inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
                  "nametype=NORMAL cap_fp=0\x1dOUID=\"root\" OGID=\"root\"\n" +
                  "type=PATH " + stamp + "item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=2\n" +
                  "node=web-1 type=PATH " + stamp + "item=0 name=(null) inode=3\n" + "type=PATH " +
                  stamp + "item=0 inode=4 name=2F746D702F6120622063 nametype=NORMAL\n");
    REQUIRE(records.size() == 4);
    CHECK(records[0] == std::string(kExecSyscall) + "\n");  // the ENRICHED tail is kept aside
    CHECK(records[1] == "type=PATH " + stamp + "item=0 name=\"/bin/ls\"\n");
    CHECK(records[2] == "node=web-1 type=PATH " + stamp + "item=0 name=(null)\n");
    CHECK(records[3] == "type=PATH " + stamp + "item=0 name=2F746D702F6120622063\n");
}

TEST_CASE("line filter: a PATH item 0 without a name keeps only its item") {
    const auto records =
        forwarded("type=PATH msg=audit(1700000000.123:101): item=0 inode=4 nametype=UNKNOWN\n");
    REQUIRE(records.size() == 1);
    CHECK(records[0] == "type=PATH msg=audit(1700000000.123:101): item=0\n");
}

TEST_CASE("line filter: an exec's PROCTITLE becomes an EOE once EXECVE gave the args") {
    const std::string stamp = "msg=audit(1700000000.123:100): ";
    const auto with_execve =
        forwarded(std::string(kExecSyscall) + "\n" + "type=EXECVE " + stamp + "argc=1 a0=\"ls\"\n" +
                  "type=PROCTITLE " + stamp + "proctitle=6C73\n");
    REQUIRE(with_execve.size() == 3);
    CHECK(with_execve[2] == "type=EOE msg=audit(1700000000.123:100): \n");

    const auto without_execve = forwarded(std::string(kExecSyscall) + "\n" + "type=PROCTITLE " +
                                          stamp + "proctitle=6C73\n");
    REQUIRE(without_execve.size() == 2);
    CHECK(without_execve[1] == "type=PROCTITLE " + stamp + "proctitle=6C73\n");
}

TEST_CASE("line filter: records of events no process event needs are not forwarded") {
    const std::string openat =
        "type=SYSCALL msg=audit(1700000000.200:300): arch=c000003e syscall=257 success=yes "
        "exit=3 a0=ffffff9c a1=1 a2=0 a3=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"cat\" exe=\"/bin/cat\"\n"
        "type=CWD msg=audit(1700000000.200:300): cwd=\"/\"\n"
        "type=PATH msg=audit(1700000000.200:300): item=0 name=\"/etc/shadow\" inode=5\n"
        "type=USER_LOGIN msg=audit(1700000000.201:301): pid=1 uid=0 msg='op=login'\n";
    CHECK(forwarded(openat).empty());
}
