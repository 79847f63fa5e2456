#include "engine/alert_document.hpp"

#include <algorithm>

#include "ecs/fields.hpp"
#include "ecs/json.hpp"
#include "ecs/timestamp.hpp"

namespace engine {
namespace {

void append_ref(nlohmann::json& holder, const ThreatRef& ref) {
    if (!ref.id.empty()) holder["id"].push_back(ref.id);
    if (!ref.name.empty()) holder["name"].push_back(ref.name);
    if (!ref.reference.empty()) holder["reference"].push_back(ref.reference);
}

// ECS threat.*: one object whose leaves are arrays, one element per tactic or technique.
nlohmann::json threat_fields(const std::vector<Threat>& threats) {
    nlohmann::json threat = nlohmann::json::object();
    for (const Threat& entry : threats) {
        if (!entry.framework.empty()) threat["framework"] = entry.framework;
        append_ref(threat["tactic"], entry.tactic);
        for (const ThreatTechnique& technique : entry.techniques) {
            append_ref(threat["technique"], technique.technique);
            for (const ThreatRef& sub : technique.subtechniques) {
                append_ref(threat["technique"]["subtechnique"], sub);
            }
        }
    }
    return threat;
}

}  // namespace

nlohmann::json rule_object(const RuleInfo& rule) {
    nlohmann::json r = nlohmann::json::object();
    r["name"] = rule.name;
    r["id"] = rule.rule_id;
    r["uuid"] = rule.rule_id;
    r["description"] = rule.description;
    if (rule.version) r["version"] = *rule.version;
    if (!rule.authors.empty()) r["author"] = rule.authors;
    if (!rule.license.empty()) r["license"] = rule.license;
    if (!rule.references.empty()) r["reference"] = rule.references;
    if (std::find(rule.authors.begin(), rule.authors.end(), "Elastic") != rule.authors.end()) {
        r["ruleset"] = "elastic";
    }
    return r;
}

nlohmann::json threat_object(const RuleInfo& rule) {
    return rule.threats.empty() ? nlohmann::json() : threat_fields(rule.threats);
}

nlohmann::json rule_extension(const RuleInfo& rule) {
    return {{"severity", rule.severity}, {"risk_score", rule.risk_score}};
}

nlohmann::json alert_document(const ecs::Event& event, const RuleInfo& rule) {
    nlohmann::json doc = ecs::to_json(event);
    nlohmann::json& ev = doc["event"];
    ev["kind"] = "alert";
    ev["severity"] = rule.risk_score;
    ev["risk_score"] = rule.risk_score;
    doc["rule"] = rule_object(rule);
    if (!rule.threats.empty()) doc["threat"] = threat_object(rule);
    // Not ECS rule.* fields (Elastic Security keeps them as kibana.alert.severity and
    // kibana.alert.risk_score): under the project's namespace, see README "Alert documents".
    doc["audisp_eql"]["rule"] = rule_extension(rule);
    return doc;
}

namespace {

// Looked up by name, so that file.path and destination.ip appear once the schema has them.
constexpr std::string_view kStepFields[] = {
    "@timestamp",  "event.category",    "event.action", "event.sequence",
    "process.pid", "process.entity_id", "process.name", "process.command_line",
    "file.path",   "destination.ip",
};

nlohmann::json field_json(const ecs::FieldInfo& info, const ecs::FieldValue& value) {
    switch (value.kind) {
        case ecs::FieldValue::Kind::String:
            return std::string(value.text);
        case ecs::FieldValue::Kind::Integer:
            if (info.type == ecs::FieldType::Date) return ecs::format_timestamp(value.integer);
            return value.integer;
        case ecs::FieldValue::Kind::Boolean:
            return value.boolean;
        case ecs::FieldValue::Kind::StringList:
            return std::vector<std::string>(value.list.begin(), value.list.end());
        case ecs::FieldValue::Kind::Missing:
            break;
    }
    return nullptr;
}

nlohmann::json step_json(const ecs::Event& event, std::size_t stage) {
    nlohmann::json step = nlohmann::json::object();
    step["stage"] = stage;
    for (const std::string_view name : kStepFields) {
        const auto id = ecs::field_by_name(name);
        if (!id) continue;
        const ecs::FieldValue value = ecs::get_field(event, *id);
        if (value.missing()) continue;
        // Nested as ECS documents are: "process.pid" -> {"process": {"pid": ...}}.
        nlohmann::json* slot = &step;
        std::string_view rest = name;
        for (std::size_t dot = rest.find('.'); dot != std::string_view::npos && name[0] != '@';
             dot = rest.find('.')) {
            slot = &(*slot)[std::string(rest.substr(0, dot))];
            rest.remove_prefix(dot + 1);
        }
        (*slot)[std::string(rest)] = field_json(ecs::field_info(*id), value);
    }
    return step;
}

}  // namespace

std::span<const std::string_view> sequence_step_fields() noexcept { return kStepFields; }

std::vector<StepRef> sequence_steps(const SequenceAlert& alert) {
    std::vector<StepRef> steps;
    steps.reserve(alert.match.events.size());
    for (std::size_t i = 0; i < alert.match.events.size(); ++i) {
        const std::size_t stage = alert.rule->sequence.stages()[alert.match.stages[i]].written;
        steps.push_back({&alert.match.events[i]->event, stage + 1});
    }
    return steps;
}

nlohmann::json sequence_object(std::string_view key, std::span<const StepRef> steps) {
    nlohmann::json sequence = nlohmann::json::object();
    sequence["key"] = key;
    sequence["length"] = steps.size();
    nlohmann::json& events = sequence["events"];
    events = nlohmann::json::array();
    for (const StepRef& step : steps) events.push_back(step_json(*step.event, step.stage));
    return sequence;
}

nlohmann::json sequence_alert_document(const SequenceAlert& alert) {
    nlohmann::json doc = alert_document(alert.last_event(), alert.rule->info);
    doc["audisp_eql"]["sequence"] = sequence_object(alert.match.key, sequence_steps(alert));
    return doc;
}

std::vector<std::string> explain_sequence(const SequenceAlert& alert) {
    std::vector<std::string> out;
    const eql::CompiledSequence& sequence = alert.rule->sequence;
    const std::size_t total = alert.match.events.size();
    if (!alert.match.key.empty()) out.push_back("join key: " + alert.match.key);
    for (std::size_t i = 0; i < total; ++i) {
        const ecs::Event& event = alert.match.events[i]->event;
        const eql::SequenceStage& stage = sequence.stages()[alert.match.stages[i]];
        const eql::CompiledQuery& query = sequence.queries()[stage.query];
        std::string line = "stage " + std::to_string(i + 1) + "/" + std::to_string(total) + " <- " +
                           ecs::format_timestamp(event.timestamp_us) + " serial " +
                           std::to_string(event.sequence);
        if (event.process.pid) line += " pid " + std::to_string(*event.process.pid);
        if (event.process.name) line += " " + *event.process.name;
        out.push_back(std::move(line));
        for (const std::string& why : query.explain(event)) out.push_back("  " + why);
    }
    return out;
}

}  // namespace engine
