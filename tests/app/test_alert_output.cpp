// The alert path of the app: documents built once, throttled per rule, written to every sink.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/alert_output.hpp"
#include "engine/rule_loader.hpp"

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
    const std::string path =
        (std::filesystem::temp_directory_path() / "audisp-eql-test-alerts.ndjson").string();
    std::filesystem::remove(path);  // the file sink appends
    app::Config config;
    config.alerts_outputs = {path};
    config.throttle_alerts = 100;
    config.throttle_window_seconds = 300;
    {
        app::AlertOutput output(config, false);
        for (int i = 0; i < 150; ++i) {
            ecs::Event e;
            e.timestamp_us = 1'700'000'000'000'000 + i * 1000;  // all inside one window
            e.process.name = "iptables";
            e.process.args = std::vector<std::string>{"iptables", "-F"};
            output.emit(e, loaded.rules[1].info);
        }
        output.finish();
        CHECK_THAT(output.stats_line(), Catch::Contains("alerts_suppressed=50"));
    }
    const auto docs = read_lines(path);
    std::filesystem::remove(path);
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
    const std::string path =
        (std::filesystem::temp_directory_path() / "audisp-eql-test-alerts2.ndjson").string();
    std::filesystem::remove(path);  // the file sink appends
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
    std::filesystem::remove(path);
}

TEST_CASE("a rule that went quiet still gets its suppression summary when the window ends") {
    const auto loaded = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    const std::string path =
        (std::filesystem::temp_directory_path() / "audisp-eql-test-alerts3.ndjson").string();
    std::filesystem::remove(path);  // the file sink appends
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
    std::filesystem::remove(path);
}
