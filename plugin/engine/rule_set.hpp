// The loaded rules, indexed by a value each rule requires, so that an event runs only the rules
// that can match it: a rule for `iptables` costs nothing on an `ls` event, and a rule for execs
// nothing on a fork. Each rule is filed under the first of a few selective fields (process name,
// parent name, executable, exactly and then ASCII-folded for in~ / like~ / `:` rules; then an
// arg, the working directory, event action and event type) whose value its query pins down;
// rules that pin none run on every event.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"
#include "engine/rule_loader.hpp"

namespace engine {

class RuleSet {
  public:
    RuleSet() = default;
    explicit RuleSet(std::vector<LoadedRule> rules);

    // Calls on_match(const LoadedRule&) for every rule the event satisfies, in load order.
    template <typename OnMatch>
    void match(const ecs::Event& event, OnMatch&& on_match) const {
        Candidates candidates;
        if (!collect(event, candidates)) {
            for (const LoadedRule& rule : rules_) {
                if (rule.query.matches(event)) on_match(rule);
            }
            return;
        }
        // Merge the sorted candidate lists so alerts keep the rules' load order.
        std::array<std::size_t, kMaxLists> at{};
        std::size_t last = kNone;
        for (;;) {
            std::size_t best = kNone;
            std::size_t best_list = 0;
            for (std::size_t i = 0; i < candidates.count; ++i) {
                const auto& list = candidates.lists[i];
                if (at[i] < list.size() && (best == kNone || list[at[i]] < best)) {
                    best = list[at[i]];
                    best_list = i;
                }
            }
            if (best == kNone) break;
            ++at[best_list];
            if (best == last) continue;  // filed under two of the event's values
            last = best;
            const LoadedRule& rule = rules_[best];
            if (rule.query.matches(event)) on_match(rule);
        }
    }

    std::size_t size() const noexcept { return rules_.size(); }
    const std::vector<LoadedRule>& rules() const noexcept { return rules_; }
    // Rules that run on every event (no indexed field pinned): for statistics and tests.
    std::size_t unindexed_count() const noexcept { return unindexed_.size(); }
    // Rules filed under `field` (exactly, or ASCII-folded).
    std::size_t indexed_count(ecs::FieldId field, bool folded = false) const noexcept;
    // "105 by process.name, 5 by process.parent.name, ..., 12 on every event": how much of the
    // rule set an event can skip, for --check-rules.
    std::string index_summary() const;

  private:
    struct IndexField {
        ecs::FieldId field;
        bool folded;  // keys and the event's value ASCII-lowered
    };
    static constexpr std::array<IndexField, 10> kIndexFields = {{
        {ecs::FieldId::ProcessName, false},
        {ecs::FieldId::ParentName, false},
        {ecs::FieldId::ProcessExecutable, false},
        {ecs::FieldId::ProcessName, true},
        {ecs::FieldId::ParentName, true},
        {ecs::FieldId::ProcessExecutable, true},
        {ecs::FieldId::ProcessArgs, false},
        {ecs::FieldId::ProcessWorkingDirectory, false},
        {ecs::FieldId::EventAction, false},
        {ecs::FieldId::EventType, false},
    }};
    static constexpr std::size_t kMaxLists = 16;
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    using Buckets =
        std::unordered_map<std::string, std::vector<std::size_t>, TextHash, std::equal_to<>>;
    struct Candidates {
        std::array<std::span<const std::size_t>, kMaxLists> lists;
        std::size_t count = 0;
    };

    // The sorted lists of rules that can match the event; false when there are too many
    // lists to merge (then every rule runs).
    bool collect(const ecs::Event& event, Candidates& out) const;

    std::vector<LoadedRule> rules_;
    std::array<Buckets, kIndexFields.size()> indexes_;
    std::array<std::size_t, kIndexFields.size()> indexed_counts_{};
    std::array<std::size_t, kIndexFields.size()> longest_key_{};  // longer values cannot match
    std::vector<std::size_t> unindexed_;
};

}  // namespace engine
