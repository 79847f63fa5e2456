// Building an alert's routing fields from its rule, and the severity mappings that every output
// shares, kept in one place so syslog, CEF and text agree.
#include "alert/alert.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <utility>

#include "ecs/fields.hpp"

namespace alert {

namespace {

// Children of `node` named by a dotted path; a literal dotted key wins over nesting.
const nlohmann::json* find_in(const nlohmann::json& node, std::string_view dotted) {
    if (!node.is_object()) return nullptr;
    if (auto whole = node.find(std::string(dotted)); whole != node.end()) return &*whole;
    for (std::size_t dot = dotted.find('.'); dot != std::string_view::npos;
         dot = dotted.find('.', dot + 1)) {
        auto child = node.find(std::string(dotted.substr(0, dot)));
        if (child == node.end()) continue;
        if (const nlohmann::json* found = find_in(*child, dotted.substr(dot + 1))) return found;
    }
    return nullptr;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool known_severity(std::string_view severity) {
    return severity == "low" || severity == "medium" || severity == "high" ||
           severity == "critical";
}

}  // namespace

const nlohmann::json* find_path(const nlohmann::json& document, std::string_view dotted) {
    return find_in(document, dotted);
}

namespace {

// Elastic's rules keep risk scores in 0..100; anything absurd counts as no score.
std::optional<int> risk_of(const engine::RuleInfo& rule) {
    if (rule.risk_score < -1'000'000'000 || rule.risk_score > 1'000'000'000) return std::nullopt;
    return std::clamp(static_cast<int>(rule.risk_score), 0, 100);
}

}  // namespace

Alert Alert::make(std::shared_ptr<const ecs::Event> event,
                  std::shared_ptr<const engine::RuleInfo> rule) {
    Alert alert;
    if (event) alert.timestamp_us = event->timestamp_us;
    if (rule) {
        alert.rule_id = rule->rule_id;
        alert.rule_name = rule->name;
        const std::string severity = lower(rule->severity);
        const std::optional<int> risk = risk_of(*rule);
        if (known_severity(severity)) {
            alert.severity = severity;
            alert.risk_score = risk ? *risk : default_risk_score(severity);
        } else if (risk) {
            alert.severity = std::string(severity_from_risk(*risk));
            alert.risk_score = *risk;
        } else {
            alert.severity = "unknown";
        }
    } else {
        alert.severity = "unknown";
    }
    alert.event = std::move(event);
    alert.rule = std::move(rule);
    return alert;
}

namespace {

std::size_t event_bytes(const ecs::Event& event) noexcept {
    std::size_t total = 2;
    for (const ecs::FieldInfo& field : ecs::all_fields()) {
        const ecs::FieldValue value = ecs::get_field(event, field.id);
        if (value.missing()) continue;
        total += field.name.size() + 4;
        if (value.kind == ecs::FieldValue::Kind::String) total += value.text.size() + 2;
        if (value.kind == ecs::FieldValue::Kind::StringList) {
            for (const std::string& item : value.list) total += item.size() + 3;
        }
        total += 8;
    }
    return total;
}

}  // namespace

std::size_t approximate_bytes(const Alert& alert) noexcept {
    std::size_t total = 512;  // the rule's fields
    if (alert.event) total += event_bytes(*alert.event);
    if (alert.sequence) {
        for (const SequenceStep& step : alert.sequence->steps) {
            if (step.event) total += event_bytes(*step.event) / 4;  // a step shows a few fields
        }
    }
    if (alert.suppression) total += alert.suppression->message.size() + 512;
    if (alert.explain) {
        for (const std::string& line : *alert.explain) total += line.size() + 3;
    }
    return total;
}

std::string_view severity_from_risk(int risk_score) {
    const int risk = std::clamp(risk_score, 0, 100);
    if (risk <= 21) return "low";
    if (risk <= 47) return "medium";
    if (risk <= 73) return "high";
    return "critical";
}

int default_risk_score(std::string_view severity) {
    if (severity == "low") return 21;
    if (severity == "medium") return 47;
    if (severity == "high") return 73;
    if (severity == "critical") return 99;
    return -1;
}

int syslog_severity(std::string_view severity) {
    if (severity == "critical") return 2;
    if (severity == "high") return 3;
    if (severity == "medium") return 4;
    if (severity == "low") return 5;
    return 4;
}

int cef_severity(const Alert& alert) {
    int risk = alert.risk_score;
    if (risk < 0) risk = default_risk_score(alert.severity);
    if (risk < 0) return 5;  // nothing known: the middle of the medium band
    risk = std::clamp(risk, 0, 100);
    // Piecewise linear inside each band, so a higher score never maps lower; Elastic's default
    // scores land on 3 (low 21), 6 (medium 47), 8 (high 73) and 10 (critical 99).
    if (risk <= 21) return risk * 4 / 22;             // 0..3
    if (risk <= 47) return 4 + (risk - 22) * 3 / 26;  // 4..6
    if (risk <= 73) return 7 + (risk - 48) * 2 / 26;  // 7..8
    return 9 + (risk - 74) * 2 / 27;                  // 9..10
}

int parse_facility(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, int>, 24> kFacilities{{
        {"kern", 0},      {"user", 1},    {"mail", 2},    {"daemon", 3},  {"auth", 4},
        {"syslog", 5},    {"lpr", 6},     {"news", 7},    {"uucp", 8},    {"cron", 9},
        {"authpriv", 10}, {"ftp", 11},    {"ntp", 12},    {"audit", 13},  {"alert", 14},
        {"clock", 15},    {"local0", 16}, {"local1", 17}, {"local2", 18}, {"local3", 19},
        {"local4", 20},   {"local5", 21}, {"local6", 22}, {"local7", 23},
    }};
    const std::string wanted = lower(name);
    for (const auto& [facility_name, code] : kFacilities) {
        if (facility_name == wanted) return code;
    }
    throw std::invalid_argument(
        "unknown syslog facility '" + std::string(name) +
        "' (expected kern, user, daemon, auth, authpriv, local0..local7, ...)");
}

}  // namespace alert
