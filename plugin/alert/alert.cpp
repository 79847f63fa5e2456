// Reading the routing fields out of an ECS alert document, and the severity mappings that every
// output shares, kept in one place so syslog, CEF and text agree.
#include "alert/alert.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <stdexcept>
#include <utility>

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

std::optional<int> number_at(const nlohmann::json& document, std::string_view dotted) {
    const nlohmann::json* value = find_path(document, dotted);
    if (value == nullptr || !value->is_number()) return std::nullopt;
    const double number = value->get<double>();
    if (!(number >= -1e9 && number <= 1e9)) return std::nullopt;
    return static_cast<int>(number);
}

bool known_severity(std::string_view severity) {
    return severity == "low" || severity == "medium" || severity == "high" ||
           severity == "critical";
}

// Parses exactly `width` decimal digits at text[pos].
bool digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) return false;
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    out = value;
    return true;
}

}  // namespace

const nlohmann::json* find_path(const nlohmann::json& document, std::string_view dotted) {
    return find_in(document, dotted);
}

std::string text_at(const nlohmann::json& document, std::string_view dotted) {
    const nlohmann::json* value = find_path(document, dotted);
    if (value == nullptr) return {};
    if (value->is_string()) return value->get<std::string>();
    if (value->is_number() || value->is_boolean()) return value->dump();
    return {};
}

Alert Alert::from_document(nlohmann::json document) {
    Alert alert;
    alert.rule_id = text_at(document, "rule.id");
    if (alert.rule_id.empty()) alert.rule_id = text_at(document, "rule.uuid");
    alert.rule_name = text_at(document, "rule.name");

    std::string severity = lower(text_at(document, "rule.severity"));
    if (!known_severity(severity)) severity = lower(text_at(document, "event.severity_name"));
    std::optional<int> risk = number_at(document, "rule.risk_score");
    if (!risk) risk = number_at(document, "event.risk_score");
    if (!risk) risk = number_at(document, "event.severity");
    if (risk) risk = std::clamp(*risk, 0, 100);

    if (known_severity(severity)) {
        alert.severity = severity;
        alert.risk_score = risk ? *risk : default_risk_score(severity);
    } else if (risk) {
        alert.severity = std::string(severity_from_risk(*risk));
        alert.risk_score = *risk;
    } else {
        alert.severity = "unknown";
        alert.risk_score = -1;
    }

    if (const nlohmann::json* stamp = find_path(document, "@timestamp")) {
        if (stamp->is_string()) {
            alert.timestamp_us = parse_timestamp(stamp->get_ref<const std::string&>()).value_or(0);
        } else if (stamp->is_number_integer()) {
            alert.timestamp_us = stamp->get<int64_t>();  // already microseconds (our own JSON)
        }
    }
    alert.document = std::move(document);
    return alert;
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

std::optional<int64_t> parse_timestamp(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
        !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, hour) ||
        text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
        !digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int64_t micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int64_t scale = 100000;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            micros += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    int64_t offset_seconds = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int oh = 0, om = 0;
        if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !digits(text, pos + 4, 2, om)) {
            return std::nullopt;
        }
        offset_seconds = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    std::tm utc{};
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = second;
    const int64_t seconds = static_cast<int64_t>(timegm(&utc)) - offset_seconds;
    return seconds * 1'000'000 + micros;
}

}  // namespace alert
