// A local syslog daemon that stops reading (a wedged journald or rsyslogd behind /dev/log) must
// not stop detection: the default syslog sink runs behind its own bounded queue, the file sink
// beside it gets every alert at once, and what the syslog sink could not deliver is counted.
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "../common/temp_dir.hpp"
#include "app/alert_output.hpp"
#include "app/syslog_diagnostics.hpp"
#include "engine/rule_loader.hpp"

namespace test_sink_stall {

namespace {

std::size_t count_lines(const std::string& path) {
    std::ifstream in(path);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

// In the child: a private /dev whose log socket is bound and never read.
int wedged_dev_log() {
    if (::unshare(CLONE_NEWNS) != 0) return 77;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 77;
    if (::mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") != 0) return 77;
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, "/dev/log");
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return 78;
    return -1;  // keep fd open and unread until the child exits
}

}  // namespace

TEST_CASE("a stalled /dev/log does not block detection or the file sink beside it") {
    const test_common::TempDir dir("audisp-eql-stall");
    const std::string alerts = (dir / "alerts.ndjson").string();
    const std::string report = (dir / "report.txt").string();
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    REQUIRE(loaded.rules.size() == 2);
    constexpr int kAlerts = 2000;

    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (const int failed = wedged_dev_log(); failed >= 0) ::_exit(failed);
        app::Config config;  // plugin mode
        config.alerts_outputs = {"syslog", alerts};
        config.throttle_alerts = 0;
        std::ofstream out(report);
        {
            app::AlertOutput output(config, /*live=*/true);
            const auto start = std::chrono::steady_clock::now();
            for (int i = 0; i < kAlerts; ++i) {
                ecs::Event e;
                e.timestamp_us = 1'700'000'000'000'000 + i;
                e.process.pid = 1000 + i;
                e.process.name = "iptables";
                e.process.args = std::vector<std::string>{"iptables", "-F", std::string(600, 'a')};
                output.emit(e, loaded.rules[1].info);
            }
            const auto took = std::chrono::steady_clock::now() - start;
            out << "emit_ms=" << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                << '\n';
            // Every alert is in the file while the syslog sink is still stuck.
            for (int i = 0; i < 200 && count_lines(alerts) < kAlerts; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            out << "file_lines_before_finish=" << count_lines(alerts) << '\n';
            output.finish();
            out << output.stats_line() << '\n';
        }
        out.close();
        ::_exit(0);
    }
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 3000 && !exited; ++i) {  // at most 30 s
        exited = ::waitpid(child, &status, WNOHANG) == child;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
    }
    const std::string text = read_text(report);
    INFO(text);
    REQUIRE(exited);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        WARN("no permission for a private mount namespace; stalled /dev/log not tested");
        return;
    }
    REQUIRE(WEXITSTATUS(status) == 0);
    std::smatch match;
    REQUIRE(std::regex_search(text, match, std::regex("emit_ms=(\\d+)")));
    CHECK(std::stoi(match[1]) < 2000);
    CHECK_THAT(text, Catch::Contains("file_lines_before_finish=2000"));
    CHECK(count_lines(alerts) == kAlerts);
    // The syslog sink: every alert sent (into the socket's buffer), dropped or still queued when
    // finish() gave up waiting, all counted.
    REQUIRE(std::regex_search(text, match,
                              std::regex("\\[syslog sent=(\\d+) dropped=(\\d+) queued=(\\d+)")));
    const int sent = std::stoi(match[1]);
    const int dropped = std::stoi(match[2]);
    const int queued = std::stoi(match[3]);
    CHECK(dropped > 0);
    CHECK(dropped + queued > kAlerts / 2);
    CHECK(sent + dropped + queued == kAlerts);
    CHECK_THAT(text, Catch::Contains("[" + alerts + " sent=2000 dropped=0 queued=0"));
}

TEST_CASE("plugin-mode diagnostics to syslog never block on a daemon that does not read") {
    const test_common::TempDir dir("audisp-eql-diag");
    const std::string path = (dir / "log").string();
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof address.sun_path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    auto sink = std::make_shared<app::SyslogDiagnostics>("audisp-eql-test", path);
    spdlog::logger logger("diag-test", sink);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5000; ++i) logger.warn("alert sink syslog: queue full {}", i);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(sink->dropped() > 0);
    // What did get through is in the /dev/log format with the daemon facility.
    char buffer[512] = {};
    const ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, MSG_DONTWAIT);
    REQUIRE(n > 0);
    const std::string first(buffer, static_cast<std::size_t>(n));
    CHECK(first.starts_with("<28>"));  // daemon (3) * 8 + warning (4)
    CHECK_THAT(first, Catch::Contains("audisp-eql-test[" + std::to_string(::getpid()) +
                                      "]: alert sink syslog: queue full 0"));
    ::close(fd);
}

}  // namespace test_sink_stall
