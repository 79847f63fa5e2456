// Sink factory, options validation, the stream sink (files, logrotate) and the TCP sink's queue
// bound without a collector. Delivery to a real collector is in test_rsyslog.cpp.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../common/temp_dir.hpp"
#include "alert/memory_sink.hpp"
#include "alert/sink.hpp"
#include "alert/tcp_sink.hpp"
#include "rsyslog.hpp"
#include "support.hpp"

namespace test_sinks {

namespace fs = std::filesystem;
using alert::SinkSpec;

namespace {

std::vector<std::string> read_lines(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("sink specs parse", "[alert][sink]") {
    auto spec = alert::parse_sink_spec("udp://collector.example:5514");
    CHECK(spec.kind == SinkSpec::Kind::Udp);
    CHECK(spec.host == "collector.example");
    CHECK(spec.port == "5514");
    spec = alert::parse_sink_spec("tcp://10.0.0.1");
    CHECK(spec.kind == SinkSpec::Kind::Tcp);
    CHECK(spec.port == "514");
    spec = alert::parse_sink_spec("tcp://[::1]:601");
    CHECK(spec.host == "::1");
    CHECK(spec.port == "601");
    CHECK(alert::parse_sink_spec("syslog").kind == SinkSpec::Kind::Syslog);
    CHECK(alert::parse_sink_spec("-").kind == SinkSpec::Kind::Stdout);
    spec = alert::parse_sink_spec("unix:/run/test.sock");
    CHECK(spec.kind == SinkSpec::Kind::LocalSocket);
    CHECK(spec.path == "/run/test.sock");
    spec = alert::parse_sink_spec("/var/log/audisp-eql/alerts.json");
    CHECK(spec.kind == SinkSpec::Kind::File);
    CHECK(alert::parse_sink_spec("alerts.ndjson").kind == SinkSpec::Kind::File);
}

TEST_CASE("bad sink specs are rejected with a reason", "[alert][sink]") {
    const char* bad[] = {"",
                         "udp://",
                         "udp://:514",
                         "udp://host:",
                         "udp://host:0",
                         "udp://host:65536",
                         "udp://host:51x",
                         "tcp://host:514/path",
                         "tcp://::1:514",
                         "tcp://[::1",
                         "tcp://[::1]x",
                         "tls://host:6514",
                         "http://host/",
                         "udp:host:514",
                         "syslog:local0",
                         "unix:relative.sock",
                         "unix:"};
    for (const char* spec : bad) {
        INFO(spec);
        CHECK_THROWS_AS(alert::parse_sink_spec(spec), std::invalid_argument);
        CHECK_THROWS_AS(alert::make_sink(spec, {}), std::invalid_argument);
    }
    try {
        alert::parse_sink_spec("tls://host:6514");
    } catch (const std::invalid_argument& error) {
        CHECK(std::string(error.what()).find("TLS") != std::string::npos);
    }
}

TEST_CASE("sink options are validated", "[alert][sink]") {
    alert::SinkOptions options;
    CHECK_NOTHROW(options.validate());
    options.facility = 24;
    CHECK_THROWS_AS(options.validate(), std::invalid_argument);
    options = {};
    options.max_message_bytes = 100;
    CHECK_THROWS_AS(options.validate(), std::invalid_argument);
    options = {};
    options.queue_capacity = 0;
    CHECK_THROWS_AS(options.validate(), std::invalid_argument);
    options = {};
    options.reconnect_max = std::chrono::milliseconds(1);
    CHECK_THROWS_AS(options.validate(), std::invalid_argument);
    options = {};
    options.ident.clear();
    CHECK_THROWS_AS(alert::make_sink("-", options), std::invalid_argument);
    options = {};
    options.udp_max_bytes = 2047;
    CHECK_THROWS_AS(options.validate(), std::invalid_argument);
    options.udp_max_bytes = 65508;
    CHECK_THROWS_AS(options.validate(), std::invalid_argument);
    options.udp_max_bytes = 65507;
    CHECK_NOTHROW(options.validate());
}

TEST_CASE("SD-IDs must be private RFC 5424 SD-IDs; TCP framing names", "[alert][sink]") {
    for (const char* good : {"alert@32473", "audisp@1.3.6", "x@1", "eql-alert@99999"}) {
        INFO(good);
        CHECK_NOTHROW(alert::validate_sd_id(good));
    }
    for (const char* bad :
         {"", "alert", "@32473", "alert@", "alert@x1", "al ert@1", "al=rt@1", "al]rt@1", "al\"rt@1",
          "a@b@1", "alert@1.", "averyveryverylongsdname@324730001"}) {
        INFO(bad);
        CHECK_THROWS_AS(alert::validate_sd_id(bad), std::invalid_argument);
    }
    alert::SinkOptions options;
    options.sd_id = "alert";
    CHECK_THROWS_WITH(options.validate(), Catch::Contains("NAME@ENTERPRISE-NUMBER"));
    CHECK(alert::parse_tcp_framing("newline") == alert::TcpFraming::Newline);
    CHECK(alert::parse_tcp_framing("octet-counting") == alert::TcpFraming::OctetCounting);
    CHECK_THROWS_AS(alert::parse_tcp_framing("lf"), std::invalid_argument);
}

TEST_CASE("stream sink writes one line per alert and follows logrotate", "[alert][sink]") {
    const test_common::TempDir dir;
    const fs::path path = dir.path() / "alerts.ndjson";
    alert::SinkOptions options;
    options.max_message_bytes = 4096;
    auto sink = alert::make_sink(path.string(), options);
    CHECK(sink->describe() == path.string());
    for (const auto& hostile : alert_support::hostile_values()) {
        sink->emit(alert_support::hostile_alert(hostile.value));
    }
    auto lines = read_lines(path);
    REQUIRE(lines.size() == alert_support::hostile_values().size());
    for (const std::string& line : lines) {
        CHECK(line.size() <= 4096);
        CHECK_NOTHROW(nlohmann::json::parse(line));
    }
    CHECK((fs::status(path).permissions() & fs::perms::others_all) == fs::perms::none);

    // logrotate: move the file away, SIGHUP -> reopen(), new alerts go to a new file.
    fs::rename(path, dir.path() / "alerts.ndjson.1");
    sink->emit(alert_support::sample_alert());
    sink->reopen();
    sink->emit(alert_support::sample_alert());
    CHECK(read_lines(dir.path() / "alerts.ndjson.1").size() == lines.size() + 1);
    CHECK(read_lines(path).size() == 1);

    const alert::SinkStats stats = sink->stats();
    CHECK(stats.emitted == lines.size() + 2);
    CHECK(stats.sent == lines.size() + 2);
    CHECK(stats.dropped == 0);
    CHECK(stats.truncated == 2);  // the two 100 KB alerts
    CHECK(stats.reconnects == 1);
}

TEST_CASE("stream sink in CEF and text formats", "[alert][sink]") {
    const test_common::TempDir dir;
    for (const char* format : {"cef", "text"}) {
        const fs::path path = dir.path() / format;
        alert::SinkOptions options;
        options.format = alert::parse_format(format);
        auto sink = alert::make_sink(path.string(), options);
        sink->emit(alert_support::hostile_alert("a\nb"));
        const auto lines = read_lines(path);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].substr(0, 4) == (std::string(format) == "cef" ? "CEF:" : "2026"));
    }
}

TEST_CASE("stream sink reports files it cannot open", "[alert][sink]") {
    CHECK_THROWS_AS(alert::make_sink("/nonexistent-dir/alerts.json", {}), std::system_error);
}

TEST_CASE("memory sink records alerts, lines, flushes and reopens", "[alert][sink]") {
    alert::MemorySink sink(alert::Format::Cef);
    sink.emit(alert_support::sample_alert());
    sink.flush();
    sink.reopen();
    REQUIRE(sink.alerts().size() == 1);
    CHECK(sink.lines()[0].substr(0, 6) == "CEF:0|");
    CHECK(sink.flushes() == 1);
    CHECK(sink.reopens() == 1);
    CHECK(sink.stats().sent == 1);
}

TEST_CASE("tcp sink never blocks and bounds its queue while the collector is away",
          "[alert][sink][tcp]") {
    const int port = alert_rsyslog::free_port();  // nothing listens there
    alert::SinkOptions options;
    options.queue_capacity = 5;
    options.reconnect_min = std::chrono::milliseconds(50);
    options.reconnect_max = std::chrono::milliseconds(100);
    options.flush_timeout = std::chrono::milliseconds(200);
    const auto start = std::chrono::steady_clock::now();
    {
        auto sink = alert::make_sink("tcp://127.0.0.1:" + std::to_string(port), options);
        for (int i = 0; i < 12; ++i) sink->emit(alert_support::sample_alert());
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(100));
        const alert::SinkStats stats = sink->stats();
        CHECK(stats.emitted == 12);
        CHECK(stats.queued == 5);
        CHECK(stats.dropped == 7);
        CHECK(stats.sent == 0);
        auto* tcp = dynamic_cast<alert::TcpSink*>(sink.get());
        REQUIRE(tcp != nullptr);
        CHECK_FALSE(tcp->flush_for(std::chrono::milliseconds(150)));
        CHECK_FALSE(tcp->connected());
        CHECK(tcp->stats().errors >= 1);
    }
    // Destruction waited flush_timeout at most, then gave up.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

}  // namespace test_sinks
