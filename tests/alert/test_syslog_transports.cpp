// The syslog settings collectors differ on: TCP framing (octet counting or LF), the UDP size
// limit, the SD-ID and the BOM. Checked on the wire (a raw listener) and against a real
// rsyslogd on loopback (rsyslog.hpp).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "alert/sink.hpp"
#include "alert/tcp_sink.hpp"
#include "rsyslog.hpp"
#include "support.hpp"

namespace test_syslog_transports {

using namespace std::chrono_literals;

namespace {

// One accepted connection on 127.0.0.1 whose bytes the test reads as they arrive.
class RawListener {
  public:
    RawListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(fd_, 4) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(address.sin_port);
    }
    ~RawListener() {
        if (peer_ >= 0) ::close(peer_);
        if (fd_ >= 0) ::close(fd_);
    }
    RawListener(const RawListener&) = delete;
    RawListener& operator=(const RawListener&) = delete;
    int port() const { return port_; }

    // Reads (appending to bytes_) until done(bytes_) or 10 s passed; returns bytes_.
    template <typename Done>
    const std::string& read_until(Done&& done) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!done(bytes_) && std::chrono::steady_clock::now() < deadline) {
            pollfd p{peer_ >= 0 ? peer_ : fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            if (peer_ < 0) {
                peer_ = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                continue;
            }
            char buffer[4096];
            const ssize_t n = ::recv(peer_, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            bytes_.append(buffer, static_cast<std::size_t>(n));
        }
        return bytes_;
    }
    const std::string& read_until_lines(long lf_count) {
        return read_until([&](const std::string& bytes) {
            return std::count(bytes.begin(), bytes.end(), '\n') >= lf_count;
        });
    }

  private:
    int fd_;
    int peer_ = -1;
    int port_ = 0;
    std::string bytes_;
};

}  // namespace

