// Plugin mode's read loop, driven the way auditd drives it: records written to a pipe one write
// at a time. An event is answered as soon as its last record arrives (not on more input or the
// end of input), and input that comes sparsely is never held back by the read pacing.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "offline_test_util.hpp"

namespace test_plugin_loop {

using namespace offline_test;

namespace {

// The `iptables -F` exec of firewall-disable.log (serial 1901, its lines 109-115) as auditd's
// plugin stream carries it: ended by an EOE record. `serial`: the same event under another one.
std::vector<std::string> iptables_exec_records(int serial = 1901) {
    std::ifstream in(data("firewall-disable.log"));
    std::vector<std::string> records;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        if (++number >= 109 && number <= 115) records.push_back(line + '\n');
    }
    records.emplace_back("type=EOE msg=audit(1795359895.306:1901): \n");
    const std::string from = ".306:1901)";
    const std::string to = ".306:" + std::to_string(serial) + ")";
    for (std::string& record : records) record.replace(record.find(from), from.size(), to);
    return records;
}

// SIGPIPE ignored while it lives (a write to a pipe whose reader exited then fails with EPIPE).
class IgnoreSigpipe {
  public:
    IgnoreSigpipe() : previous_(std::signal(SIGPIPE, SIG_IGN)) {}
    ~IgnoreSigpipe() { std::signal(SIGPIPE, previous_); }
    IgnoreSigpipe(const IgnoreSigpipe&) = delete;
    IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

