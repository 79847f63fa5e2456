// RFC 5424 framing, structured data escaping, octet counting and the local /dev/log format.
#include <catch2/catch.hpp>

#include "alert/document.hpp"
#include "alert/syslog_format.hpp"
#include "alert/text.hpp"
#include "support.hpp"

namespace test_syslog_format {

using alert_support::parse_rfc5424;

namespace {

alert::Rfc5424Options header_options() {
    alert::Rfc5424Options options;
    options.hostname = "h1";
    options.procid = "77";
    return options;
}

std::string expected_sd_value(const std::string& raw) {
    std::string value = alert::text::neutralise(raw);
    alert::text::cut_with_marker(value, 128);
    return value;
}

}  // namespace

TEST_CASE("RFC 5424: a plain alert", "[alert][rfc5424]") {
    const alert::Alert a = alert_support::sample_alert();
    const alert::Formatted out = alert::format_rfc5424(a, alert::Format::Json, header_options());
    const std::string expected_head =
        "<84>1 2026-09-21T14:13:20.123456Z h1 audisp-eql 77 7fd3e5b68d1b4a3c9f0e2b1c3d4e5f60 "
        "[alert@32473 rule_name=\"Attempt to Disable IPTables or Firewall\" "
        "rule_id=\"7fd3e5b6-8d1b-4a3c-9f0e-2b1c3d4e5f60\" severity=\"medium\" "
        "risk_score=\"47\" pid=\"4242\" user=\"root\" uid=\"0\"] {";
    CHECK(out.line.substr(0, expected_head.size()) == expected_head);
    std::string why;
    const auto parsed = parse_rfc5424(out.line, &why);
    INFO(why);
    REQUIRE(parsed);
    CHECK(parsed->pri == 84);  // authpriv (10) * 8 + warning (4)
    CHECK(parsed->msgid == "7fd3e5b68d1b4a3c9f0e2b1c3d4e5f60");
    REQUIRE(parsed->sd.size() == 1);
    CHECK(parsed->sd[0].id == "alert@32473");
    CHECK(parsed->sd[0].params.at("severity") == "medium");
    CHECK(nlohmann::json::parse(parsed->msg) == alert::document(a));
}

TEST_CASE("RFC 5424: priority from severity and facility", "[alert][rfc5424]") {
    alert::Alert a;
    a.severity = "critical";
    CHECK(alert::syslog_priority(a, 10) == 82);
    a.severity = "high";
    CHECK(alert::syslog_priority(a, 10) == 83);
    a.severity = "low";
    CHECK(alert::syslog_priority(a, 16) == 133);
    a.severity = "unknown";
    CHECK(alert::syslog_priority(a, 3) == 28);
}

TEST_CASE("RFC 5424: header tokens, MSGID and SD values", "[alert][rfc5424]") {
    CHECK(alert::header_token("", 48) == "-");
    CHECK(alert::header_token("my host\n", 255) == "my_host_");
    CHECK(alert::header_token("abcdef", 3) == "abc");
    CHECK(alert::header_token("h\xc3\xa9", 10) == "h__");
    CHECK(alert::msgid_for("") == "-");
    CHECK(alert::msgid_for("short-id") == "short-id");
    CHECK(alert::msgid_for(alert_support::kRuleId) == "7fd3e5b68d1b4a3c9f0e2b1c3d4e5f60");
    CHECK(alert::msgid_for(std::string(40, 'r')) == std::string(32, 'r'));
    CHECK(alert::msgid_for("a b]\"c") == "a_b]\"c");
    CHECK(alert::sd_param_value("a\"b\\c]d") == "a\\\"b\\\\c\\]d");
    CHECK(alert::sd_param_value("x\ny") == "x\xef\xbf\xbdy");
    CHECK(alert::sd_param_value(std::string(300, 'v')).size() <= 128);
    CHECK(alert::sd_param_value("\xff") == "\xef\xbf\xbd");
}

TEST_CASE("RFC 5424: hostile command lines in every format", "[alert][rfc5424]") {
    for (const alert::Format format :
         {alert::Format::Json, alert::Format::Cef, alert::Format::Text}) {
        for (const auto& hostile : alert_support::hostile_values()) {
            INFO(alert::format_name(format) << ": " << hostile.name);
            const alert::Alert a = alert_support::hostile_alert(hostile.value);
            const alert::Formatted out = alert::format_rfc5424(a, format, header_options(), 8000);
            CHECK(out.line.size() <= 8000);
            CHECK(alert_support::one_line(out.line));
            CHECK(alert::text::is_valid_utf8(out.line));
            std::string why;
            const auto parsed = parse_rfc5424(out.line, &why);
            INFO(why);
            REQUIRE(parsed);
            CHECK(parsed->pri == 84);
            CHECK(parsed->hostname == "h1");
            CHECK(parsed->app_name == "audisp-eql");
            REQUIRE(parsed->sd.size() == 1);
            const auto& params = parsed->sd[0].params;
            CHECK(params.at("rule_id") == alert_support::kRuleId);
            CHECK(params.at("rule_name") == expected_sd_value(hostile.value));
            CHECK(params.at("user") == expected_sd_value(hostile.value));
            CHECK(params.at("pid") == "4242");
            if (format == alert::Format::Json) {
                const auto doc = nlohmann::json::parse(parsed->msg);
                CHECK(doc["rule"]["id"] == alert_support::kRuleId);
                CHECK(doc["audisp_eql"].value("alert_truncated", false) == out.truncated);
            } else if (format == alert::Format::Cef) {
                const auto cef = alert_support::parse_cef(parsed->msg);
                REQUIRE(cef);
                CHECK(cef->value("spid") == "4242");
            }
        }
    }
}

TEST_CASE("RFC 5424: NILVALUE timestamp, custom SD-ID and BOM", "[alert][rfc5424]") {
    alert::Alert a = alert_support::sample_alert();
    a.timestamp_us = 0;
    alert::Rfc5424Options options = header_options();
    options.sd_id = "audisp eql=]";
    options.utf8_bom = true;
    const std::string line = alert::format_rfc5424(a, alert::Format::Text, options).line;
    const auto parsed = parse_rfc5424(line);
    REQUIRE(parsed);
    CHECK(parsed->timestamp == "-");
    CHECK(parsed->sd[0].id == "audisp_eql__");
    CHECK(parsed->msg.substr(0, 3) == "\xEF\xBB\xBF");
}

TEST_CASE("RFC 6587 octet counting counts bytes", "[alert][rfc5424]") {
    CHECK(alert::octet_count_frame("abc") == "3 abc");
    CHECK(alert::octet_count_frame("\xc3\xa9") == "2 \xc3\xa9");
    CHECK(alert::octet_count_frame("") == "0 ");
    CHECK(alert::newline_frame("<13>1 - - - - - - a") == "<13>1 - - - - - - a\n");
}

TEST_CASE("local syslog format is what syslog(3) writes", "[alert][rfc5424]") {
    const std::string line =
        alert::format_local_syslog(84, 1'790'000'000'000'000, "audisp-eql", 123, "hello\nworld");
    const auto parsed = alert_support::parse_local_syslog(line);
    REQUIRE(parsed);
    CHECK(parsed->pri == 84);
    CHECK(parsed->tag == "audisp-eql");
    CHECK(parsed->pid == "123");
    CHECK(parsed->msg == "hello world");
    CHECK(alert_support::one_line(line));
}

}  // namespace test_syslog_format
