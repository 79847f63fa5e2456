// The process table: parent context under the kernel's real record order (a vfork's fork logged
// after its child's exec, a parent's exit before its child's exec), entity ids, pid reuse,
// threads, shared capped images, fair eviction, /proc fallback.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "process/entity_id.hpp"
#include "process/process_table.hpp"

namespace test_process_table {

namespace {

// Audit time in microseconds for a test's millisecond clock.
constexpr int64_t ms(int64_t value) { return value * 1000; }

ecs::Event exec(uint64_t serial, int64_t time_ms, int64_t pid, int64_t ppid,
                std::vector<std::string> args, std::string host = "h") {
    ecs::Event e;
    e.sequence = serial;
    e.timestamp_us = ms(time_ms);
    e.host_name = std::move(host);
    e.action = ecs::Action::Exec;
    e.outcome = "success";
    e.auditd.syscall = "execve";
    e.process.pid = pid;
    e.parent.pid = ppid;
    e.process.name = args.front();
    e.process.executable = "/usr/bin/" + args.front();
    e.process.command_line = ecs::join_command_line(args);
    e.process.args = std::move(args);
    e.process.start_us = e.timestamp_us;
    return e;
}

// A fork record as the event builder makes it: process.* is the child pid with the forking
// process's own comm= and exe=, process.parent.pid the forking process.
ecs::Event fork(uint64_t serial, int64_t time_ms, int64_t child, int64_t forker,
                const char* syscall = "clone", const std::string& comm = "sh") {
    ecs::Event e;
    e.sequence = serial;
    e.timestamp_us = ms(time_ms);
    e.host_name = "h";
    e.action = ecs::Action::Fork;
    e.outcome = "success";
    e.auditd.syscall = syscall;
    e.process.pid = child;
    e.process.name = comm;
    e.process.executable = "/usr/bin/" + comm;
    e.parent.pid = forker;
    return e;
}

ecs::Event end(uint64_t serial, int64_t time_ms, int64_t pid, int64_t ppid) {
    ecs::Event e;
    e.sequence = serial;
    e.timestamp_us = ms(time_ms);
    e.host_name = "h";
    e.action = ecs::Action::End;
    e.outcome = "success";
    e.auditd.syscall = "exit_group";
    e.process.pid = pid;
    e.parent.pid = ppid;
    return e;
}

ecs::Event with_uid(ecs::Event e, const std::string& uid) {
    e.process.user.id = uid;
    e.process.real_user.id = uid;
    return e;
}

using Args = std::vector<std::string>;

// Applies an event whose filled-in fields the test does not look at.
void feed(process::ProcessTable& table, ecs::Event event) { table.apply(event); }

// /proc of a host where every unknown pid is an "init" that started at 42 us.
class FakeProcForIds final : public process::LiveLookup {
  public:
    std::optional<ecs::ProcessImage> read(int64_t pid) override {
        ecs::ProcessImage image;
        image.pid = pid;
        image.name = "init";
        image.start_us = 42;
        return image;
    }
};

}  // namespace

TEST_CASE("an exec's parent fields and entity ids come from the parent's last exec") {
    process::ProcessTable table({});
    ecs::Event shell = exec(1, 1, 100, 1, {"sh", "script", "force-stop"});
    table.apply(shell);
    CHECK(shell.auditd.parent_context == "missing");
    CHECK_FALSE(shell.parent.entity_id.has_value());
    ecs::Event child = exec(2, 2, 101, 100, {"iptables", "-L"});
    table.apply(child);
    CHECK(child.auditd.parent_context == "table");
    CHECK(child.parent.pid == 100);
    CHECK(child.parent.name == "sh");
    CHECK(child.parent.args == Args{"sh", "script", "force-stop"});
    CHECK(child.parent.command_line == "sh script force-stop");
    CHECK(child.parent.executable == "/usr/bin/sh");
    REQUIRE(shell.process.entity_id.has_value());
    CHECK(child.parent.entity_id == shell.process.entity_id);
    CHECK(child.process.entity_id != shell.process.entity_id);
    CHECK(table.stats().hits == 1);
    CHECK(table.stats().misses == 1);
}

TEST_CASE("entity ids are Defend-style base64 of node, pid, start and serial, and replayable") {
    CHECK(process::make_entity_id("", 100, 1000, 1) == "LTEwMC0xMDAwLTE=");
    CHECK(process::make_entity_id("web", 1, 5, 0) == "d2ViLTEtNS0w");
    // The same log applied to two tables (plugin mode and a replay) gives the same ids.
    std::vector<std::string> ids[2];
    for (auto& out : ids) {
        process::ProcessTable table({});
        std::vector<ecs::Event> events{exec(1, 1, 100, 1, {"bash"}), fork(2, 2, 101, 100),
                                       exec(3, 3, 101, 100, {"ls"})};
        for (auto& e : events) {
            e.node = "web";
            table.apply(e);
            out.push_back(e.process.entity_id.value_or("?"));
        }
    }
    CHECK(ids[0] == ids[1]);
    CHECK(ids[0][0] == process::make_entity_id("web", 100, ms(1), 1));
    // The fork made a new process (new id); its exec in place kept it.
    CHECK(ids[0][1] == process::make_entity_id("web", 101, ms(2), 2));
    CHECK(ids[0][2] == ids[0][1]);
}

TEST_CASE("entity ids are padded base64 for each length of the text, bytes above 127 included") {
    CHECK(process::make_entity_id("", 1, 2, 3) == "LTEtMi0z");        // 6 bytes: no padding
    CHECK(process::make_entity_id("a", 1, 2, 3) == "YS0xLTItMw==");   // 7: two '='
    CHECK(process::make_entity_id("ab", 1, 2, 3) == "YWItMS0yLTM=");  // 8: one '='
    CHECK(process::make_entity_id("\xff\xfe\xfd\x80", 1, 2, 3) == "//79gC0xLTItMw==");
}

TEST_CASE("entity ids of long node names (past the stack buffer) are as exact as short ones") {
    // base64 of 3 'n's is "bm5u", of "-7-8-9" "LTctOC05"; 192 bytes of node and three numbers
    // fit the 256-byte stack buffer, 195 do not.
    auto repeated = [](std::size_t times) {
        std::string out;
        for (std::size_t i = 0; i < times; ++i) out += "bm5u";
        return out;
    };
    CHECK(process::make_entity_id(std::string(192, 'n'), 7, 8, 9) == repeated(64) + "LTctOC05");
    CHECK(process::make_entity_id(std::string(195, 'n'), 7, 8, 9) == repeated(65) + "LTctOC05");
    CHECK(process::make_entity_id(std::string(300, 'n'), 7, 8, 9) == repeated(100) + "LTctOC05");
    CHECK(process::make_entity_id("", INT64_MIN, INT64_MIN, UINT64_MAX) ==
          "LS05MjIzMzcyMDM2ODU0Nzc1ODA4LS05MjIzMzcyMDM2ODU0Nzc1ODA4LTE4NDQ2NzQ0MDczNzA5NTUxNjE1");
}

TEST_CASE("each entry's kept entity id is make_entity_id of its node, pid, start and serial") {
    // The id is made once, when an instance is created, and copied into every event after: it
    // must stay what make_entity_id gives for the instance, through execs in place, pid reuse
    // (a renewed entry), /proc seeds and a renamed host, and one node's ids never another's.
    FakeProcForIds proc;
    process::ProcessTable table({}, &proc);
    auto kept = [&table](const std::string& host, int64_t pid) {
        const process::Entry* entry = table.find(host, pid);
        return entry == nullptr ? std::string("(none)") : entry->entity_id;
    };
    ecs::Event shell = exec(1, 1, 100, 1, {"bash"});  // parent 1: read from /proc
    shell.node = "web";
    table.apply(shell);
    CHECK(kept("h", 1) == process::make_entity_id("web", 1, 42, 0));
    CHECK(shell.parent.entity_id == kept("h", 1));
    CHECK(kept("h", 100) == process::make_entity_id("web", 100, ms(1), 1));
    CHECK(shell.process.entity_id == kept("h", 100));
    ecs::Event first = exec(2, 2, 101, 100, {"sh"});
    first.node = "web";
    table.apply(first);
    ecs::Event in_place = exec(3, 3, 101, 100, {"ls"});
    in_place.node = "web";
    table.apply(in_place);
    CHECK(kept("h", 101) == process::make_entity_id("web", 101, ms(2), 2));
    CHECK(in_place.process.entity_id == kept("h", 101));
    CHECK(in_place.parent.entity_id == kept("h", 100));
    // A new life of 101 (another parent, no exit seen) renews the entry in place.
    ecs::Event reused = exec(4, 4, 101, 7, {"cron"});
    reused.node = "db";
    table.apply(reused);
    REQUIRE(table.stats().reused_pids == 1);
    CHECK(kept("h", 101) == process::make_entity_id("db", 101, ms(4), 4));
    CHECK(reused.process.entity_id == kept("h", 101));
    // A reload's new host name: the entries are found under it, their ids unchanged (ids
    // derive from node=, not from the host name).
    REQUIRE(table.rename_host("h", "renamed"));
    CHECK(kept("h", 100) == "(none)");
    CHECK(kept("renamed", 100) == process::make_entity_id("web", 100, ms(1), 1));
    CHECK(kept("renamed", 101) == process::make_entity_id("db", 101, ms(4), 4));
    ecs::Event child = exec(5, 5, 102, 101, {"id"}, "renamed");
    table.apply(child);
    CHECK(child.parent.entity_id == process::make_entity_id("db", 101, ms(4), 4));
    // The id's heap is charged to the budget, as the recount sees it.
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("a found parent replaces whatever the event's parent fields held before") {
    process::ProcessTable table({});
    feed(table, exec(1, 1, 100, 1, {"sh"}));
    ecs::Event child = exec(2, 2, 101, 100, {"ls"});
    child.parent.title = "stale title";
    child.parent.working_directory = "/stale";
    child.parent.real_user.name = "stale";
    child.parent.exit_code = 3;
    child.parent.args_truncated = true;
    table.apply(child);
    const ecs::ProcessImage& got = child.parent;
    CHECK(got.pid == 100);
    CHECK(got.entity_id == process::make_entity_id("", 100, ms(1), 1));
    CHECK(got.name == "sh");
    CHECK(got.executable == "/usr/bin/sh");
    CHECK(got.args == Args{"sh"});
    CHECK(got.command_line == "sh");
    CHECK(got.start_us == ms(1));
    CHECK_FALSE(got.args_truncated);
    CHECK_FALSE(got.working_directory.has_value());
    CHECK_FALSE(got.title.has_value());
    CHECK_FALSE(got.real_user.name.has_value());
    CHECK_FALSE(got.exit_code.has_value());
    CHECK_FALSE(got.user.id.has_value());
    CHECK_FALSE(got.interactive.has_value());
}

TEST_CASE("a forked child runs its parent's image until it execs") {
    process::ProcessTable table({});
    ecs::Event shell = exec(1, 1, 100, 1, {"bash", "-c", "x"});
    table.apply(shell);
    ecs::Event forked = fork(2, 2, 101, 100, "clone", "bash");
    table.apply(forked);
    CHECK(forked.process.pid == 101);
    CHECK(forked.process.args == Args{"bash", "-c", "x"});
    CHECK(forked.process.name == "bash");
    CHECK(forked.parent.entity_id == shell.process.entity_id);
    ecs::Event grandchild = exec(3, 3, 102, 101, {"iptables", "-F"});
    table.apply(grandchild);
    CHECK(grandchild.parent.pid == 101);
    CHECK(grandchild.parent.args == Args{"bash", "-c", "x"});
    CHECK(grandchild.parent.entity_id == forked.process.entity_id);
}

TEST_CASE(
    "a vfork's fork record logged after its child's exec (the kernel's order) keeps the "
    "exec") {
    // dash runs `fw-init force-stop` with vfork: the kernel stamps the fork at syscall entry
    // (t=10) but logs it when vfork returns, after the child's exec (t=11, serial 3).
    process::ProcessTable table({});
    ecs::Event dash = exec(1, 1, 100, 1, {"sh", "-c", "fw-init force-stop; true"});
    table.apply(dash);
    ecs::Event child_exec = exec(3, 11, 101, 100, {"fw-init", "force-stop"});
    table.apply(child_exec);
    CHECK(child_exec.parent.args == Args{"sh", "-c", "fw-init force-stop; true"});
    ecs::Event late_fork = fork(4, 10, 101, 100, "vfork");
    table.apply(late_fork);
    CHECK(table.stats().late_forks == 1);
    CHECK(late_fork.process.entity_id == child_exec.process.entity_id);
    CHECK(late_fork.parent.entity_id == dash.process.entity_id);
    // The child's children see the child's exec, not the shell that forked it.
    ecs::Event grandchild = exec(5, 12, 102, 101, {"iptables", "-L"});
    table.apply(grandchild);
    CHECK(grandchild.auditd.parent_context == "table");
    CHECK(grandchild.parent.name == "fw-init");
    CHECK(grandchild.parent.args == Args{"fw-init", "force-stop"});
    CHECK(grandchild.parent.entity_id == child_exec.process.entity_id);
    CHECK(table.stats().reused_pids == 0);
}

TEST_CASE("a fork logged after an earlier life's exec of the pid is a new process") {
    process::ProcessTable table({});
    feed(table, exec(1, 1, 100, 1, {"bash"}));
    ecs::Event old_life = exec(2, 2, 101, 100, {"old", "--secret"});
    table.apply(old_life);
    // pid 101 was reused: its old life exec'd long before this fork (no exit was audited).
    ecs::Event new_fork = fork(3, 50, 101, 100, "clone", "bash");
    table.apply(new_fork);
    CHECK(table.stats().late_forks == 0);
    CHECK(table.stats().reused_pids == 1);
    CHECK(new_fork.process.entity_id != old_life.process.entity_id);
    ecs::Event grandchild = exec(4, 51, 102, 101, {"ls"});
    table.apply(grandchild);
    CHECK(grandchild.parent.args == Args{"bash"});
}

TEST_CASE("a parent whose exit_group is logged before its child's exec still names it") {
    process::ProcessTable table({});
    ecs::Event parent = exec(1, 1000, 200, 1, {"fw-helper", "force-stop"});
    table.apply(parent);
    feed(table, fork(2, 1001, 201, 200, "clone", "fw-helper"));
    feed(table, end(3, 1002, 200, 1));
    // The child execs in the window between its parent's exit_group and its re-parenting.
    ecs::Event child = exec(4, 1003, 201, 200, {"iptables", "-F"});
    table.apply(child);
    CHECK(child.auditd.parent_context == "table");
    CHECK(child.parent.args == Args{"fw-helper", "force-stop"});
    CHECK(child.parent.entity_id == parent.process.entity_id);
    CHECK(table.stats().exited_parents == 1);
    // After the grace (5 s of audit time by default) the dead parent is gone.
    ecs::Event late = exec(5, 1002 + 5001, 202, 200, {"ls"});
    table.apply(late);
    CHECK(late.auditd.parent_context == "missing");
    CHECK(table.find("h", 200) == nullptr);
}

TEST_CASE("an exited pid forked again is a new life: children never inherit the dead identity") {
    process::ProcessTable table({});
    feed(table, exec(1, 1, 300, 1, {"bash"}));
    ecs::Event old = exec(2, 2, 301, 300, {"old", "--secret"});
    table.apply(old);
    ecs::Event gone = end(3, 3, 301, 300);
    table.apply(gone);
    CHECK(gone.process.args == Args{"old", "--secret"});  // an end carries the last exec
    CHECK(gone.process.entity_id == old.process.entity_id);
    ecs::Event again = fork(4, 4, 301, 300, "clone", "bash");
    table.apply(again);
    CHECK(again.process.entity_id != old.process.entity_id);
    ecs::Event child = exec(5, 5, 302, 301, {"ls"});
    table.apply(child);
    CHECK(child.parent.args == Args{"bash"});
    CHECK(table.stats().reused_pids == 1);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("an exec of a pid under another parent, with no exit seen, is a new life") {
    process::ProcessTable table({});
    ecs::Event old = exec(1, 1, 400, 10, {"old"});
    table.apply(old);
    ecs::Event in_place = exec(2, 2, 400, 10, {"new-in-place"});
    table.apply(in_place);
    CHECK(in_place.process.entity_id == old.process.entity_id);  // bash -c's last command
    ecs::Event reused = exec(3, 3, 400, 20, {"other"});
    table.apply(reused);
    CHECK(reused.process.entity_id != old.process.entity_id);
    CHECK(table.stats().reused_pids == 1);
}

TEST_CASE("an exec looks the index up twice: its parent and its own pid, reused for a new life") {
    process::ProcessTable table({});
    // The first exec of a pid under an unknown parent: the parent (a miss) and the pid (a miss,
    // then created without hashing the key a third time).
    ecs::Event first = exec(1, 1, 500, 1, {"bash"});
    table.apply(first);
    CHECK(table.stats().index_lookups == 2);
    ecs::Event child = exec(2, 2, 501, 500, {"sh"});
    table.apply(child);
    CHECK(table.stats().index_lookups == 4);
    // The same process execs in place: same entity id.
    ecs::Event in_place = exec(3, 3, 501, 500, {"ls"});
    table.apply(in_place);
    CHECK(table.stats().index_lookups == 6);
    CHECK(in_place.process.entity_id == child.process.entity_id);
    // A new life of pid 501 (another parent, no exit seen) renews the entry its look-up found.
    ecs::Event reused = exec(4, 4, 501, 1, {"cron"});
    table.apply(reused);
    CHECK(table.stats().index_lookups == 8);
    CHECK(table.stats().reused_pids == 1);
    CHECK(reused.process.entity_id == process::make_entity_id("", 501, ms(4), 4));
    CHECK(table.stats().size == 2);
    CHECK(table.stats().bytes == table.recount_bytes());
    CHECK(table.find("h", 501)->image->name.str() == "cron");
}

TEST_CASE("a parent known only from its own fork record is named from it, and says so") {
    process::ProcessTable table({});
    // The shell started before the log began: it never execs in the log, but its clone record
    // carries its comm= and exe=.
    ecs::Event forked = fork(1, 1, 501, 500, "clone", "bash");
    table.apply(forked);
    ecs::Event child = exec(2, 2, 501, 500, {"iptables", "-F"});
    table.apply(child);
    CHECK(child.auditd.parent_context == "syscall");
    CHECK(child.parent.name == "bash");
    CHECK(child.parent.executable == "/usr/bin/bash");
    CHECK_FALSE(child.parent.args.has_value());
    CHECK(child.parent.entity_id.has_value());
    CHECK(table.stats().syscall_images == 1);
}

TEST_CASE("a huge argv is kept capped and shared: forks of it cost no copy") {
    process::ProcessTable table({});
    Args huge(1024, std::string(2048, 'x'));  // 2 MiB of args
    huge.front() = "big";
    ecs::Event big = exec(1, 1, 600, 1, huge);
    table.apply(big);
    const std::size_t after_exec = table.stats().bytes;
    CHECK(after_exec < std::size_t{8} * 1024);
    CHECK(table.stats().capped_images == 1);
    for (int64_t i = 0; i < 100; ++i) {
        ecs::Event forked = fork(static_cast<uint64_t>(2 + i), 2 + i, 700 + i, 600, "clone", "big");
        table.apply(forked);
        REQUIRE(forked.process.args.has_value());
        CHECK(forked.process.args_truncated);
        CHECK(forked.process.args_count() == 1024);
    }
    // 100 children share the parent's image: each adds its own entry only.
    CHECK(table.stats().bytes - after_exec < std::size_t{100} * 512);
    ecs::Event grandchild = exec(200, 200, 800, 700, {"ls"});
    table.apply(grandchild);
    REQUIRE(grandchild.parent.command_line.has_value());
    CHECK(grandchild.parent.command_line->size() == process::kMaxImageArgBytes);
    CHECK(grandchild.parent.args->front() == "big");
    CHECK(grandchild.parent.args_truncated);
    CHECK(grandchild.parent.args_count() == 1024);
    CHECK(ecs::join_command_line(*grandchild.parent.args) == *grandchild.parent.command_line);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("clone3 children never seen again (threads) do not push out processes") {
    process::TableOptions options;
    options.max_entries = 10;
    options.max_unconfirmed = 100;
    process::ProcessTable table(options);
    for (int64_t pid = 1; pid <= 10; ++pid) {
        feed(table, exec(static_cast<uint64_t>(pid), pid, pid, 0, {"p" + std::to_string(pid)}));
    }
    uint64_t serial = 100;
    for (int64_t tid = 1000; tid < 6000; ++tid) {
        feed(table, fork(serial++, 100, tid, 1, "clone3", "p1"));
    }
    for (int64_t pid = 1; pid <= 10; ++pid) CHECK(table.find("h", pid) != nullptr);
    CHECK(table.stats().evictions == 0);
    CHECK(table.stats().unconfirmed_dropped == 5000 - 100);
    CHECK(table.stats().size == 10 + 100);
    // A clone3 child that acts as a process (its own exec) is one.
    feed(table, fork(serial++, 101, 7000, 1, "clone3", "p1"));
    ecs::Event child = exec(serial++, 102, 7000, 1, {"worker"});
    table.apply(child);
    CHECK(child.parent.name == "p1");
    const process::Entry* worker = table.find("h", 7000);
    REQUIRE(worker != nullptr);
    CHECK_FALSE(worker->unconfirmed);
    CHECK(table.stats().unconfirmed == 99);  // one made room for 7000, which then acted
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("eviction takes the heaviest user's least recently used processes first") {
    process::TableOptions options;
    options.max_entries = 50;
    process::ProcessTable table(options);
    uint64_t serial = 1;
    for (int64_t pid = 1; pid <= 5; ++pid) {
        feed(table, with_uid(exec(serial++, pid, pid, 0, {"root-daemon"}), "0"));
    }
    for (int64_t pid = 100; pid < 300; ++pid) {
        feed(table, with_uid(exec(serial++, pid, pid, 0, {"flood"}), "1000"));
    }
    CHECK(table.stats().size == 50);
    CHECK(table.stats().evictions == 155);
    for (int64_t pid = 1; pid <= 5; ++pid) CHECK(table.find("h", pid) != nullptr);
    CHECK(table.find("h", 299) != nullptr);
    CHECK(table.find("h", 100) == nullptr);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("a reused pid moves to its new owner's bucket, as if erased and created again") {
    // The new life is renewed in place (ProcessTable::renew): it must leave its old owner's
    // bucket (here emptied, so erased) and count as the newest of its new owner's.
    process::TableOptions options;
    options.max_entries = 3;
    process::ProcessTable table(options);
    feed(table, with_uid(exec(1, 1, 1, 0, {"root-daemon"}), "0"));
    feed(table, with_uid(exec(2, 2, 2, 0, {"a"}), "1000"));
    feed(table, with_uid(exec(3, 3, 3, 0, {"b"}), "1000"));
    feed(table, with_uid(exec(4, 4, 1, 9, {"c"}), "1000"));  // another parent: a new life of 1
    CHECK(table.stats().reused_pids == 1);
    CHECK(table.stats().size == 3);
    CHECK(table.stats().bytes == table.recount_bytes());
    feed(table, with_uid(exec(5, 5, 4, 0, {"root-job"}), "0"));
    // uid 1000 holds 1, 2 and 3 now: its least recently used, 2, goes.
    CHECK(table.stats().evictions == 1);
    CHECK(table.find("h", 2) == nullptr);
    for (const int64_t pid : {1, 3, 4}) CHECK(table.find("h", pid) != nullptr);
    CHECK(table.find("h", 1)->image->name.str() == "c");
    CHECK(table.find("h", 1)->owner == 1000);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("an image is charged what its buffers hold, at the sizes the budget was set for") {
    // make_image sizes its buffers before filling them, each exactly: the bytes charged are
    // what they hold.
    process::ProcessTable table({});
    feed(table, exec(1, 1, 10, 1, {std::string(20, 'x'), std::string(20, 'y'), "z"}));
    const process::Entry* entry = table.find("h", 10);
    REQUIRE(entry != nullptr);
    const process::Image& image = *entry->image;
    CHECK(image.command_line == std::string(20, 'x') + " " + std::string(20, 'y') + " z");
    CHECK(image.command_line.capacity() == 43);
    CHECK(image.arg_lengths == std::vector<uint16_t>{20, 20, 1});
    CHECK(image.arg_lengths.capacity() == 3);
    // Command line 44, arg lengths 6; the pooled texts apart: each a pool element (56 bytes),
    // its set node's links and bucket (24) and its heap, name (20 bytes) 21, executable (29)
    // 30, working directory (none) nothing.
    CHECK(image.heap_bytes() == 44 + 6);
    CHECK(sizeof(process::detail::PooledText) == 56);
    CHECK(image.text_bytes() == (56 + 24 + 21) + (56 + 24 + 30));
    CHECK(image.args() == Args{std::string(20, 'x'), std::string(20, 'y'), "z"});
    CHECK(image.start() == std::optional<int64_t>(ms(1)));
}

TEST_CASE("processes running one program from one directory are charged its pooled texts once") {
    process::ProcessTable table({});
    const std::string cwd = "/home/alice/projects/audisp-eql/build";  // 37 bytes: on the heap
    ecs::Event first = with_uid(exec(1, 1, 10, 1, {"make"}), "1000");
    first.process.working_directory = cwd;
    feed(table, first);
    const std::size_t one = table.stats().bytes;
    ecs::Event second = with_uid(exec(2, 2, 11, 1, {"make"}), "1000");
    second.process.working_directory = cwd;
    feed(table, second);
    const std::size_t two = table.stats().bytes;
    // Pooled once (element 56 + node links and bucket 24, and heap past the SSO buffer): name
    // "make", executable "/usr/bin/make", the directory (37 bytes, 38 of heap), user id "1000".
    constexpr std::size_t kTexts = 80 + 80 + (80 + 38) + 80;
    CHECK(two - one == one - kTexts);
    CHECK(table.find("h", 11)->image->working_directory.identity() ==
          table.find("h", 10)->image->working_directory.identity());
    CHECK(table.stats().bytes == table.recount_bytes());
    // Evicting pid 10 gives back its own bytes only: its texts stay, held by pid 11.
    table.set_limits(1, std::size_t{1} << 20);
    CHECK(table.stats().size == 1);
    CHECK(table.stats().bytes == one);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("a user's flood of distinct long texts weighs on that user's bucket, not another's") {
    // Pooled texts count once in the total but in full against each holder's bucket: charged
    // only once globally, the flood's few entries would look lighter than root's many.
    process::TableOptions options;
    options.max_bytes = std::size_t{64} * 1024;
    process::ProcessTable table(options);
    uint64_t serial = 1;
    for (int64_t pid = 1; pid <= 20; ++pid) {
        feed(table, with_uid(exec(serial++, pid, pid, 0, {"root-daemon"}), "0"));
    }
    for (int64_t pid = 100; pid < 110; ++pid) {
        ecs::Event flood = with_uid(exec(serial++, pid, pid, 0, {"flood"}), "1000");
        flood.process.working_directory = std::string(8000, 'd') + std::to_string(pid);
        feed(table, flood);
        CHECK(table.stats().bytes <= options.max_bytes);
    }
    CHECK(table.stats().evictions > 0);
    for (int64_t pid = 1; pid <= 20; ++pid) CHECK(table.find("h", pid) != nullptr);
    CHECK(table.find("h", 109) != nullptr);
    CHECK(table.find("h", 100) == nullptr);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("index slots keep pointing at the bucket that holds their entry, through every move") {
    // The index keeps a pointer to each entry's bucket instead of looking it up by owner: it
    // must follow the entry when a clone3 child is confirmed, a pid is reused by another user
    // (emptying and erasing its old bucket), an exited process expires, and entries are evicted.
    process::TableOptions options;
    options.max_entries = 6;
    options.max_unconfirmed = 2;
    process::ProcessTable table(options);
    uint64_t serial = 1;
    feed(table, with_uid(exec(serial++, 1, 1, 0, {"init"}), "0"));
    feed(table, with_uid(exec(serial++, 2, 10, 1, {"sshd"}), "0"));
    CHECK(table.index_consistent());
    for (int64_t tid = 20; tid < 24; ++tid) {  // threads-to-be: two are dropped
        feed(table, with_uid(fork(serial++, 3, tid, 10, "clone3", "sshd"), "0"));
    }
    CHECK(table.stats().unconfirmed == 2);
    CHECK(table.index_consistent());
    feed(table, with_uid(exec(serial++, 4, 23, 10, {"worker"}), "0"));  // confirmed
    CHECK(table.stats().unconfirmed == 1);
    CHECK(table.index_consistent());
    feed(table, with_uid(exec(serial++, 5, 30, 1, {"job"}), "1000"));
    feed(table, with_uid(exec(serial++, 6, 30, 7, {"other"}), "1001"));  // reused: 1000 emptied
    CHECK(table.stats().reused_pids == 1);
    CHECK(table.find("h", 30)->owner == 1001);
    CHECK(table.index_consistent());
    feed(table, end(serial++, 7, 23, 10));
    feed(table, with_uid(exec(serial++, 7 + 5001, 31, 1, {"late"}), "0"));  // 23 expired
    CHECK(table.find("h", 23) == nullptr);
    CHECK(table.index_consistent());
    for (int64_t pid = 40; pid < 50; ++pid) {
        feed(table, with_uid(exec(serial++, 6000 + pid, pid, 1, {"flood"}), "1002"));
    }
    CHECK(table.stats().evictions > 0);
    CHECK(table.index_consistent());
    table.set_limits(2, std::size_t{1} << 20);
    CHECK(table.stats().size == 2 + table.stats().unconfirmed);
    CHECK(table.index_consistent());
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("new limits (a reload) evict what no longer fits") {
    process::ProcessTable table({});
    for (int64_t pid = 1; pid <= 20; ++pid)
        feed(table, exec(static_cast<uint64_t>(pid), pid, pid, 0, {"p"}));
    table.set_limits(5, std::size_t{1} << 20);
    CHECK(table.stats().size == 5);
    CHECK(table.stats().evictions == 15);
    CHECK(table.find("h", 20) != nullptr);
    CHECK(table.find("h", 15) == nullptr);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("the table is bounded in bytes") {
    process::TableOptions options;
    options.max_entries = 1000;
    options.max_bytes = std::size_t{64} * 1024;
    process::ProcessTable table(options);
    ecs::Event parent = exec(1, 1, 1000, 1, {"sshd"});
    table.apply(parent);
    for (int64_t i = 0; i < 40; ++i) {
        Args args(8, std::string(1024, 'a'));  // capped to 4 KiB each
        ecs::Event child = exec(static_cast<uint64_t>(2 + i), 2 + i, 2000 + i, 1000, args);
        table.apply(child);
        CHECK(child.parent.name == "sshd");  // the parent stays: every child touches it
        CHECK(table.stats().bytes <= std::size_t{64} * 1024);
    }
    CHECK(table.stats().evictions > 0);
    CHECK(table.find("h", 1000) != nullptr);
    CHECK(table.find("h", 2039) != nullptr);
    CHECK(table.find("h", 2000) == nullptr);
    CHECK(table.stats().bytes == table.recount_bytes());
}

TEST_CASE("pids of different hosts never mix") {
    process::ProcessTable table({});
    ecs::Event a = exec(1, 1, 100, 1, {"a"}, "host-a");
    table.apply(a);
    ecs::Event b = exec(2, 2, 101, 100, {"b"}, "host-b");
    table.apply(b);
    CHECK(b.auditd.parent_context == "missing");
}

TEST_CASE("ancestor walks stop at loops made by pid reuse") {
    process::ProcessTable table({});
    ecs::ProcessImage a;
    a.pid = 1;
    a.name = "a";
    table.seed("h", a, 2);
    ecs::ProcessImage b;
    b.pid = 2;
    b.name = "b";
    table.seed("h", b, 1);
    const auto chain = table.ancestors("h", 1);
    CHECK(chain.size() == 1);
}

namespace {
class FakeProc final : public process::LiveLookup {
  public:
    std::optional<ecs::ProcessImage> read(int64_t pid) override {
        ++reads;
        asked.push_back(pid);
        if (pid != 77 && pid != 78) return std::nullopt;
        ecs::ProcessImage image;
        image.pid = pid;
        image.name = "systemd";
        image.args = Args{"/sbin/init"};
        image.start_us = 42;
        return image;
    }
    int reads = 0;
    std::vector<int64_t> asked;
};
}  // namespace

TEST_CASE("live mode reads an unknown parent from /proc once, and says so every time") {
    FakeProc proc;
    process::ProcessTable table({}, &proc);
    ecs::Event first = exec(1, 1, 500, 77, {"x"});
    table.apply(first);
    CHECK(first.auditd.parent_context == "proc");
    CHECK(first.parent.name == "systemd");
    CHECK(first.parent.pid == 77);
    CHECK(first.parent.entity_id == process::make_entity_id("", 77, 42, 0));
    ecs::Event second = exec(2, 2, 501, 77, {"y"});
    table.apply(second);
    // Still /proc's word, not an exec the log showed.
    CHECK(second.auditd.parent_context == "proc");
    CHECK(proc.reads == 1);
}

TEST_CASE("a seeded process is labelled proc; a pid evicted while alive is never re-read") {
    FakeProc proc;
    process::TableOptions options;
    options.max_entries = 2;
    process::ProcessTable table(options, &proc);
    ecs::ProcessImage seeded;
    seeded.pid = 78;
    seeded.name = "cron";
    table.seed("h", seeded, 1);
    ecs::Event child = exec(1, 1, 600, 78, {"job"});
    table.apply(child);
    CHECK(child.auditd.parent_context == "proc");
    CHECK(child.parent.name == "cron");
    // Two newer processes push pid 78 out; it rewrote its argv in /proc since its exec
    // (anyone can): its children are told the context is missing, not /proc's new story.
    feed(table, exec(2, 2, 601, 1, {"a"}));
    feed(table, exec(3, 3, 602, 1, {"b"}));
    REQUIRE(table.find("h", 78) == nullptr);
    ecs::Event later = exec(4, 4, 603, 78, {"job"});
    table.apply(later);
    CHECK(later.auditd.parent_context == "missing");
    CHECK(proc.asked == std::vector<int64_t>{1, 1});  // the parent of 601 and 602, never 78
}

}  // namespace test_process_table
