// The loaded rules, indexed by tests each rule needs one of, so that an event runs only the rules
// that can match it: a rule for `iptables` costs nothing on an `ls` event, and a rule for execs
// nothing on a fork. A rule's keys come from its query (eql::CompiledQuery::index_keys): values,
// prefixes or suffixes of fields such as process.name, exactly or ASCII-folded, of which at least
// one must hold; a rule with no such keys runs on every event.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"
#include "engine/rule_loader.hpp"
#include "eql/query.hpp"
#include "eql/wildcard.hpp"

namespace engine {

class RuleSet {
  public:
    RuleSet() = default;
    explicit RuleSet(std::vector<LoadedRule> rules);

    // Calls on_match(const LoadedRule&) for every rule the event satisfies, in load order.
    template <typename OnMatch>
    void match(const ecs::Event& event, OnMatch&& on_match) const {
        Candidates candidates(rules_.size());
        mark_candidates(event, candidates);
        for (std::size_t w = 0; w < candidates.words.size(); ++w) {
            for (uint64_t bits = candidates.words[w]; bits != 0; bits &= bits - 1) {
                const std::size_t i = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
                const LoadedRule& rule = rules_[i];
                if (rule.query.matches(event)) on_match(rule);
            }
        }
    }

    std::size_t size() const noexcept { return rules_.size(); }
    const std::vector<LoadedRule>& rules() const noexcept { return rules_; }
    // Rules that run on every event (no keys found): for statistics and tests.
    std::size_t unindexed_count() const noexcept { return unindexed_.size(); }
    // Rules with a key on `field` compared that way.
    std::size_t indexed_count(ecs::FieldId field, bool folded = false,
                              eql::KeyMatch match = eql::KeyMatch::Exact) const noexcept;
    // "140 of 146 rules run only on a key match (process.name: 105, process.name prefix: 12,
    // ...); 6 on every event": how much of the rule set an event can skip, for --check-rules.
    std::string index_summary() const;

  private:
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    static constexpr std::size_t kSignatureWords = 64;  // 4096 bits
    static std::size_t signature(std::size_t length, char first, char last) noexcept {
        const std::size_t first_byte = static_cast<uint8_t>(first);
        const std::size_t last_byte = static_cast<uint8_t>(last);
        return (length * 0x9E37 + first_byte * 0x3B + last_byte * 0x1F3) % (kSignatureWords * 64);
    }
    // One table per (field, folding, kind of comparison) that some rule uses.
    struct Index {
        ecs::FieldId field = ecs::FieldId::Count_;
        bool folded = false;
        eql::KeyMatch match = eql::KeyMatch::Exact;
        // key -> the rules that have it, ascending.
        std::unordered_map<std::string, std::vector<uint32_t>, TextHash, std::equal_to<>> rules;
        std::vector<std::size_t> key_lengths;  // distinct, ascending: the slices to look up
        // The keys' first bytes (last for suffixes): most values are rejected by one test here
        // before any hashing.
        eql::ByteSet edge_bytes;
        uint64_t length_bits = 0;  // bit n: a key of n bytes (bit 63: of 63 or more; bit 0: "")
        // A bit per (length, first byte, last byte) of the keys, mixed: a slice whose bit is
        // clear is no key, known without hashing it.
        std::array<uint64_t, kSignatureWords> signatures{};
        std::size_t rule_count = 0;
    };
    // A bit per rule: on the stack for up to 1024 rules.
    struct Candidates {
        explicit Candidates(std::size_t rule_count);
        Candidates(const Candidates&) = delete;  // `words` may point into this object
        Candidates& operator=(const Candidates&) = delete;
        std::array<uint64_t, 16> inline_words{};
        std::vector<uint64_t> heap_words;
        std::span<uint64_t> words;
    };

    void mark_candidates(const ecs::Event& event, Candidates& out) const;
    // Marks the rules of `index` whose key `value` has (`value` is not empty).
    static void mark_value(const Index& index, std::string_view value, Candidates& out);

    std::vector<LoadedRule> rules_;
    std::vector<Index> indexes_;  // sorted by field, so each field is read once per event
    std::vector<uint32_t> unindexed_;
};

}  // namespace engine
