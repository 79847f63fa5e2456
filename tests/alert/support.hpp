// Shared helpers of the alert tests: sample alerts, the table of hostile command lines, and
// small independent parsers for what the formatters produce (CEF, RFC 5424, local syslog).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert.hpp"

namespace alert_support {

inline constexpr const char* kRuleId = "7fd3e5b6-8d1b-4a3c-9f0e-2b1c3d4e5f60";

// A realistic alert (iptables -F by root) with the given timestamp and pid.
alert::Alert sample_alert(int64_t timestamp_us = 1'790'000'000'123'456, int64_t pid = 4242);

// Replaces the alert's event (rule) with a changed copy; edit_rule also re-derives the routing
// fields, as Alert::make does.
void edit_event(alert::Alert& alert, const std::function<void(ecs::Event&)>& change);
void edit_rule(alert::Alert& alert, const std::function<void(engine::RuleInfo&)>& change);

// The sample alert with `value` in the attacker-controlled places: process.command_line,
// process.args[1], process.executable, process.parent.command_line, user.name and rule.name.
alert::Alert hostile_alert(const std::string& value, int64_t pid = 4242);

struct Hostile {
    std::string name;
    std::string value;
};

// Newline, CRLF, NUL, 0x1d, ANSI escapes, invalid UTF-8, `]`, `"`, `\`, `|`, `=`, bidi
// overrides, U+2028, C1, forged syslog headers, and 100 KB arguments.
const std::vector<Hostile>& hostile_values();

// No LF, CR or NUL anywhere.
bool one_line(const std::string& text);

struct Cef {
    std::vector<std::string> header;  // 7 unescaped fields: "CEF:0", vendor, ..., severity
    std::vector<std::pair<std::string, std::string>> extensions;  // unescaped, in order
    std::string value(const std::string& key) const;
};
// Splits and unescapes a CEF line; nullopt if it is malformed (e.g. a bad escape).
std::optional<Cef> parse_cef(const std::string& line);

struct SdElement {
    std::string id;
    std::map<std::string, std::string> params;  // unescaped
};
struct Rfc5424 {
    int pri = -1;
    std::string timestamp, hostname, app_name, procid, msgid;
    std::vector<SdElement> sd;
    std::string msg;
};
// Strict RFC 5424 parse: header tokens are PRINTUSASCII within their length limits, SD names
// are valid, PARAM-VALUEs valid UTF-8 with only `\"`, `\\`, `\]` escapes undone. nullopt
// (with `why` set) when the message breaks the grammar.
std::optional<Rfc5424> parse_rfc5424(const std::string& message, std::string* why = nullptr);

struct LocalSyslog {
    int pri = -1;
    std::string timestamp, tag, pid, msg;
};
// `<PRI>Mmm dd HH:MM:SS TAG[PID]: MSG`.
std::optional<LocalSyslog> parse_local_syslog(const std::string& message);

// What a formatter is expected to keep of a hostile value in a given place.
std::string expected_json_value(const std::string& raw);  // invalid bytes -> U+FFFD
std::string expected_cef_value(const std::string& raw);   // also unsafe -> U+FFFD, LF/CR kept

}  // namespace alert_support
