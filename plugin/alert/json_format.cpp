// JSON output: the document as is, on one line; over-long documents lose bytes from their
// longest strings (an attacker's 100 KB argv) before anything else, and say so.
#include <algorithm>
#include <vector>

#include "alert/format.hpp"
#include "alert/text.hpp"
#include "ecs/json.hpp"

namespace alert {

namespace {

// Every string value (not key) of the document, so that the longest can be shortened.
void collect_strings(nlohmann::json& node, std::vector<std::string*>& out) {
    if (node.is_string()) {
        out.push_back(&node.get_ref<std::string&>());
    } else if (node.is_structured()) {
        for (auto& child : node) collect_strings(child, out);
    }
}

void repair_strings(nlohmann::json& node) {
    if (node.is_string()) {
        std::string& value = node.get_ref<std::string&>();
        if (!text::is_valid_utf8(value)) value = text::to_valid_utf8(value);
    } else if (node.is_structured()) {
        for (auto& child : node) repair_strings(child);
    }
}

bool has_invalid_utf8(const nlohmann::json& node) {
    if (node.is_string()) return !text::is_valid_utf8(node.get_ref<const std::string&>());
    if (node.is_structured()) {
        for (const auto& child : node) {
            if (has_invalid_utf8(child)) return true;
        }
    }
    return false;
}

void mark_truncated(nlohmann::json& document) {
    if (!document.is_object()) return;
    auto event = document.find("event");
    if (event == document.end() || event->is_object()) {
        document["event"]["truncated"] = true;
    } else {
        document["_truncated"] = true;
    }
}

// Shortens the strings of `document` until its line fits; false if strings alone cannot do it.
// The routing fields (@timestamp, rule.id, rule.uuid, rule.severity) are never cut.
bool shrink(nlohmann::json& document, std::size_t max_bytes, std::size_t floor, std::string& line) {
    std::vector<std::string*> strings;
    collect_strings(document, strings);
    std::vector<const nlohmann::json*> keep;
    for (const char* path : {"@timestamp", "rule.id", "rule.uuid", "rule.severity"}) {
        if (const nlohmann::json* node = find_path(document, path)) keep.push_back(node);
    }
    std::erase_if(strings, [&](const std::string* value) {
        for (const nlohmann::json* node : keep) {
            if (node->is_string() && &node->get_ref<const std::string&>() == value) return true;
        }
        return false;
    });
    const bool ok = text::fit_values(strings, floor, max_bytes, [&] {
        line = ecs::dump_line(document);
        return line.size() <= max_bytes;
    });
    line = ecs::dump_line(document);  // the last probe may not have been the chosen level
    return ok;
}

// What is left when even the strings cannot be cut enough (huge arrays, thousands of keys).
nlohmann::json skeleton(const Alert& alert) {
    nlohmann::json out = nlohmann::json::object();
    if (const nlohmann::json* stamp = find_path(alert.document, "@timestamp")) {
        out["@timestamp"] = *stamp;
    }
    out["event"] = {{"kind", "alert"}, {"truncated", true}};
    out["rule"] = {{"id", alert.rule_id},
                   {"name", alert.rule_name},
                   {"severity", alert.severity},
                   {"risk_score", alert.risk_score}};
    repair_strings(out);
    return out;
}

}  // namespace

Formatted format_json(const Alert& alert, std::size_t max_bytes) {
    // Repair invalid UTF-8 ourselves, so that JSON, CEF and syslog replace the same bytes.
    Formatted result;
    if (has_invalid_utf8(alert.document)) {
        nlohmann::json repaired = alert.document;
        repair_strings(repaired);
        result.line = ecs::dump_line(repaired);
    } else {
        result.line = ecs::dump_line(alert.document);
    }
    if (max_bytes == 0 || result.line.size() <= max_bytes) return result;
    max_bytes = std::max(max_bytes, kMinFormatBytes);
    if (result.line.size() <= max_bytes) return result;
    result.truncated = true;

    nlohmann::json document = alert.document;
    repair_strings(document);  // so that cuts land on code point boundaries
    mark_truncated(document);
    if (shrink(document, max_bytes, 32, result.line)) return result;

    document = skeleton(alert);
    shrink(document, max_bytes, 8, result.line);
    return result;
}

}  // namespace alert
