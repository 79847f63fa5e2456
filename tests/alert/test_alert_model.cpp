// Alert::from_document and the shared severity mappings.
#include <catch2/catch.hpp>

#include "alert/alert.hpp"
#include "support.hpp"

using alert::Alert;

TEST_CASE("from_document reads rule, severity, risk and timestamp", "[alert][model]") {
    const Alert a = alert_test::sample_alert();
    const Alert b = Alert::from_document(a.document);
    CHECK(b.rule_id == alert_test::kRuleId);
    CHECK(b.rule_name == "Attempt to Disable IPTables or Firewall");
    CHECK(b.severity == "medium");
    CHECK(b.risk_score == 47);
    CHECK(b.timestamp_us == *alert::parse_timestamp("2026-09-21T14:13:20.123456Z"));
}

TEST_CASE("from_document tolerates missing and mistyped fields", "[alert][model]") {
    SECTION("empty document") {
        const Alert a = Alert::from_document(nlohmann::json::object());
        CHECK(a.rule_id.empty());
        CHECK(a.rule_name.empty());
        CHECK(a.severity == "unknown");
        CHECK(a.risk_score == -1);
        CHECK(a.timestamp_us == 0);
    }
    SECTION("not an object") {
        const Alert a = Alert::from_document(nlohmann::json::array({1, 2}));
        CHECK(a.severity == "unknown");
    }
    SECTION("risk only") {
        const Alert a = Alert::from_document({{"rule", {{"risk_score", 80}}}});
        CHECK(a.severity == "critical");
        CHECK(a.risk_score == 80);
    }
    SECTION("severity only, any case") {
        const Alert a = Alert::from_document({{"rule", {{"severity", "HIGH"}}}});
        CHECK(a.severity == "high");
        CHECK(a.risk_score == 73);
    }
    SECTION("mistyped values") {
        const Alert a = Alert::from_document(
            {{"rule", {{"severity", 3}, {"risk_score", "x"}, {"id", 17}, {"name", nullptr}}},
             {"@timestamp", "yesterday"}});
        CHECK(a.rule_id == "17");
        CHECK(a.rule_name.empty());
        CHECK(a.severity == "unknown");
        CHECK(a.timestamp_us == 0);
    }
    SECTION("dotted keys and event.severity") {
        const Alert a = Alert::from_document({{"rule.id", "r1"}, {"event.severity", 21}});
        CHECK(a.rule_id == "r1");
        CHECK(a.severity == "low");
        CHECK(a.risk_score == 21);
    }
    SECTION("risk out of range is clamped") {
        CHECK(Alert::from_document({{"rule", {{"risk_score", 400}}}}).risk_score == 100);
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

TEST_CASE("RFC 3339 timestamps", "[alert][model]") {
    CHECK(alert::parse_timestamp("1970-01-01T00:00:00Z") == 0);
    CHECK(alert::parse_timestamp("1970-01-01T00:00:01.5Z") == 1'500'000);
    CHECK(alert::parse_timestamp("1970-01-01T01:00:00+01:00") == 0);
    CHECK(alert::parse_timestamp("2026-09-21T14:13:20.123456Z") == 1'790'000'000'123'456);
    CHECK_FALSE(alert::parse_timestamp("2026-09-21"));
    CHECK_FALSE(alert::parse_timestamp("2026-09-21T12:53:20"));
    CHECK_FALSE(alert::parse_timestamp("2026-13-21T12:53:20Z"));
    CHECK_FALSE(alert::parse_timestamp("2026-09-21T12:53:20.Z"));
    CHECK_FALSE(alert::parse_timestamp("2026-09-21T12:53:20Zjunk"));
}
