// The process table: parent context, fork inheritance, pid reuse ordered by serial, eviction.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "process/process_table.hpp"

namespace {

ecs::Event exec(uint64_t serial, int64_t pid, int64_t ppid, std::vector<std::string> args,
                std::string host = "h") {
    ecs::Event e;
    e.sequence = serial;
    e.timestamp_us = static_cast<int64_t>(serial) * 1000;
    e.host_name = std::move(host);
    e.action = "exec";
    e.outcome = "success";
    e.process.pid = pid;
    e.parent.pid = ppid;
    e.process.name = args.front();
    e.process.executable = "/usr/bin/" + args.front();
    e.process.command_line = args.front();
    e.process.args = std::move(args);
    return e;
}

ecs::Event lifecycle(const char* action, uint64_t serial, int64_t pid, int64_t ppid) {
    ecs::Event e;
    e.sequence = serial;
    e.host_name = "h";
    e.action = action;
    e.outcome = "success";
    e.process.pid = pid;
    e.parent.pid = ppid;
    return e;
}

}  // namespace

TEST_CASE("an exec's parent fields come from the parent's last exec") {
    process::ProcessTable table({});
    ecs::Event shell = exec(1, 100, 1, {"sh", "script", "force-stop"});
    table.apply(shell);
    CHECK(shell.auditd.parent_context == "missing");
    ecs::Event child = exec(2, 101, 100, {"iptables", "-L"});
    table.apply(child);
    CHECK(child.auditd.parent_context == "table");
    CHECK(child.parent.pid == 100);
    CHECK(child.parent.name == "sh");
    CHECK(child.parent.args == std::vector<std::string>{"sh", "script", "force-stop"});
    CHECK(child.parent.executable == "/usr/bin/sh");
    CHECK(table.stats().hits == 1);
    CHECK(table.stats().misses == 1);
}

TEST_CASE("a forked child runs its parent's image until it execs") {
    process::ProcessTable table({});
    ecs::Event shell = exec(1, 100, 1, {"bash", "-c", "x"});
    table.apply(shell);
    ecs::Event fork = lifecycle("fork", 2, 101, 100);
    table.apply(fork);
    CHECK(fork.process.pid == 101);
    CHECK(fork.process.args == std::vector<std::string>{"bash", "-c", "x"});
    ecs::Event grandchild = exec(3, 102, 101, {"iptables", "-F"});
    table.apply(grandchild);
    CHECK(grandchild.parent.pid == 101);
    CHECK(grandchild.parent.args == std::vector<std::string>{"bash", "-c", "x"});
}

TEST_CASE("exit removes the entry and a reused pid never inherits the dead identity") {
    process::ProcessTable table({});
    ecs::Event old = exec(1, 200, 1, {"old", "--secret"});
    table.apply(old);
    ecs::Event end = lifecycle("end", 2, 200, 1);
    table.apply(end);
    CHECK(end.process.args == std::vector<std::string>{"old", "--secret"});
    CHECK(table.find("h", 200) == nullptr);
    ecs::Event child = exec(3, 201, 200, {"ls"});
    table.apply(child);
    CHECK(child.auditd.parent_context == "missing");
    CHECK_FALSE(child.parent.args.has_value());
}

TEST_CASE("events applied out of serial order never roll an entry back") {
    process::ProcessTable table({});
    ecs::Event newer = exec(10, 300, 1, {"new"});
    table.apply(newer);
    // The fork that created pid 300 is reported after its exec, and an exit of the previous
    // process with that pid arrives late: neither may replace or remove the newer image.
    ecs::Event late_fork = lifecycle("fork", 9, 300, 1);
    table.apply(late_fork);
    ecs::Event late_exit = lifecycle("end", 5, 300, 1);
    table.apply(late_exit);
    const process::Entry* entry = table.find("h", 300);
    REQUIRE(entry != nullptr);
    CHECK(entry->image().args == std::vector<std::string>{"new"});
    CHECK(table.stats().stale_updates == 1);
}