TEST_CASE("tcp newline framing: each message ends in one LF, no length prefix",
          "[alert][syslog][tcp]") {
    RawListener listener;
    alert::SinkOptions options;
    options.hostname = "h1";
    options.tcp_framing = alert::TcpFraming::Newline;
    auto sink = alert::make_sink("tcp://127.0.0.1:" + std::to_string(listener.port()), options);
    sink->emit(alert_support::sample_alert(1'790'000'000'123'456, 11));
    sink->emit(alert_support::sample_alert(1'790'000'000'123'456, 12));
    const std::string bytes = listener.read_until_lines(2);
    const std::size_t first_end = bytes.find('\n');
    REQUIRE(first_end != std::string::npos);
    REQUIRE(bytes.size() > first_end + 1);
    CHECK(bytes.back() == '\n');
    CHECK(std::count(bytes.begin(), bytes.end(), '\n') == 2);
    const std::string first = bytes.substr(0, first_end);
    const std::string second = bytes.substr(first_end + 1, bytes.size() - first_end - 2);
    CHECK(first.starts_with("<84>1 2026-09-21T14:13:20.123456Z h1 audisp-eql "));
    for (const auto& [message, pid] : {std::pair{first, 11}, std::pair{second, 12}}) {
        const auto parsed = alert_support::parse_rfc5424(message);
        REQUIRE(parsed);
        CHECK(parsed->sd.at(0).params.at("pid") == std::to_string(pid));
        CHECK(nlohmann::json::parse(parsed->msg)["process"]["pid"] == pid);
    }
}

TEST_CASE("tcp octet counting stays the default on the wire", "[alert][syslog][tcp]") {
    RawListener listener;
    alert::SinkOptions options;
    options.hostname = "h1";
    auto sink = alert::make_sink("tcp://127.0.0.1:" + std::to_string(listener.port()), options);
    sink->emit(alert_support::sample_alert(1'790'000'000'123'456, 11));
    // "LEN SP MSG": read until the prefix is complete and LEN bytes followed it.
    const auto complete = [](const std::string& bytes) {
        const std::size_t space = bytes.find(' ');
        return space != std::string::npos && bytes.size() >= space + 1 + std::stoul(bytes);
    };
    const std::string all = listener.read_until(complete);
    REQUIRE(complete(all));
    const std::size_t space = all.find(' ');
    CHECK(all.size() == space + 1 + std::stoul(all));
    CHECK(all.find('\n') == std::string::npos);
    CHECK(all.substr(space + 1).starts_with("<84>1 "));
}

TEST_CASE_METHOD(alert_rsyslog::RunningRsyslogd,
                 "rsyslogd reads newline-framed tcp alerts one message each",
                 "[alert][rsyslog][tcp]") {
    INFO(server.output());
    alert::SinkOptions options;
    options.hostname = "h1";
    options.tcp_framing = alert::TcpFraming::Newline;
    auto sink = alert::make_sink(server.sink_spec("tcp"), options);
    int64_t pid = 7000;
    for (const auto& hostile : alert_support::hostile_values()) {
        sink->emit(alert_support::hostile_alert(hostile.value, pid++));
    }
    REQUIRE(dynamic_cast<alert::TcpSink&>(*sink).flush_for(10s));
    // The connection stays open: rsyslogd must have ended each message at its LF.
    const auto lines = server.settled_lines("tcp", alert_support::hostile_values().size());
    REQUIRE(lines.size() == alert_support::hostile_values().size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(alert_support::hostile_values()[i].name);
        const auto parsed = alert_support::parse_rfc5424(lines[i]);
        REQUIRE(parsed);
        CHECK(parsed->sd.at(0).params.at("pid") == std::to_string(7000 + i));
        CHECK(nlohmann::json::parse(parsed->msg)["process"]["pid"] == 7000 + i);
    }
}

TEST_CASE_METHOD(
    alert_rsyslog::RunningRsyslogd,
    "udp: 2048-byte datagrams by default; a huge alert arrives cut, its identity kept; "
    "SD-ID and BOM as set",
    "[alert][rsyslog][udp]") {
    INFO(server.output());
    alert::SinkOptions options;
    options.hostname = "h1";
    options.sd_id = "eql@53595";
    options.utf8_bom = true;
    auto sink = alert::make_sink(server.sink_spec("udp"), options);
    alert::Alert big = alert_support::sample_alert(1'790'000'000'123'456, 4242);
    std::string huge_command = "iptables";
    for (int i = 0; i < 5000; ++i) huge_command += " -A INPUT -j ACCEPT";
    alert_support::edit_event(big, [&](ecs::Event& event) {
        event.process.command_line = huge_command;
        event.process.args = std::vector<std::string>(5000, "-j");
    });
    sink->emit(big);
    sink->emit(alert_support::sample_alert(1'790'000'000'123'456, 4243));
    REQUIRE(server.wait_for_lines("udp", 2));
    const alert::SinkStats stats = sink->stats();
    CHECK(stats.sent == 2);
    CHECK(stats.truncated == 1);

    const auto lines = server.lines("udp");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].size() <= alert::kDefaultUdpBytes);
    CHECK(lines[0].size() > alert::kDefaultUdpBytes - 200);  // cut to the limit, not far below
    const auto parsed = alert_support::parse_rfc5424(lines[0]);
    REQUIRE(parsed);
    CHECK(parsed->sd.at(0).id == "eql@53595");
    CHECK(parsed->sd.at(0).params.at("pid") == "4242");
    REQUIRE(parsed->msg.starts_with("\xEF\xBB\xBF"));
    const auto doc = nlohmann::json::parse(parsed->msg.substr(3));
    CHECK(doc["@timestamp"] == "2026-09-21T14:13:20.123456Z");
    CHECK(doc["rule"]["id"] == alert_support::kRuleId);
    CHECK(doc["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
    CHECK(doc["process"]["pid"] == 4242);
    CHECK(doc["process"]["name"] == "iptables");
    CHECK(doc["process"]["executable"] == "/usr/sbin/xtables-nft-multi");
    CHECK(doc["process"]["parent"]["name"] == "bash");
    CHECK(doc["user"]["name"] == "root");
    CHECK(doc["host"]["name"] == "h1");
    CHECK(doc["process"]["command_line"].get<std::string>().ends_with("\xE2\x80\xA6"));
    // The small alert went whole.
    const auto small = alert_support::parse_rfc5424(lines[1]);
    REQUIRE(small);
    CHECK(nlohmann::json::parse(small->msg.substr(3))["process"]["command_line"] == "iptables -F");
}

TEST_CASE_METHOD(alert_rsyslog::RunningRsyslogd,
                 "udp: --alert-max-bytes below the udp limit wins; the udp limit caps a larger one",
                 "[alert][rsyslog][udp]") {
    INFO(server.output());
    alert::SinkOptions options;
    options.udp_max_bytes = 4096;
    options.max_message_bytes = 60000;
    auto sink = alert::make_sink(server.sink_spec("udp"), options);
    alert::Alert big = alert_support::sample_alert(1'790'000'000'123'456, 1);
    alert_support::edit_event(
        big, [](ecs::Event& event) { event.process.command_line = std::string(20000, 'x'); });
    sink->emit(big);
    options.udp_max_bytes = 8000;
    options.max_message_bytes = 3000;
    sink = alert::make_sink(server.sink_spec("udp"), options);
    sink->emit(big);
    REQUIRE(server.wait_for_lines("udp", 2));
    const auto lines = server.lines("udp");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].size() <= 4096);
    CHECK(lines[0].size() > 3900);
    CHECK(lines[1].size() <= 3000);
    CHECK(lines[1].size() > 2800);
}

}  // namespace test_syslog_transports
