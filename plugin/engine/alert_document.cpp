#include "engine/alert_document.hpp"

#include <algorithm>

#include "ecs/json.hpp"

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

nlohmann::json alert_document(const ecs::Event& event, const RuleInfo& rule) {
    nlohmann::json doc = ecs::to_json(event);
    nlohmann::json& ev = doc["event"];
    ev["kind"] = "alert";
    ev["severity"] = rule.risk_score;
    ev["risk_score"] = rule.risk_score;

    nlohmann::json& r = doc["rule"];
    r["name"] = rule.name;
    r["id"] = rule.rule_id;
    r["uuid"] = rule.rule_id;
    r["description"] = rule.description;
    r["severity"] = rule.severity;
    r["risk_score"] = rule.risk_score;
    if (rule.version) r["version"] = *rule.version;
    if (!rule.authors.empty()) r["author"] = rule.authors;
    if (!rule.license.empty()) r["license"] = rule.license;
    if (!rule.references.empty()) r["reference"] = rule.references;
    if (std::find(rule.authors.begin(), rule.authors.end(), "Elastic") != rule.authors.end()) {
        r["ruleset"] = "elastic";
    }
    if (!rule.threats.empty()) doc["threat"] = threat_fields(rule.threats);
    return doc;
}

}  // namespace engine