TEST_CASE("pids of different hosts never mix") {
    process::ProcessTable table({});
    ecs::Event a = exec(1, 100, 1, {"a"}, "host-a");
    table.apply(a);
    ecs::Event b = exec(2, 101, 100, {"b"}, "host-b");
    table.apply(b);
    CHECK(b.auditd.parent_context == "missing");
}

TEST_CASE("the table is bounded: least recently used entries are evicted and counted") {
    process::ProcessTable table({3});
    ecs::Event parent = exec(1, 1000, 1, {"sshd"});
    table.apply(parent);
    for (int64_t i = 0; i < 10; ++i) {
        ecs::Event child = exec(static_cast<uint64_t>(2 + i), 2000 + i, 1000, {"short"});
        table.apply(child);  // each lookup of 1000 keeps the long-lived parent recent
        CHECK(child.parent.name == "sshd");
    }
    CHECK(table.stats().size == 3);
    CHECK(table.stats().evictions == 8);
    CHECK(table.find("h", 1000) != nullptr);
    CHECK(table.find("h", 2000) == nullptr);
}

TEST_CASE("the table is bounded in bytes: big entries evict the least recently used") {
    process::ProcessTable table({1000, 64 * 1024});
    ecs::Event parent = exec(1, 1000, 1, {"sshd"});
    table.apply(parent);
    const std::size_t one_small = table.stats().bytes;
    CHECK(one_small > 0);
    for (int64_t i = 0; i < 20; ++i) {
        // 8 args of 1 KiB: about 9 KiB an entry, so about 7 fit in 64 KiB.
        std::vector<std::string> args(8, std::string(1024, 'a'));
        ecs::Event child = exec(static_cast<uint64_t>(2 + i), 2000 + i, 1000, std::move(args));
        table.apply(child);
        CHECK(child.parent.name == "sshd");  // the parent stays: every child touches it
        CHECK(table.stats().bytes <= 64 * 1024);
    }
    CHECK(table.stats().evictions > 0);
    CHECK(table.stats().size < 21);
    CHECK(table.find("h", 1000) != nullptr);
    CHECK(table.find("h", 2019) != nullptr);
    CHECK(table.find("h", 2000) == nullptr);

    // An exit gives its bytes back.
    const std::size_t before_exit = table.stats().bytes;
    ecs::Event end = lifecycle("end", 100, 2019, 1000);
    table.apply(end);
    CHECK(table.stats().bytes < before_exit - 8 * 1024);
}

TEST_CASE("ancestor walks stop at loops made by pid reuse") {
    process::ProcessTable table({});
    table.seed(
        "h",
        [] {
            ecs::ProcessImage image;
            image.pid = 1;
            image.name = "a";
            return image;
        }(),
        2);
    table.seed(
        "h",
        [] {
            ecs::ProcessImage image;
            image.pid = 2;
            image.name = "b";
            return image;
        }(),
        1);
    const auto chain = table.ancestors("h", 1);
    CHECK(chain.size() == 1);
}

namespace {
class FakeProc final : public process::LiveLookup {
  public:
    std::optional<ecs::ProcessImage> read(int64_t pid) override {
        ++reads;
        if (pid != 77) return std::nullopt;
        ecs::ProcessImage image;
        image.name = "systemd";
        image.args = std::vector<std::string>{"/sbin/init"};
        return image;
    }
    int reads = 0;
};
}  // namespace

TEST_CASE("live mode reads an unknown parent from /proc once, and says so") {
    FakeProc proc;
    process::ProcessTable table({}, &proc);
    ecs::Event first = exec(1, 500, 77, {"x"});
    table.apply(first);
    CHECK(first.auditd.parent_context == "proc");
    CHECK(first.parent.name == "systemd");
    CHECK(first.parent.pid == 77);
    ecs::Event second = exec(2, 501, 77, {"y"});
    table.apply(second);
    CHECK(second.auditd.parent_context == "table");
    CHECK(proc.reads == 1);
}
