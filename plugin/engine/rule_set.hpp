// The loaded rules, indexed by tests each rule needs one of, so that an event runs only the rules
// that can match it: a rule for `iptables` costs nothing on an `ls` event, and a rule for execs
// nothing on a fork. A rule's keys come from its query (eql::CompiledQuery::index_keys): values,
// prefixes or suffixes of fields such as process.name, exactly or ASCII-folded, of which at least
// one must hold; a rule with no such keys runs on every event. The stage queries of sequence
// rules are filed in the same index, so a stage is only evaluated on events its keys allow;
// events that match a stage go through a short reorder window (audit output is not always in
// time order) to each rule's eql::SequenceMatcher. A stage that can only move a pending
// sequence on (eql::SequenceMatcher::deferrable) is evaluated when the event leaves the window,
// and only if such a sequence is pending then: most of the time none is, and the query is
// never run.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ecs/event.hpp"
#include "ecs/fields.hpp"
#include "engine/rule_loader.hpp"
#include "engine/sequence_options.hpp"
#include "eql/query.hpp"
#include "eql/sequence_matcher.hpp"
#include "eql/wildcard.hpp"

namespace engine {

// A completed sequence or sample of one rule: the events of its stages, in order.
struct SequenceAlert {
    const LoadedSequence* rule = nullptr;
    eql::CompletedSequence match;
    const ecs::Event& last_event() const { return match.events.back()->event; }
};

struct SequenceTotals {
    eql::SequenceStats matchers;     // summed over the rules
    uint64_t buffered = 0;           // events that matched a stage and went through the window
    uint64_t late = 0;               // of those, older than what the window had already released
    uint64_t evicted_for_total = 0;  // keys dropped to keep all rules under max_total_bytes
    std::size_t waiting = 0;         // in the window now
};

class RuleSet {
  public:
    RuleSet() = default;
    explicit RuleSet(std::vector<LoadedRule> rules, std::vector<LoadedSequence> sequences = {},
                     SequenceOptions options = {});

    // Calls on_match(const LoadedRule&) for every single-event rule the event satisfies, in
    // load order.
    template <typename OnMatch>
    void match(const ecs::Event& event, OnMatch&& on_match) const {
        Candidates candidates(candidate_bits_);
        mark_candidates(event, candidates);
        match_rules(event, candidates, on_match);
    }

    // The same for single-event rules, and the event is offered to the sequence rules (one
    // pass over the index for both): sequences completed by events the reorder window releases
    // now are appended to `completed`. An event the sequences keep is copied.
    template <typename OnMatch>
    void match_all(const ecs::Event& event, OnMatch&& on_match,
                   std::vector<SequenceAlert>& completed) {
        match_all_impl(event, nullptr, on_match, completed);
    }
    // The same for an event the caller has no further use for: kept by moving it.
    template <typename OnMatch>
    void match_all(ecs::Event&& event, OnMatch&& on_match, std::vector<SequenceAlert>& completed) {
        match_all_impl(event, &event, on_match, completed);
    }

    // Hands every event still in the reorder window to the matchers and ends trailing missing
    // event windows: at the end of the input, and when plugin input goes idle.
    // `end_of_input` also closes trailing missing event windows (they cannot be contradicted
    // any more); when idle, time does not move past the newest event seen.
    void flush_sequences(std::vector<SequenceAlert>& completed, bool end_of_input);

    std::size_t size() const noexcept { return rules_.size() + sequences_.size(); }
    const std::vector<LoadedRule>& rules() const noexcept { return rules_; }
    std::size_t sequence_count() const noexcept { return sequences_.size(); }
    SequenceTotals sequence_totals() const;
    // Rules that run on every event (no keys found): for statistics and tests.
    std::size_t unindexed_count() const noexcept { return unindexed_.size(); }
    // Rules with a key on `field` compared that way.
    std::size_t indexed_count(ecs::FieldId field, bool folded = false,
                              eql::KeyMatch match = eql::KeyMatch::Exact) const noexcept;
    // "140 of 146 rules run only on a key match (process.name: 105, process.name prefix: 12,
    // ...); 6 on every event": how much of the rule set an event can skip, for --check-rules.
    std::string index_summary() const;

