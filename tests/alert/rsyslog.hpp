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

namespace alert_test {

// mkdtemp under $TMPDIR or /tmp; removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// A port that was free on 127.0.0.1 a moment ago (bound to port 0 and released).
int free_port(bool udp = false);

inline constexpr const char* kRsyslogd = "/usr/sbin/rsyslogd";
bool rsyslogd_available();

class Rsyslogd {
  public:
    // Picks free ports and writes the config; start() runs the daemon.
    explicit Rsyslogd(const std::filesystem::path& dir);
    ~Rsyslogd();  // stop()
    Rsyslogd(const Rsyslogd&) = delete;
    Rsyslogd& operator=(const Rsyslogd&) = delete;

    // Starts rsyslogd -n and waits (at most 10 s) until all three inputs accept messages;
    // false if it did not come up (its output is in dir/rsyslogd.out).
    bool start();
    // SIGTERM, wait up to 5 s, then SIGKILL. Idempotent.
    void stop();
    bool running() const { return pid_ > 0; }

    int udp_port() const { return udp_port_; }
    int tcp_port() const { return tcp_port_; }
    std::string socket_path() const { return (dir_ / "log.sock").string(); }

    // Received lines of one input ("udp", "tcp", "unix"), readiness probes left out.
    std::vector<std::string> lines(const std::string& input) const;
    // Waits until lines(input) has at least `count` lines; false after `timeout`.
    bool wait_for_lines(const std::string& input, std::size_t count,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    std::string output() const;  // rsyslogd's own stdout/stderr

  private:
    bool probe(const std::string& input, int attempt);

    std::filesystem::path dir_;
    int udp_port_;
    int tcp_port_;
    pid_t pid_ = -1;
};

}  // namespace alert_test

// In a Catch2 test case: skip (with a warning) when rsyslogd is not installed.
// rsyslog is a test dependency (.ci/install-deps installs it): without it these tests fail
// rather than pass having checked nothing.
#define REQUIRE_RSYSLOGD()                                                     \
    do {                                                                       \
        INFO("rsyslogd is not installed (bash .ci/install-deps installs it)"); \
        REQUIRE(alert_test::rsyslogd_available());                             \
    } while (false)
