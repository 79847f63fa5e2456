// The loaded rules, indexed by what they require of process.name, so that an event runs only
// the rules that can match it: a rule for `iptables` costs nothing on a `ls` event.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "ecs/event.hpp"
#include "engine/rule_loader.hpp"

namespace engine {

class RuleSet {
  public:
    RuleSet() = default;
    explicit RuleSet(std::vector<LoadedRule> rules);

    // Calls on_match(const LoadedRule&) for every rule the event satisfies, in load order.
    template <typename OnMatch>
    void match(const ecs::Event& event, OnMatch&& on_match) const {
        const std::vector<std::size_t>* named = nullptr;
        if (event.process.name) {
            const auto it = by_process_name_.find(*event.process.name);
            if (it != by_process_name_.end()) named = &it->second;
        }
        // Merge the two sorted candidate lists so alerts keep the rules' load order.
        std::size_t a = 0;
        std::size_t b = 0;
        const std::size_t named_size = named != nullptr ? named->size() : 0;
        while (a < unindexed_.size() || b < named_size) {
            std::size_t next = 0;
            if (b >= named_size || (a < unindexed_.size() && unindexed_[a] < (*named)[b])) {
                next = unindexed_[a++];
            } else {
                next = (*named)[b++];
            }
            const LoadedRule& rule = rules_[next];
            if (rule.query.matches(event)) on_match(rule);
        }
    }

    std::size_t size() const noexcept { return rules_.size(); }
    const std::vector<LoadedRule>& rules() const noexcept { return rules_; }
    // Rules that run on every event (no process.name requirement): for statistics and tests.
    std::size_t unindexed_count() const noexcept { return unindexed_.size(); }

  private:
    std::vector<LoadedRule> rules_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_process_name_;
    std::vector<std::size_t> unindexed_;
};

}  // namespace engine
