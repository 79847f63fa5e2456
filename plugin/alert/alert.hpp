// The alert model shared by formatters, sinks and the throttle: an ECS alert document plus the
// few fields every output needs, read once from the document so that no sink re-parses it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace alert {

// Product identity used in CEF headers and as the default syslog APP-NAME. Keep the version in
// step with project() in the top-level CMakeLists.txt.
inline constexpr std::string_view kVendor = "audisp-eql";
inline constexpr std::string_view kProduct = "audisp-eql";
inline constexpr std::string_view kProductVersion = "0.1.0";

// One alert. `document` is the ECS alert as it will be shipped; the other members are derived
// from it by from_document() (or set directly by tests) and are what sinks route on.
struct Alert {
    nlohmann::json document = nlohmann::json::object();
    std::string rule_id;       // rule.id (an Elastic rule_id is a UUID); "" when absent
    std::string rule_name;     // rule.name; "" when absent
    std::string severity;      // "low", "medium", "high", "critical" or "unknown"
    int risk_score = -1;       // 0..100, -1 when neither a score nor a severity is known
    int64_t timestamp_us = 0;  // @timestamp in microseconds since the epoch; 0 when absent

    // Builds an alert from an ECS alert document. Missing or mistyped fields are tolerated:
    // severity falls back to the band of the risk score and the risk score to the severity's
    // default, so every alert has a usable priority.
    static Alert from_document(nlohmann::json document);
};

// Elastic's severity bands of the risk score: 0-21 low, 22-47 medium, 48-73 high, 74-100
// critical (scores outside 0..100 are clamped).
std::string_view severity_from_risk(int risk_score);

// Elastic's default risk score of a severity: low 21, medium 47, high 73, critical 99;
// -1 for anything else.
int default_risk_score(std::string_view severity);

// RFC 5424 severity code (0 emerg .. 7 debug) of an alert severity: critical->2 (crit),
// high->3 (err), medium->4 (warning), low->5 (notice); unknown->4 (warning).
int syslog_severity(std::string_view severity);

// CEF Severity 0..10 of an alert, in the CEF bands (0-3 low, 4-6 medium, 7-8 high, 9-10 very
// high) that match Elastic's bands; see plugin/alert/ALERTS.md for the exact piecewise mapping.
int cef_severity(const Alert& alert);

// Syslog facility code (0..23) of a name such as "authpriv", "daemon" or "local3".
// Throws std::invalid_argument for unknown names.
int parse_facility(std::string_view name);

// RFC 3339 timestamp ("2026-01-02T03:04:05.123456Z", "...+02:00") to microseconds since the
// epoch; nullopt if it is not one.
std::optional<int64_t> parse_timestamp(std::string_view text);

// The value at a dotted path ("process.parent.pid") of a document, or nullptr. Nested objects
// and literal dotted keys ("event.severity" at top level) are both accepted.
const nlohmann::json* find_path(const nlohmann::json& document, std::string_view dotted);

// A scalar at a dotted path as text (strings as is, numbers and booleans printed), or "".
std::string text_at(const nlohmann::json& document, std::string_view dotted);

}  // namespace alert
