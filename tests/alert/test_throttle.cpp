// Volume control per rule and real uid, driven only by alert timestamps.
#include <catch2/catch.hpp>

#include "alert/document.hpp"
#include "alert/memory_sink.hpp"
#include "alert/throttle.hpp"
#include "support.hpp"

namespace test_throttle {

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kT0 = 1'790'000'000 * kSecond;

alert::Alert rule_alert(const std::string& rule_id, int64_t at_us) {
    alert::Alert a = alert_support::sample_alert(at_us);
    alert_support::edit_rule(a, [&](engine::RuleInfo& rule) { rule.rule_id = rule_id; });
    return a;
}

// An alert of `rule_id` by the real uid `uid` (named `name`) running `executable`, as the event
// builder writes it: user.* is the effective user, user.Ext.real.* the real one.
alert::Alert user_alert(const std::string& rule_id, int64_t at_us, const std::string& uid,
                        const std::string& name, const std::string& executable) {
    alert::Alert a = rule_alert(rule_id, at_us);
    alert_support::edit_event(a, [&](ecs::Event& e) {
        e.user = {uid, name};
        e.user_real = {uid, name};
        e.process.executable = executable;
    });
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
    CHECK(alert::document(summary)["message"] ==
          "7 alerts of rule Attempt to Disable IPTables or Firewall by user root (uid 0) "
          "suppressed; executables: /usr/sbin/xtables-nft-multi (7)");
    CHECK(alert::document(summary)["event"]["action"] == "alerts-suppressed");
    CHECK(alert::document(summary)["audisp_eql"]["throttle"]["suppressed"] == 7);
    CHECK(alert::document(summary)["audisp_eql"]["throttle"]["window_start"] == kT0);
    CHECK(alert::document(summary)["audisp_eql"]["throttle"]["window_end"] == kT0 + 10 * kSecond);
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
    CHECK(alert::document(summaries[0])["audisp_eql"]["throttle"]["suppressed"] == 3);
    throttle.finish(summaries);
    REQUIRE(summaries.size() == 2);
    CHECK(alert::document(summaries[1])["audisp_eql"]["throttle"]["suppressed"] == 2);
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
    CHECK(alert::document(summaries[0])["audisp_eql"]["throttle"]["suppressed"] == 2);
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
    CHECK(alert::document(inner.alerts()[2])["event"]["action"] == "alerts-suppressed");
    CHECK(inner.alerts()[3].timestamp_us == kT0 + 11 * kSecond);
    for (int i = 0; i < 3; ++i) sink.emit(rule_alert("r", kT0 + 12 * kSecond));
    sink.finish();
    REQUIRE(inner.alerts().size() == 6);
    CHECK(alert::document(inner.alerts()[5])["audisp_eql"]["throttle"]["suppressed"] == 2);
    // Summaries are alerts like any other: they format in every format.
    CHECK(nlohmann::json::parse(inner.lines()[5])["message"] ==
          "2 alerts of rule Attempt to Disable IPTables or Firewall by user root (uid 0) "
          "suppressed; executables: /usr/sbin/xtables-nft-multi (2)");
    CHECK(sink.throttle().stats().summaries == 2);
    sink.flush();
    sink.reopen();
    CHECK(inner.flushes() == 1);
    CHECK(inner.reopens() == 1);
}

TEST_CASE("throttle: one user's flood never suppresses root's alerts of the same rule",
          "[alert][throttle]") {
    // nobody runs `iptables -F` 100 times, then root runs `iptables -X`: root's alert passes.
    alert::Throttle throttle({100, 300 * kSecond});
    std::vector<alert::Alert> summaries;
    int passed = 0;
    for (int i = 0; i < 150; ++i) {
        const std::string exe = i % 3 == 0 ? "/tmp/w/iptables" : "/usr/sbin/xtables-nft-multi";
        passed += throttle.admit(user_alert("r", kT0 + i, "65534", "nobody", exe), summaries);
    }
    CHECK(passed == 100);
    CHECK(throttle.admit(user_alert("r", kT0 + 200, "0", "root", "/usr/sbin/xtables-nft-multi"),
                         summaries));
    // A second user has a budget of their own too.
    CHECK(throttle.admit(user_alert("r", kT0 + 201, "1000", "alice", "/usr/bin/true"), summaries));
    CHECK(throttle.stats().open_windows == 3);
    throttle.finish(summaries);
    REQUIRE(summaries.size() == 1);
    const nlohmann::json doc = alert::document(summaries[0]);
    // 50 held back: i = 100..149, of which i % 3 == 0 are 16 (102, 105, ..., 147).
    CHECK(doc["message"] ==
          "50 alerts of rule Attempt to Disable IPTables or Firewall by user nobody (uid 65534) "
          "suppressed; executables: /usr/sbin/xtables-nft-multi (34), /tmp/w/iptables (16)");
    CHECK(doc["user"]["id"] == "65534");
    CHECK(doc["user"]["name"] == "nobody");
    CHECK(doc["host"]["name"] == "h1");
    const nlohmann::json& details = doc["audisp_eql"]["throttle"];
    CHECK(details["suppressed"] == 50);
    CHECK(details["users"] ==
          nlohmann::json::parse(R"([{"id":"65534","name":"nobody","count":50}])"));
    CHECK(details["executables"] ==
          nlohmann::json::parse(R"([{"executable":"/usr/sbin/xtables-nft-multi","count":34},
                                    {"executable":"/tmp/w/iptables","count":16}])"));
}

TEST_CASE("throttle: the real uid is the key, not the effective one", "[alert][throttle]") {
    alert::Throttle throttle({1, 300 * kSecond});
    std::vector<alert::Alert> summaries;
    // A setuid-root binary run by nobody: euid 0, real uid 65534. It must not use root's budget.
    alert::Alert setuid = user_alert("r", kT0, "65534", "nobody", "/usr/bin/sudo");
    alert_support::edit_event(setuid, [](ecs::Event& e) { e.user = {"0", "root"}; });
    CHECK(alert::throttle_user_id(setuid) == "65534");
    CHECK(throttle.admit(setuid, summaries));
    CHECK_FALSE(throttle.admit(setuid, summaries));
    CHECK(throttle.admit(user_alert("r", kT0 + 1, "0", "root", "/usr/sbin/iptables"), summaries));
}

TEST_CASE("throttle: past max_windows other users share a window, root keeps its own",
          "[alert][throttle]") {
    alert::ThrottleOptions options{1, 300 * kSecond};
    options.max_windows = 2;
    alert::Throttle throttle(options);
    std::vector<alert::Alert> summaries;
    CHECK(throttle.admit(user_alert("r", kT0, "1001", "u1", "/bin/a"), summaries));
    CHECK(throttle.admit(user_alert("r", kT0, "1002", "u2", "/bin/a"), summaries));
    // Full: u3 gets the shared window (its first alert passes), u4 then shares its budget.
    CHECK(throttle.admit(user_alert("r", kT0, "1003", "u3", "/bin/a"), summaries));
    CHECK_FALSE(throttle.admit(user_alert("r", kT0, "1004", "u4", "/bin/b"), summaries));
    // Root is never folded into the shared window.
    CHECK(throttle.admit(user_alert("r", kT0, "0", "root", "/bin/a"), summaries));
    throttle.finish(summaries);
    REQUIRE(summaries.size() == 1);
    CHECK(alert::document(summaries[0])["message"] ==
          "1 alerts of rule Attempt to Disable IPTables or Firewall by user u4 (uid 1004) "
          "suppressed; executables: /bin/b (1)");
}

}  // namespace test_throttle
