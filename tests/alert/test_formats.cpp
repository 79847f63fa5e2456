// JSON, CEF and text formatters, each against the table of hostile command lines.
#include <array>
#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "alert/document.hpp"
#include "alert/format.hpp"
#include "alert/text.hpp"
#include "ecs/event_id.hpp"
#include "ecs/json_writer.hpp"
#include "support.hpp"

namespace test_formats {

using alert_support::edit_event;
using alert_support::hostile_alert;
using alert_support::hostile_values;
using alert_support::one_line;
using alert_support::sample_alert;

namespace {

const std::string kEllipsis(alert::text::kCutMarker);

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// `cut` is `full`, or a prefix of it followed by the cut marker.
bool is_cut_of(const std::string& cut, const std::string& full) {
    if (cut == full) return true;
    if (!ends_with(cut, kEllipsis)) return false;
    const std::string prefix = cut.substr(0, cut.size() - kEllipsis.size());
    return full.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

TEST_CASE("JSON: a plain alert is the document on one line", "[alert][json]") {
    const alert::Alert a = sample_alert();
    const alert::Formatted out = alert::format_json(a);
    CHECK_FALSE(out.truncated);
    CHECK(one_line(out.line));
    CHECK(nlohmann::json::parse(out.line) == alert::document(a));
}

TEST_CASE("JSON: hostile command lines stay on one line and parse back", "[alert][json]") {
    for (const auto& hostile : hostile_values()) {
        INFO(hostile.name);
        const alert::Alert a = hostile_alert(hostile.value);
        const std::string expected = alert_support::expected_json_value(hostile.value);

        const alert::Formatted full = alert::format_json(a);
        CHECK_FALSE(full.truncated);
        CHECK(one_line(full.line));
        CHECK(alert::text::is_valid_utf8(full.line));
        const auto parsed = nlohmann::json::parse(full.line);
        CHECK(parsed["process"]["command_line"] == expected);
        CHECK(parsed["process"]["args"][1] == expected);
        CHECK(parsed["user"]["name"] == expected);
        CHECK(alert::format_json(a).line == full.line);  // deterministic

        const alert::Formatted cut = alert::format_json(a, 8000);
        CHECK(one_line(cut.line));
        CHECK(cut.line.size() <= 8000);
        const auto small = nlohmann::json::parse(cut.line);
        CHECK(cut.truncated == (full.line.size() > 8000));
        if (cut.truncated) {
            CHECK(small["audisp_eql"]["alert_truncated"] == true);
            CHECK(small["rule"]["id"] == alert_support::kRuleId);
            CHECK(small["event"]["kind"] == "alert");
            CHECK(is_cut_of(small["process"]["command_line"].get<std::string>(), expected));
            CHECK(is_cut_of(small["process"]["args"][1].get<std::string>(), expected));
        } else {
            CHECK(cut.line == full.line);
        }
    }
}

TEST_CASE("JSON: truncation shortens the longest strings first", "[alert][json]") {
    alert::Alert a = sample_alert();
    alert_support::edit_event(
        a, [](ecs::Event& e) { e.process.command_line = std::string(50'000, 'x'); });
    const alert::Formatted out = alert::format_json(a, 4096);
    REQUIRE(out.truncated);
    CHECK(out.line.size() <= 4096);
    const auto parsed = nlohmann::json::parse(out.line);
    CHECK(parsed["audisp_eql"]["alert_truncated"] == true);
    // Short fields survive whole.
    CHECK(parsed["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
    CHECK(parsed["process"]["executable"] == "/usr/sbin/xtables-nft-multi");
    CHECK(parsed["process"]["args"] == nlohmann::json({"iptables", "-F"}));
    const std::string cmd = parsed["process"]["command_line"];
    CHECK(cmd.size() > 2000);
    CHECK(ends_with(cmd, kEllipsis));
}

TEST_CASE("JSON: documents that strings alone cannot shrink fall back to a skeleton",
          "[alert][json]") {
    alert::Alert a = sample_alert();
    nlohmann::json doc = alert::document(a);
    doc["process"]["args"] = nlohmann::json::array();
    for (int i = 0; i < 20'000; ++i) doc["process"]["args"].push_back(i);
    const alert::Formatted out = alert::format_json_document(doc, a, 2048);
    REQUIRE(out.truncated);
    CHECK(out.line.size() <= 2048);
    const auto parsed = nlohmann::json::parse(out.line);
    CHECK(parsed["audisp_eql"]["alert_truncated"] == true);
    CHECK(parsed["rule"]["id"] == alert_support::kRuleId);
    CHECK(parsed["audisp_eql"]["rule"]["severity"] == "medium");
    CHECK(parsed["@timestamp"] == "2026-09-21T14:13:20.123456Z");
    CHECK(parsed["event"]["id"] == alert::alert_id(a));  // the deduplication key survives
}

TEST_CASE("JSON: 30,000 one-character args are cut first; who, what and where stay",
          "[alert][json]") {
    alert::Alert a = sample_alert();
    std::vector<std::string> many{"iptables"};
    std::string command_line = "iptables";
    for (int i = 0; i < 30'000; ++i) {
        many.emplace_back("x");
        command_line += " x";
    }
    alert_support::edit_event(a, [&](ecs::Event& e) {
        e.process.args = many;
        e.process.command_line = command_line;
        e.parent.args = std::vector<std::string>{"-bash"};
        e.user_real = {"65534", "nobody"};
    });
    const alert::Formatted out = alert::format_json(a, 8000);
    REQUIRE(out.truncated);
    CHECK(out.line.size() <= 8000);
    const auto parsed = nlohmann::json::parse(out.line);
    CHECK(parsed["audisp_eql"]["alert_truncated"] == true);
    CHECK(parsed["@timestamp"] == "2026-09-21T14:13:20.123456Z");
    CHECK(parsed["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
    CHECK(parsed["user"]["id"] == "0");
    CHECK(parsed["user"]["name"] == "root");
    CHECK(parsed["user"]["Ext"]["real"]["name"] == "nobody");
    CHECK(parsed["process"]["pid"] == 4242);
    CHECK(parsed["process"]["name"] == "iptables");
    CHECK(parsed["process"]["executable"] == "/usr/sbin/xtables-nft-multi");
    CHECK(parsed["process"]["parent"]["name"] == "bash");
    CHECK(parsed["process"]["parent"]["args"] == nlohmann::json::array({"-bash"}));  // short
    CHECK(parsed["host"]["name"] == "h1");
    CHECK(parsed["process"]["args_count"] == 30'001);
    // The list keeps its first arguments whole and ends in the marker; the original count is
    // recorded beside what was kept.
    const auto& args = parsed["process"]["args"];
    REQUIRE(args.size() >= 2);
    CHECK(args[0] == "iptables");
    CHECK(args[1] == "x");
    CHECK(args.back() == kEllipsis);
    const auto& record = parsed["audisp_eql"]["truncated"];
    CHECK(record["process.args"]["original_count"] == 30'001);
    CHECK(record["process.args"]["kept"] == args.size() - 1);
    CHECK(record["process.command_line"]["original_bytes"] == command_line.size());
    const std::string cut = parsed["process"]["command_line"];
    CHECK(cut.starts_with("iptables x x"));
    CHECK(ends_with(cut, kEllipsis));
    CHECK_FALSE(record.contains("process.parent.args"));
    // The limit is used, not wasted: more than half of it is taken.
    CHECK(out.line.size() > 4000);
}

TEST_CASE("JSON: the skeleton keeps who, what and where", "[alert][json]") {
    alert::Alert a = sample_alert();
    nlohmann::json doc = alert::document(a);
    for (int i = 0; i < 20'000; ++i) doc["threat"]["numbers"].push_back(i);
    const alert::Formatted out = alert::format_json_document(doc, a, 2048);
    REQUIRE(out.truncated);
    const auto parsed = nlohmann::json::parse(out.line);
    CHECK(parsed["user"]["name"] == "root");
    CHECK(parsed["process"]["pid"] == 4242);
    CHECK(parsed["process"]["name"] == "iptables");
    CHECK(parsed["process"]["executable"] == "/usr/sbin/xtables-nft-multi");
    CHECK(parsed["process"]["parent"]["name"] == "bash");
    CHECK(parsed["host"]["name"] == "h1");
    CHECK(parsed["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
}

TEST_CASE("JSON: marker placement and minimum limit", "[alert][json]") {
    alert::Alert a = sample_alert();
    nlohmann::json doc = alert::document(a);
    doc["event"] = "not an object";
    doc["message"] = std::string(10'000, 'm');
    const alert::Formatted out = alert::format_json_document(doc, a, 3000);
    const auto parsed = nlohmann::json::parse(out.line);
    CHECK(parsed["audisp_eql"]["alert_truncated"] == true);  // whatever `event` holds
    CHECK(parsed["event"] == "not an object");
    CHECK_FALSE(parsed.contains("_truncated"));

    const alert::Formatted tiny = alert::format_json_document(doc, a, 10);  // raised to the minimum
    CHECK(tiny.line.size() <= alert::kMinFormatBytes);
    CHECK_NOTHROW(nlohmann::json::parse(tiny.line));
}

TEST_CASE("CEF: a plain alert", "[alert][cef]") {
    const alert::Formatted out = alert::format_cef(sample_alert());
    CHECK(out.line ==
          "CEF:0|audisp-eql|audisp-eql|0.1.0|7fd3e5b6-8d1b-4a3c-9f0e-2b1c3d4e5f60|Attempt to "
          "Disable IPTables or Firewall|6|rt=1790000000123 dvchost=h1 suser=root suid=0 spid=4242 "
          "sproc=iptables filePath=/usr/sbin/xtables-nft-multi cs1Label=command_line "
          "cs1=iptables -F cs2Label=parent_command_line cs2=-bash cs3Label=parent_executable "
          "cs3=/usr/bin/bash cs4Label=working_directory cs4=/root cs5Label=threat_technique "
          "cs5=T1562 cs6Label=rule_version cs6=111 cn1Label=risk_score cn1=47 "
          "cn2Label=parent_pid cn2=1000 msg=Attempt to Disable IPTables or Firewall: iptables -F");
}

TEST_CASE("CEF: escaping follows the specification", "[alert][cef]") {
    alert::Alert a = sample_alert();
    a.rule_name = "a|b\\c=d";
    alert_support::edit_event(a, [](ecs::Event& e) { e.process.command_line = "x=1 \\ y|z\r\nw"; });
    const alert::Formatted out = alert::format_cef(a);
    CHECK(out.line.find("|a\\|b\\\\c=d|") != std::string::npos);
    CHECK(out.line.find("cs1=x\\=1 \\\\ y|z\\r\\nw ") != std::string::npos);
    // NUL and ESC have no CEF escape: they become U+FFFD.
    alert_support::edit_event(
        a, [](ecs::Event& e) { e.process.command_line = std::string("a\0\x1b[0m", 6); });
    const auto cef = alert_support::parse_cef(alert::format_cef(a).line);
    REQUIRE(cef);
    CHECK(cef->value("cs1") == "a\xef\xbf\xbd\xef\xbf\xbd[0m");
}

TEST_CASE("CEF: hostile command lines split and unescape back", "[alert][cef]") {
    for (const auto& hostile : hostile_values()) {
        INFO(hostile.name);
        const alert::Alert a = hostile_alert(hostile.value);
        for (const std::size_t limit : {std::size_t{0}, std::size_t{8000}}) {
            INFO("limit " << limit);
            const alert::Formatted out = alert::format_cef(a, limit);
            CHECK(one_line(out.line));
            CHECK(alert::text::is_valid_utf8(out.line));
            if (limit > 0) CHECK(out.line.size() <= limit);
            const auto cef = alert_support::parse_cef(out.line);
            REQUIRE(cef);
            REQUIRE(cef->header.size() == 7);
            CHECK(cef->header[0] == "CEF:0");
            CHECK(cef->header[4] == alert_support::kRuleId);
            CHECK(cef->header[6] == "6");
            CHECK(is_cut_of(cef->header[5], alert::text::neutralise(hostile.value)));
            const std::string expected = alert_support::expected_cef_value(hostile.value);
            CHECK(is_cut_of(cef->value("cs1"), expected));
            CHECK(is_cut_of(cef->value("suser"), expected));
            CHECK(is_cut_of(cef->value("filePath"), expected));
            CHECK(cef->value("cs1Label") == "command_line");
            CHECK(cef->value("spid") == "4242");
            if (limit == 0) {
                CHECK(cef->value("cs1") == expected);
                CHECK(cef->header[5] == alert::text::neutralise(hostile.value));
            }
        }
    }
}

TEST_CASE("text: a plain alert", "[alert][text-format]") {
    CHECK(alert::format_text(sample_alert()).line ==
          "2026-09-21T14:13:20.123456Z MEDIUM(47) rule=\"Attempt to Disable IPTables or "
          "Firewall\" rule_id=\"7fd3e5b6-8d1b-4a3c-9f0e-2b1c3d4e5f60\" host=\"h1\" "
          "user=\"root\" uid=\"0\" pid=\"4242\" process=\"iptables\" "
          "exe=\"/usr/sbin/xtables-nft-multi\" cmd=\"iptables -F\" cwd=\"/root\" ppid=\"1000\" "
          "parent=\"bash\" parent_cmd=\"-bash\" technique=\"T1562\"");
}

TEST_CASE("text: hostile command lines cannot reach the terminal", "[alert][text-format]") {
    for (const auto& hostile : hostile_values()) {
        INFO(hostile.name);
        const alert::Alert a = hostile_alert(hostile.value);
        for (const std::size_t limit : {std::size_t{0}, std::size_t{4096}}) {
            const std::string line = alert::format_text(a, limit).line;
            CHECK(one_line(line));
            CHECK(alert::text::is_valid_utf8(line));
            if (limit > 0) CHECK(line.size() <= limit);
            bool safe = true;
            for (std::size_t pos = 0; pos < line.size();) {
                if (alert::text::is_unsafe(alert::text::decode_utf8(line, pos))) safe = false;
            }
            CHECK(safe);
            if (limit == 0) {
                CHECK(line.find("cmd=\"" + alert::text::escape_visible(hostile.value) + "\"") !=
                      std::string::npos);
            }
        }
    }
}

TEST_CASE("format names", "[alert][format]") {
    CHECK(alert::parse_format("json") == alert::Format::Json);
    CHECK(alert::parse_format("cef") == alert::Format::Cef);
    CHECK(alert::parse_format("text") == alert::Format::Text);
    CHECK_THROWS_AS(alert::parse_format("xml"), std::invalid_argument);
    CHECK(alert::format_name(alert::Format::Cef) == "cef");
}

TEST_CASE("JSON: the streamed alert line is byte for byte the document's", "[alert][json]") {
    // format_json streams the event with the rule's members sorted in (no document); the
    // document path stays for truncation, invalid UTF-8 and throttle summaries. Both must write
    // the same bytes, for every alert shape and limit.
    std::vector<alert::Alert> alerts{sample_alert(), sample_alert(1, 1)};
    alert::Alert explained = sample_alert();
    explained.explain = std::vector<std::string>{"process.name == \"iptables\"", "tab\there"};
    alerts.push_back(explained);
    alert::Alert bare = sample_alert();
    alert_support::edit_rule(bare, [](engine::RuleInfo& rule) {
        rule.threats.clear();
        rule.authors.clear();
        rule.version.reset();
    });
    alerts.push_back(bare);
    alert::Alert with_step = sample_alert();
    auto match = std::make_shared<alert::SequenceMatch>();
    match->key = "host.id=\"h1\"";
    match->steps.push_back({1, with_step.event});
    with_step.sequence = std::move(match);
    alerts.push_back(with_step);
    alert::Alert stamped = sample_alert();
    alert_support::edit_event(stamped, [](ecs::Event& e) {
        e.id = ecs::EventIdMaker().make(e);  // the event's own id: replaced by the alert's
        e.created_us = 1'790'000'001'000'000;
    });
    alerts.push_back(stamped);
    const std::size_t streamable = alerts.size();  // these fit 2048 bytes, valid UTF-8
    for (const alert_support::Hostile& hostile : alert_support::hostile_values()) {
        alerts.push_back(alert_support::hostile_alert(hostile.value));
    }
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        const alert::Alert& a = alerts[i];
        const nlohmann::json doc = alert::document(a);
        for (const std::size_t limit : {std::size_t{0}, std::size_t{2048}, std::size_t{1} << 20}) {
            INFO("limit " << limit << ", command line "
                          << doc["process"].value("command_line", ""));
            const alert::RoutedJson streamed = alert::format_json_routed(a, limit);
            const alert::Formatted built = alert::format_json_document(doc, a, limit);
            CHECK(streamed.formatted.line == built.line);
            CHECK(streamed.formatted.truncated == built.truncated);
            // Not two runs of the document path: these lines were streamed.
            if (i < streamable) CHECK(streamed.writer == alert::JsonWriter::Streamed);
        }
    }
    CHECK(alert::format_json(stamped).line.find(stamped.event->id) == std::string::npos);
    CHECK(nlohmann::json::parse(alert::format_json(stamped).line)["event"]["created"] ==
          "2026-09-21T14:13:21.000000Z");
}

TEST_CASE("JSON: the alerts the document path writes, and why", "[alert][json]") {
    const auto document_line = [](const alert::Alert& a, std::size_t limit) {
        return alert::format_json_document(alert::document(a), a, limit);
    };
    const alert::Alert plain = sample_alert();
    const alert::RoutedJson whole = alert::format_json_routed(plain);
    CHECK(whole.writer == alert::JsonWriter::Streamed);
    const std::size_t size = whole.formatted.line.size();
    CHECK(alert::format_json_routed(plain, size).writer == alert::JsonWriter::Streamed);

    // One byte over the limit: cut, by the document path.
    REQUIRE(size - 1 > alert::kMinFormatBytes);
    const alert::RoutedJson cut = alert::format_json_routed(plain, size - 1);
    CHECK(cut.writer == alert::JsonWriter::Cut);
    CHECK(cut.formatted.truncated);
    CHECK(cut.formatted.line == document_line(plain, size - 1).line);

    // Invalid UTF-8 (a 3-byte sequence missing its last byte): the document path replaces each
    // of the two bytes, as CEF and syslog do; the streamed strings would get one U+FFFD for both.
    const std::string broken = "iptables -F \xE2\x82z";
    alert::Alert invalid = plain;
    edit_event(invalid, [&](ecs::Event& e) { e.process.command_line = broken; });
    const alert::RoutedJson repaired = alert::format_json_routed(invalid);
    CHECK(repaired.writer == alert::JsonWriter::Repaired);
    CHECK_FALSE(repaired.formatted.truncated);
    CHECK(repaired.formatted.line == document_line(invalid, 0).line);
    CHECK(nlohmann::json::parse(repaired.formatted.line)["process"]["command_line"] ==
          "iptables -F \xEF\xBF\xBD\xEF\xBF\xBDz");
    std::string streamed_string;
    ecs::append_json_string(streamed_string, broken);
    CHECK(streamed_string == "\"iptables -F \xEF\xBF\xBDz\"");
    // A genuine U+FFFD looks the same in the streamed line: it takes the document path too.
    alert::Alert replacement = plain;
    edit_event(replacement,
               [](ecs::Event& e) { e.process.command_line = "iptables -F \xEF\xBF\xBD"; });
    const alert::RoutedJson genuine = alert::format_json_routed(replacement);
    CHECK(genuine.writer == alert::JsonWriter::Repaired);
    CHECK(genuine.formatted.line == document_line(replacement, 0).line);

    // A throttle summary has its own shape: only the document path writes it.
    alert::Alert summary = plain;
    auto suppression = std::make_shared<alert::Suppression>();
    suppression->suppressed = 7;
    suppression->message = "7 alerts suppressed";
    summary.suppression = suppression;
    const alert::RoutedJson summarised = alert::format_json_routed(summary);
    CHECK(summarised.writer == alert::JsonWriter::NotAnEventAlert);
    CHECK(summarised.formatted.line == document_line(summary, 0).line);
    CHECK(nlohmann::json::parse(summarised.formatted.line)["event"]["action"] ==
          "alerts-suppressed");
}

TEST_CASE("the event writer refuses an extra member that event fields are written into") {
    const std::array<std::string_view, 1> clash{"process"};
    CHECK_THROWS_AS(ecs::EventJsonWriter(clash), std::logic_error);
}

}  // namespace test_formats
