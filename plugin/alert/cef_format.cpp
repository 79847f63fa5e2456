// ArcSight Common Event Format. The escaping follows the CEF specification: in the header only
// `\` and `|` are special; in extension values `\` and `=` are escaped and line breaks are
// written as the two-character escapes \n and \r. CEF has no escape for other control
// characters, so they (and invalid UTF-8) become U+FFFD rather than reaching the collector.
#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "alert/fields.hpp"
#include "alert/format.hpp"
#include "alert/identity.hpp"
#include "alert/text.hpp"

namespace alert {

namespace {

std::string escape_header(std::string_view raw) {
    const std::string clean = text::neutralise(raw);
    std::string out;
    out.reserve(clean.size());
    for (const char c : clean) {
        if (c == '\\' || c == '|') out += '\\';
        out += c;
    }
    return out;
}

std::string escape_extension(std::string_view raw) {
    const std::string clean = text::neutralise(raw, /*keep_line_breaks=*/true);
    std::string out;
    out.reserve(clean.size());
    for (const char c : clean) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '=':
                out += "\\=";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                out += c;
        }
    }
    return out;
}

struct Extension {
    std::string key;
    std::string value;
};

struct CefParts {
    std::string signature;
    std::string name;
    int severity = 5;
    std::vector<Extension> extensions;
};

std::string render_cef(const CefParts& parts) {
    std::string line = "CEF:0|";
    line += escape_header(kVendor);
    line += '|';
    line += escape_header(kProduct);
    line += '|';
    line += escape_header(kProductVersion);
    line += '|';
    line += escape_header(parts.signature);
    line += '|';
    line += escape_header(parts.name);
    line += '|';
    line += std::to_string(parts.severity);
    line += '|';
    bool first = true;
    for (const Extension& extension : parts.extensions) {
        if (!first) line += ' ';
        first = false;
        line += extension.key;
        line += '=';
        line += escape_extension(extension.value);
    }
    return line;
}

CefParts collect_cef_parts(const Alert& alert) {
    const AlertFields fields = extract_fields(alert);
    CefParts parts;
    parts.signature = alert.rule_id.empty() ? "unknown" : alert.rule_id;
    parts.name = alert.rule_name.empty() ? "unknown" : alert.rule_name;
    parts.severity = cef_severity(alert);
    auto add = [&](std::string key, const std::string& value) {
        if (!value.empty()) parts.extensions.push_back({std::move(key), value});
    };
    auto add_labelled = [&](const char* slot, const char* label, const std::string& value) {
        if (value.empty()) return;
        parts.extensions.push_back({std::string(slot) + "Label", label});
        parts.extensions.push_back({slot, value});
    };
    if (alert.timestamp_us > 0) add("rt", std::to_string(alert.timestamp_us / 1000));
    // The monitored host is the reporting device (dvchost), not a destination (dhost): that is
    // how Sentinel's CommonSecurityLog and ArcSight map them.
    add("dvchost", fields.host);
    add("suser", fields.user_name);
    add("suid", fields.user_id);
    add("spid", fields.pid);
    add("sproc", fields.process_name);
    add("filePath", fields.executable);
    add_labelled("cs1", "command_line", fields.command_line);
    add_labelled("cs2", "parent_command_line", fields.parent_command_line);
    add_labelled("cs3", "parent_executable", fields.parent_executable);
    add_labelled("cs4", "working_directory", fields.working_directory);
    add_labelled("cs5", "threat_technique", fields.techniques);
    add_labelled("cs6", "rule_version", fields.rule_version);
    add_labelled("flexString1", "sequence_steps", fields.sequence_steps);
    if (alert.risk_score >= 0) add_labelled("cn1", "risk_score", std::to_string(alert.risk_score));
    add_labelled("cn2", "parent_pid", fields.parent_pid);
    add("msg", alert_message(alert));
    return parts;
}

}  // namespace

Formatted format_cef(const Alert& alert, std::size_t max_bytes) {
    CefParts parts = collect_cef_parts(alert);
    Formatted result{render_cef(parts), false};
    if (max_bytes == 0 || result.line.size() <= max_bytes) return result;
    max_bytes = std::max(max_bytes, kMinFormatBytes);
    if (result.line.size() <= max_bytes) return result;
    result.truncated = true;

    // Rule ids and names come from rule files, not from the attacker, but are bounded anyway.
    text::cut_with_marker(parts.signature, 128);
    text::cut_with_marker(parts.name, 256);
    std::vector<std::string*> values{&parts.name};
    for (Extension& extension : parts.extensions) {
        if (extension.key.find("Label") == std::string::npos) values.push_back(&extension.value);
    }
    text::fit_values(values, 16, max_bytes, [&] {
        result.line = render_cef(parts);
        return result.line.size() <= max_bytes;
    });
    result.line = render_cef(parts);
    // Pathological inputs (every value full of escapes): drop extensions from the end.
    while (result.line.size() > max_bytes && !parts.extensions.empty()) {
        parts.extensions.pop_back();
        result.line = render_cef(parts);
    }
    return result;
}

}  // namespace alert
