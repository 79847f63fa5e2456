// File and network events on literal records: SOCKADDR decoding, path folding and splitting, and
// what the line filter keeps of the records of file and socket syscalls (every PATH item with its
// nametype, SOCKADDR) while process events keep PATH item 0 only.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "audit/file_events.hpp"
#include "audit/line_filter.hpp"
#include "audit/network_events.hpp"
#include "audit/reader.hpp"

namespace test_file_network_records {

namespace {

std::vector<ecs::Event> read_all(const std::string& text, bool include_failed = false) {
    std::vector<ecs::Event> events;
    audit::ReaderOptions options;
    options.builder.include_failed = include_failed;
    audit::AuditReader reader(options, [&](ecs::Event&& e) { events.push_back(std::move(e)); });
    reader.feed(text);
    reader.finish();
    return events;
}

std::string syscall_record(int serial, int number, const std::string& tail) {
    return "type=SYSCALL msg=audit(1700000000.000:" + std::to_string(serial) +
           "): arch=c000003e syscall=" + std::to_string(number) + " " + tail +
           " ppid=1 pid=77 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
           "tty=(none) ses=1 comm=\"tool\" exe=\"/usr/bin/tool\" key=(null)\n";
}

std::string record(int serial, const std::string& type, const std::string& body) {
    return "type=" + type + " msg=audit(1700000000.000:" + std::to_string(serial) + "): " + body +
           "\n";
}

// rename("old.txt", "d/new") in /home/u: four PATH items, as the kernel logs them.
std::string rename_event(int serial) {
    return syscall_record(serial, 82, "success=yes exit=0 a0=1 a1=2 a2=1 a3=0 items=4") +
           record(serial, "CWD", "cwd=\"/home/u\"") +
           record(serial, "PATH",
                  "item=0 name=\"d/\" inode=1 dev=fe:00 mode=040755 nametype=PARENT") +
           record(serial, "PATH", "item=1 name=\"/home/u\" inode=2 nametype=PARENT") +
           record(serial, "PATH", "item=2 name=\"old.txt\" inode=3 nametype=DELETE") +
           record(serial, "PATH", "item=3 name=\"d/new\" inode=3 nametype=CREATE") +
           record(serial, "PROCTITLE", "proctitle=746F6F6C");
}

}  // namespace

TEST_CASE("decode_sockaddr: IPv4, IPv6, IPv4-mapped, unix (path and abstract), bad input") {
    const auto v4 = audit::decode_sockaddr("0200B8137F0000010000000000000000");
    REQUIRE(v4);
    CHECK(v4->family == audit::SocketAddress::Family::Inet);
    CHECK(v4->ip == "127.0.0.1");
    CHECK(v4->port == 47123);
    const auto v6 =
        audit::decode_sockaddr("0A00B814000000000000000000000000000000000000000100000000");
    REQUIRE(v6);
    CHECK(v6->family == audit::SocketAddress::Family::Inet6);
    CHECK(v6->ip == "::1");
    CHECK(v6->port == 47124);
    const auto mapped =
        audit::decode_sockaddr("0A0000010000000000000000000000000000FFFF7F00000100000000");
    REQUIRE(mapped);
    CHECK(mapped->ip == "::ffff:127.0.0.1");
    CHECK(mapped->port == 1);
    const auto unix_path = audit::decode_sockaddr("01002F72756E2F782E736F636B000000");
    REQUIRE(unix_path);
    CHECK(unix_path->family == audit::SocketAddress::Family::Unix);
    CHECK(unix_path->path == "/run/x.sock");
    const auto abstract = audit::decode_sockaddr("0100006162630000");
    REQUIRE(abstract);
    CHECK(abstract->path == "@abc");
    const auto netlink = audit::decode_sockaddr("100000000000000000000000");
    REQUIRE(netlink);
    CHECK(netlink->family == audit::SocketAddress::Family::Other);
    CHECK_FALSE(audit::decode_sockaddr("0200B813").has_value());  // too short for AF_INET
    CHECK_FALSE(audit::decode_sockaddr("02").has_value());
    CHECK_FALSE(audit::decode_sockaddr("zz00").has_value());
}

TEST_CASE("paths: relative names joined to the directory, dots folded, parts split as Defend") {
    CHECK(audit::resolve_path("../rc.local", "/etc/init.d") == "/etc/rc.local");
    CHECK(audit::resolve_path("/etc/init.d/../rc.local", "/tmp") == "/etc/rc.local");
    CHECK(audit::resolve_path("./a//b/", "/x") == "/x/a/b");
    CHECK(audit::resolve_path("job", std::nullopt) == "job");
    CHECK(audit::resolve_path("/", std::nullopt) == "/");
    const auto parts = audit::split_path("/etc/cron.d/job");
    CHECK(parts.name == "job");
    CHECK(parts.directory == "/etc/cron.d");
    CHECK_FALSE(parts.extension.has_value());  // absent, not empty: rules test == null
    CHECK(audit::split_path("/root/.bashrc").extension == "bashrc");
    CHECK(audit::split_path("/x/a.tar.gz").extension == "gz");
    CHECK_FALSE(audit::split_path("/x/trailing.").extension.has_value());
    CHECK(audit::split_path("/top").directory == "/");
    CHECK_FALSE(audit::split_path("rel").directory.has_value());
}

TEST_CASE("line filter: file syscalls keep every PATH item with its nametype; execs item 0") {
    const std::string text =
        rename_event(1) + syscall_record(2, 59, "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2") +
        record(2, "EXECVE", "argc=1 a0=\"tool\"") + record(2, "CWD", "cwd=\"/\"") +
        record(2, "PATH", "item=0 name=\"/usr/bin/tool\" inode=9 nametype=NORMAL") +
        record(2, "PATH", "item=1 name=\"/lib64/ld-linux-x86-64.so.2\" nametype=NORMAL") +
        record(2, "PROCTITLE", "proctitle=746F6F6C");
    std::vector<std::string> forwarded;
    audit::LineFilter filter(
        {}, [&](std::string_view r) { forwarded.emplace_back(r); }, nullptr);
    filter.feed(text);
    filter.finish();
    CHECK(filter.stats().records_skipped == 1);  // the exec's PATH item 1 only
    const audit::ParsedEvent* rename = filter.take_event("", {1700000000, 0, 1}).records;
    REQUIRE(rename != nullptr);
    std::vector<std::string> items;
    for (const auto& r : rename->records()) {
        if (r.kind != audit::RecordKind::Path) continue;
        REQUIRE(r.field_count == 2);
        items.push_back(std::string(rename->field(r.first_field).value) + " " +
                        std::string(rename->field(r.first_field + 1).value));
    }
    CHECK(items == std::vector<std::string>{"\"d/\" PARENT", "\"/home/u\" PARENT",
                                            "\"old.txt\" DELETE", "\"d/new\" CREATE"});
}

TEST_CASE("reader: a rename becomes one file event; a failed unlink none unless asked for") {
    const auto events = read_all(rename_event(1));
    REQUIRE(events.size() == 1);
    const ecs::Event& e = events[0];
    CHECK(e.category == std::vector<std::string>{"file"});
    CHECK(e.action == ecs::Action::Rename);
    CHECK(e.file.path == "/home/u/d/new");
    CHECK(e.file.original_path == "/home/u/old.txt");
    CHECK(e.file.original_extension == "txt");
    CHECK(e.process.name == "tool");  // comm, until the process table knows better
    CHECK(e.process.executable == "/usr/bin/tool");
    CHECK(e.auditd.syscall == "rename");

    const std::string failed_unlink =
        syscall_record(2, 87, "success=no exit=-13 a0=1 a1=2 a2=1 a3=0 items=2") +
        record(2, "CWD", "cwd=\"/\"") + record(2, "PATH", "item=0 name=\"/etc/\" nametype=PARENT") +
        record(2, "PATH", "item=1 name=\"/etc/shadow\" nametype=DELETE") +
        record(2, "PROCTITLE", "proctitle=746F6F6C");
    CHECK(read_all(failed_unlink).empty());
    const auto kept = read_all(failed_unlink, true);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].outcome == "failure");
    CHECK(kept[0].action == ecs::Action::Deletion);
    CHECK(kept[0].file.path == "/etc/shadow");
}

