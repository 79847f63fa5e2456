// Audit records as people have them (README "Audit records from syslog and the kernel"): real
// captures of the same audit.log forwarded by audisp-syslog and by rsyslog (imfile over TCP,
// "#035"), and the kernel's own lines from dmesg (tests/data/CAPTURES.md), run through the
// binary. The forwarded logs must give the alerts of the original, with the syslog host as
// host.name; a file without any audit record is an error.
#include <nlohmann/json.hpp>

#include "offline_test_util.hpp"

namespace test_forwarded_logs {

using offline_test::data;
using offline_test::run_binary;

namespace {

// What must not change on the way through syslog: who did what, when, and which rule fired.
std::vector<std::string> alert_identities(const std::string& ndjson) {
    std::vector<std::string> out;
    std::istringstream lines(ndjson);
    for (std::string line; std::getline(lines, line);) {
        const auto doc = nlohmann::json::parse(line);
        out.push_back(doc["@timestamp"].get<std::string>() + " " +
                      doc["rule"]["name"].get<std::string>() +
                      " pid=" + std::to_string(doc["process"]["pid"].get<int64_t>()) + " " +
                      doc["process"]["executable"].get<std::string>() + " " +
                      doc["process"]["command_line"].get<std::string>() +
                      " parent=" + doc["process"]["parent"]["command_line"].get<std::string>() +
                      " user=" + doc["user"]["name"].get<std::string>() +
                      " host=" + doc["host"]["name"].get<std::string>());
    }
    return out;
}

}  // namespace

TEST_CASE("syslog-forwarded captures give the original log's alerts, host.name from syslog") {
    const auto original = run_binary({"--input", data("firewall-disable.log").string(),
                                      "--alerts-format", "json", "--host-name", "web1"});
    REQUIRE(original.status == 0);
    const auto expected = alert_identities(original.out);
    REQUIRE(expected.size() == 8);
    for (const char* capture :
         {"syslog-traditional.log", "syslog-rfc3339.log", "syslog-forwarded-035.log"}) {
        INFO(capture);
        const auto run = run_binary({"--input", data(capture).string(), "--alerts-format", "json"});
        INFO(run.err);
        REQUIRE(run.status == 0);
        CHECK(alert_identities(run.out) == expected);
        const auto first = nlohmann::json::parse(run.out.substr(0, run.out.find('\n')));
        CHECK(first["host"]["name"] == "web1");
        CHECK(first["user"]["name"] == "root");
    }
}

TEST_CASE("the kernel's own audit lines (dmesg, no auditd) make the exec event and its alert") {
    offline_test::TempDir dir;
    const auto run = run_binary({"--input", data("kmsg-audit.txt").string(), "--alerts-format",
                                 "json", "--events-output", (dir / "events.ndjson").string()});
    INFO(run.err);
    REQUIRE(run.status == 0);
    const std::string events = offline_test::slurp(dir / "events.ndjson");
    REQUIRE(std::count(events.begin(), events.end(), '\n') == 1);
    const auto event = nlohmann::json::parse(events);
    CHECK(event["@timestamp"] == "2026-12-02T05:30:46.262000Z");
    CHECK(event["event"]["action"] == "exec");
    CHECK(event["event"]["sequence"] == 106479);
    CHECK(event["process"]["pid"] == 580);
    CHECK(event["process"]["parent"]["pid"] == 502);
    CHECK(event["process"]["name"] == "iptables");
    CHECK(event["process"]["executable"] == "/tmp/tmp.Taj2BYmHvS/iptables");
    CHECK(event["process"]["args"] == nlohmann::json::array({"iptables", "-F"}));
    CHECK(event["process"]["working_directory"] == "/tmp/tmp.Taj2BYmHvS");
    CHECK(event["user"]["id"] == "0");
    REQUIRE(std::count(run.out.begin(), run.out.end(), '\n') == 1);
    const auto alert = nlohmann::json::parse(run.out);
    CHECK(alert["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
    CHECK(alert["process"]["pid"] == 580);
}

TEST_CASE("an input in which no line is an audit record is an error naming what was expected") {
    offline_test::TempDir dir;
    offline_test::write_file(dir / "events.json",
                             "{\"@timestamp\": \"2026-01-01T00:00:00Z\"}\n"
                             "{\"@timestamp\": \"2026-01-01T00:00:01Z\"}\n"
                             "Feb  6 17:42:49 web1 sshd[1]: Accepted password for root\n");
    const auto run = run_binary({"--input", (dir / "events.json").string()});
    CHECK(run.status == 2);
    CHECK_THAT(run.err, Catch::Contains("events.json: none of its 3 lines is an audit record"));
    CHECK_THAT(run.err, Catch::Contains("expected audit.log lines (type=SYSCALL msg=audit("));
    // An empty file is a quiet log, not an error; nor is a log with some malformed lines.
    offline_test::write_file(dir / "empty.log", "");
    CHECK(run_binary({"--input", (dir / "empty.log").string()}).status == 0);
    offline_test::write_file(dir / "mixed.log",
                             "garbage\n" + offline_test::slurp(data("kmsg-audit.txt")));
    CHECK(run_binary({"--input", (dir / "mixed.log").string(), "--alerts-format", "json"}).status ==
          0);
}

}  // namespace test_forwarded_logs
