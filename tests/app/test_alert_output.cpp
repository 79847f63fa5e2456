// The alert path of the app: documents built once, throttled per rule, written to every sink.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../common/temp_dir.hpp"
#include "app/alert_output.hpp"
#include "engine/rule_loader.hpp"
#include "offline_test_util.hpp"

namespace test_alert_output {

namespace {

std::vector<nlohmann::json> read_lines(const std::string& path) {
    std::vector<nlohmann::json> docs;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) docs.push_back(nlohmann::json::parse(line));
    return docs;
}

}  // namespace

TEST_CASE("alerts beyond the per-rule limit are suppressed and summarised once") {
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    REQUIRE(loaded.rules.size() == 2);
    const test_common::TempDir dir;
    const std::string path = (dir / "alerts.ndjson").string();
    app::Config config;
    config.alerts_outputs = {path};
    config.throttle_alerts = 100;
    config.throttle_window_seconds = 300;
    {
        app::AlertOutput output(config, false);
        for (int i = 0; i < 150; ++i) {
            ecs::Event e;
            e.timestamp_us = 1'700'000'000'000'000 + int64_t{i} * 1000;  // all inside one window
            e.process.name = "iptables";
            e.process.args = std::vector<std::string>{"iptables", "-F"};
            output.emit(e, loaded.rules[1].info);
        }
        output.finish();
        CHECK_THAT(output.stats_line(), Catch::Contains("alerts_suppressed=50"));
    }
    const auto docs = read_lines(path);
    REQUIRE(docs.size() == 101);
    std::size_t summaries = 0;
    for (const auto& doc : docs) {
        CHECK(doc["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
        if (doc.dump().find("50") != std::string::npos &&
            doc.dump().find("suppress") != std::string::npos) {
            ++summaries;
        }
    }
    CHECK(summaries == 1);
}

TEST_CASE("throttling can be turned off") {
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    const test_common::TempDir dir;
    const std::string path = (dir / "alerts.ndjson").string();
    app::Config config;
    config.alerts_outputs = {path};
    config.throttle_alerts = 0;
    {
        app::AlertOutput output(config, false);
        ecs::Event e;
        for (int i = 0; i < 150; ++i) output.emit(e, loaded.rules[0].info);
        output.finish();
    }
    CHECK(read_lines(path).size() == 150);
}

TEST_CASE("a rule that went quiet still gets its suppression summary when the window ends") {
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    const test_common::TempDir dir;
    const std::string path = (dir / "alerts.ndjson").string();
    app::Config config;
    config.alerts_outputs = {path};
    config.throttle_alerts = 2;
    config.throttle_window_seconds = 60;
    const int64_t start = 1'700'000'000'000'000;
    app::AlertOutput output(config, false);
    for (int i = 0; i < 5; ++i) {
        ecs::Event e;
        e.timestamp_us = start + i;
        output.emit(e, loaded.rules[1].info);
    }
    output.expire(start + 30'000'000);  // still inside the window: nothing yet
    output.reopen();
    CHECK(read_lines(path).size() == 2);
    output.expire(start + 61'000'000);  // the window ended: one summary of 3 suppressed
    output.reopen();
    const auto docs = read_lines(path);
    REQUIRE(docs.size() == 3);
    CHECK_THAT(docs[2].dump(), Catch::Contains("suppress"));
}

namespace {

// An `iptables` exec by the real uid `uid`, as the event builder fills it.
ecs::Event iptables_by(const std::string& uid, const std::string& name, int64_t at_us,
                       const std::string& flag) {
    ecs::Event e;
    e.timestamp_us = at_us;
    e.process.pid = 5000;
    e.process.name = "iptables";
    e.process.executable = "/usr/sbin/xtables-nft-multi";
    e.process.args = std::vector<std::string>{"iptables", flag};
    e.user = {uid, name};
    e.user_real = {uid, name};
    return e;
}

}  // namespace

TEST_CASE("plugin mode: nobody's 150 alerts do not hide root's, the summary names nobody") {
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    const engine::RuleInfo& firewall = loaded.rules[1].info;
    REQUIRE(firewall.name == "Attempt to Disable IPTables or Firewall");
    const test_common::TempDir dir;
    const std::string path = (dir / "alerts.ndjson").string();
    app::Config config;  // plugin mode defaults: 100 per rule and user per 300 s
    config.alerts_outputs = {path};
    const int64_t start = 1'700'000'000'000'000;
    {
        app::AlertOutput output(config, /*live=*/true);
        for (int i = 0; i < 150; ++i)
            output.emit(iptables_by("65534", "nobody", start + i, "-F"), firewall);
        CHECK(output.emit(iptables_by("0", "root", start + 1000, "-X"), firewall));
        output.finish();
    }
    const auto docs = read_lines(path);
    REQUIRE(docs.size() == 102);  // 100 of nobody, root's, one summary
    CHECK(docs[100]["process"]["args"] == nlohmann::json::parse(R"(["iptables","-X"])"));
    CHECK(docs[100]["user"]["name"] == "root");
    const nlohmann::json& summary = docs[101];
    CHECK(summary["event"]["action"] == "alerts-suppressed");
    CHECK(summary["message"] ==
          "50 alerts of rule Attempt to Disable IPTables or Firewall by user nobody (uid 65534) "
          "suppressed; executables: /usr/sbin/xtables-nft-multi (50)");
    CHECK(summary["user"]["id"] == "65534");
}

TEST_CASE("offline analysis is not throttled unless --throttle-alerts is given") {
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    const engine::RuleInfo& firewall = loaded.rules[1].info;
    const test_common::TempDir dir;
    const std::string path = (dir / "alerts.ndjson").string();
    const int64_t start = 1'700'000'000'000'000;
    app::Config config;
    config.inputs = {"audit.log"};
    config.alerts_outputs = {path};
    CHECK(config.effective_throttle_alerts() == 0);
    {
        app::AlertOutput output(config, /*live=*/false);
        for (int i = 0; i < 300; ++i)
            output.emit(iptables_by("0", "root", start + i, "-F"), firewall);
        output.finish();
    }
    CHECK(read_lines(path).size() == 300);

    config.throttle_alerts = 10;  // asked for: applies offline too
    {
        app::AlertOutput output(config, /*live=*/false);
        for (int i = 0; i < 300; ++i)
            output.emit(iptables_by("0", "root", start + i, "-F"), firewall);
        output.finish();
    }
    CHECK(read_lines(path).size() == 11);

    app::Config live;
    CHECK(live.effective_throttle_alerts() == 100);
}

TEST_CASE("an offline run's alert file holds that run's alerts; plugin mode appends to it") {
    const test_common::TempDir dir;
    const std::string path = (dir / "alerts.ndjson").string();
    const std::string log = offline_test::data("firewall-disable.log").string();
    offline_test::write_file(path, "{\"earlier\":\"run\"}\n");
    const std::vector<std::string> offline = {
        "--input", log, "--alerts-output", path, "--no-summary", "--pin-created", "1764666000"};
    REQUIRE(offline_test::run_binary(offline).status == 0);
    const std::string first = offline_test::slurp(path);
    const std::vector<nlohmann::json> alerts = read_lines(path);
    REQUIRE(alerts.size() == 8);  // the earlier run's line is gone
    for (const auto& alert : alerts) CHECK(alert["event"]["kind"] == "alert");
    // Run again into the same file: the same alerts, not twice as many.
    REQUIRE(offline_test::run_binary(offline).status == 0);
    CHECK(offline_test::slurp(path) == first);

    // Plugin mode (the same log on stdin, as auditd restarting a plugin) appends.
    REQUIRE(
        offline_test::run_binary({"--alerts-output", path, "--log-level", "error"}, log).status ==
        0);
    const std::vector<nlohmann::json> after = read_lines(path);
    REQUIRE(after.size() == 16);
    CHECK(after[7] == alerts[7]);
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        CHECK(after[8 + i]["process"]["args"] == alerts[i]["process"]["args"]);
    }
}

}  // namespace test_alert_output
