// The alert model shared by formatters, sinks and the throttle: the event, the rule and what
// else an alert says, as typed data; the ECS JSON document is one rendering of it (document.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
// json_fwd: find_path() below needs only the declaration; the full header (a few seconds of
// compile time in every TU) is included by the files that build or read documents.
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"
#include "engine/rule.hpp"

namespace alert {

// Product identity used in CEF headers and as the default syslog APP-NAME. Keep the version in
// step with project() in the top-level CMakeLists.txt.
inline constexpr std::string_view kVendor = "audisp-eql";
inline constexpr std::string_view kProduct = "audisp-eql";
inline constexpr std::string_view kProductVersion = ecs::kAgentVersion;

// One step of a sequence alert: the event that filled it and the stage's number (1-based, as
// the rule writes its stages).
struct SequenceStep {
    std::size_t stage = 0;
    std::shared_ptr<const ecs::Event> event;
};

// What a sequence or sample rule matched: its join key values and each step in order.
struct SequenceMatch {
    std::string key;  // e.g. host.id="h1", process.entity_id="e7"
    std::vector<SequenceStep> steps;
};

// How many alerts of one user (or executable) a throttle window held back.
struct SuppressedCount {
    std::string name;   // user: the uid; executable: the path
    std::string label;  // user: the user name when known
    uint64_t count = 0;
};

// A throttle summary: what one window of a rule held back.
struct Suppression {
    uint64_t suppressed = 0;
    std::size_t limit = 0;
    int64_t window_start_us = 0;
    int64_t window_end_us = 0;
    std::vector<SuppressedCount> users;
    std::vector<SuppressedCount> executables;
    uint64_t other_users = 0;
    uint64_t other_executables = 0;
    std::string message;  // "N alerts of rule X by user NAME (uid U) suppressed; ..."
};

// One alert as typed data, built once; each format (JSON, CEF, text, syslog structured data)
// renders it. The parts are shared, so that the throttle and the sink queues copy it cheaply.
struct Alert {
    std::shared_ptr<const ecs::Event> event;          // what matched (a sequence's last event)
    std::shared_ptr<const engine::RuleInfo> rule;     // the rule's metadata
    std::shared_ptr<const SequenceMatch> sequence;    // sequence and sample rules only
    std::shared_ptr<const Suppression> suppression;   // throttle summaries only
    std::optional<std::vector<std::string>> explain;  // --explain: why it matched

    // What sinks route on, derived once by make() (tests may set them directly).
    std::string rule_id;       // rule.id (an Elastic rule_id is a UUID); "" when absent
    std::string rule_name;     // rule.name; "" when absent
    std::string severity;      // "low", "medium", "high", "critical" or "unknown"
    int risk_score = -1;       // 0..100, -1 when neither a score nor a severity is known
    int64_t timestamp_us = 0;  // @timestamp in microseconds since the epoch

    // An alert of `rule` on `event`. A rule's severity is read in any case; a missing or unknown
    // one falls back to the band of the risk score, so every alert has a usable priority.
    static Alert make(std::shared_ptr<const ecs::Event> event,
                      std::shared_ptr<const engine::RuleInfo> rule);
};

// Roughly how many bytes an alert holds (its event's and steps' values), for queue budgets.
std::size_t approximate_bytes(const Alert& alert) noexcept;

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

// The value at a dotted path ("process.parent.pid") of a JSON document, or nullptr. Nested
// objects and literal dotted keys ("event.severity" at top level) are both accepted.
const nlohmann::json* find_path(const nlohmann::json& document, std::string_view dotted);

}  // namespace alert
