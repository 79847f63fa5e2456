#include "engine/rule_set.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "eql/wildcard.hpp"

namespace engine {

RuleSet::RuleSet(std::vector<LoadedRule> rules) : rules_(std::move(rules)) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        bool filed = false;
        for (std::size_t f = 0; f < kIndexFields.size() && !filed; ++f) {
            const auto& [field, folded] = kIndexFields[f];
            const auto values = folded ? rules_[i].query.required_folded_values(field)
                                       : rules_[i].query.required_values(field);
            if (!values) continue;
            filed = true;
            ++indexed_counts_[f];
            // A value listed twice must not run the rule twice. No values: it never matches.
            for (const std::string& value : *values) {
                auto& bucket = indexes_[f][value];
                if (bucket.empty() || bucket.back() != i) bucket.push_back(i);
                longest_key_[f] = std::max(longest_key_[f], value.size());
            }
        }
        if (!filed) unindexed_.push_back(i);
    }
}

std::size_t RuleSet::indexed_count(ecs::FieldId field, bool folded) const noexcept {
    for (std::size_t f = 0; f < kIndexFields.size(); ++f) {
        if (kIndexFields[f].field == field && kIndexFields[f].folded == folded) {
            return indexed_counts_[f];
        }
    }
    return 0;
}

std::string RuleSet::index_summary() const {
    std::string out;
    for (std::size_t f = 0; f < kIndexFields.size(); ++f) {
        if (indexed_counts_[f] == 0) continue;
        out += std::to_string(indexed_counts_[f]) + " by " +
               std::string(ecs::field_info(kIndexFields[f].field).name) +
               (kIndexFields[f].folded ? " (any case), " : ", ");
    }
    return out + std::to_string(unindexed_.size()) + " on every event";
}

bool RuleSet::collect(const ecs::Event& event, Candidates& out) const {
    out.lists[out.count++] = unindexed_;
    std::array<char, 256> lowered{};
    auto add = [&](std::size_t f, std::string_view value) {
        const Buckets& buckets = indexes_[f];
        if (value.size() > longest_key_[f]) return true;  // no key is that long
        if (kIndexFields[f].folded) {
            if (value.size() > lowered.size()) return false;  // a long key: run every rule
            std::transform(value.begin(), value.end(), lowered.begin(), eql::ascii_lower);
            value = std::string_view(lowered.data(), value.size());
        }
        const auto it = buckets.find(value);
        if (it == buckets.end()) return true;
        if (out.count == out.lists.size()) return false;
        out.lists[out.count++] = it->second;
        return true;
    };
    for (std::size_t f = 0; f < kIndexFields.size(); ++f) {
        if (indexes_[f].empty()) continue;
        const ecs::FieldValue value = ecs::get_field(event, kIndexFields[f].field);
        if (value.kind == ecs::FieldValue::Kind::String) {
            if (!add(f, value.text)) return false;
        } else if (value.kind == ecs::FieldValue::Kind::StringList) {
            for (const std::string& element : value.list) {
                if (!add(f, element)) return false;
            }
        }
    }
    return true;
}

}  // namespace engine