  private:
    template <typename OnMatch>
    void match_all_impl(const ecs::Event& event, ecs::Event* movable, OnMatch& on_match,
                        std::vector<SequenceAlert>& completed) {
        Candidates candidates(candidate_bits_);
        mark_candidates(event, candidates);
        match_rules(event, candidates, on_match);
        if (!sequences_.empty()) offer_to_sequences(event, movable, candidates, completed);
    }

    template <typename OnMatch>
    void match_rules(const ecs::Event& event, const auto& candidates, OnMatch& on_match) const {
        for (std::size_t w = 0; w < candidates.words.size(); ++w) {
            uint64_t bits = candidates.words[w];
            if (w == single_words_ - 1 && rules_.size() % 64 != 0) {
                bits &= (uint64_t{1} << (rules_.size() % 64)) - 1;
            } else if (w >= single_words_) {
                break;
            }
            for (; bits != 0; bits &= bits - 1) {
                const std::size_t i = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
                const LoadedRule& rule = rules_[i];
                if (rule.query.matches(event)) on_match(rule);
            }
        }
    }

    struct SequenceRule {
        LoadedSequence loaded;
        eql::SequenceMatcher matcher;
        SequenceRule(LoadedSequence l, const eql::SequenceLimits& limits)
            : loaded(std::move(l)), matcher(loaded.sequence, limits) {}
    };
    // What one sequence rule's queries make of an event (bits of its queries).
    struct Hit {
        uint32_t rule = 0;
        uint64_t matched = 0;   // evaluated on arrival and matched
        uint64_t deferred = 0;  // candidates by the index, evaluated on release if still useful
    };
    // An event that some stage may take, waiting in the reorder window.
    struct Waiting {
        eql::EventRef event;
        std::vector<Hit> hits;
        uint64_t arrival = 0;
        // Heap order (std::greater): the oldest (@timestamp, event.sequence, arrival) on top.
        bool operator>(const Waiting& other) const {
            const ecs::Event& a = event->event;
            const ecs::Event& b = other.event->event;
            return std::tie(a.timestamp_us, a.sequence, arrival) >
                   std::tie(b.timestamp_us, b.sequence, other.arrival);
        }
    };
    // `movable`, when not null, is `event` itself, free to be moved from.
    void offer_to_sequences(const ecs::Event& event, ecs::Event* movable, const auto& candidates,
                            std::vector<SequenceAlert>& completed);
    void release(int64_t horizon_us, std::vector<SequenceAlert>& completed);
    void enforce_total_bytes();
    void collect(SequenceRule& rule, std::vector<eql::CompletedSequence>& done,
                 std::vector<SequenceAlert>& completed);

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
    // What the index files: the single-event rules' queries, then every sequence stage query.
    std::vector<const eql::CompiledQuery*> queries_;
    std::size_t single_words_ = 0;  // the words of a Candidates set that hold single rules
    // A query with a second key set (eql::CompiledQuery::second_index_keys) is filed under both:
    // its bit in the first slot_words_ words of a Candidates set (the first set, as every
    // query), and the same bit in the next slot_words_ words (the second set). It is a
    // candidate only when both are marked.
    std::size_t slot_words_ = 0;
    std::vector<uint64_t> needs_second_;  // slot_words_ words: the queries with a second set
    std::size_t candidate_bits_ = 0;      // the size of a Candidates set
    std::vector<std::pair<uint32_t, uint32_t>> stage_of_;  // queries_[rules_.size() + i]
    // Of the same stage queries: a bit for the category it needs (0: any). The index does not
    // know categories; a `file where` stage cannot match a process event, so it is not even
    // a candidate for one.
    std::vector<uint8_t> stage_categories_;
    static uint8_t category_bits(std::string_view category) noexcept;
    static uint8_t category_bits(const ecs::Event& event) noexcept;
    std::vector<Index> indexes_;  // sorted by field, so each field is read once per event
    std::vector<uint32_t> unindexed_;

