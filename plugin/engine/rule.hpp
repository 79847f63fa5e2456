// A detection rule as Elastic's detection-rules TOML describes it: the metadata an alert carries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace engine {

struct ThreatRef {
    std::string id;
    std::string name;
    std::string reference;
};

struct ThreatTechnique {
    ThreatRef technique;
    std::vector<ThreatRef> subtechniques;
};

struct Threat {
    std::string framework;  // "MITRE ATT&CK"
    ThreatRef tactic;
    std::vector<ThreatTechnique> techniques;
};

// No `note` or `setup`: engine::without_rule_guides() empties both before parsing, so a field
// for either would always be empty (rule_guides.hpp; the loader says so where it reads keys).
struct RuleInfo {
    std::string file;  // where it was loaded from
    std::string name;
    std::string rule_id;
    std::string description;
    std::string severity;  // low | medium | high | critical
    int64_t risk_score = 0;
    std::string type;      // "eql"
    std::string language;  // "eql"
    std::string query;
    std::optional<std::string> version;
    std::string license;
    std::vector<std::string> authors;
    std::vector<std::string> references;
    std::vector<std::string> tags;
    int64_t max_signals = 100;
    std::vector<Threat> threats;
};

}  // namespace engine
