#include "engine/rule_set.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "eql/wildcard.hpp"

namespace engine {
namespace {

void mark(std::span<uint64_t> words, const std::vector<uint32_t>& rules) {
    for (const uint32_t rule : rules) words[rule / 64] |= uint64_t{1} << (rule % 64);
}

std::string_view match_name(eql::KeyMatch match) {
    switch (match) {
        case eql::KeyMatch::Exact:
            return "";
        case eql::KeyMatch::Prefix:
            return " prefix";
        case eql::KeyMatch::Suffix:
            return " suffix";
    }
    return "";
}

}  // namespace

RuleSet::RuleSet(std::vector<LoadedRule> rules) : rules_(std::move(rules)) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const auto rule = static_cast<uint32_t>(i);
        const auto keys = rules_[i].query.index_keys();
        if (!keys) {
            unindexed_.push_back(rule);
            continue;
        }
        // No keys: the rule never matches and is filed nowhere.
        std::vector<std::size_t> counted;  // the indexes this rule is filed in
        for (const eql::IndexKey& key : *keys) {
            auto it = std::find_if(indexes_.begin(), indexes_.end(), [&](const Index& index) {
                return index.field == key.field && index.folded == key.folded &&
                       index.match == key.match;
            });
            if (it == indexes_.end()) {
                it = indexes_.insert(indexes_.end(), Index{});
                it->field = key.field;
                it->folded = key.folded;
                it->match = key.match;
            }
            it->length_bits |= uint64_t{1} << std::min<std::size_t>(key.key.size(), 63);
            if (!key.key.empty()) {
                it->edge_bytes.add(key.match == eql::KeyMatch::Suffix ? key.key.back()
                                                                      : key.key.front());
                const std::size_t bit = signature(key.key.size(), key.key.front(), key.key.back());
                it->signatures[bit / 64] |= uint64_t{1} << (bit % 64);
            }
            auto& filed = it->rules[key.key];
            if (filed.empty() || filed.back() != rule) filed.push_back(rule);
            if (std::find(it->key_lengths.begin(), it->key_lengths.end(), key.key.size()) ==
                it->key_lengths.end()) {
                it->key_lengths.push_back(key.key.size());
            }
            const auto position = static_cast<std::size_t>(it - indexes_.begin());
            if (std::find(counted.begin(), counted.end(), position) == counted.end()) {
                ++it->rule_count;
                counted.push_back(position);
            }
        }
    }
    for (Index& index : indexes_) std::sort(index.key_lengths.begin(), index.key_lengths.end());
    std::stable_sort(indexes_.begin(), indexes_.end(),
                     [](const Index& a, const Index& b) { return a.field < b.field; });
}

RuleSet::Candidates::Candidates(std::size_t rule_count) {
    const std::size_t needed = (rule_count + 63) / 64;
    if (needed <= inline_words.size()) {
        words = std::span<uint64_t>(inline_words.data(), needed);
    } else {
        heap_words.assign(needed, 0);
        words = heap_words;
    }
}

std::size_t RuleSet::indexed_count(ecs::FieldId field, bool folded,
                                   eql::KeyMatch match) const noexcept {
    for (const Index& index : indexes_) {
        if (index.field == field && index.folded == folded && index.match == match) {
            return index.rule_count;
        }
    }
    return 0;
}

std::string RuleSet::index_summary() const {
    std::vector<const Index*> order;
    for (const Index& index : indexes_) order.push_back(&index);
    std::stable_sort(order.begin(), order.end(),
                     [](const Index* a, const Index* b) { return a->rule_count > b->rule_count; });
    std::string out = std::to_string(rules_.size() - unindexed_.size()) + " of " +
                      std::to_string(rules_.size()) + " rules run only on a key match (";
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Index& index = *order[i];
        if (i > 0) out += ", ";
        out += std::string(ecs::field_info(index.field).name) +
               std::string(match_name(index.match)) + (index.folded ? " (any case)" : "") + ": " +
               std::to_string(index.rule_count);
    }
    return out + "); " + std::to_string(unindexed_.size()) + " on every event";
}

void RuleSet::mark_value(const Index& index, std::string_view value, Candidates& out) {
    std::array<char, 256> lowered;  // NOLINT(cppcoreguidelines-pro-type-member-init): written first
    auto lookup = [&](std::string_view slice) {
        const auto fold = [&index](char c) { return index.folded ? eql::ascii_lower(c) : c; };
        const std::size_t bit = signature(slice.size(), fold(slice.front()), fold(slice.back()));
        if ((index.signatures[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) return;
        if (index.folded) {
            // Keys are at most 255 bytes (eql::index_keys), so a looked-up slice fits.
            std::transform(slice.begin(), slice.end(), lowered.begin(), eql::ascii_lower);
            slice = std::string_view(lowered.data(), slice.size());
        }
        const auto it = index.rules.find(slice);
        if (it != index.rules.end()) mark(out.words, it->second);
    };
    if (index.match == eql::KeyMatch::Exact) {
        if (value.size() <= index.key_lengths.back()) lookup(value);
        return;
    }
    for (const std::size_t length : index.key_lengths) {
        if (length > value.size()) break;
        lookup(index.match == eql::KeyMatch::Prefix ? value.substr(0, length)
                                                    : value.substr(value.size() - length));
    }
}

void RuleSet::mark_candidates(const ecs::Event& event, Candidates& out) const {
    mark(out.words, unindexed_);
    // Most values are turned away by their length and first (or last) byte, before any hashing.
    auto visit = [&out](const Index& index, std::string_view value) {
        if (value.empty()) {
            if ((index.length_bits & 1) == 0) return;  // no "" key
            if (const auto it = index.rules.find(value); it != index.rules.end()) {
                mark(out.words, it->second);
            }
            return;
        }
        const uint64_t length_bit = uint64_t{1} << std::min<std::size_t>(value.size(), 63);
        if (index.match == eql::KeyMatch::Exact
                ? (index.length_bits & length_bit) == 0
                : (index.length_bits & ((length_bit << 1) - 1)) == 0) {
            return;
        }
        const char edge = index.match == eql::KeyMatch::Suffix ? value.back() : value.front();
        if (!index.edge_bytes.has(index.folded ? eql::ascii_lower(edge) : edge)) return;
        mark_value(index, value, out);
    };
    for (auto group = indexes_.begin(); group != indexes_.end();) {
        const auto end = std::find_if(
            group, indexes_.end(), [&](const Index& index) { return index.field != group->field; });
        const ecs::FieldValue value = ecs::get_field(event, group->field);
        if (value.kind == ecs::FieldValue::Kind::String) {
            for (auto index = group; index != end; ++index) visit(*index, value.text);
        } else if (value.kind == ecs::FieldValue::Kind::StringList) {
            for (const std::string& element : value.list) {
                for (auto index = group; index != end; ++index) visit(*index, element);
            }
        }
        group = end;
    }
}

}  // namespace engine
