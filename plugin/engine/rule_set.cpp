#include "engine/rule_set.hpp"

#include <string>
#include <utility>

namespace engine {

RuleSet::RuleSet(std::vector<LoadedRule> rules) : rules_(std::move(rules)) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        bool filed = false;
        for (std::size_t f = 0; f < kIndexFields.size() && !filed; ++f) {
            const auto values = rules_[i].query.required_values(kIndexFields[f]);
            if (!values) continue;
            filed = true;
            ++indexed_counts_[f];
            // A value listed twice must not run the rule twice. No values: it never matches.
            for (const std::string& value : *values) {
                auto& bucket = indexes_[f][value];
                if (bucket.empty() || bucket.back() != i) bucket.push_back(i);
            }
        }
        if (!filed) unindexed_.push_back(i);
    }
}

std::size_t RuleSet::indexed_count(ecs::FieldId field) const noexcept {
    for (std::size_t f = 0; f < kIndexFields.size(); ++f) {
        if (kIndexFields[f] == field) return indexed_counts_[f];
    }
    return 0;
}

std::string RuleSet::index_summary() const {
    std::string out;
    for (std::size_t f = 0; f < kIndexFields.size(); ++f) {
        if (indexed_counts_[f] == 0) continue;
        out += std::to_string(indexed_counts_[f]) + " by " +
               std::string(ecs::field_info(kIndexFields[f]).name) + ", ";
    }
    return out + std::to_string(unindexed_.size()) + " on every event";
}

bool RuleSet::collect(const ecs::Event& event, Candidates& out) const {
    out.lists[out.count++] = unindexed_;
    auto add = [&](const Buckets& buckets, std::string_view value) {
        const auto it = buckets.find(value);
        if (it == buckets.end()) return true;
        if (out.count == out.lists.size()) return false;
        out.lists[out.count++] = it->second;
        return true;
    };
    for (std::size_t f = 0; f < kIndexFields.size(); ++f) {
        const Buckets& buckets = indexes_[f];
        if (buckets.empty()) continue;
        const ecs::FieldValue value = ecs::get_field(event, kIndexFields[f]);
        if (value.kind == ecs::FieldValue::Kind::String) {
            if (!add(buckets, value.text)) return false;
        } else if (value.kind == ecs::FieldValue::Kind::StringList) {
            for (const std::string& element : value.list) {
                if (!add(buckets, element)) return false;
            }
        }
    }
    return true;
}

}  // namespace engine
