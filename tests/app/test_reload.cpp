// SIGHUP reload (app::reload) applies how events are built too: the host name, --include-failed
// and --eoe-timeout come from the re-read config file, and the process table keeps the parents
// it knew under the old host name.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/alert_output.hpp"
#include "app/config.hpp"
#include "app/pipeline.hpp"
#include "app/run.hpp"
#include "engine/rule_loader.hpp"
#include "offline_test_util.hpp"

using namespace offline_test;

namespace {

std::string stamp_now(int serial) {
    return std::to_string(std::time(nullptr)) + ".000:" + std::to_string(serial);
}

}  // namespace

TEST_CASE("reload: host name, include-failed and eoe-timeout come from the re-read config") {
    TempDir dir;
    // Plugin mode as root reads only files no other user can change (StrictModes).
    fs::permissions(dir.path(), fs::perms(0755));
    const fs::path rules = dir / "rules";
    fs::create_directory(rules);
    fs::copy_file(
        fs::path(rules_dir()) / "defense_evasion_attempt_to_disable_iptables_or_firewall.toml",
        rules / "defense_evasion_attempt_to_disable_iptables_or_firewall.toml");
    const fs::path settings = dir / "audisp-eql.conf";
    const auto write_settings = [&](const std::string& text) {
        write_file(settings, "rules = " + rules.string() + "\nalerts-output = " +
                                 (dir / "alerts.ndjson").string() + "\n" + text);
        fs::permissions(settings, fs::perms(0644));
    };
    write_settings("host-name = before\ninclude-failed = false\neoe-timeout = 30\n");
    const std::string settings_path = settings.string();
    const char* argv[] = {"audisp-eql", "--config", settings_path.c_str()};
    app::ParsedCommandLine parsed = app::parse_command_line(3, argv);
    REQUIRE_FALSE(parsed.exit_code);
    app::Config config = parsed.config;
    REQUIRE(config.live());

    engine::LoadResult loaded = engine::load_rules(config.rules);
    REQUIRE(loaded.rules.size() == 1);
    auto alerts = std::make_unique<app::AlertOutput>(config, /*live=*/true);
    app::Pipeline pipeline(config, engine::RuleSet(std::move(loaded.rules), {}),
                           [](const ecs::Event&, const engine::LoadedRule&) {});
    std::vector<ecs::Event> events;
    pipeline.set_event_observer([&](const ecs::Event& event) { events.push_back(event); });

    pipeline.feed(raw_exec_event(stamp_now(100), 500, 1, "/usr/bin/bash"));
    pipeline.feed(raw_exec_event(stamp_now(101), 501, 500, "/usr/bin/missing", -2));
    REQUIRE(events.size() == 1);  // the failed exec is not emitted without include-failed
    CHECK(events[0].host_name == "before");

    write_settings("host-name = after\ninclude-failed = true\neoe-timeout = 1\n");
    app::reload(config, pipeline, alerts);
    CHECK(config.host_name == "after");
    CHECK(config.include_failed);
    CHECK(config.eoe_timeout_seconds == 1);

    pipeline.feed(raw_exec_event(stamp_now(102), 502, 500, "/usr/sbin/iptables"));
    pipeline.feed(raw_exec_event(stamp_now(103), 503, 500, "/usr/bin/missing", -2));
    REQUIRE(events.size() == 3);
    // The parent seen before the reload is still found: under the new host name.
    CHECK(events[1].host_name == "after");
    CHECK(events[1].parent.name == "bash");
    CHECK(events[1].parent.pid == 500);
    CHECK(events[2].outcome == "failure");
    CHECK(events[2].process.name == "missing");
    CHECK(events[2].parent.name == "bash");

    // An event without its last record is completed once idle for the new 1 s EOE timeout (it
    // was 30 s before the reload). Stamped now: ageing compares event time with the clock.
    std::string open_event = raw_exec_event(stamp_now(104), 504, 500, "/usr/bin/true");
    open_event.erase(open_event.find("type=PROCTITLE"));
    pipeline.feed(open_event);
    REQUIRE(events.size() == 3);
    for (int i = 0; i < 40 && events.size() == 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        pipeline.age_events();
    }
    REQUIRE(events.size() == 4);
    CHECK(events[3].process.pid == 504);

    // And back: with 30 s again, an open event stays open over the same idle time.
    write_settings("host-name = after\ninclude-failed = true\neoe-timeout = 30\n");
    app::reload(config, pipeline, alerts);
    REQUIRE(config.eoe_timeout_seconds == 30);
    open_event = raw_exec_event(stamp_now(105), 505, 500, "/usr/bin/true");
    open_event.erase(open_event.find("type=PROCTITLE"));
    pipeline.feed(open_event);
    for (int i = 0; i < 15; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        pipeline.age_events();
    }
    CHECK(events.size() == 4);
    pipeline.finish();
    alerts->finish();
}