TEST_CASE("reader: connect events from SOCKADDR; ENETUNREACH, UDP and bad SOCKADDR make none") {
    auto connect = [](int serial, const std::string& result, const std::string& fd,
                      const std::string& saddr) {
        return syscall_record(serial, 42, result + " a0=" + fd + " a1=1 a2=10 a3=0 items=0") +
               record(serial, "SOCKADDR", "saddr=" + saddr) +
               record(serial, "PROCTITLE", "proctitle=746F6F6C");
    };
    const std::string v4 = "02002808C0A800010000000000000000";  // 192.168.0.1:10248
    const std::string text =
        connect(1, "success=no exit=-115", "3", v4) +    // EINPROGRESS: attempted
        connect(2, "success=no exit=-101", "3", v4) +    // ENETUNREACH: nothing sent
        connect(3, "success=yes exit=0", "3", "02zz") +  // undecodable: skipped
        syscall_record(4, 41, "success=yes exit=5 a0=2 a1=80002 a2=0 a3=0 items=0") +  // UDP
        record(4, "PROCTITLE", "proctitle=746F6F6C") +
        connect(5, "success=yes exit=0", "5", v4) +  // that UDP socket: nothing sent
        connect(6, "success=yes exit=0", "6", v4);   // another socket: TCP
    const auto events = read_all(text);
    REQUIRE(events.size() == 2);
    CHECK(events[0].sequence == 1);
    CHECK(events[0].action == ecs::Action::ConnectionAttempted);
    CHECK(events[0].network.destination.ip == "192.168.0.1");
    CHECK(events[0].network.destination.port == 10248);
    CHECK(events[0].network.direction == "egress");
    CHECK(events[1].sequence == 6);
    CHECK(events[1].network.transport == "tcp");
}

