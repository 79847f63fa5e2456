// A line for people at a terminal: severity first, then key="value" pairs. Values pass through
// text::escape_visible(), so ESC sequences, line breaks and bidi overrides in a command line are
// shown as text instead of being obeyed by the terminal.
#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "alert/fields.hpp"
#include "alert/format.hpp"
#include "alert/text.hpp"
#include "ecs/timestamp.hpp"

namespace alert {

namespace {

struct Pair {
    const char* key;
    std::string value;
};

struct TextParts {
    std::string prefix;  // timestamp and severity, never attacker-controlled
    std::vector<Pair> pairs;
};

std::string render_text(const TextParts& parts) {
    std::string line = parts.prefix;
    for (const Pair& pair : parts.pairs) {
        line += ' ';
        line += pair.key;
        line += "=\"";
        line += text::escape_visible(pair.value);
        line += '"';
    }
    return line;
}

TextParts collect_text_parts(const Alert& alert) {
    TextParts parts;
    parts.prefix = alert.timestamp_us > 0 ? ecs::format_timestamp(alert.timestamp_us) : "-";
    std::string severity = alert.severity;
    std::transform(severity.begin(), severity.end(), severity.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    parts.prefix += ' ';
    parts.prefix += text::escape_visible(severity);
    if (alert.risk_score >= 0) parts.prefix += "(" + std::to_string(alert.risk_score) + ")";

    const AlertFields fields = extract_fields(alert);
    auto add = [&](const char* key, const std::string& value) {
        if (!value.empty()) parts.pairs.push_back({key, value});
    };
    add("rule", alert.rule_name);
    add("rule_id", alert.rule_id);
    add("message", fields.message);
    add("host", fields.host);
    add("user", fields.user_name);
    add("uid", fields.user_id);
    add("pid", fields.pid);
    add("process", fields.process_name);
    add("exe", fields.executable);
    add("cmd", fields.command_line);
    add("cwd", fields.working_directory);
    add("ppid", fields.parent_pid);
    add("parent", fields.parent_name);
    add("parent_cmd", fields.parent_command_line);
    add("technique", fields.techniques);
    add("steps", fields.sequence_steps);
    return parts;
}

}  // namespace

Formatted format_text(const Alert& alert, std::size_t max_bytes) {
    TextParts parts = collect_text_parts(alert);
    Formatted result{render_text(parts), false};
    if (max_bytes == 0 || result.line.size() <= max_bytes) return result;
    max_bytes = std::max(max_bytes, kMinFormatBytes);
    if (result.line.size() <= max_bytes) return result;
    result.truncated = true;

    std::vector<std::string*> values;
    for (Pair& pair : parts.pairs) values.push_back(&pair.value);
    text::fit_values(values, 16, max_bytes, [&] {
        result.line = render_text(parts);
        return result.line.size() <= max_bytes;
    });
    result.line = render_text(parts);
    while (result.line.size() > max_bytes && !parts.pairs.empty()) {
        parts.pairs.pop_back();
        result.line = render_text(parts);
    }
    return result;
}

}  // namespace alert
