// The fields are read from the typed alert through the ECS field table, so that they are the
// values the JSON document has, under the same names.
#include "alert/fields.hpp"

#include "ecs/fields.hpp"

namespace alert {

namespace {

using ecs::FieldId;

// A scalar field as text (numbers printed), or "".
std::string text_of(const ecs::Event& event, FieldId id) {
    const ecs::FieldValue value = ecs::get_field(event, id);
    switch (value.kind) {
        case ecs::FieldValue::Kind::String:
            return std::string(value.text);
        case ecs::FieldValue::Kind::Integer:
            return std::to_string(value.integer);
        case ecs::FieldValue::Kind::Boolean:
            return value.boolean ? "true" : "false";
        case ecs::FieldValue::Kind::StringList:
        case ecs::FieldValue::Kind::Missing:
            break;
    }
    return {};
}

std::string first_of(const ecs::Event& event, FieldId a, FieldId b) {
    std::string value = text_of(event, a);
    return value.empty() ? text_of(event, b) : value;
}

// The command line, else the args joined by single spaces.
std::string command_line(const ecs::Event& event, FieldId line, FieldId args) {
    std::string out = text_of(event, line);
    if (!out.empty()) return out;
    const ecs::FieldValue list = ecs::get_field(event, args);
    if (list.kind != ecs::FieldValue::Kind::StringList) return {};
    for (const std::string& arg : list.list) {
        if (!out.empty()) out += ' ';
        out += arg;
    }
    return out;
}

// Technique ids, then subtechnique ids, as the threat.technique.id and
// threat.technique.subtechnique.id arrays of the document list them.
std::string technique_ids(const engine::RuleInfo& rule) {
    std::string out;
    const auto add = [&](const std::string& id) {
        if (id.empty()) return;
        if (!out.empty()) out += ',';
        out += id;
    };
    for (const engine::Threat& threat : rule.threats) {
        for (const engine::ThreatTechnique& technique : threat.techniques) {
            add(technique.technique.id);
        }
    }
    for (const engine::Threat& threat : rule.threats) {
        for (const engine::ThreatTechnique& technique : threat.techniques) {
            for (const engine::ThreatRef& sub : technique.subtechniques) add(sub.id);
        }
    }
    return out;
}

// "1:exec bash[4242] > 2:connection_attempted curl[4243] dst=203.0.113.9"
std::string sequence_steps(const SequenceMatch& sequence) {
    std::string out;
    for (const SequenceStep& step : sequence.steps) {
        if (!step.event) continue;
        const ecs::Event& event = *step.event;
        if (!out.empty()) out += " > ";
        out += std::to_string(step.stage) + ":" + text_of(event, FieldId::EventAction) + " " +
               text_of(event, FieldId::ProcessName) + "[" + text_of(event, FieldId::ProcessPid) +
               "]";
        if (const std::string path = text_of(event, FieldId::FilePath); !path.empty()) {
            out += " file=" + path;
        }
        if (const std::string ip = text_of(event, FieldId::DestinationIp); !ip.empty()) {
            out += " dst=" + ip;
        }
    }
    return out;
}

// A throttle summary names the rule, the host and (when the window had one) the user.
AlertFields summary_fields(const Alert& alert, const Suppression& summary) {
    AlertFields fields;
    if (alert.event) fields.host = text_of(*alert.event, FieldId::HostName);
    if (summary.users.size() == 1 && summary.other_users == 0 && !summary.users[0].name.empty()) {
        fields.user_name = summary.users[0].label;
        fields.user_id = summary.users[0].name;
    }
    if (alert.rule && alert.rule->version) fields.rule_version = *alert.rule->version;
    fields.message = summary.message;
    return fields;
}

}  // namespace

AlertFields extract_fields(const Alert& alert) {
    if (alert.suppression) return summary_fields(alert, *alert.suppression);
    AlertFields fields;
    if (alert.sequence) fields.sequence_steps = sequence_steps(*alert.sequence);
    if (alert.rule) {
        if (alert.rule->version) fields.rule_version = *alert.rule->version;
        fields.techniques = technique_ids(*alert.rule);
    }
    if (!alert.event) return fields;
    const ecs::Event& event = *alert.event;
    fields.host = text_of(event, FieldId::HostName);
    fields.user_name = first_of(event, FieldId::UserName, FieldId::ProcessUserName);
    fields.user_id = first_of(event, FieldId::UserId, FieldId::ProcessUserId);
    fields.pid = text_of(event, FieldId::ProcessPid);
    fields.process_name = text_of(event, FieldId::ProcessName);
    fields.executable = text_of(event, FieldId::ProcessExecutable);
    fields.command_line = command_line(event, FieldId::ProcessCommandLine, FieldId::ProcessArgs);
    fields.working_directory = text_of(event, FieldId::ProcessWorkingDirectory);
    fields.parent_pid = text_of(event, FieldId::ParentPid);
    fields.parent_name = text_of(event, FieldId::ParentName);
    fields.parent_executable = text_of(event, FieldId::ParentExecutable);
    fields.parent_command_line =
        command_line(event, FieldId::ParentCommandLine, FieldId::ParentArgs);
    return fields;
}

}  // namespace alert
