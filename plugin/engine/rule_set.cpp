#include "engine/rule_set.hpp"

#include <utility>

#include "ecs/fields.hpp"

namespace engine {

RuleSet::RuleSet(std::vector<LoadedRule> rules) : rules_(std::move(rules)) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const auto names = rules_[i].query.required_values(ecs::FieldId::ProcessName);
        if (!names) {
            unindexed_.push_back(i);
            continue;
        }
        // A name listed twice must not run the rule twice.
        for (const std::string& name : *names) {
            auto& bucket = by_process_name_[name];
            if (bucket.empty() || bucket.back() != i) bucket.push_back(i);
        }
    }
}

}  // namespace engine