    SequenceOptions sequence_options_;
    std::vector<std::unique_ptr<SequenceRule>> sequences_;
    std::vector<Waiting> window_;   // a heap (std::push_heap, std::greater): entries move out
    std::size_t window_bytes_ = 0;  // of the events in it
    int64_t newest_us_ = INT64_MIN;
    int64_t released_us_ = INT64_MIN;  // the newest @timestamp handed to the matchers
    int64_t advanced_us_ = INT64_MIN;  // when every matcher was last told the time
    uint64_t arrivals_ = 0;
    uint64_t late_ = 0;
    uint64_t evicted_for_total_ = 0;
    std::vector<Hit> hits_;                     // reused per event
    std::vector<eql::CompletedSequence> done_;  // reused
};

// The template member defined here so the header stays the one place callers look.
void RuleSet::offer_to_sequences(const ecs::Event& event, ecs::Event* movable,
                                 const auto& candidates, std::vector<SequenceAlert>& completed) {
    hits_.clear();
    const bool defer = window_bytes_ < sequence_options_.max_deferred_window_bytes;
    const std::size_t first = rules_.size();
    const uint8_t categories = category_bits(event);
    for (std::size_t w = first / 64; w < slot_words_; ++w) {
        uint64_t bits = candidates.words[w];
        if (w == first / 64) bits &= ~((uint64_t{1} << (first % 64)) - 1);
        for (; bits != 0; bits &= bits - 1) {
            const std::size_t i = w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits));
            const uint8_t needs = stage_categories_[i - first];
            if (needs != 0 && (needs & categories) == 0) continue;
            const auto [rule, query] = stage_of_[i - first];
            const uint64_t query_bit = uint64_t{1} << query;
            if (hits_.empty() || hits_.back().rule != rule) hits_.push_back(Hit{rule, 0, 0});
            if (defer && (sequences_[rule]->matcher.deferrable() & query_bit) != 0) {
                hits_.back().deferred |= query_bit;
            } else if (queries_[i]->matches(event)) {
                hits_.back().matched |= query_bit;
            }
        }
    }
    // Only events that can take part (their join keys are there) are kept.
    bool kept = false;
    std::erase_if(hits_, [&](Hit& hit) {
        if ((hit.matched | hit.deferred) == 0) return true;
        const uint64_t joinable =
            sequences_[hit.rule]->matcher.joinable(hit.matched | hit.deferred, event);
        hit.matched &= joinable;
        hit.deferred &= joinable;
        kept = kept || hit.matched != 0;
        return joinable == 0;
    });
    if (!kept) {
        // Keeping an event (moving it, the window) costs about as much as evaluating a few
        // queries: an event no stage has matched yet is only kept if a deferred one matches.
        for (Hit& hit : hits_) {
            const auto& queries = sequences_[hit.rule]->loaded.sequence.queries();
            for (uint64_t bits = hit.deferred; bits != 0; bits &= bits - 1) {
                const auto q = static_cast<std::size_t>(__builtin_ctzll(bits));
                if (queries[q].matches(event)) hit.matched |= uint64_t{1} << q;
            }
            hit.deferred = 0;
        }
        std::erase_if(hits_, [](const Hit& hit) { return hit.matched == 0; });
    }
    const int64_t at = event.timestamp_us;
    newest_us_ = std::max(newest_us_, at);
    if (!hits_.empty()) {
        if (at < released_us_) ++late_;
        eql::EventRef stored =
            movable != nullptr ? eql::store_event(std::move(*movable)) : eql::store_event(event);
        window_bytes_ += stored->bytes;
        window_.push_back(Waiting{std::move(stored), hits_, ++arrivals_});
        std::push_heap(window_.begin(), window_.end(), std::greater<>());
    }
    release(newest_us_ - sequence_options_.reorder_window_us, completed);
}

}  // namespace engine
