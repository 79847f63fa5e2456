// Alert::make and the shared severity mappings.
#include <catch2/catch.hpp>
#include <memory>

#include "alert/alert.hpp"
#include "support.hpp"

namespace test_alert_model {

using alert::Alert;

namespace {

std::shared_ptr<const engine::RuleInfo> rule_with(const std::string& severity, int64_t risk) {
    auto rule = std::make_shared<engine::RuleInfo>();
    rule->rule_id = "r1";
    rule->name = "Rule one";
    rule->severity = severity;
    rule->risk_score = risk;
    return rule;
}

}  // namespace

TEST_CASE("Alert::make takes rule, severity, risk and timestamp as they are", "[alert][model]") {
    const Alert a = alert_support::sample_alert();
    CHECK(a.rule_id == alert_support::kRuleId);
    CHECK(a.rule_name == "Attempt to Disable IPTables or Firewall");
    CHECK(a.severity == "medium");
    CHECK(a.risk_score == 47);
    CHECK(a.timestamp_us == 1'790'000'000'123'456);  // the event's, no round trip through text
    CHECK(a.event->process.pid == 4242);
    CHECK_FALSE(a.sequence);
    CHECK_FALSE(a.suppression);
}

TEST_CASE("Alert::make: a rule's severity in any case, else its risk score's band",
          "[alert][model]") {
    const auto event = std::make_shared<const ecs::Event>();
    SECTION("severity in capitals") {
        const Alert a = Alert::make(event, rule_with("HIGH", 80));
        CHECK(a.severity == "high");
        CHECK(a.risk_score == 80);
    }
    SECTION("unknown severity: the band of the risk score") {
        const Alert a = Alert::make(event, rule_with("", 80));
        CHECK(a.severity == "critical");
        CHECK(a.risk_score == 80);
    }
    SECTION("risk out of range is clamped") {
        CHECK(Alert::make(event, rule_with("low", 400)).risk_score == 100);
        CHECK(Alert::make(event, rule_with("low", -4)).risk_score == 0);
    }
    SECTION("an absurd risk score counts as none: the severity's default") {
        const Alert a = Alert::make(event, rule_with("medium", int64_t{1} << 40));
        CHECK(a.severity == "medium");
        CHECK(a.risk_score == 47);
    }
    SECTION("neither") {
        const Alert a = Alert::make(event, rule_with("bogus", int64_t{1} << 40));
        CHECK(a.severity == "unknown");
        CHECK(a.risk_score == -1);
    }
    SECTION("no rule") {
        const Alert a = Alert::make(event, nullptr);
        CHECK(a.rule_id.empty());
        CHECK(a.severity == "unknown");
        CHECK(a.risk_score == -1);
    }
}

TEST_CASE("severity bands and defaults", "[alert][model]") {
    CHECK(alert::severity_from_risk(0) == "low");
    CHECK(alert::severity_from_risk(21) == "low");
    CHECK(alert::severity_from_risk(22) == "medium");
    CHECK(alert::severity_from_risk(47) == "medium");
    CHECK(alert::severity_from_risk(48) == "high");
    CHECK(alert::severity_from_risk(73) == "high");
    CHECK(alert::severity_from_risk(74) == "critical");
    CHECK(alert::severity_from_risk(-5) == "low");
    CHECK(alert::default_risk_score("critical") == 99);
    CHECK(alert::default_risk_score("nope") == -1);
}

TEST_CASE("syslog severity mapping", "[alert][model]") {
    CHECK(alert::syslog_severity("critical") == 2);
    CHECK(alert::syslog_severity("high") == 3);
    CHECK(alert::syslog_severity("medium") == 4);
    CHECK(alert::syslog_severity("low") == 5);
    CHECK(alert::syslog_severity("unknown") == 4);
}

TEST_CASE("CEF severity follows the risk score inside the CEF bands", "[alert][model]") {
    auto cef = [](int risk) {
        Alert a;
        a.risk_score = risk;
        a.severity = std::string(alert::severity_from_risk(risk));
        return alert::cef_severity(a);
    };
    int previous = 0;
    for (int risk = 0; risk <= 100; ++risk) {
        const int value = cef(risk);
        CHECK(value >= previous);  // monotonic
        previous = value;
        const std::string band(alert::severity_from_risk(risk));
        if (band == "low") CHECK((value >= 0 && value <= 3));
        if (band == "medium") CHECK((value >= 4 && value <= 6));
        if (band == "high") CHECK((value >= 7 && value <= 8));
        if (band == "critical") CHECK((value >= 9 && value <= 10));
    }
    CHECK(cef(0) == 0);
    CHECK(cef(21) == 3);
    CHECK(cef(22) == 4);
    CHECK(cef(47) == 6);
    CHECK(cef(48) == 7);
    CHECK(cef(73) == 8);
    CHECK(cef(74) == 9);
    CHECK(cef(99) == 10);
    CHECK(cef(100) == 10);
    Alert unknown;
    CHECK(alert::cef_severity(unknown) == 5);
    unknown.severity = "critical";
    CHECK(alert::cef_severity(unknown) == 10);
}

TEST_CASE("facility names", "[alert][model]") {
    CHECK(alert::parse_facility("authpriv") == 10);
    CHECK(alert::parse_facility("DAEMON") == 3);
    CHECK(alert::parse_facility("local7") == 23);
    CHECK_THROWS_AS(alert::parse_facility("local8"), std::invalid_argument);
    CHECK_THROWS_AS(alert::parse_facility(""), std::invalid_argument);
}

}  // namespace test_alert_model