  private:
    void (*previous_)(int);
};

// audisp-eql in plugin mode with a pipe on stdin and one on stdout, `extra_args` added to its
// command line; killed and reaped if a check fails before the test ends it.
class PluginChild {
  public:
    explicit PluginChild(const std::string& err_path,
                         const std::vector<std::string>& extra_args = {}) {
        std::vector<std::string> args{binary(), "--rules",         rules_dir(), "--alerts-output",
                                      "-",      "--alerts-format", "json",      "--log-level",
                                      "info"};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (std::string& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        int in[2];
        int out[2];
        REQUIRE(::pipe(in) == 0);
        REQUIRE(::pipe(out) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(in[0], STDIN_FILENO);
            ::dup2(out[1], STDOUT_FILENO);
            std::FILE* err = std::freopen(err_path.c_str(), "w", stderr);
            if (err == nullptr) ::_exit(127);
            ::close(in[1]);
            ::close(out[0]);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        input_ = in[1];
        output_ = out[0];
    }
    ~PluginChild() {
        close_input();
        if (output_ >= 0) ::close(output_);
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    PluginChild(const PluginChild&) = delete;
    PluginChild& operator=(const PluginChild&) = delete;

    void write_record(const std::string& record) const {
        REQUIRE(::write(input_, record.data(), record.size()) ==
                static_cast<ssize_t>(record.size()));
    }
    // What the plugin wrote to stdout until `wanted` appeared `times` times or `timeout` passed.
    std::string read_until(const std::string& wanted, std::chrono::milliseconds timeout,
                           std::size_t times = 1) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (occurrences(wanted) < times) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd ready{output_, POLLIN, 0};
            if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(output_, buffer, sizeof buffer);
            if (n <= 0) break;
            received_.append(buffer, static_cast<std::size_t>(n));
        }
        return received_;
    }
    std::size_t occurrences(const std::string& wanted) const {
        std::size_t count = 0;
        for (std::size_t at = received_.find(wanted); at != std::string::npos;
             at = received_.find(wanted, at + wanted.size())) {
            ++count;
        }
        return count;
    }
    void signal(int number) const { REQUIRE(::kill(pid_, number) == 0); }
    // Writes all of `text` (blocking while the pipe is full), or as much as the reader took
    // before it went away. No Catch2 assertion: it may run on another thread.
    void write_all(std::string_view text) const {
        while (!text.empty()) {
            const ssize_t n = ::write(input_, text.data(), text.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            text.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    void close_input() {
        if (input_ >= 0) ::close(input_);
        input_ = -1;
    }
    // Closes stdin (auditd going away) and returns the exit status.
    int finish() {
        close_input();
        int status = 0;
        REQUIRE(::waitpid(pid_, &status, 0) == pid_);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

  private:
    pid_t pid_ = -1;
    int input_ = -1;
    int output_ = -1;
    std::string received_;
};

// Writes `execs` iptables execs (serials from `first_serial`) back to back, one write per
// record, and returns how many alerts came back within 20 s.
std::size_t write_execs_read_alerts(PluginChild& plugin, int execs, int first_serial) {
    for (int i = 0; i < execs; ++i) {
        for (const std::string& record : iptables_exec_records(first_serial + i)) {
            plugin.write_record(record);
        }
    }
    const std::string rule = "\"Attempt to Disable IPTables or Firewall\"";
    plugin.read_until(rule, std::chrono::seconds(20), static_cast<std::size_t>(execs));
    return plugin.occurrences(rule);
}

// The field names of a stats line, each once, in the order written: "[- sent=1 ..." gives sent.
std::vector<std::string> stats_fields(const std::string& line) {
    std::vector<std::string> fields;
    std::istringstream words(line);
    for (std::string word; words >> word;) {
        const auto equals = word.find('=');
        if (equals == std::string::npos) continue;
        std::string name = word.substr(0, equals);
        if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
            fields.push_back(std::move(name));
        }
    }
    return fields;
}

// The fields the README's table under "### The stats line" names, in its order.
std::vector<std::string> readme_stats_fields() {
    std::istringstream readme(slurp(std::string(AUDISP_SOURCE_DIR) + "/README.md"));
    std::vector<std::string> fields;
    bool in_section = false;
    for (std::string line; std::getline(readme, line);) {
        if (line.starts_with('#')) {
            if (in_section) break;
            in_section = line == "### The stats line";
            continue;
        }
        constexpr std::string_view kRowStart = "| `";
        if (!in_section || !line.starts_with(kRowStart)) continue;
        const auto end = line.find('`', kRowStart.size());
        if (end != std::string::npos) {
            fields.push_back(line.substr(kRowStart.size(), end - kRowStart.size()));
        }
    }
    return fields;
}

}  // namespace

TEST_CASE("plugin mode alerts on an event's last record while its input stays open") {
    const TempDir dir;
    const std::string err = (dir / "err.txt").string();
    PluginChild plugin(err);
    const std::vector<std::string> records = iptables_exec_records();
    REQUIRE(records.size() == 8);
    // One record every 20 ms: sparse input, which is read as it comes.
    for (const std::string& record : records) {
        plugin.write_record(record);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string alerts =
        plugin.read_until("Attempt to Disable IPTables or Firewall", std::chrono::seconds(10));
    CHECK_THAT(alerts, Catch::Contains("\"Attempt to Disable IPTables or Firewall\""));
    CHECK(plugin.finish() == 0);

    // The final stats line: no read waited, and no more reads than writes.
    const std::string log = slurp(err);
    std::smatch stats;
    REQUIRE(std::regex_search(log, stats, std::regex(R"( reads=(\d+) read_waits=(\d+) )")));
    CHECK(std::stoi(stats[1]) >= 1);
    CHECK(std::stoi(stats[1]) <= 8);
    CHECK(std::stoi(stats[2]) == 0);
    CHECK_THAT(log, Catch::Contains("alerts=1 "));
}

TEST_CASE("plugin mode answers every event of dense input, paced or not, before its input ends") {
    const TempDir dir;
    const std::string err = (dir / "err.txt").string();
    PluginChild plugin(err);
    // 60 execs, 480 records written back to back, one write each: dense input, which the loop
    // reads in paced slots whenever more than four reads come in quick succession.
    constexpr int kExecs = 60;
    CHECK(write_execs_read_alerts(plugin, kExecs, 2000) == kExecs);
    CHECK(plugin.finish() == 0);

    const std::string log = slurp(err);
    std::smatch stats;
    REQUIRE(std::regex_search(log, stats, std::regex(R"( reads=(\d+) read_waits=(\d+) )")));
    CHECK(std::stoi(stats[1]) >= 1);
    CHECK(std::stoi(stats[1]) <= kExecs * 8);
    CHECK_THAT(log, Catch::Contains(" alerts=60 "));
}

TEST_CASE("on SIGTERM, plugin mode first evaluates what auditd already wrote to its pipe") {
    // auditd stops a plugin with SIGTERM while events it sent may still be in the pipe. Here the
    // plugin is stopped while a writer fills its pipe (64 KiB) and waits with the rest of 200
    // execs; continued, the plugin sees SIGTERM after at most one read, and must still read and
    // answer every event the writer hands over after it.
    const TempDir dir;
    const std::string err = (dir / "err.txt").string();
    PluginChild plugin(err, {"--throttle-alerts", "0"});
    constexpr int kExecs = 200;
    const std::string rule = "\"Attempt to Disable IPTables or Firewall\"";
    plugin.read_until(rule, std::chrono::milliseconds(300));  // let it start and go idle
    std::string records;
    for (int i = 0; i < kExecs; ++i) {
        for (const std::string& record : iptables_exec_records(4000 + i)) records += record;
    }
    constexpr std::size_t kPipeBytes = 65536;  // a pipe's default capacity
    REQUIRE(records.size() > 4 * kPipeBytes);
    const IgnoreSigpipe ignore;  // without the drain the plugin exits before the writer is done
    plugin.signal(SIGSTOP);
    std::thread writer([&plugin, &records] { plugin.write_all(records); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the pipe is full by now
    plugin.signal(SIGTERM);
    plugin.signal(SIGCONT);
    // Its alerts are read meanwhile: they fill its stdout pipe, and it would block on them.
    plugin.read_until(rule, std::chrono::seconds(20), kExecs);
    writer.join();
    CHECK(plugin.occurrences(rule) == kExecs);
    CHECK(plugin.finish() == 0);
    const std::string log = slurp(err);
    CHECK_THAT(log, Catch::Contains("stopping on signal ("));
    CHECK_THAT(log, Catch::Contains(" alerts=200 "));
}

TEST_CASE("plugin mode paces its reads as --read-burst and --read-interval-us say") {
    const TempDir dir;
    const std::string err = (dir / "err.txt").string();
    PluginChild plugin(err, {"--read-burst", "1", "--read-interval-us", "30000"});
    constexpr int kExecs = 5;
    CHECK(write_execs_read_alerts(plugin, kExecs, 3000) == kExecs);
    CHECK(plugin.finish() == 0);
    const std::string log = slurp(err);
    CHECK_THAT(log, Catch::Contains(" read_burst=1 read_interval_us=30000 "));
    CHECK_THAT(log, Catch::Contains(" alerts=5 "));
}

// Every group of the stats line present (sequence rules, an events output, a timed alert, a
// sink): the fields it writes are the README's table, no more, no fewer, in the same order.
TEST_CASE("the stats line writes exactly the fields the README's table names") {
    const TempDir dir;
    const std::string err = (dir / "err.txt").string();
    const std::string sequence_rule = std::string(AUDISP_SHARED_DIR) +
                                      "/rules-upstream/linux-sequence/"
                                      "credential_access_proc_credential_dumping.toml";
    PluginChild plugin(
        err, {"--rules", sequence_rule, "--events-output", (dir / "events.ndjson").string()});
    for (const std::string& record : iptables_exec_records()) plugin.write_record(record);
    const std::string rule = "\"Attempt to Disable IPTables or Firewall\"";
    plugin.read_until(rule, std::chrono::seconds(20));
    REQUIRE(plugin.occurrences(rule) == 1);
    REQUIRE(plugin.finish() == 0);

    const std::string log = slurp(err);
    const auto at = log.rfind("stats: ");
    REQUIRE(at != std::string::npos);
    const std::string line = log.substr(at, log.find('\n', at) - at);
    CHECK_THAT(line, Catch::Contains(" sequence_rules=1 ") &&
                         Catch::Contains(" events_written=1 ") &&
                         Catch::Contains(" alert_latency_n=1 ") && Catch::Contains(" [- sent=1 "));
    CHECK(stats_fields(line) == readme_stats_fields());
}

}  // namespace test_plugin_loop
