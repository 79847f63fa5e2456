// --since / --until / --host: ausearch's time forms and keywords against an injected clock,
// and the filter on real captures (the process table still learns from events outside).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <set>

#include "offline_test_util.hpp"

namespace test_offline_time {

using namespace offline_test;
using app::TimeBound;

namespace {

// The tests write local times in UTC.
struct UtcZone {
    UtcZone() {
        const char* old = std::getenv("TZ");
        if (old != nullptr) saved = old;
        had = old != nullptr;
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
    ~UtcZone() {
        if (had) {
            ::setenv("TZ", saved.c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
    std::string saved;
    bool had = false;
};

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
// 2026-11-25 (a Wednesday) 15:04:55 UTC.
constexpr int64_t kNow = 1795359895 + 3 * 86400;
constexpr int64_t kMidnight = kNow - (15 * 3600 + 4 * 60 + 55);
const app::TimeBase kBase{kNow, kNow - 3600};

int64_t since(const char* text) { return app::parse_time_spec(text, TimeBound::Since, kBase); }
int64_t until(const char* text) { return app::parse_time_spec(text, TimeBound::Until, kBase); }

}  // namespace

TEST_CASE("offline time: absolute forms") {
    UtcZone utc;
    CHECK(since("2026-11-22 15:04:55") == 1795359895);
    CHECK(since("2026-11-22T15:04:55") == 1795359895);
    CHECK(since("11/22/2026 15:04:55") == 1795359895);
    CHECK(since("11/22/26 15:04:55") == 1795359895);
    CHECK(since("2026-11-22 15:04") == 1795359895 - 55);
    CHECK(since("@1795359895") == 1795359895);
    // A date alone: midnight for --since, the end of the day for --until.
    CHECK(since("2026-11-22") == 1795359895 - (15 * 3600 + 4 * 60 + 55));
    CHECK(until("11/22/2026") == 1795359895 - (15 * 3600 + 4 * 60 + 55) + 86399);
    // A time alone: today.
    CHECK(since("15:04:55") == kNow);
    CHECK(since("  08:00  ") == kMidnight + 8 * kHour);

    for (const char* wrong :
         {"", "2026-13-01", "2026-02-30", "02/30/2026", "25:00", "yesterday-ish", "2026-11-22 15",
          "2026-11-22x", "@12x", "11/22/2026 15:04:55 PM"}) {
        INFO(wrong);
        CHECK_THROWS_AS(since(wrong), std::invalid_argument);
    }
    CHECK_THROWS_WITH(since("soon"), Catch::Contains("this-week"));
}

TEST_CASE("offline time: ausearch keywords on an injected clock") {
    UtcZone utc;
    CHECK(since("now") == kNow);
    CHECK(since("recent") == kNow - 600);
    CHECK(since("boot") == kNow - 3600);
    CHECK(since("today") == kMidnight);
    CHECK(until("today") == kNow);  // ausearch: the end "today" is now
    CHECK(since("yesterday") == kMidnight - 86400);
    CHECK(since("this-hour") == kNow - (4 * 60 + 55));
    CHECK(since("this-week") == kMidnight - 3 * kDay);  // Sunday 2026-11-22
    CHECK(since("week-ago") == kMidnight - 7 * kDay);
    CHECK(since("this-month") == kMidnight - 24 * kDay);
    CHECK(since("This-Year") == kMidnight - 328 * kDay);  // 2026-01-01
    CHECK(app::real_time_base().now > 1700000000);
}

TEST_CASE("offline time: --since/--until on captures; the table still learns before --since") {
    UtcZone utc;
    // firewall-disable.log, with everything from the force-stop step (serial 1943) moved 100 s
    // later: the group shell and the first steps stay before --since.
    const std::string log = shift_time(slurp(data("firewall-disable.log")), 1943, 100);
    app::Config config;
    config.since = "@1795359995";
    const auto run = run_in_process(log, config);
    CHECK(run->alerts ==
          std::multimap<uint64_t, std::string>{{1945, "Attempt to Disable IPTables or Firewall"},
                                               {1948, "Attempt to Disable IPTables or Firewall"},
                                               {1967, "Attempt to Disable IPTables or Firewall"}});
    // sh fw-helper's parent is the group shell, exec'd before --since: still known.
    const ecs::Event& helper = run->events.at(1943);
    CHECK(helper.auditd.parent_context == "table");
    CHECK(helper.parent.args == std::vector<std::string>{"/bin/bash",
                                                         "/work/main/tests/capture/scenarios.sh",
                                                         "firewall-disable"});
    CHECK(run->events.count(1901) == 0);  // before --since: neither output nor evaluated

    app::Config before;
    before.until = "2026-11-22 15:04:55";
    const auto early = run_in_process(log, before);
    CHECK(early->alerts.size() == 5);
    CHECK(early->alerts.rbegin()->first == 1931);

    app::Config wrong;
    wrong.since = "2026-11-23";
    wrong.until = "2026-11-22";
    CHECK_THROWS_WITH(app::EventFilter(wrong, kBase), Catch::Contains("after --until"));
}

TEST_CASE("offline time: --host keeps one node's events") {
    const std::string both = with_node(slurp(data("firewall-disable.log")), "alpha") +
                             with_node(slurp(data("firewall-service.log")), "beta.example");
    app::Config config;
    config.hosts = {"BETA.example"};  // host names compare case-insensitively
    const auto run = run_in_process(both, config);
    std::set<uint64_t> serials;
    for (const auto& [serial, rule] : run->alerts) serials.insert(serial);
    CHECK(serials == std::set<uint64_t>{2007, 2019, 2034, 2040, 2046});
    for (const auto& [serial, event] : run->events) CHECK(event.host_name == "beta.example");

    config.hosts = {"alpha", "beta.example"};
    CHECK(run_in_process(both, config)->alerts.size() == 13);
    config.hosts = {"gamma"};
    CHECK(run_in_process(both, config)->alerts.empty());
}

TEST_CASE("offline time: the binary takes ausearch's two-word form and rejects bad times") {
    TempDir dir;
    write_file(dir / "audit.log", shift_time(slurp(data("firewall-disable.log")), 1943, 100));
    const BinaryRun run = run_binary({"--input", (dir / "audit.log").string(), "--since",
                                      "11/22/2026", "15:06:35", "--alerts-format", "json"});
    CHECK(run.status == 0);
    CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 3);

    const BinaryRun bad = run_binary({"--input", (dir / "audit.log").string(), "--until", "noon"});
    CHECK(bad.status == 2);
    CHECK_THAT(bad.err, Catch::Contains("noon"));
}

}  // namespace test_offline_time
