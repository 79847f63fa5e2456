// The per-key state machine that runs one CompiledSequence over events in (@timestamp,
// event.sequence) order, as Elasticsearch's sequence matcher does: one pending sequence per
// stage per join key, maxspan measured from the first event, `until` and missing events drop
// pending sequences, a completed sequence is reported once. Samples keep one event per filter
// per key. State is bounded in keys and bytes; see SequenceLimits for what is dropped first.
#pragma once

#include <compare>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ecs/event.hpp"
#include "eql/sequence.hpp"

namespace eql {

// An event held by pending sequences (shared: one event can sit in several, e.g. with runs),
// with the size it is counted at.
struct StoredEvent {
    // Constructors, not aggregate init in make_shared: clang 14 has no parenthesised
    // aggregate initialisation. Copy and move apart: an ecs::Event by value would be moved
    // twice (and a moved-from one destroyed), a cost per kept event.
    StoredEvent(const ecs::Event& stored, std::size_t counted_bytes)
        : event(stored), bytes(counted_bytes) {}
    StoredEvent(ecs::Event&& stored, std::size_t counted_bytes)
        : event(std::move(stored)), bytes(counted_bytes) {}
    ecs::Event event;
    std::size_t bytes = 0;
};
using EventRef = std::shared_ptr<const StoredEvent>;

// `event` kept for pending sequences, counted at its approximate heap and inline size: copied,
// or moved when the caller has no further use for it (the engine's case: no copy at all).
EventRef store_event(const ecs::Event& event);
EventRef store_event(ecs::Event&& event);

// Bounds of one matcher (one rule). When either is exceeded, whole join keys are dropped:
// first the least recently used key whose state has not advanced past the first stage, and
// only when no such key is left, the least recently used of the others. A flood of events that
// each start a sequence (cheap for any process: one exec each) therefore only evicts other
// first-stage state; a sequence that has advanced needed correlated events of the same key.
struct SequenceLimits {
    std::size_t max_keys = 8192;
    std::size_t max_bytes = std::size_t{8} << 20;
};

struct SequenceStats {
    uint64_t started = 0;              // first-stage matches that opened a pending sequence
    uint64_t replaced = 0;             // a pending sequence replaced by a newer one at its stage
    uint64_t completed = 0;            // reported sequences and samples
    uint64_t expired = 0;              // dropped: the next stage came after maxspan
    uint64_t until_dropped = 0;        // pending sequences dropped by the until query
    uint64_t missing_dropped = 0;      // sequences dropped because a missing (![...]) event came
    uint64_t evicted_first_stage = 0;  // keys dropped when full, not past the first stage
    uint64_t evicted_advanced = 0;     // keys dropped when full, with advanced state
    uint64_t keys_truncated = 0;       // events whose multi-valued keys gave too many values
    std::size_t keys = 0;              // join keys with state now
    std::size_t bytes = 0;             // counted bytes of that state now
};

struct CompletedSequence {
    std::vector<EventRef> events;     // one per stage (missing stages excluded), in stage order
    std::vector<std::size_t> stages;  // the index in CompiledSequence::stages() of each event
    std::string key;                  // "host.id=\"h1\", process.entity_id=\"e7\""
};

class SequenceMatcher {
  public:
    // `sequence` must outlive the matcher.
    SequenceMatcher(const CompiledSequence& sequence, SequenceLimits limits);

    // `matched` without the queries whose stages the event cannot take part in (a join key
    // that is not optional is missing): such events need not be kept at all.
    uint64_t joinable(uint64_t matched, const ecs::Event& event) const noexcept;

    // Queries whose every stage only moves on a pending sequence of the stage before it (not
    // the first stage, until, a missing event, or a sample's filter). An event such a query
    // matches changes nothing while no sequence waits at that earlier stage, so the engine may
    // evaluate the query only when the event reaches the matcher, and only if takers() says so.
    uint64_t deferrable() const noexcept { return deferrable_; }
    // Of the deferrable `queries`, those some stage of which has a pending sequence to take now.
    uint64_t takers(uint64_t queries) const noexcept;

    // Bit q of `matched`: sequence.queries()[q] matched the event. Events must come in
    // (@timestamp, event.sequence) order (the engine's reorder window sees to that).
    void on_event(const EventRef& event, uint64_t matched, std::vector<CompletedSequence>& out);
    // Event time has reached now_us: releases completed sequences whose trailing missing
    // event window has closed, and frees state that maxspan has made useless.
    void advance(int64_t now_us, std::vector<CompletedSequence>& out);
    // advance(now_us) would release a held sequence (its trailing missing event window closed).
    bool releases_before(int64_t now_us) const noexcept {
        return held_count_ > 0 && now_us > next_deadline_us_;
    }
    // End of input: releases every sequence still waiting on a trailing missing event window.
    void flush(std::vector<CompletedSequence>& out);

