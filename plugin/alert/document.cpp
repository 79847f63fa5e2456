#include "alert/document.hpp"

#include <vector>

#include "alert/fields.hpp"
#include "alert/text.hpp"
#include "ecs/json.hpp"
#include "ecs/name_uuid.hpp"
#include "ecs/timestamp.hpp"
#include "engine/alert_document.hpp"

namespace alert {
namespace {

nlohmann::json counts(const std::vector<SuppressedCount>& entries, const char* name_key,
                      bool with_label) {
    nlohmann::json out = nlohmann::json::array();
    for (const SuppressedCount& entry : entries) {
        nlohmann::json item = {{name_key, entry.name}, {"count", entry.count}};
        if (with_label && !entry.label.empty()) item["name"] = entry.label;
        out.push_back(std::move(item));
    }
    return out;
}

nlohmann::json summary_document(const Alert& alert, const Suppression& summary) {
    nlohmann::json doc = nlohmann::json::object();
    if (alert.event) doc["@timestamp"] = ecs::format_timestamp(alert.event->timestamp_us);
    doc["event"]["id"] = alert_id(alert);
    doc["ecs"]["version"] = ecs::kEcsVersion;
    doc["agent"] = {{"type", ecs::kAgentType}, {"version", ecs::kAgentVersion}};
    doc["message"] = summary.message;
    doc["event"]["kind"] = "alert";
    doc["event"]["action"] = "alerts-suppressed";
    if (alert.risk_score >= 0) doc["event"]["risk_score"] = alert.risk_score;
    nlohmann::json rule = nlohmann::json::object();
    if (alert.rule) {
        rule["uuid"] = alert.rule->rule_id;
        if (alert.rule->version) rule["version"] = *alert.rule->version;
    }
    rule["id"] = alert.rule_id;
    rule["name"] = alert.rule_name;
    doc["rule"] = std::move(rule);
    doc["audisp_eql"]["rule"]["severity"] = alert.severity;
    if (alert.risk_score >= 0) doc["audisp_eql"]["rule"]["risk_score"] = alert.risk_score;
    if (alert.event) {
        nlohmann::json event = ecs::to_json(*alert.event);
        if (auto host = event.find("host"); host != event.end()) doc["host"] = std::move(*host);
    }
    // One user per window (the key), unless users past max_windows shared it.
    if (summary.users.size() == 1 && summary.other_users == 0 && !summary.users[0].name.empty()) {
        doc["user"]["id"] = summary.users[0].name;
        if (!summary.users[0].label.empty()) doc["user"]["name"] = summary.users[0].label;
    }
    nlohmann::json& throttle = doc["audisp_eql"]["throttle"];
    throttle = {
        {"suppressed", summary.suppressed},
        {"limit", summary.limit},
        {"window_start", summary.window_start_us},
        {"window_end", summary.window_end_us},
        {"users", counts(summary.users, "id", true)},
        {"executables", counts(summary.executables, "executable", false)},
    };
    if (summary.other_users > 0) throttle["other_users"] = summary.other_users;
    if (summary.other_executables > 0) throttle["other_executables"] = summary.other_executables;
    return doc;
}

}  // namespace

nlohmann::json sequence_object(const SequenceMatch& match) {
    std::vector<engine::StepRef> steps;
    steps.reserve(match.steps.size());
    for (const SequenceStep& step : match.steps) {
        if (step.event) steps.push_back({step.event.get(), step.stage});
    }
    return engine::sequence_object(match.key, steps);
}

nlohmann::json document(const Alert& alert) {
    if (alert.suppression) return summary_document(alert, *alert.suppression);
    nlohmann::json doc = nlohmann::json::object();
    if (alert.event && alert.rule) doc = engine::alert_document(*alert.event, *alert.rule);
    if (alert.sequence) doc["audisp_eql"]["sequence"] = sequence_object(*alert.sequence);
    if (alert.event) {
        doc["event"]["id"] = alert_id(alert);
        doc["message"] = alert_message(alert);
    }
    if (alert.explain) doc["audisp_eql"]["explain"] = *alert.explain;
    return doc;
}

std::string alert_id(const Alert& alert) {
    std::string name = alert.rule_id;
    if (alert.suppression) {
        name += "\nsuppressed\x1f" + std::to_string(alert.suppression->window_start_us);
        for (const SuppressedCount& user : alert.suppression->users) name += '\x1f' + user.name;
    } else if (alert.sequence) {
        for (const SequenceStep& step : alert.sequence->steps) {
            if (step.event) ecs::append_identity(name, *step.event);
        }
    } else if (alert.event) {
        ecs::append_identity(name, *alert.event);
    }
    // The namespace of alert ids: the name-based UUID of "audisp-eql.alert" in the DNS namespace.
    static const ecs::Uuid kAlertIds = ecs::name_uuid(ecs::kDnsNamespace, "audisp-eql.alert");
    return ecs::uuid_text(ecs::name_uuid(kAlertIds, name));
}

std::string alert_message(const Alert& alert) {
    if (alert.suppression) return alert.suppression->message;
    const AlertFields fields = extract_fields(alert);
    std::string message = alert.rule_name;
    const std::string& what =
        fields.command_line.empty() ? fields.process_name : fields.command_line;
    if (!what.empty()) message += (message.empty() ? "" : ": ") + what;
    text::cut_with_marker(message, kMessageBytes);
    return message;
}

}  // namespace alert
