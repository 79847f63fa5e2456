// Overload: the process table under a flood of processes, the real binary's stdin loop under a
// sustained stream (throughput and its stats counters), and SIGHUP rule reloads while events
// stream through it (no alert lost or doubled).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "process/process_table.hpp"
#include "support.hpp"

namespace test_overload {

namespace {

ecs::Event exec_event(uint64_t serial, int64_t pid, int64_t ppid, const std::string& name,
                      std::vector<std::string> args) {
    ecs::Event e;
    e.sequence = serial;
    e.timestamp_us = 1700000000000000 + static_cast<int64_t>(serial);
    e.host_name = "h";
    e.action = ecs::Action::Exec;
    e.outcome = "success";
    e.process.pid = pid;
    e.parent.pid = ppid;
    e.process.name = name;
    e.process.executable = "/usr/bin/" + name;
    e.process.args = std::move(args);
    return e;
}

ecs::Event lifecycle_event(ecs::Action action, uint64_t serial, int64_t pid, int64_t ppid) {
    ecs::Event e;
    e.sequence = serial;
    e.timestamp_us = 1700000000000000 + static_cast<int64_t>(serial);
    e.host_name = "h";
    e.action = action;
    e.type = {action == ecs::Action::End ? "end" : "start"};
    e.outcome = "success";
    e.process.pid = pid;
    e.parent.pid = ppid;
    return e;
}

// Reads the parent of any pid from a fake /proc.
struct FakeProc final : process::LiveLookup {
    std::optional<ecs::ProcessImage> read(int64_t pid) override {
        ++reads;
        ecs::ProcessImage image;
        image.pid = pid;
        image.name = "from-proc";
        return image;
    }
    int reads = 0;
};

struct StreamCounts {
    uint64_t execs = 0;
    uint64_t exits = 0;
    uint64_t alerts = 0;
};

// A plugin-mode stream (EOE after each event, as auditd's plugin stream has them): the exec of
// a shell (pid 500), then `count` execs of its children, every tenth `iptables -F` (one alert
// from the shipped firewall rule), every 50th followed by that child's exit_group.
// Event times are the wall clock's (as auditd's live stream has them), so that libauparse's
// EOE-timeout aging, which compares event time with the clock, sees fresh events.
std::string plugin_stream(uint64_t first_serial, uint64_t count, StreamCounts& counts,
                          uint64_t base_seconds = static_cast<uint64_t>(std::time(nullptr))) {
    std::string out;
    out.reserve(count * 1300);
    hostile_support::Exec shell;
    shell.stamp = hostile_support::stamp(first_serial, base_seconds);
    shell.pid = "500";
    shell.ppid = "1";
    shell.path = shell.exe = "/usr/bin/bash";
    shell.args = {"bash"};
    shell.eoe = true;
    out += hostile_support::exec_records(shell);
    ++counts.execs;
    for (uint64_t serial = first_serial + 1; serial <= first_serial + count; ++serial) {
        hostile_support::Exec e;
        e.stamp = hostile_support::stamp(serial, base_seconds);
        e.pid = std::to_string(10000 + serial % 30000);
        e.ppid = "500";
        e.eoe = true;
        if (serial % 10 == 0) {
            ++counts.alerts;
        } else {
            e.path = "/usr/bin/ls";
            e.exe = "/usr/bin/ls";
            e.args = {"ls", "-l", "/tmp/" + std::to_string(serial)};
        }
        out += hostile_support::exec_records(e);
        ++counts.execs;
        if (serial % 50 == 0) {
            // Same time, a serial of its own far above the execs'.
            std::string s = hostile_support::stamp(serial, base_seconds);
            s = s.substr(0, s.find(':') + 1) + std::to_string(serial + 100000000);
            out += hostile_support::syscall_record(s, 231, e.pid, "500");
            out += "type=EOE msg=audit(" + s + "): \n";
            ++counts.exits;
        }
    }
    return out;
}

std::vector<std::string> plugin_args(const hostile_support::Workdir& work) {
    return {"--rules",         work.rules(),   "--alerts-output",   work.file("alerts.ndjson"),
            "--alerts-format", "json",         "--throttle-alerts", "0",
            "--host-name",     "hostile-test", "--log-level",       "info"};
}

// Waits until `what` occurs `count` times in the file (the plugin's log), or 20 s pass.
bool wait_for_log(const std::string& path, const std::string& what, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (hostile_support::count_occurrences(hostile_support::read_file(path), what) >= count)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace

TEST_CASE(
    "a flood of 200k short-lived children keeps the table at its cap, memory flat, and "
    "the long-lived parent's context") {
    constexpr std::size_t kCap = 4096;
    process::ProcessTable table(process::TableOptions{kCap});
    ecs::Event cron = exec_event(1, 500, 1, "cron", {"/usr/sbin/cron", "-f"});
    table.apply(cron);
    uint64_t serial = 2;
    std::size_t rss_warm = 0;
    std::size_t wrong_parent = 0;
    std::size_t over_cap = 0;
    for (int64_t i = 0; i < 200000; ++i) {
        const int64_t child = 1000 + (i % 4000000);
        ecs::Event fork = lifecycle_event(ecs::Action::Fork, serial++, child, 500);
        table.apply(fork);
        ecs::Event exec = exec_event(serial++, child, 500, "sh", {"sh", "-c", "true"});
        table.apply(exec);
        if (exec.parent.name != "cron" || exec.auditd.parent_context != "table") ++wrong_parent;
        if (i % 2 == 0) {
            ecs::Event end = lifecycle_event(ecs::Action::End, serial++, child, 500);
            table.apply(end);
        }
        if (table.stats().size > kCap) ++over_cap;
        if (i == 50000) rss_warm = hostile_support::resident_bytes();
    }
    const process::TableStats stats = table.stats();
    CHECK(over_cap == 0);
    CHECK(stats.size == kCap);
    CHECK(stats.evictions > 0);
    CHECK(wrong_parent == 0);
    const process::Entry* parent = table.find("h", 500);
    REQUIRE(parent != nullptr);
    REQUIRE(parent->image != nullptr);
    CHECK(parent->image->name.str() == "cron");
    if (!hostile_support::kAddressSanitizer)
        CHECK(hostile_support::resident_bytes() < rss_warm + (std::size_t{8} << 20));
}

TEST_CASE(
    "a flood past the cap evicts the flooding user's processes first; an idle process evicted "
    "anyway is never re-read from /proc (documented in SECURITY.md)") {
    constexpr std::size_t kCap = 1024;
    FakeProc proc;
    for (process::LiveLookup* live :
         {static_cast<process::LiveLookup*>(nullptr), static_cast<process::LiveLookup*>(&proc)}) {
        process::ProcessTable table(process::TableOptions{kCap}, live);
        ecs::Event idle = exec_event(1, 700, 1, "sshd", {"sshd", "-D"});
        idle.process.real_user.id = "0";
        table.apply(idle);
        uint64_t serial = 2;
        // Another user's flood: it evicts its own processes, never the idle root daemon.
        for (int64_t pid = 2000; pid < 2000 + 2 * static_cast<int64_t>(kCap); ++pid) {
            ecs::Event e = exec_event(serial++, pid, 1, "sleep", {"sleep", "1"});
            e.process.real_user.id = "1000";
            table.apply(e);
        }
        ecs::Event child = exec_event(serial++, 9000, 700, "bash", {"bash"});
        table.apply(child);
        CHECK(child.auditd.parent_context == "table");
        CHECK(child.parent.name == "sshd");
        // The same user's flood does evict it (least recently used): its next child's context
        // is missing, in plugin mode too (its /proc argv may have been rewritten since).
        for (int64_t pid = 20000; pid < 20000 + 2 * static_cast<int64_t>(kCap); ++pid) {
            ecs::Event e = exec_event(serial++, pid, 1, "sleep", {"sleep", "1"});
            e.process.real_user.id = "0";
            table.apply(e);
        }
        ecs::Event orphan = exec_event(serial++, 9001, 700, "bash", {"bash"});
        table.apply(orphan);
        CHECK(orphan.auditd.parent_context == "missing");
        CHECK(table.stats().size == kCap);
    }
}

TEST_CASE("table memory is bounded in bytes too: huge argv do not multiply by the capacity") {
    // The kernel lets an unprivileged user exec with ~2 MB of args, and a SIGKILLed process
    // leaves no exit_group record, so its entry stays until evicted. Each entry keeps at most
    // kMaxImageArgBytes of args for its children, so 256 such processes hold about 1 MiB, not
    // 64 MiB (8 GiB at the default capacity).
    constexpr std::size_t kCap = 256;
    const process::TableOptions options{kCap};
    process::ProcessTable table(options);
    const std::size_t before = hostile_support::resident_bytes();
    for (int64_t pid = 1; pid <= static_cast<int64_t>(kCap); ++pid) {
        std::vector<std::string> args(128, std::string(2048, 'x'));
        ecs::Event e = exec_event(static_cast<uint64_t>(pid), pid, 1, "x", std::move(args));
        table.apply(e);
    }
    CHECK(table.stats().bytes <= kCap * (process::kMaxImageArgBytes + 1024));
    CHECK(table.stats().capped_images == kCap);
    CHECK(table.stats().evictions == 0);
    if (hostile_support::kAddressSanitizer) return;  // resident size means nothing under ASan
    const std::size_t grown = hostile_support::resident_bytes() - before;
    INFO("table of " << kCap << " entries grew RSS by " << grown / (std::size_t{1} << 20)
                     << " MiB");
    CHECK(grown < (std::size_t{8} << 20));
}

TEST_CASE(
    "the plugin's stdin loop keeps up with a sustained stream, SIGUSR1 and exit report "
    "exact counters") {
    hostile_support::Workdir work;
    StreamCounts counts;
    const std::string stream = plugin_stream(1000, 40000, counts);
    const std::string log = work.file("stderr.log");
    hostile_support::Plugin plugin(plugin_args(work), log);
    REQUIRE(wait_for_log(log, "plugin mode:", 1));  // started: rules loaded, /proc seeded

    const auto start = std::chrono::steady_clock::now();
    const std::size_t half = stream.find("type=SYSCALL", stream.size() / 2);
    plugin.write(std::string_view(stream).substr(0, half));
    plugin.signal(SIGUSR1);
    plugin.write(std::string_view(stream).substr(half));
    const int status = plugin.finish();
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(counts.execs + counts.exits) / took;
    std::printf("plugin throughput: %llu events (%zu bytes) in %.2f s = %.0f events/s\n",
                static_cast<unsigned long long>(counts.execs) + counts.exits, stream.size(), took,
                rate);

    const std::string text = hostile_support::read_file(log);
    INFO(text.substr(text.size() > 3000 ? text.size() - 3000 : 0));
    REQUIRE(status == 0);
    CHECK(hostile_support::count_occurrences(text, "stats: ") >= 2);  // SIGUSR1's and the exit's
    const auto stats = hostile_support::last_stats(text);
    CHECK(stats.at("execs") == counts.execs);
    CHECK(stats.at("process_events") == counts.execs + counts.exits);
    CHECK(stats.at("alerts") == counts.alerts);
    CHECK(stats.at("alerts_emitted") == counts.alerts);
    CHECK(stats.at("malformed") == 0);
    CHECK(stats.at("alerts_failed") == 0);
    // auditd's own default pace on a busy host is a few thousand events a second; the slowest
    // build here (ASan+UBSan on a shared 2-core machine) still has to beat that.
    CHECK(rate > 2000.0);
}

TEST_CASE("SIGHUP reloads while events stream through the plugin lose and double no alert") {
    hostile_support::Workdir work;
    const std::string log = work.file("stderr.log");
    hostile_support::Plugin plugin(plugin_args(work), log);
    REQUIRE(wait_for_log(log, "plugin mode:", 1));

    StreamCounts counts;
    uint64_t serial = 5000;
    std::size_t reloads = 0;
    const std::string broken = work.rules() + "/zz_broken.toml";
    for (int batch = 0; batch < 12; ++batch) {
        plugin.write(plugin_stream(serial, 2000, counts));
        serial += 2001;
        if (batch % 3 == 1) {
            // A reload that fails (a broken rule file appeared): the old rules keep running.
            {
                std::ofstream out(broken);
                out << "[rule]\nname = \"broken\"\nquery = '''process where (((''' \n";
            }
            std::filesystem::permissions(broken, std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write |
                                                     std::filesystem::perms::group_read |
                                                     std::filesystem::perms::others_read);
            plugin.signal(SIGHUP);
            ++reloads;
            REQUIRE(wait_for_log(log, "reloading configuration and rules", reloads));
            REQUIRE(wait_for_log(log, "reload failed", static_cast<std::size_t>(batch / 3 + 1)));
            std::filesystem::remove(broken);
        } else {
            plugin.signal(SIGHUP);  // a good reload: the same rules, swapped in mid-stream
            ++reloads;
            REQUIRE(wait_for_log(log, "reloading configuration and rules", reloads));
        }
    }
    REQUIRE(plugin.finish() == 0);
    const std::string text = hostile_support::read_file(log);
    INFO(text.substr(text.size() > 3000 ? text.size() - 3000 : 0));
    const auto stats = hostile_support::last_stats(text);
    const uint64_t expected = counts.alerts;
    CHECK(stats.at("alerts") == expected);
    CHECK(stats.at("alerts_emitted") == expected);

    std::ifstream alerts(work.file("alerts.ndjson"));
    std::set<uint64_t> sequences;
    std::size_t lines = 0;
    for (std::string line; std::getline(alerts, line);) {
        ++lines;
        const auto doc = nlohmann::json::parse(line);
        sequences.insert(doc.at("event").at("sequence").get<uint64_t>());
    }
    CHECK(lines == expected);             // none lost
    CHECK(sequences.size() == expected);  // none doubled
}

TEST_CASE("a plugin lagging behind the EOE timeout still reassembles events that straddle a read") {
    // libauparse ages an open event when its time is eoe_timeout older than the wall clock.
    // When the plugin lags more than that behind the kernel (a backlog under load), ageing after
    // every read completed an event whose records straddle two reads half-read (no PATH, so no
    // process.name, so no alert); run_live() now ages only when stdin has been idle.
    hostile_support::Workdir work;
    const std::string log = work.file("stderr.log");
    hostile_support::Plugin plugin(plugin_args(work), log);
    REQUIRE(wait_for_log(log, "plugin mode:", 1));
    StreamCounts counts;
    const auto ten_seconds_ago = static_cast<uint64_t>(std::time(nullptr)) - 10;
    const std::string stream = plugin_stream(100, 20, counts, ten_seconds_ago);
    // Cut inside every `iptables -F` event, after its EXECVE record, and let the plugin read.
    std::size_t at = 0;
    for (;;) {
        const auto exec = stream.find("a0=69707461626C6573", at);  // "iptables"
        if (exec == std::string::npos) break;
        const auto cut = stream.find('\n', exec) + 1;
        plugin.write(std::string_view(stream).substr(at, cut - at));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        at = cut;
    }
    plugin.write(std::string_view(stream).substr(at));
    REQUIRE(plugin.finish() == 0);
    const auto stats = hostile_support::last_stats(hostile_support::read_file(log));
    CHECK(stats.at("alerts") == counts.alerts);
    CHECK(stats.at("execs") == counts.execs);
}

TEST_CASE("SIGHUP applies the re-read config file: sinks, format and throttle change") {
    hostile_support::Workdir work;
    const std::string log = work.file("stderr.log");
    const std::string settings = work.file("settings.conf");
    const std::string before = work.file("before.ndjson");
    const std::string after = work.file("after.cef");
    const auto write_settings = [&](const std::string& text) {
        std::ofstream(settings) << text;
        std::filesystem::permissions(
            settings, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                          std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    };
    write_settings("alerts-output = " + before + "\nalerts-format = json\nthrottle-alerts = 3\n");
    // The command line's options stay after the reload (--host-name, --log-level).
    hostile_support::Plugin plugin({"--config", settings, "--rules", work.rules(), "--host-name",
                                    "reload-test", "--log-level", "info"},
                                   log);
    REQUIRE(wait_for_log(log, "plugin mode:", 1));
    StreamCounts first;
    plugin.write(plugin_stream(5000, 200, first));  // 20 alerts of one user and rule: 3 pass
    REQUIRE(first.alerts == 20);
    // Wait until the plugin has evaluated all of it (its stats line says so).
    bool evaluated = false;
    for (int i = 0; i < 100 && !evaluated; ++i) {
        plugin.signal(SIGUSR1);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        evaluated = hostile_support::read_file(log).find(" alerts=20 ") != std::string::npos;
    }
    REQUIRE(evaluated);

    write_settings("alerts-output = " + after + "\nalerts-format = cef\nthrottle-alerts = 0\n");
    plugin.signal(SIGHUP);
    REQUIRE(wait_for_log(log, "reload: configuration applied", 1));

    // A broken configuration (a sink that cannot exist) is a failed reload: cef continues.
    write_settings("alerts-output = udp:/nowhere\n");
    plugin.signal(SIGHUP);
    REQUIRE(wait_for_log(log, "reload failed", 1));

    StreamCounts second;
    plugin.write(plugin_stream(8000, 200, second));
    REQUIRE(plugin.finish() == 0);
    const std::string text = hostile_support::read_file(log);
    INFO(text.substr(text.size() > 3000 ? text.size() - 3000 : 0));
    CHECK_THAT(text, Catch::Contains("invalid alert sink 'udp:/nowhere'"));

    // Before the reload: JSON, throttled to 3, then the summary of the 17 held back (sent when
    // the old outputs were finished by the reload).
    std::ifstream json_in(before);
    std::vector<nlohmann::json> docs;
    for (std::string line; std::getline(json_in, line);)
        docs.push_back(nlohmann::json::parse(line));
    REQUIRE(docs.size() == 4);
    CHECK(docs[0]["host"]["name"] == "reload-test");
    CHECK(docs[3]["event"]["action"] == "alerts-suppressed");
    CHECK(docs[3]["audisp_eql"]["throttle"]["suppressed"] == 17);
    // After: CEF, not throttled, every alert, the command line's host name kept.
    std::ifstream cef_in(after);
    std::size_t cef_lines = 0;
    for (std::string line; std::getline(cef_in, line);) {
        ++cef_lines;
        CHECK(line.starts_with("CEF:0|audisp-eql|"));
        CHECK_THAT(line, Catch::Contains("dvchost=reload-test"));
    }
    CHECK(cef_lines == second.alerts);
}

}  // namespace test_overload
