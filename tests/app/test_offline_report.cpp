// The end of an offline run: summary table, process trees around alerts, --explain, exit codes,
// and what a terminal shows (progress bar and summary) on a pseudo-terminal.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "app/progress.hpp"
#include "offline_test_util.hpp"

namespace test_offline_report {

using namespace offline_test;

namespace {

const std::string kFirewall = "Attempt to Disable IPTables or Firewall";
const std::string kForceStop = "sh /tmp/audisp-eql-capture/bin/fw-helper force-stop";
const std::string kGroupShell = "/bin/bash /work/main/tests/capture/scenarios.sh firewall-disable";

const app::AlertRecord& record_of(const app::OfflineReport& report, uint64_t serial) {
    for (const auto& record : report.records()) {
        if (record.serial == serial) return record;
    }
    FAIL("no alert record for serial " << serial);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("offline report: the force-stop alert's tree has its ancestors at alert time") {
    const auto run = run_in_process(slurp(data("firewall-disable.log")));
    REQUIRE(run->report.alerts() == 8);
    const app::AlertRecord& listed = record_of(run->report, 1945);
    CHECK(listed.self.command_line == "iptables -L");
    CHECK(listed.self.pid == 8386);
    REQUIRE(listed.ancestors.size() >= 2);
    CHECK(listed.ancestors.back().command_line == kForceStop);
    CHECK(listed.ancestors.back().pid == 8385);
    CHECK(listed.ancestors[listed.ancestors.size() - 2].command_line == kGroupShell);
    CHECK(listed.rule == kFirewall);
    CHECK(listed.severity == "low");
    CHECK(listed.user == "root");

    std::ostringstream trees;
    run->report.write_trees(trees);
    const std::string text = trees.str();
    CHECK_THAT(text, Catch::Contains(kForceStop));
    CHECK_THAT(text, Catch::Contains("8386  iptables -L   <== alert"));
    // The helper's line comes right before iptables -L's, one level up.
    const auto helper_at = text.find("8385  " + kForceStop);
    REQUIRE(helper_at != std::string::npos);
    CHECK(text.find("8386  iptables -L", helper_at) != std::string::npos);
}

TEST_CASE("offline report: children the alerting process starts later are in its tree") {
    // The seed rule fires on the helper's children; a rule of our own makes the helper itself
    // alert, and its two children, started after the alert, must be in its tree.
    TempDir dir;
    write_file(dir / "helper.toml", R"toml(
[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["test"]
description = "The firewall helper ran with force-stop."
language = "eql"
license = "Elastic License v2"
name = "Firewall helper force-stop"
risk_score = 47
rule_id = "00000000-0000-0000-0000-00000000f0f0"
severity = "medium"
type = "eql"
query = '''
process where event.action == "exec" and process.name == "sh" and process.args == "force-stop"
'''
)toml");
    const BinaryRun run =
        run_binary({"--rules", (dir / "helper.toml").string(), "--input",
                    data("firewall-disable.log").string(), "--alerts-format", "json", "--tree"});
    CHECK(run.status == 0);
    CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1);  // stdout: the JSON alert only
    // JSON keeps stdout machine-only: the requested tree went to stderr.
    CHECK_THAT(run.err, Catch::Contains("8385  " + kForceStop + "   <== alert"));
    CHECK_THAT(run.err, Catch::Contains("└─ 8386  iptables -L"));
    CHECK_THAT(run.err, Catch::Contains("└─ 8387  ip6tables -L"));
}

TEST_CASE("offline report: summary table") {
    const std::string logs = slurp(data("firewall-disable.log")) + slurp(data("ip-forwarding.log"));
    const auto run = run_in_process(logs);
    std::ostringstream out;
    app::RunFacts facts;
    facts.files = 2;
    facts.bytes = logs.size();
    run->report.write_summary(out, run->stats, facts);
    const std::string text = out.str();
    INFO(text);
    CHECK_THAT(text, Catch::Contains("inputs          2 files"));
    CHECK_THAT(text, Catch::Contains("malformed lines 0"));
    CHECK_THAT(text, Catch::Contains("alerts          13"));
    CHECK_THAT(text, Catch::Contains("Alerts by rule"));
    CHECK(std::regex_search(
        text, std::regex(R"(\n +8  LOW +Attempt to Disable IPTables or Firewall\n)")));
    CHECK(std::regex_search(text, std::regex(R"(\n +5  LOW +IPv4/IPv6 Forwarding Activity\n)")));
    CHECK(std::regex_search(text, std::regex(R"(Alerts by host\n.*\n +13  \(no node=\)\n)")));
    CHECK(std::regex_search(text, std::regex(R"(Alerts by user\n.*\n +13  root\n)")));
    // Parent context: every process event but the first exec of each file (whose parent, the
    // capture runner, never exec'd in the log) comes from the table; the runner's own write of
    // its loginuid names it from its SYSCALL record.
    std::smatch m;
    REQUIRE(std::regex_search(
        text, m,
        std::regex(
            R"(parent context +([0-9.]+)% \(table (\d+), syscall (\d+), proc 0, missing (\d+)\))")));
    const double percent = std::stod(m[1]);
    const double table = std::stod(m[2]);
    const double syscall = std::stod(m[3]);
    const double missing = std::stod(m[4]);
    CHECK(percent == Approx(100.0 * (table + syscall) / (table + syscall + missing)).margin(0.05));
    CHECK(percent > 80.0);
    CHECK(table + syscall + missing == static_cast<double>(run->report.events_seen()));
}

TEST_CASE("offline report: --explain in json and text") {
    const BinaryRun json = run_binary(
        {"--input", data("firewall-disable.log").string(), "--alerts-format", "json", "--explain"});
    REQUIRE(json.status == 0);
    std::istringstream lines(json.out);
    std::string line;
    std::size_t alerts = 0;
    while (std::getline(lines, line)) {
        const auto doc = nlohmann::json::parse(line);
        ++alerts;
        REQUIRE(doc["audisp_eql"].contains("explain"));
        REQUIRE(doc["audisp_eql"]["explain"].is_array());
        bool any_true = false;
        for (const auto& why : doc["audisp_eql"]["explain"])
            any_true = any_true || why.get<std::string>().ends_with("=> true");
        CHECK(any_true);
        if (doc["event"]["sequence"] == 1945) {
            const std::string all = doc["audisp_eql"]["explain"].dump();
            CHECK_THAT(all, Catch::Contains("process.parent.args"));
            CHECK_THAT(all, Catch::Contains("force-stop"));
            CHECK_THAT(all, Catch::Contains(R"(process.name=\"iptables\")"));
        }
    }
    CHECK(alerts == 8);

    const BinaryRun text = run_binary({"--input", data("firewall-disable.log").string(),
                                       "--alerts-format", "text", "--explain", "--no-summary"});
    REQUIRE(text.status == 0);
    // Each alert line is followed by its explain lines.
    CHECK(std::regex_search(
        text.out,
        std::regex(
            "LOW\\(21\\) rule=\"Attempt to Disable IPTables or Firewall\"[^\n]*\n    explain: ")));
    CHECK_THAT(text.out, Catch::Contains("    explain: process.name"));
    CHECK_THAT(text.out, Catch::Contains("=> true"));
    CHECK(text.out.find("Summary") == std::string::npos);

    // Without --explain nothing changes.
    const BinaryRun plain = run_binary({"--input", data("firewall-disable.log").string()});
    CHECK(plain.out.find("explain") == std::string::npos);
}

TEST_CASE("offline report: exit status") {
    const std::string log = data("firewall-disable.log").string();
    const std::string quiet = data("noise-window.log").string();
    CHECK(run_binary({"--input", log}).status == 0);
    CHECK(run_binary({"--input", log, "--fail-on-alert"}).status == 1);
    CHECK(run_binary({"--input", quiet, "--fail-on-alert"}).status == 0);
    // Outside the window, no alert: 0.
    CHECK(run_binary({"--input", log, "--fail-on-alert", "--until", "2020-01-01"}).status == 0);
    CHECK(run_binary({"--input", log, "--no-such-option"}).status == 2);
    CHECK(run_binary({"--input", log, "--summary", "--no-summary"}).status == 2);
    CHECK(run_binary({"--since", "today"}).status == 2);  // needs --input
    CHECK(run_binary({"--input", "/nonexistent/audit.log*", "--fail-on-alert"}).status == 2);
}

TEST_CASE("offline report: on a terminal, a progress bar on stderr and the summary and trees") {
    TempDir dir;
    // Several MB so that the bar is drawn more than once.
    std::string big;
    const std::string log = slurp(data("firewall-disable.log"));
    while (big.size() < (8u << 20)) big += log;
    write_file(dir / "audit.log", big);
    const BinaryRun run = run_on_terminal(
        {"--input", (dir / "audit.log").string(), data("ip-forwarding.log").string(),
         "--alerts-format", "text", "--throttle-alerts", "0", "--log-level", "warn"});
    CHECK(run.status == 0);
    const std::string& out = run.out;
    INFO(out.substr(out.size() > 3000 ? out.size() - 3000 : 0));
    // The bar: carriage return, bar, percent, bytes, rate, alerts; erased at the end.
    CHECK(std::regex_search(
        out,
        std::regex(
            R"(\r\[[#.]+\] +\d+%  [0-9.]+ [KM]?B / [0-9.]+ MB  [0-9.]+[kM]? ev/s  \d+ alerts?)")));
    CHECK_THAT(out, Catch::Contains("\r\x1b[K"));
    // Alerts on the same terminal never start at the end of the bar: it is erased first.
    CHECK_FALSE(std::regex_search(out, std::regex("[^\r]\x1b\\[K\\d{4}-\\d\\d-\\d\\dT")));
    CHECK(std::regex_search(out, std::regex("\r\x1b\\[K\\d{4}-\\d\\d-\\d\\dT")));
    CHECK_THAT(out, Catch::Contains("Summary"));
    CHECK_THAT(out, Catch::Contains("Alerts by rule"));
    CHECK_THAT(out, Catch::Contains("Process trees"));
    CHECK_THAT(out, Catch::Contains(kForceStop));

    // Not a terminal: no bar, no summary, no tree, only alert lines.
    const BinaryRun piped =
        run_binary({"--input", data("firewall-disable.log").string(), "--alerts-format", "text"});
    CHECK(piped.out.find("Summary") == std::string::npos);
    CHECK(piped.err.find("ev/s") == std::string::npos);
    CHECK(std::count(piped.out.begin(), piped.out.end(), '\n') == 8);

    // JSON on a terminal stays machine-only: no summary unless asked.
    const BinaryRun json = run_on_terminal(
        {"--input", data("firewall-disable.log").string(), "--no-progress", "--log-level", "warn"});
    CHECK(json.out.find("Summary") == std::string::npos);
    CHECK(json.out.find("ev/s") == std::string::npos);
}

TEST_CASE("offline report: progress text") {
    app::ProgressSnapshot s;
    s.bytes_done = 512u << 20;
    s.bytes_total = 1024u << 20;
    s.events = 100000;
    s.alerts = 3;
    s.elapsed_seconds = 10;
    s.current = "audit.log.2";
    const std::string line = app::render_progress(s, 120);
    CHECK_THAT(line, Catch::StartsWith("[####################....................]  50%"));
    CHECK_THAT(line, Catch::Contains("512.0 MB / 1.0 GB"));
    CHECK_THAT(line, Catch::Contains("10k ev/s"));
    CHECK_THAT(line, Catch::Contains("3 alerts"));
    CHECK_THAT(line, Catch::Contains("ETA 0:10"));
    CHECK_THAT(line, Catch::EndsWith("audit.log.2"));
    CHECK(app::render_progress(s, 40).size() <= 39);
    s.bytes_total = 0;  // stdin: no bar, no ETA
    CHECK_THAT(app::render_progress(s, 120), Catch::StartsWith("512.0 MB  10k ev/s"));

    // At most five drawings a second, whatever the update rate.
    TempDir dir;
    const int fd = ::open((dir / "bar").c_str(), O_WRONLY | O_CREAT, 0600);
    auto now = std::chrono::steady_clock::time_point{};
    {
        app::ProgressBar bar(true, fd, 1000, [&] { return now; });
        for (int i = 0; i < 100; ++i) {
            bar.update(static_cast<uint64_t>(i) * 10, 0, 0);
            now += std::chrono::milliseconds(10);  // one second in all
        }
    }
    ::close(fd);
    const std::string drawn = slurp(dir / "bar");
    CHECK(std::count(drawn.begin(), drawn.end(), '\r') == 5 + 1);  // 5 drawings, 1 erase
}

}  // namespace test_offline_report