    // Drops one key by the policy of SequenceLimits (for a bound over all rules); false when
    // there is no state.
    bool evict_one();

    const SequenceStats& stats() const noexcept { return stats_; }
    // The per-stage counts of pending sequences agree with the state (tests check it: takers()
    // and the early exits of on_event rely on them).
    bool pending_counts_consistent() const;

  private:
    struct Ordinal {
        int64_t timestamp_us = 0;
        uint64_t sequence = 0;
        // Spelt out: clang-tidy 14 (modernize-use-nullptr) misreads a defaulted <=>.
        auto operator<=>(const Ordinal& other) const {
            return std::tie(timestamp_us, sequence) <=>
                   std::tie(other.timestamp_us, other.sequence);
        }
    };
    struct Partial {
        int64_t start_us = 0;
        Ordinal last;
        std::optional<Ordinal> leading_missing;  // the latest ![...] before the first event
        std::vector<EventRef> events;
        std::vector<std::size_t> stages;
    };
    struct Held {  // complete, waiting for its trailing missing event window to close
        Partial partial;
        int64_t deadline_us = 0;
    };
    struct KeyState {
        const std::string* key = nullptr;
        std::vector<std::optional<Partial>> pending;  // [i]: matched positive stages 0..i
        std::optional<Ordinal> leading_missing;
        std::vector<Held> held;
        std::vector<EventRef> slots;        // sample: one event per filter
        std::vector<uint64_t> slot_stages;  // sample: the filters each slot's event matches
        bool sample_done = false;
        std::size_t bytes = 0;
        bool advanced = false;  // which LRU list it is on
        std::list<KeyState*>::iterator lru;
    };

    void on_sequence_event(const EventRef& event, uint64_t matched,
                           std::vector<CompletedSequence>& out);
    // The positive stages the event matches, last first.
    void on_stage_event(const EventRef& event, uint64_t matched,
                        std::vector<CompletedSequence>& out);
    void on_sample_event(const EventRef& event, uint64_t matched,
                         std::vector<CompletedSequence>& out);
    // The encoded join key values of `stage` for the event (several for multi-valued fields;
    // none when a non-optional key is null).
    std::vector<std::string> keys_of(const SequenceStage& stage, const ecs::Event& event);
    KeyState* find(const std::string& key);
    KeyState& state(const std::string& key);
    // Every change of KeyState::pending goes through these, which keep pending_keys_.
    void set_pending(KeyState& st, std::size_t i, Partial&& partial);
    void clear_pending(KeyState& st, std::size_t i);
    void touch(KeyState& st);
    void drop(KeyState& st);
    void enforce_limits();
    void complete(KeyState& st, Partial partial, std::vector<CompletedSequence>& out);
    void emit(const KeyState& st, Partial partial, std::vector<CompletedSequence>& out);

    const CompiledSequence& sequence_;
    SequenceLimits limits_;
    std::vector<std::size_t> positive_;  // indexes of the stages that are not missing
    // Queries of missing stages: before the first positive stage, after positive stage i
    // (between i and i+1), and after the last.
    uint64_t leading_missing_ = 0;
    std::vector<uint64_t> gap_missing_;
    uint64_t trailing_missing_ = 0;
    uint64_t stage_queries_ = 0;  // queries of positive stages
    // Per query: the key fields that must be present for an event to take part.
    std::vector<std::vector<ecs::FieldId>> required_keys_;
    uint64_t deferrable_ = 0;
    // Per query: the positive stages (indexes into positive_) whose pending sequences its
    // stages take, i.e. the one before each of its stages.
    std::vector<std::vector<std::size_t>> takes_from_;
    std::vector<std::size_t> pending_keys_;  // per positive stage: keys with a pending sequence

    std::unordered_map<std::string, KeyState> keys_;
    std::list<KeyState*> first_stage_lru_;  // least recently used first
    std::list<KeyState*> advanced_lru_;
    std::size_t held_count_ = 0;
    int64_t next_deadline_us_ = INT64_MAX;
    int64_t last_sweep_us_ = INT64_MIN;
    SequenceStats stats_;
};

}  // namespace eql
