// Per-rule volume control, driven only by alert timestamps.
#include <catch2/catch.hpp>

#include "alert/memory_sink.hpp"
#include "alert/throttle.hpp"
#include "support.hpp"

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kT0 = 1'790'000'000 * kSecond;

alert::Alert rule_alert(const std::string& rule_id, int64_t at_us) {
    alert::Alert a = alert_test::sample_alert(at_us);
    a.rule_id = rule_id;
    a.document["rule"]["id"] = rule_id;
    return a;
}

}  // namespace

TEST_CASE("throttle passes `limit` alerts per rule and window, then counts", "[alert][throttle]") {
    alert::Throttle throttle({3, 10 * kSecond});
    std::vector<alert::Alert> summaries;
    int passed = 0;
    for (int i = 0; i < 10; ++i) {
        if (throttle.admit(rule_alert("r1", kT0 + i * kSecond), summaries)) ++passed;
    }
    CHECK(passed == 3);
    CHECK(summaries.empty());  // the window is still open
    auto stats = throttle.stats();
    CHECK(stats.passed == 3);
    CHECK(stats.suppressed == 7);
    CHECK(stats.open_windows == 1);
    CHECK(throttle.suppressed_by_rule().at("r1") == 7);

    // The first alert after the window closes it: one summary, and the alert passes.
    CHECK(throttle.admit(rule_alert("r1", kT0 + 10 * kSecond), summaries));
    REQUIRE(summaries.size() == 1);
    const alert::Alert& summary = summaries[0];
    CHECK(summary.rule_id == "r1");
    CHECK(summary.rule_name == "Attempt to Disable IPTables or Firewall");
    CHECK(summary.severity == "medium");
    CHECK(summary.timestamp_us == kT0 + 9 * kSecond);  // the last suppressed alert
    CHECK(summary.document["message"] ==
          "7 alerts of rule Attempt to Disable IPTables or Firewall suppressed");
    CHECK(summary.document["event"]["action"] == "alerts-suppressed");
    CHECK(summary.document["audisp_eql"]["throttle"]["suppressed"] == 7);
    CHECK(summary.document["audisp_eql"]["throttle"]["window_start"] == kT0);
    CHECK(summary.document["audisp_eql"]["throttle"]["window_end"] == kT0 + 10 * kSecond);
    CHECK(throttle.stats().summaries == 1);
}

TEST_CASE("throttle: one summary per window, none without suppression", "[alert][throttle]") {
    alert::Throttle throttle({2, 60 * kSecond});
    std::vector<alert::Alert> summaries;
    // Window 1: 5 alerts (3 suppressed). Window 2: 2 alerts (none). Window 3: 4 (2 suppressed).
    for (int i = 0; i < 5; ++i) throttle.admit(rule_alert("r", kT0 + i), summaries);
    for (int i = 0; i < 2; ++i) throttle.admit(rule_alert("r", kT0 + 60 * kSecond + i), summaries);
    for (int i = 0; i < 4; ++i) {
        throttle.admit(rule_alert("r", kT0 + 120 * kSecond + i), summaries);
    }
    REQUIRE(summaries.size() == 1);
    CHECK(summaries[0].document["audisp_eql"]["throttle"]["suppressed"] == 3);
    throttle.finish(summaries);
    REQUIRE(summaries.size() == 2);
    CHECK(summaries[1].document["audisp_eql"]["throttle"]["suppressed"] == 2);
    throttle.finish(summaries);  // nothing left
    CHECK(summaries.size() == 2);
    CHECK(throttle.stats().open_windows == 0);
}

TEST_CASE("throttle: rules are independent and expire() closes quiet rules", "[alert][throttle]") {
    alert::Throttle throttle({1, 10 * kSecond});
    std::vector<alert::Alert> summaries;
    CHECK(throttle.admit(rule_alert("a", kT0), summaries));
    CHECK(throttle.admit(rule_alert("b", kT0), summaries));
    CHECK_FALSE(throttle.admit(rule_alert("a", kT0 + 1), summaries));
    CHECK_FALSE(throttle.admit(rule_alert("a", kT0 + 2), summaries));
    throttle.expire(kT0 + 5 * kSecond, summaries);  // too early
    CHECK(summaries.empty());
    throttle.expire(kT0 + 10 * kSecond, summaries);
    REQUIRE(summaries.size() == 1);  // only "a" suppressed anything
    CHECK(summaries[0].rule_id == "a");
    CHECK(summaries[0].document["audisp_eql"]["throttle"]["suppressed"] == 2);
    CHECK(throttle.stats().open_windows == 0);
}

TEST_CASE("throttle: out-of-order alerts count in the open window, limit 0 disables",
          "[alert][throttle]") {
    std::vector<alert::Alert> summaries;
    alert::Throttle throttle({1, 10 * kSecond});
    CHECK(throttle.admit(rule_alert("r", kT0 + 5 * kSecond), summaries));
    CHECK_FALSE(throttle.admit(rule_alert("r", kT0), summaries));  // older, same window
    CHECK(summaries.empty());

    alert::Throttle off({0, 10 * kSecond});
    for (int i = 0; i < 1000; ++i) CHECK(off.admit(rule_alert("r", kT0), summaries));
    CHECK(off.stats().suppressed == 0);
    CHECK(summaries.empty());
}

TEST_CASE("throttle: alerts without a rule id are keyed by name", "[alert][throttle]") {
    alert::Throttle throttle({1, 10 * kSecond});
    std::vector<alert::Alert> summaries;
    alert::Alert a = rule_alert("", kT0);
    CHECK(throttle.admit(a, summaries));
    CHECK_FALSE(throttle.admit(a, summaries));
    CHECK(throttle.suppressed_by_rule().count("Attempt to Disable IPTables or Firewall") == 1);
}

TEST_CASE("throttling sink forwards summaries before the alert that closed the window",
          "[alert][throttle]") {
    auto memory = std::make_unique<alert::MemorySink>();
    alert::MemorySink& inner = *memory;
    alert::ThrottlingSink sink(std::move(memory), {2, 10 * kSecond});
    for (int i = 0; i < 5; ++i) sink.emit(rule_alert("r", kT0 + i));
    CHECK(inner.alerts().size() == 2);
    sink.emit(rule_alert("r", kT0 + 11 * kSecond));
    REQUIRE(inner.alerts().size() == 4);
    CHECK(inner.alerts()[2].document["event"]["action"] == "alerts-suppressed");
    CHECK(inner.alerts()[3].timestamp_us == kT0 + 11 * kSecond);
    for (int i = 0; i < 3; ++i) sink.emit(rule_alert("r", kT0 + 12 * kSecond));
    sink.finish();
    REQUIRE(inner.alerts().size() == 6);
    CHECK(inner.alerts()[5].document["audisp_eql"]["throttle"]["suppressed"] == 2);
    // Summaries are alerts like any other: they format in every format.
    CHECK(nlohmann::json::parse(inner.lines()[5])["message"] ==
          "2 alerts of rule Attempt to Disable IPTables or Firewall suppressed");
    CHECK(sink.throttle().stats().summaries == 2);
    sink.flush();
    sink.reopen();
    CHECK(inner.flushes() == 1);
    CHECK(inner.reopens() == 1);
}
