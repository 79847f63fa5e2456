// JSON output: the document as is, on one line. An over-long document loses its argument lists
// and command lines first (an attacker's 30,000-argument argv), marked and with the original
// counts recorded, then bytes from its longest strings, and says so; who, what and where
// (user, pid, process and parent names, executable, host) survive whenever the limit allows.
#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "alert/document.hpp"
#include "alert/format.hpp"
#include "alert/text.hpp"
#include "ecs/json.hpp"
#include "ecs/json_writer.hpp"
#include "engine/alert_document.hpp"

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
        auto& value = node.get_ref<std::string&>();
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

// audisp_eql.alert_truncated: true (not event.truncated, which ECS does not define); left out
// when a hand-made document's own audisp_eql is not an object.
void mark_truncated(nlohmann::json& document) {
    if (!document.is_object()) return;
    auto own = document.find("audisp_eql");
    if (own == document.end() || own->is_object()) {
        document["audisp_eql"]["alert_truncated"] = true;
    }
}

// Shortens the strings of `document` until its line fits; false if strings alone cannot do it.
// The routing fields (@timestamp, event.id, rule.id, rule.uuid, audisp_eql.rule.severity) are
// never cut.
bool shrink(nlohmann::json& document, std::size_t max_bytes, std::size_t floor, std::string& line) {
    std::vector<std::string*> strings;
    collect_strings(document, strings);
    std::vector<const nlohmann::json*> keep;
    for (const char* path :
         {"@timestamp", "event.id", "rule.id", "rule.uuid", "audisp_eql.rule.severity"}) {
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

// Who, what and where: kept by every stage of truncation, including the skeleton.
constexpr const char* kIdentityPaths[] = {
    "user.id",
    "user.name",
    "user.Ext.real.id",
    "user.Ext.real.name",
    "user.effective.id",
    "user.effective.name",
    "process.pid",
    "process.name",
    "process.executable",
    "process.parent.pid",
    "process.parent.name",
    "host.name",
    "host.hostname",
};

// Argument lists and command lines: what an attacker makes long, cut before anything else.
constexpr const char* kArgumentArrays[] = {"process.args", "process.parent.args"};
constexpr const char* kCommandLines[] = {"process.command_line", "process.parent.command_line"};

nlohmann::json::json_pointer pointer_of(std::string_view dotted) {
    std::string pointer = "/";
    for (char c : dotted) pointer += c == '.' ? '/' : c;
    return nlohmann::json::json_pointer(pointer);
}

// Nested, as the event builder writes documents; literal dotted keys are not cut here.
nlohmann::json* nested(nlohmann::json& document, std::string_view dotted) {
    const auto pointer = pointer_of(dotted);
    return document.contains(pointer) ? &document[pointer] : nullptr;
}

std::size_t json_size(const nlohmann::json& value) {
    return value.is_string() ? value.get_ref<const std::string&>().size() + 3
                             : ecs::dump_line(value).size() + 1;
}

// Cuts the argument lists and command lines of `document` to at most `level` bytes each; the
// highest level at which the line fits is chosen. A cut list keeps its first arguments whole and
// ends in one element that ends with the cut marker; a cut command line ends with the marker.
// audisp_eql.truncated.<field> records the original count (lists) or length (command lines).
// False when the line does not fit even with every list and command line cut to nothing.
bool cut_arguments(nlohmann::json& document, std::size_t max_bytes, std::string& line) {
    struct Target {
        const char* path;
        nlohmann::json* node;
        nlohmann::json original;
    };
    std::vector<Target> targets;
    std::size_t ceiling = 0;
    for (const char* path : kArgumentArrays) {
        if (nlohmann::json* node = nested(document, path); node && node->is_array()) {
            targets.push_back({path, node, *node});
            ceiling = std::max(ceiling, json_size(*node));
        }
    }
    for (const char* path : kCommandLines) {
        if (nlohmann::json* node = nested(document, path); node && node->is_string()) {
            targets.push_back({path, node, *node});
            ceiling = std::max(ceiling, json_size(*node));
        }
    }
    if (targets.empty() || !document.is_object()) return false;
    const auto apply = [&](std::size_t level) {
        nlohmann::json record = nlohmann::json::object();
        for (Target& target : targets) {
            if (json_size(target.original) <= level) {
                *target.node = target.original;
                continue;
            }
            if (target.original.is_string()) {
                std::string cut(target.original.get_ref<const std::string&>());
                text::cut_with_marker(cut, std::max(level, text::kCutMarker.size()));
                record[target.path] = {
                    {"original_bytes", target.original.get_ref<const std::string&>().size()}};
                *target.node = std::move(cut);
                continue;
            }
            nlohmann::json kept = nlohmann::json::array();
            std::size_t used = 0;
            std::size_t whole = 0;
            for (const nlohmann::json& element : target.original) {
                const std::size_t size = json_size(element);
                if (used + size > level) break;
                kept.push_back(element);
                used += size;
                ++whole;
            }
            if (whole == target.original.size()) {  // escapes made the estimate too high
                *target.node = target.original;
                continue;
            }
            // The last element says the list goes on: the next argument cut to the room left
            // (when that is worth showing), or the marker alone.
            constexpr std::size_t kShortestCut = 16;
            std::string tail(text::kCutMarker);
            const std::size_t room = level > used + 3 ? level - used - 3 : 0;
            if (const nlohmann::json& next = target.original[whole];
                next.is_string() && room >= kShortestCut) {
                tail = next.get<std::string>();
                text::cut_with_marker(tail, room);
            }
            kept.push_back(std::move(tail));
            record[target.path] = {{"original_count", target.original.size()}, {"kept", whole}};
            *target.node = std::move(kept);
        }
        if (record.empty()) {
            if (auto own = document.find("audisp_eql"); own != document.end() && own->is_object()) {
                own->erase("truncated");
            }
        } else {
            document["audisp_eql"]["truncated"] = std::move(record);
        }
        line = ecs::dump_line(document);
        return line.size() <= max_bytes;
    };
    if (!apply(0)) return false;
    std::size_t low = 0;         // fits
    std::size_t high = ceiling;  // does not fit (the whole document did not)
    while (high - low > 1) {
        const std::size_t mid = low + (high - low) / 2;
        if (apply(mid)) {
            low = mid;
        } else {
            high = mid;
        }
    }
    apply(low);
    return true;
}

// What is left when even the strings cannot be cut enough (huge arrays, thousands of keys):
// the rule and who, what and where.
nlohmann::json skeleton(const Alert& alert, const nlohmann::json& full) {
    nlohmann::json out = nlohmann::json::object();
    if (const nlohmann::json* stamp = find_path(full, "@timestamp")) out["@timestamp"] = *stamp;
    for (const char* path : kIdentityPaths) {
        if (const nlohmann::json* value = find_path(full, path);
            value != nullptr && value->is_primitive()) {
            out[pointer_of(path)] = *value;
        }
    }
    out["event"] = {{"kind", "alert"}};
    out["ecs"] = {{"version", ecs::kEcsVersion}};  // ECS requires it in every document
    if (const nlohmann::json* id = find_path(full, "event.id"); id != nullptr && id->is_string()) {
        out["event"]["id"] = *id;  // the SIEM's deduplication key survives
    }
    out["rule"] = {{"id", alert.rule_id}, {"name", alert.rule_name}};
    out["audisp_eql"] = {
        {"alert_truncated", true},
        {"rule", {{"severity", alert.severity}, {"risk_score", alert.risk_score}}}};
    repair_strings(out);
    return out;
}

// What document() adds to an alert's event, as members the event writer sorts in.
enum AlertMember : std::size_t { Kind, Severity, RiskScore, Id, Message, Rule, Threat, Own, Count };
constexpr std::array<std::string_view, AlertMember::Count> kAlertMembers{
    "event.kind", "event.severity", "event.risk_score", "event.id",
    "message",    "rule",           "threat",           "audisp_eql",
};

const ecs::EventJsonWriter& alert_writer() {
    static const ecs::EventJsonWriter writer(kAlertMembers);
    return writer;
}

// The line of dump_line(document(alert)) without building the document: the event streamed,
// the rule's few members dumped. Its caller sends the cases of JsonWriter to the document path.
std::string stream_alert(const Alert& alert) {
    const engine::RuleInfo& rule = *alert.rule;
    std::array<std::string, AlertMember::Count> members;
    members[Kind] = R"("alert")";
    members[Severity] = std::to_string(rule.risk_score);
    members[RiskScore] = members[Severity];
    ecs::append_json_string(members[Id], alert_id(alert));
    ecs::append_json_string(members[Message], alert_message(alert));
    members[Rule] = ecs::dump_line(engine::rule_object(rule));
    if (!rule.threats.empty()) members[Threat] = ecs::dump_line(engine::threat_object(rule));
    nlohmann::json own = nlohmann::json::object();
    own["rule"] = engine::rule_extension(rule);
    if (alert.sequence) own["sequence"] = sequence_object(*alert.sequence);
    if (alert.explain) own["explain"] = *alert.explain;
    members[Own] = ecs::dump_line(own);

    std::string line;
    alert_writer().write(*alert.event, line, members);
    return line;
}

}  // namespace

RoutedJson format_json_routed(const Alert& alert, std::size_t max_bytes) {
    // See JsonWriter for why these few alerts take the document path.
    JsonWriter writer = JsonWriter::NotAnEventAlert;
    if (!alert.suppression && alert.event && alert.rule) {
        // The whole line is streamed before we learn that it must take the document path
        // (invalid UTF-8, seen as U+FFFD in it, or over the size limit): those rare alerts are
        // formatted twice and the streamed line is dropped. Knowing it up front would mean a scan
        // of every string of every alert.
        std::string line = stream_alert(alert);
        const std::size_t limit = max_bytes == 0 ? 0 : std::max(max_bytes, kMinFormatBytes);
        if (line.find(text::kReplacement) != std::string::npos) {
            writer = JsonWriter::Repaired;
        } else if (limit == 0 || line.size() <= limit) {
            return {{std::move(line), false}, JsonWriter::Streamed};
        } else {
            writer = JsonWriter::Cut;
        }
    }
    Formatted built = format_json_document(document(alert), alert, max_bytes);
    if (built.truncated) writer = JsonWriter::Cut;
    return {std::move(built), writer};
}

Formatted format_json(const Alert& alert, std::size_t max_bytes) {
    return format_json_routed(alert, max_bytes).formatted;
}

Formatted format_json_document(const nlohmann::json& full, const Alert& alert,
                               std::size_t max_bytes) {
    // Repair invalid UTF-8 ourselves, so that JSON, CEF and syslog replace the same bytes.
    Formatted result;
    if (has_invalid_utf8(full)) {
        nlohmann::json repaired = full;
        repair_strings(repaired);
        result.line = ecs::dump_line(repaired);
    } else {
        result.line = ecs::dump_line(full);
    }
    if (max_bytes == 0 || result.line.size() <= max_bytes) return result;
    max_bytes = std::max(max_bytes, kMinFormatBytes);
    if (result.line.size() <= max_bytes) return result;
    result.truncated = true;

    nlohmann::json document = full;
    repair_strings(document);  // so that cuts land on code point boundaries
    mark_truncated(document);
    nlohmann::json arguments_cut = document;
    if (cut_arguments(arguments_cut, max_bytes, result.line)) return result;
    nlohmann::json strings_cut = document;
    if (shrink(strings_cut, max_bytes, 32, result.line)) return result;
    // Many short values (30,000 one-byte arguments) defeat cutting strings: try again with the
    // argument lists and command lines at their shortest.
    if (shrink(arguments_cut, max_bytes, 32, result.line)) return result;

    document = skeleton(alert, full);
    if (shrink(document, max_bytes, 8, result.line)) return result;
    if (shrink(document, max_bytes, 0, result.line)) return result;
    // Not even the skeleton fits (hostile values whose characters escape to six bytes each):
    // the limit still holds, and the line still says an alert was raised and cut.
    result.line = R"({"audisp_eql":{"alert_truncated":true},"ecs":{"version":")" +
                  std::string(ecs::kEcsVersion) + R"("},"event":{"kind":"alert"}})";
    return result;
}

}  // namespace alert
