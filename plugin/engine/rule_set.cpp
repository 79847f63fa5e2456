#include "engine/rule_set.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "eql/wildcard.hpp"

namespace engine {
namespace {

constexpr int64_t kAdvanceEveryUs = 100'000;

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

uint8_t RuleSet::category_bits(std::string_view category) noexcept {
    if (category == "process") return 1;
    if (category == "file") return 2;
    if (category == "network") return 4;
    return 0;  // any (the compiler refuses other categories in a stage)
}

uint8_t RuleSet::category_bits(const ecs::Event& event) noexcept {
    uint8_t bits = 0;
    for (const std::string& category : event.category) bits |= category_bits(category);
    return bits;
}

RuleSet::RuleSet(std::vector<LoadedRule> rules, std::vector<LoadedSequence> sequences,
                 SequenceOptions options)
    : rules_(std::move(rules)), sequence_options_(options) {
    for (const LoadedRule& rule : rules_) queries_.push_back(&rule.query);
    single_words_ = (rules_.size() + 63) / 64;
    for (LoadedSequence& loaded : sequences) {
        sequences_.push_back(std::make_unique<SequenceRule>(std::move(loaded), options.limits));
        const auto& stage_queries = sequences_.back()->loaded.sequence.queries();
        for (std::size_t q = 0; q < stage_queries.size(); ++q) {
            queries_.push_back(&stage_queries[q]);
            stage_of_.emplace_back(static_cast<uint32_t>(sequences_.size() - 1),
                                   static_cast<uint32_t>(q));
            stage_categories_.push_back(category_bits(stage_queries[q].category()));
        }
    }
    slot_words_ = (queries_.size() + 63) / 64;
    needs_second_.assign(slot_words_, 0);
    // Files `key` under `id`; `counted` lists the indexes that already count this query.
    auto file = [this](const eql::IndexKey& key, uint32_t id, std::vector<std::size_t>* counted) {
        // mark_value() folds looked-up slices into a buffer of this size.
        if (key.key.size() > eql::kMaxIndexKeyBytes) {
            throw std::logic_error("index key longer than eql::kMaxIndexKeyBytes");
        }
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
        if (filed.empty() || filed.back() != id) filed.push_back(id);
        if (std::find(it->key_lengths.begin(), it->key_lengths.end(), key.key.size()) ==
            it->key_lengths.end()) {
            it->key_lengths.push_back(key.key.size());
        }
        const auto position = static_cast<std::size_t>(it - indexes_.begin());
        if (counted != nullptr &&
            std::find(counted->begin(), counted->end(), position) == counted->end()) {
            ++it->rule_count;
            counted->push_back(position);
        }
    };
    for (std::size_t i = 0; i < queries_.size(); ++i) {
        const auto rule = static_cast<uint32_t>(i);
        const auto keys = queries_[i]->index_keys();
        if (!keys) {
            unindexed_.push_back(rule);
            continue;
        }
        // No keys: the rule never matches and is filed nowhere.
        std::vector<std::size_t> counted;  // the indexes this rule is filed in
        for (const eql::IndexKey& key : *keys) file(key, rule, &counted);
        // Stages only: for the single-event rules (keyed on rarer values) the second lookup
        // cost more than it saved (callgrind, 5k mixed stream: +15 M instructions).
        if (const auto second =
                i < rules_.size() ? std::nullopt : queries_[i]->second_index_keys()) {
            const auto second_id = static_cast<uint32_t>(slot_words_ * 64 + i);
            for (const eql::IndexKey& key : *second) file(key, second_id, nullptr);
            needs_second_[i / 64] |= uint64_t{1} << (i % 64);
        }
    }
    const bool any_second = std::any_of(needs_second_.begin(), needs_second_.end(),
                                        [](uint64_t word) { return word != 0; });
    candidate_bits_ = (any_second ? 2 * slot_words_ : slot_words_) * 64;
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
    const std::size_t stages = queries_.size() - rules_.size();
    std::string out = std::to_string(queries_.size() - unindexed_.size()) + " of " +
                      std::to_string(queries_.size()) +
                      (stages == 0 ? " rules"
                                   : " queries (" + std::to_string(rules_.size()) + " rules, " +
                                         std::to_string(stages) + " sequence stages)") +
                      " run only on a key match (";
    bool listed = false;
    for (const Index* filed : order) {
        const Index& index = *filed;
        if (index.rule_count == 0) continue;  // only second key sets are filed there
        if (std::exchange(listed, true)) out += ", ";
        out += std::string(ecs::field_info(index.field).name) +
               std::string(match_name(index.match)) + (index.folded ? " (any case)" : "") + ": " +
               std::to_string(index.rule_count);
    }
    return out + "); " + std::to_string(unindexed_.size()) + " on every event";
}

void RuleSet::collect(SequenceRule& rule, std::vector<eql::CompletedSequence>& done,
                      std::vector<SequenceAlert>& completed) {
    for (eql::CompletedSequence& match : done) {
        completed.push_back(SequenceAlert{&rule.loaded, std::move(match)});
    }
    done.clear();
}

void RuleSet::release(int64_t horizon_us, std::vector<SequenceAlert>& completed) {
    while (!window_.empty() && window_.front().event->event.timestamp_us <= horizon_us) {
        std::pop_heap(window_.begin(), window_.end(), std::greater<>());
        const Waiting next = std::move(window_.back());
        window_.pop_back();
        window_bytes_ -= next.event->bytes;
        const ecs::Event& event = next.event->event;
        const int64_t at = event.timestamp_us;
        released_us_ = std::max(released_us_, at);
        bool fed = false;
        for (const Hit& hit : next.hits) {
            SequenceRule& rule = *sequences_[hit.rule];
            // A deferred stage is evaluated only if a pending sequence could take the event, or
            // if the matcher is due to release held sequences (whether it is told the time now
            // or a little later decides the order of alerts, so that stays as it was).
            const uint64_t useful =
                rule.matcher.releases_before(at) ? hit.deferred : rule.matcher.takers(hit.deferred);
            uint64_t matched = hit.matched;
            for (uint64_t bits = useful; bits != 0; bits &= bits - 1) {
                const auto q = static_cast<std::size_t>(__builtin_ctzll(bits));
                if (rule.loaded.sequence.queries()[q].matches(event)) matched |= uint64_t{1} << q;
            }
            if (matched == 0) continue;
            fed = true;
            rule.matcher.advance(at, done_);
            rule.matcher.on_event(next.event, matched, done_);
            collect(rule, done_, completed);
        }
        if (fed) enforce_total_bytes();
    }
    // Time moves on for every matcher, matching events or not: trailing missing event windows
    // close and expired state is freed (each matcher returns at once when there is nothing due).
    // Every 100 ms of event time is often enough: it only frees memory and closes trailing
    // missing event windows; a matcher that gets an event is told the time first anyway.
    const int64_t now_us = std::min(horizon_us, newest_us_);
    if (now_us != INT64_MIN && !sequences_.empty() &&
        (horizon_us == INT64_MAX || advanced_us_ == INT64_MIN ||
         now_us - advanced_us_ >= kAdvanceEveryUs)) {
        advanced_us_ = now_us;
        for (auto& rule : sequences_) {
            rule->matcher.advance(now_us, done_);
            collect(*rule, done_, completed);
        }
    }
}

void RuleSet::enforce_total_bytes() {
    std::size_t total = 0;
    for (const auto& rule : sequences_) total += rule->matcher.stats().bytes;
    while (total > sequence_options_.max_total_bytes) {
        auto largest = std::max_element(
            sequences_.begin(), sequences_.end(), [](const auto& a, const auto& b) {
                return a->matcher.stats().bytes < b->matcher.stats().bytes;
            });
        const std::size_t before = (*largest)->matcher.stats().bytes;
        if (!(*largest)->matcher.evict_one()) break;
        ++evicted_for_total_;
        total -= before - (*largest)->matcher.stats().bytes;
    }
}

void RuleSet::flush_sequences(std::vector<SequenceAlert>& completed, bool end_of_input) {
    release(INT64_MAX, completed);
    if (!end_of_input) return;
    for (auto& rule : sequences_) {
        rule->matcher.flush(done_);
        collect(*rule, done_, completed);
    }
}

SequenceTotals RuleSet::sequence_totals() const {
    SequenceTotals totals;
    eql::SequenceStats& sum = totals.matchers;
    for (const auto& rule : sequences_) {
        const eql::SequenceStats& s = rule->matcher.stats();
        sum.started += s.started;
        sum.replaced += s.replaced;
        sum.completed += s.completed;
        sum.expired += s.expired;
        sum.until_dropped += s.until_dropped;
        sum.missing_dropped += s.missing_dropped;
        sum.evicted_first_stage += s.evicted_first_stage;
        sum.evicted_advanced += s.evicted_advanced;
        sum.keys_truncated += s.keys_truncated;
        sum.keys += s.keys;
        sum.bytes += s.bytes;
    }
    totals.buffered = arrivals_;
    totals.late = late_;
    totals.evicted_for_total = evicted_for_total_;
    totals.waiting = window_.size();
    return totals;
}

void RuleSet::mark_value(const Index& index, std::string_view value, Candidates& out) {
    // A looked-up slice is never longer than the longest key filed (see the check where keys are
    // filed), so it fits.
    std::array<char, eql::kMaxIndexKeyBytes>
        lowered;  // NOLINT(cppcoreguidelines-pro-type-member-init): written first
    auto lookup = [&](std::string_view slice) {
        const auto fold = [&index](char c) { return index.folded ? eql::ascii_lower(c) : c; };
        const std::size_t bit = signature(slice.size(), fold(slice.front()), fold(slice.back()));
        if ((index.signatures[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) return;
        if (index.folded) {
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
    // A query with a second key set stays a candidate only if that set was marked too.
    if (out.words.size() > slot_words_) {
        for (std::size_t w = 0; w < slot_words_; ++w) {
            out.words[w] &= ~needs_second_[w] | out.words[slot_words_ + w];
        }
    }
}

}  // namespace engine
