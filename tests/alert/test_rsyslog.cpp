// Delivery to a real collector: a private rsyslogd on loopback (see rsyslog.hpp). Every line it
// writes must be exactly one of our messages, parseable, with the hostile values intact.
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "alert/sink.hpp"
#include "alert/tcp_sink.hpp"
#include "alert/text.hpp"
#include "rsyslog.hpp"
#include "support.hpp"

namespace test_rsyslog {

using namespace std::chrono_literals;
using alert_support::hostile_values;

namespace {

const std::string kEllipsis(alert::text::kCutMarker);

bool is_cut_of(const std::string& cut, const std::string& full) {
    if (cut == full) return true;
    if (cut.size() < kEllipsis.size() ||
        cut.compare(cut.size() - kEllipsis.size(), kEllipsis.size(), kEllipsis) != 0) {
        return false;
    }
    return full.compare(0, cut.size() - kEllipsis.size(), cut, 0, cut.size() - kEllipsis.size()) ==
           0;
}

constexpr int64_t kPidBase = 7000;

// Checks one formatted alert (the syslog MSG) against the hostile value it carried.
void check_msg(alert::Format format, const std::string& msg, const std::string& value,
               int64_t pid) {
    switch (format) {
        case alert::Format::Json: {
            const auto doc = nlohmann::json::parse(msg);
            CHECK(doc["process"]["pid"] == pid);
            CHECK(is_cut_of(doc["process"]["command_line"].get<std::string>(),
                            alert_support::expected_json_value(value)));
            break;
        }
        case alert::Format::Cef: {
            const auto cef = alert_support::parse_cef(msg);
            REQUIRE(cef);
            CHECK(cef->value("spid") == std::to_string(pid));
            CHECK(is_cut_of(cef->value("cs1"), alert_support::expected_cef_value(value)));
            break;
        }
        case alert::Format::Text:
            CHECK(msg.find("pid=\"" + std::to_string(pid) + "\"") != std::string::npos);
            break;
    }
}

// Emits the hostile table in each format to `input`; appends each alert's format to formats_out.
void emit_table(alert_rsyslog::Rsyslogd& server, const std::string& input,
                alert::SinkOptions options, std::vector<alert::Format>& formats_out) {
    std::size_t expected = server.lines(input).size();
    for (const alert::Format format :
         {alert::Format::Json, alert::Format::Cef, alert::Format::Text}) {
        options.format = format;
        auto sink = alert::make_sink(server.sink_spec(input), options);
        int64_t pid = kPidBase;
        for (const auto& hostile : hostile_values()) {
            sink->emit(alert_support::hostile_alert(hostile.value, pid++));
            formats_out.push_back(format);
            // Pace the datagrams, so that a full socket buffer cannot pass for a split.
            if (input != "tcp") REQUIRE(server.wait_for_lines(input, ++expected, 5s));
        }
        if (auto* tcp = dynamic_cast<alert::TcpSink*>(sink.get())) {
            REQUIRE(tcp->flush_for(10s));
        }
        const alert::SinkStats stats = sink->stats();
        CHECK(stats.sent == hostile_values().size());
        CHECK(stats.dropped == 0);
        CHECK(stats.errors == 0);
    }
}

}  // namespace

TEST_CASE_METHOD(alert_rsyslog::RunningRsyslogd,
                 "udp and tcp sinks deliver hostile alerts to rsyslogd as single RFC 5424 messages",
                 "[alert][rsyslog]") {
    INFO(server.output());

    for (const std::string input : {"udp", "tcp"}) {
        INFO(input);
        alert::SinkOptions options;
        options.hostname = "h1";
        options.facility = alert::parse_facility("local4");
        std::vector<alert::Format> formats;
        emit_table(server, input, options, formats);
        const auto lines = server.settled_lines(input, formats.size());
        REQUIRE(lines.size() == formats.size());  // one line per alert: nothing split
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::size_t row = i % hostile_values().size();
            INFO(alert::format_name(formats[i]) << ": " << hostile_values()[row].name);
            std::string why;
            const auto parsed = alert_support::parse_rfc5424(lines[i], &why);
            INFO(why);
            REQUIRE(parsed);
            CHECK(parsed->pri == 20 * 8 + 4);
            CHECK(parsed->hostname == "h1");
            CHECK(parsed->msgid == "7fd3e5b68d1b4a3c9f0e2b1c3d4e5f60");
            const auto& params = parsed->sd.at(0).params;
            const int64_t pid = kPidBase + static_cast<int64_t>(row);
            CHECK(params.at("pid") == std::to_string(pid));
            CHECK(params.at("rule_id") == alert_support::kRuleId);
            CHECK(lines[i].size() <= alert::kDefaultSyslogBytes);
            check_msg(formats[i], parsed->msg, hostile_values()[row].value, pid);
        }
    }
}