TEST_CASE("reader: an accept names the address its listening socket was bound to") {
    auto socket_call = [](int serial, int number, const std::string& result, int pid, int ppid,
                          const std::string& saddr) {
        std::string text =
            "type=SYSCALL msg=audit(1700000000.000:" + std::to_string(serial) +
            "): arch=c000003e syscall=" + std::to_string(number) + " " + result +
            " a0=4 a1=1 a2=10 a3=0 items=0 ppid=" + std::to_string(ppid) +
            " pid=" + std::to_string(pid) +
            " auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 "
            "comm=\"srv\" exe=\"/usr/sbin/srv\" key=(null)\n";
        text += record(serial, "SOCKADDR", "saddr=" + saddr);
        return text + record(serial, "PROCTITLE", "proctitle=737276");
    };
    const std::string any_11434 = "02002CAA000000000000000000000000";  // 0.0.0.0:11434
    const std::string peer = "0200D431CB0071050000000000000000";       // 203.0.113.5:54321
    const auto events = read_all(socket_call(1, 49, "success=yes exit=0", 100, 1, any_11434) +
                                 socket_call(2, 43, "success=yes exit=5", 100, 1, peer) +
                                 // a worker forked from it accepts on the inherited fd 4
                                 socket_call(3, 288, "success=yes exit=6", 101, 100, peer) +
                                 // an unrelated process's fd 4 was never bound
                                 socket_call(4, 43, "success=yes exit=5", 300, 1, peer));
    REQUIRE(events.size() == 4);
    CHECK(events[0].action == ecs::Action::Bind);
    CHECK(events[0].network.source.ip == "0.0.0.0");
    CHECK(events[0].network.source.port == 11434);
    for (std::size_t i = 1; i < 3; ++i) {
        INFO(i);
        CHECK(events[i].action == ecs::Action::ConnectionAccepted);
        CHECK(events[i].network.source.ip == "203.0.113.5");
        CHECK(events[i].network.source.port == 54321);
        CHECK(events[i].network.destination.ip == "0.0.0.0");
        CHECK(events[i].network.destination.port == 11434);
    }
    CHECK(events[3].action == ecs::Action::ConnectionAccepted);
    CHECK_FALSE(events[3].network.destination.port.has_value());
}

}  // namespace test_file_network_records
