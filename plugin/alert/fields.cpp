// Field extraction tolerates any shape: a missing or mistyped field is just empty.
#include "alert/fields.hpp"

namespace alert {

namespace {

std::string joined_args(const nlohmann::json& document, std::string_view dotted) {
    const nlohmann::json* args = find_path(document, dotted);
    if (args == nullptr || !args->is_array()) return {};
    std::string out;
    for (const auto& arg : *args) {
        if (!arg.is_string()) continue;
        if (!out.empty()) out += ' ';
        out += arg.get_ref<const std::string&>();
    }
    return out;
}

std::string first_of(const nlohmann::json& document, std::string_view a, std::string_view b) {
    std::string value = text_at(document, a);
    return value.empty() ? text_at(document, b) : value;
}

// Ids under a technique node, which may be an object whose "id" is a string or an array of
// strings (the engine's shape), or an array of such objects (Elastic's rule TOML shape).
void collect_ids(const nlohmann::json& node, std::string& out, int depth = 0) {
    if (depth > 4) return;
    if (node.is_array()) {
        for (const auto& item : node) collect_ids(item, out, depth + 1);
        return;
    }
    if (!node.is_object()) return;
    if (auto id = node.find("id"); id != node.end()) {
        const auto add = [&](const nlohmann::json& value) {
            if (!value.is_string() || value.get_ref<const std::string&>().empty()) return;
            if (!out.empty()) out += ',';
            out += value.get_ref<const std::string&>();
        };
        if (id->is_array()) {
            for (const auto& value : *id) add(value);
        } else {
            add(*id);
        }
    }
    if (auto sub = node.find("subtechnique"); sub != node.end()) collect_ids(*sub, out, depth + 1);
}

// threat is an object (ECS with array leaves) or an array of threat objects.
std::string technique_ids(const nlohmann::json& document) {
    const nlohmann::json* threats = find_path(document, "threat");
    if (threats == nullptr) return {};
    std::string out;
    const auto one = [&](const nlohmann::json& threat) {
        if (!threat.is_object()) return;
        if (auto technique = threat.find("technique"); technique != threat.end()) {
            collect_ids(*technique, out);
        }
    };
    if (threats->is_array()) {
        for (const auto& threat : *threats) one(threat);
    } else {
        one(*threats);
    }
    return out;
}

// "1:exec bash[4242] > 2:connection_attempted curl[4243] dst=203.0.113.9"
std::string sequence_steps(const nlohmann::json& document) {
    const nlohmann::json* events = find_path(document, "sequence.events");
    if (events == nullptr || !events->is_array()) return {};
    std::string out;
    for (const auto& step : *events) {
        if (!out.empty()) out += " > ";
        out += text_at(step, "stage") + ":" + text_at(step, "event.action") + " " +
               text_at(step, "process.name") + "[" + text_at(step, "process.pid") + "]";
        if (const std::string path = text_at(step, "file.path"); !path.empty()) {
            out += " file=" + path;
        }
        if (const std::string ip = text_at(step, "destination.ip"); !ip.empty()) {
            out += " dst=" + ip;
        }
    }
    return out;
}

}  // namespace

AlertFields extract_fields(const Alert& alert) {
    const nlohmann::json& doc = alert.document;
    AlertFields fields;
    fields.sequence_steps = sequence_steps(doc);
    fields.host = text_at(doc, "host.name");
    fields.user_name = first_of(doc, "user.name", "process.user.name");
    fields.user_id = first_of(doc, "user.id", "process.user.id");
    fields.pid = text_at(doc, "process.pid");
    fields.process_name = text_at(doc, "process.name");
    fields.executable = text_at(doc, "process.executable");
    fields.command_line = text_at(doc, "process.command_line");
    if (fields.command_line.empty()) fields.command_line = joined_args(doc, "process.args");
    fields.working_directory = text_at(doc, "process.working_directory");
    fields.parent_pid = text_at(doc, "process.parent.pid");
    fields.parent_name = text_at(doc, "process.parent.name");
    fields.parent_executable = text_at(doc, "process.parent.executable");
    fields.parent_command_line = text_at(doc, "process.parent.command_line");
    if (fields.parent_command_line.empty()) {
        fields.parent_command_line = joined_args(doc, "process.parent.args");
    }
    fields.rule_version = text_at(doc, "rule.version");
    fields.techniques = technique_ids(doc);
    fields.message = text_at(doc, "message");
    return fields;
}

}  // namespace alert
