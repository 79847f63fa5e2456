// Test fixtures for delivery tests: a temporary folder, free loopback ports, and a private
// rsyslogd (the Debian package) listening on 127.0.0.1 only, with UDP, TCP and a unix socket
// in the temporary folder, that writes each received message raw (%rawmsg%) to one file per
// input. It never touches /dev/log or a system rsyslogd: its own config, pid file and work
// folder, and it is stopped by the destructor.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "../common/temp_dir.hpp"

namespace alert_rsyslog {

using test_common::TempDir;

// A port that was free on 127.0.0.1 a moment ago (bound to port 0 and released).
int free_port(bool udp = false);

inline constexpr const char* kRsyslogd = "/usr/sbin/rsyslogd";
bool rsyslogd_available();

class Rsyslogd {
  public:
    // Makes its own temporary folder, picks free ports and writes the config; start() runs the
    // daemon.
    Rsyslogd();
    ~Rsyslogd();  // stop()
    Rsyslogd(const Rsyslogd&) = delete;
    Rsyslogd& operator=(const Rsyslogd&) = delete;

    // Starts rsyslogd -n and waits (at most 10 s) until all three inputs accept messages;
    // false if it did not come up (its output is in dir/rsyslogd.out).
    bool start();
    // SIGTERM, wait up to 5 s, then SIGKILL. Idempotent.
    void stop();
    bool running() const { return pid_ > 0; }

    std::string socket_path() const { return (dir_.path() / "log.sock").string(); }
    // The alert sink spec that reaches one input: "udp://127.0.0.1:PORT", "tcp://..." or
    // "unix:PATH".
    std::string sink_spec(const std::string& input) const;

    // Received lines of one input ("udp", "tcp", "unix"), readiness probes left out.
    std::vector<std::string> lines(const std::string& input) const;
    // Waits until lines(input) has at least `count` lines; false after `timeout`.
    bool wait_for_lines(const std::string& input, std::size_t count,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    // lines(input) once it has `count` lines (or 10 s passed) and 200 ms more, so that a message
    // split in two would show up as an extra line.
    std::vector<std::string> settled_lines(const std::string& input, std::size_t count) const;
    std::string output() const;  // rsyslogd's own stdout/stderr

  private:
    bool probe(const std::string& input, int attempt);

    TempDir dir_;  // config, socket and logs; removed after ~Rsyslogd() has stopped the daemon
    int udp_port_;
    int tcp_port_;
    pid_t pid_ = -1;
};

// The Catch2 fixture (TEST_CASE_METHOD) of a delivery test: a private rsyslogd, started. The
// test fails when rsyslogd is not installed (a test dependency: .ci/install-deps installs it),
// rather than pass having checked nothing, or when it does not come up.
struct RunningRsyslogd {
    RunningRsyslogd();
    Rsyslogd server;
};

}  // namespace alert_rsyslog
