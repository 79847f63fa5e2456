// SIGHUP reload (app::reload) applies how events are built too: the host name, --include-failed,
// --eoe-timeout and --pin-created come from the re-read config file, and the process table keeps
// the parents it knew under the old host name.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "app/config.hpp"
#include "app/pipeline.hpp"
#include "offline_test_util.hpp"

namespace test_reload {

using namespace offline_test;

namespace {

std::string stamp_now(int serial) {
    return std::to_string(std::time(nullptr)) + ".000:" + std::to_string(serial);
}

}  // namespace

TEST_CASE("reload: host name, include-failed and eoe-timeout come from the re-read config") {
    const std::string rule = "defense_evasion_attempt_to_disable_iptables_or_firewall.toml";
    PluginRun run({{rule, slurp(fs::path(rules_dir()) / rule)}}, "",
                  "host-name = before\ninclude-failed = false\neoe-timeout = 30\n");
    REQUIRE(run.rule_count == 1);
    app::Config& config = run.config;
    app::Pipeline& pipeline = *run.pipeline;
    std::vector<ecs::Event> events;
    pipeline.set_event_observer([&](const ecs::Event& event) { events.push_back(event); });

    pipeline.feed(raw_exec_event(stamp_now(100), 500, 1, "/usr/bin/bash"));
    pipeline.feed(raw_exec_event(stamp_now(101), 501, 500, "/usr/bin/missing", -2));
    REQUIRE(events.size() == 1);  // the failed exec is not emitted without include-failed
    CHECK(events[0].host_name == "before");

    run.write_settings("host-name = after\ninclude-failed = true\neoe-timeout = 1\n");
    run.reload();
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
    run.write_settings("host-name = after\ninclude-failed = true\neoe-timeout = 30\n");
    run.reload();
    REQUIRE(config.eoe_timeout_seconds == 30);
    open_event = raw_exec_event(stamp_now(105), 505, 500, "/usr/bin/true");
    open_event.erase(open_event.find("type=PROCTITLE"));
    pipeline.feed(open_event);
    for (int i = 0; i < 15; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        pipeline.age_events();
    }
    CHECK(events.size() == 4);
    run.finish();
}

TEST_CASE("reload: pin-created is set, changed and removed by the re-read config") {
    const std::string rule = "defense_evasion_attempt_to_disable_iptables_or_firewall.toml";
    PluginRun run({{rule, slurp(fs::path(rules_dir()) / rule)}}, "", "pin-created = 1764666000\n");
    REQUIRE(run.rule_count == 1);
    app::Pipeline& pipeline = *run.pipeline;
    // A test clock, to see exactly when the clock is read instead of the pinned time; it is
    // kept across reloads.
    int64_t clock_reads = 0;
    pipeline.set_clock([&] { return ++clock_reads * 1'000'000; });
    std::vector<int64_t> created;
    pipeline.set_event_observer(
        [&](const ecs::Event& event) { created.push_back(event.created_us); });

    pipeline.feed(raw_exec_event("1764665000.000:100", 500, 1, "/usr/bin/bash"));
    REQUIRE(created.size() == 1);
    CHECK(created[0] == 1'764'666'000'000'000);

    // Reloads with `settings`, then returns event.created of the next event.
    int serial = 100;
    const auto created_after_reload = [&](const std::string& settings) {
        run.write_settings(settings);
        run.reload();
        ++serial;
        pipeline.feed(raw_exec_event("1764665000.000:" + std::to_string(serial), 400 + serial, 500,
                                     "/usr/bin/true"));
        REQUIRE(created.size() == static_cast<std::size_t>(serial - 99));
        return created.back();
    };
    CHECK(created_after_reload("pin-created = 1764669600\n") == 1'764'669'600'000'000);
    CHECK(run.config.pinned_created_us == 1'764'669'600'000'000);
    CHECK(clock_reads == 0);
    // Without pin-created, event.created comes from the clock again.
    CHECK(created_after_reload("") == 1'000'000);
    CHECK_FALSE(run.config.pinned_created_us);
    CHECK(clock_reads == 1);
    // A reload with an invalid pin-created fails as a whole and keeps the clock.
    CHECK(created_after_reload("pin-created = 0\n") == 2'000'000);
    CHECK_FALSE(run.config.pinned_created_us);
    run.finish();
}

TEST_CASE("reload: the read pacing comes from the re-read config, a bad value keeps the old") {
    const std::string rule = "defense_evasion_attempt_to_disable_iptables_or_firewall.toml";
    PluginRun run({{rule, slurp(fs::path(rules_dir()) / rule)}}, "", "read-burst = 2\n");
    REQUIRE(run.rule_count == 1);
    const app::Config& config = run.config;
    CHECK(config.read_pacing().burst == 2);
    CHECK(config.read_pacing().interval == std::chrono::microseconds(2000));

    run.write_settings("read-burst = 1\nread-interval-us = 500\n");
    run.reload();
    CHECK(config.read_pacing().burst == 1);
    CHECK(config.read_pacing().interval == std::chrono::microseconds(500));

    run.write_settings("read-burst = 1\nread-interval-us = 200000\n");
    run.reload();
    CHECK(config.read_pacing().burst == 1);
    CHECK(config.read_pacing().interval == std::chrono::microseconds(500));
}

}  // namespace test_reload