TEST_CASE_METHOD(alert_rsyslog::RunningRsyslogd,
                 "tcp sink survives a collector outage: in order, no duplicates, drops counted",
                 "[alert][rsyslog][tcp]") {
    INFO(server.output());

    constexpr std::size_t kCapacity = 50;
    constexpr int kBefore = 5;
    constexpr int kDuring = 70;  // 50 fit in the queue, 20 are dropped
    alert::SinkOptions options;
    options.queue_capacity = kCapacity;
    options.reconnect_min = 20ms;
    options.reconnect_max = 200ms;
    options.flush_timeout = 2s;
    auto sink = alert::make_sink(server.sink_spec("tcp"), options);
    auto& tcp = dynamic_cast<alert::TcpSink&>(*sink);

    int64_t pid = 1;
    for (int i = 0; i < kBefore; ++i) sink->emit(alert_support::sample_alert(0, pid++));
    REQUIRE(tcp.flush_for(10s));
    REQUIRE(server.wait_for_lines("tcp", kBefore));

    server.stop();  // the collector goes away; the sink still holds its old connection
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kDuring; ++i) sink->emit(alert_support::sample_alert(0, pid++));
    CHECK(std::chrono::steady_clock::now() - start < 500ms);  // emit() never blocked
    std::this_thread::sleep_for(300ms);                       // a few failed reconnects
    alert::SinkStats stats = tcp.stats();
    CHECK(stats.queued == kCapacity);
    CHECK(stats.dropped == kDuring - kCapacity);
    CHECK(stats.sent == kBefore);
    CHECK_FALSE(tcp.connected());

    REQUIRE(server.start());  // same ports
    REQUIRE(tcp.flush_for(15s));
    const auto lines = server.settled_lines("tcp", kBefore + kCapacity);
    REQUIRE(lines.size() == kBefore + kCapacity);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto parsed = alert_support::parse_rfc5424(lines[i]);
        REQUIRE(parsed);
        // pids 1..55 in order: the first 5, then the 50 that fit in the queue.
        CHECK(parsed->sd.at(0).params.at("pid") == std::to_string(i + 1));
    }
    stats = tcp.stats();
    CHECK(stats.sent == kBefore + kCapacity);
    CHECK(stats.dropped == kDuring - kCapacity);
    CHECK(stats.queued == 0);
    CHECK(stats.reconnects >= 1);
    CHECK(stats.emitted == kBefore + kDuring);
}

TEST_CASE_METHOD(alert_rsyslog::RunningRsyslogd,
                 "unix: sink speaks the /dev/log protocol to a configurable socket",
                 "[alert][rsyslog][unix]") {
    INFO(server.output());

    alert::SinkOptions options;
    options.ident = "audisp-eql-test";
    std::vector<alert::Format> formats;
    emit_table(server, "unix", options, formats);
    const auto lines = server.settled_lines("unix", formats.size());
    REQUIRE(lines.size() == formats.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::size_t row = i % hostile_values().size();
        INFO(alert::format_name(formats[i]) << ": " << hostile_values()[row].name);
        const auto parsed = alert_support::parse_local_syslog(lines[i]);
        REQUIRE(parsed);
        CHECK(parsed->pri == 10 * 8 + 4);
        CHECK(parsed->tag == "audisp-eql-test");
        CHECK(parsed->pid == std::to_string(::getpid()));
        check_msg(formats[i], parsed->msg, hostile_values()[row].value,
                  kPidBase + static_cast<int64_t>(row));
    }
}

TEST_CASE_METHOD(alert_rsyslog::RunningRsyslogd,
                 "syslog sink: syslog(3) to /dev/log, redirected in a private mount namespace",
                 "[alert][rsyslog][syslog]") {
    INFO(server.output());
    const std::string socket = server.socket_path();

    // syslog(3) always connects to /dev/log. The child gets its own mount namespace with an
    // empty tmpfs on /dev and /dev/log -> our socket, so the host's /dev/log is untouched.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (::unshare(CLONE_NEWNS) != 0) ::_exit(77);
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(77);
        if (::mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") != 0) ::_exit(77);
        if (::symlink(socket.c_str(), "/dev/log") != 0) ::_exit(78);
        alert::SinkOptions options;
        options.facility = alert::parse_facility("local3");
        options.ident = "audisp-eql-syslog3";
        auto sink = alert::make_sink("syslog", options);
        int64_t pid = kPidBase;
        for (const auto& hostile : hostile_values()) {
            sink->emit(alert_support::hostile_alert(hostile.value, pid++));
        }
        sink.reset();
        ::_exit(0);
    }
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 1000 && !exited; ++i) {  // at most 20 s
        exited = ::waitpid(child, &status, WNOHANG) == child;
        if (!exited) std::this_thread::sleep_for(20ms);
    }
    if (!exited) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
        FAIL("syslog child did not finish");
    }
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        WARN("no permission for a private mount namespace; syslog(3) path not tested");
        return;
    }
    REQUIRE(WEXITSTATUS(status) == 0);
    const auto lines = server.settled_lines("unix", hostile_values().size());
    REQUIRE(lines.size() == hostile_values().size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(hostile_values()[i].name);
        const auto parsed = alert_support::parse_local_syslog(lines[i]);
        REQUIRE(parsed);
        CHECK(parsed->pri == 19 * 8 + 4);
        CHECK(parsed->tag == "audisp-eql-syslog3");
        check_msg(alert::Format::Json, parsed->msg, hostile_values()[i].value,
                  kPidBase + static_cast<int64_t>(i));
    }
}

}  // namespace test_rsyslog
