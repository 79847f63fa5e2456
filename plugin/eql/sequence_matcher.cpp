// SequenceMatcher: see sequence_matcher.hpp and plugin/eql/SEMANTICS.md ("Sequences").
#include "eql/sequence_matcher.hpp"

#include <algorithm>
#include <climits>
#include <utility>

#include "ecs/decimal.hpp"

namespace eql {
namespace {

// A multi-valued key joins on each of its values; beyond this many combinations per event the
// rest are ignored (and counted), so a hostile argument list cannot multiply the work.
constexpr std::size_t kMaxKeyCombinations = 64;

std::size_t text_bytes(const std::optional<std::string>& s) { return s ? s->size() : 0; }
std::size_t list_bytes(const std::optional<std::vector<std::string>>& list) {
    std::size_t n = 0;
    if (list) {
        for (const std::string& s : *list) n += s.size() + sizeof(std::string);
    }
    return n;
}
std::size_t image_bytes(const ecs::ProcessImage& p) {
    return text_bytes(p.entity_id) + text_bytes(p.name) + text_bytes(p.executable) +
           list_bytes(p.args) + text_bytes(p.command_line) + text_bytes(p.working_directory) +
           text_bytes(p.title);
}

// One component of an encoded key: a type tag, the length, the bytes. Typed, so that the
// number 1 and the text "1" do not join.
void append_component(std::string& key, char tag, std::string_view value) {
    key.push_back(tag);
    key += ecs::DecimalText(value.size()).view();
    key.push_back(':');
    key += value;
}

bool bit(uint64_t mask, std::size_t i) { return (mask >> i) & 1U; }

}  // namespace

namespace {

EventRef counted(std::shared_ptr<StoredEvent> stored) {
    const ecs::Event& e = stored->event;
    stored->bytes = sizeof(StoredEvent) + image_bytes(e.process) + image_bytes(e.parent) +
                    list_bytes(e.category) + list_bytes(e.type) + text_bytes(e.host_name) +
                    text_bytes(e.host_id) + 256;  // ids, names: a bound
    return stored;
}

}  // namespace

EventRef store_event(const ecs::Event& event) {
    return counted(std::make_shared<StoredEvent>(event, std::size_t{0}));
}

EventRef store_event(ecs::Event&& event) {
    return counted(std::make_shared<StoredEvent>(std::move(event), std::size_t{0}));
}

SequenceMatcher::SequenceMatcher(const CompiledSequence& sequence, SequenceLimits limits)
    : sequence_(sequence), limits_(limits) {
    const auto& stages = sequence_.stages();
    for (std::size_t i = 0; i < stages.size(); ++i) {
        if (!stages[i].missing) positive_.push_back(i);
    }
    gap_missing_.assign(positive_.size(), 0);
    required_keys_.resize(sequence_.queries().size());
    auto require = [this](const SequenceStage& stage) {
        std::vector<ecs::FieldId>& fields = required_keys_[stage.query];
        fields.clear();
        for (const JoinKey& key : stage.keys) {
            if (!key.optional && key.field != ecs::FieldId::Count_) fields.push_back(key.field);
        }
    };
    for (const SequenceStage& stage : stages) require(stage);
    if (sequence_.until()) require(*sequence_.until());
    pending_keys_.assign(positive_.size(), 0);
    takes_from_.resize(sequence_.queries().size());
    if (!sequence_.is_sample()) {
        // Deferrable: the queries of positive stages after the first, unless the same query
        // also serves the first stage (runs=N repeats one query), until or a missing event.
        for (std::size_t pi = 1; pi < positive_.size(); ++pi) {
            const std::size_t q = stages[positive_[pi]].query;
            deferrable_ |= uint64_t{1} << q;
            takes_from_[q].push_back(pi - 1);
        }
        deferrable_ &= ~(uint64_t{1} << stages[positive_.front()].query);
        for (const SequenceStage& stage : stages) {
            if (stage.missing) deferrable_ &= ~(uint64_t{1} << stage.query);
        }
        if (sequence_.until()) deferrable_ &= ~(uint64_t{1} << sequence_.until()->query);
    }
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const uint64_t query_bit = uint64_t{1} << stages[i].query;
        if (!stages[i].missing) {
            stage_queries_ |= query_bit;
            continue;
        }
        // Which positive stage comes before this missing one.
        const auto before =
            std::count_if(positive_.begin(), positive_.end(), [i](std::size_t p) { return p < i; });
        if (before == 0) {
            leading_missing_ |= query_bit;
        } else if (static_cast<std::size_t>(before) == positive_.size()) {
            trailing_missing_ |= query_bit;
        } else {
            gap_missing_[static_cast<std::size_t>(before) - 1] |= query_bit;
        }
    }
}

uint64_t SequenceMatcher::joinable(uint64_t matched, const ecs::Event& event) const noexcept {
    for (uint64_t bits = matched; bits != 0; bits &= bits - 1) {
        const auto q = static_cast<std::size_t>(__builtin_ctzll(bits));
        for (const ecs::FieldId field : required_keys_[q]) {
            const ecs::FieldValue value = ecs::get_field(event, field);
            if (value.missing() ||
                (value.kind == ecs::FieldValue::Kind::StringList && value.list.empty())) {
                matched &= ~(uint64_t{1} << q);
                break;
            }
        }
    }
    return matched;
}

uint64_t SequenceMatcher::takers(uint64_t queries) const noexcept {
    uint64_t out = 0;
    for (uint64_t bits = queries & deferrable_; bits != 0; bits &= bits - 1) {
        const auto q = static_cast<std::size_t>(__builtin_ctzll(bits));
        for (const std::size_t before : takes_from_[q]) {
            if (pending_keys_[before] != 0) {
                out |= uint64_t{1} << q;
                break;
            }
        }
    }
    return out;
}

bool SequenceMatcher::pending_counts_consistent() const {
    std::vector<std::size_t> counted(positive_.size(), 0);
    for (const auto& [key, st] : keys_) {
        for (std::size_t i = 0; i < st.pending.size(); ++i) counted[i] += st.pending[i] ? 1 : 0;
    }
    return counted == pending_keys_;
}

void SequenceMatcher::set_pending(KeyState& st, std::size_t i, Partial&& partial) {
    if (st.pending[i]) {
        ++stats_.replaced;
    } else {
        ++pending_keys_[i];
    }
    st.pending[i] = std::move(partial);
}

void SequenceMatcher::clear_pending(KeyState& st, std::size_t i) {
    if (!st.pending[i]) return;
    st.pending[i].reset();
    --pending_keys_[i];
}

std::vector<std::string> SequenceMatcher::keys_of(const SequenceStage& stage,
                                                  const ecs::Event& event) {
    // Most keys are single values (ids, names): one encoded key, built in place.
    std::string single;
    bool scalar = true;
    for (const JoinKey& join : stage.keys) {
        const ecs::FieldValue value = join.field == ecs::FieldId::Count_
                                          ? ecs::FieldValue{}
                                          : ecs::get_field(event, join.field);
        switch (value.kind) {
            case ecs::FieldValue::Kind::String:
                append_component(single, 's', value.text);
                continue;
            case ecs::FieldValue::Kind::Integer:
                append_component(single, 'i', ecs::DecimalText(value.integer).view());
                continue;
            case ecs::FieldValue::Kind::Boolean:
                append_component(single, 'b', value.boolean ? "true" : "false");
                continue;
            case ecs::FieldValue::Kind::Missing:
                if (!join.optional) return {};  // a null key takes no part
                append_component(single, 'n', "");
                continue;
            case ecs::FieldValue::Kind::StringList:
                scalar = false;
                break;
        }
        break;
    }
    if (scalar) return {std::move(single)};

    std::vector<std::string> keys{std::string()};
    for (const JoinKey& join : stage.keys) {
        const ecs::FieldValue value = join.field == ecs::FieldId::Count_
                                          ? ecs::FieldValue{}
                                          : ecs::get_field(event, join.field);
        std::vector<std::string> next;
        auto extend = [&](char tag, std::string_view text) {
            for (const std::string& prefix : keys) {
                if (next.size() == kMaxKeyCombinations) return false;
                std::string key = prefix;
                append_component(key, tag, text);
                next.push_back(std::move(key));
            }
            return true;
        };
        bool complete = true;
        switch (value.kind) {
            case ecs::FieldValue::Kind::String:
                complete = extend('s', value.text);
                break;
            case ecs::FieldValue::Kind::Integer:
                complete = extend('i', ecs::DecimalText(value.integer).view());
                break;
            case ecs::FieldValue::Kind::Boolean:
                complete = extend('b', value.boolean ? "true" : "false");
                break;
            case ecs::FieldValue::Kind::StringList:
                for (const std::string& element : value.list) {
                    if (!(complete = extend('s', element))) break;
                }
                if (value.list.empty()) {
                    if (!join.optional) return {};
                    complete = extend('n', "");
                }
                break;
            case ecs::FieldValue::Kind::Missing:
                if (!join.optional) return {};  // a null key takes no part
                complete = extend('n', "");
                break;
        }
        if (!complete) ++stats_.keys_truncated;
        keys = std::move(next);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

SequenceMatcher::KeyState* SequenceMatcher::find(const std::string& key) {
    const auto it = keys_.find(key);
    return it == keys_.end() ? nullptr : &it->second;
}

SequenceMatcher::KeyState& SequenceMatcher::state(const std::string& key) {
    auto [it, created] = keys_.try_emplace(key);
    KeyState& st = it->second;
    if (created) {
        st.key = &it->first;
        st.pending.resize(positive_.size());
        if (sequence_.is_sample()) {
            st.slots.resize(sequence_.stages().size());
            st.slot_stages.resize(sequence_.stages().size());
        }
        first_stage_lru_.push_back(&st);
        st.lru = std::prev(first_stage_lru_.end());
        st.bytes = sizeof(KeyState) + key.size();
        stats_.bytes += st.bytes;
        stats_.keys = keys_.size();
    }
    return st;
}

// Recounts a key's bytes and moves it to the recent end of the list its progress puts it on.
void SequenceMatcher::touch(KeyState& st) {
    std::size_t bytes = sizeof(KeyState) + st.key->size();
    bool advanced = !st.held.empty();
    auto count = [&bytes](const Partial& p) {
        bytes += sizeof(Partial) + p.stages.size() * sizeof(std::size_t);
        for (const EventRef& e : p.events) bytes += sizeof(EventRef) + e->bytes;
    };
    for (std::size_t i = 0; i < st.pending.size(); ++i) {
        if (!st.pending[i]) continue;
        count(*st.pending[i]);
        if (i > 0) advanced = true;
    }
    for (const Held& h : st.held) count(h.partial);
    std::size_t filled = 0;
    for (const EventRef& e : st.slots) {
        if (e) {
            bytes += e->bytes;
            ++filled;
        }
    }
    bytes += st.slots.size() * (sizeof(EventRef) + sizeof(uint64_t));
    if (filled > 1) advanced = true;
    stats_.bytes = stats_.bytes - st.bytes + bytes;
    st.bytes = bytes;
    auto& from = st.advanced ? advanced_lru_ : first_stage_lru_;
    auto& to = advanced ? advanced_lru_ : first_stage_lru_;
    to.splice(to.end(), from, st.lru);
    st.advanced = advanced;
}

void SequenceMatcher::drop(KeyState& st) {
    for (std::size_t i = 0; i < st.pending.size(); ++i) clear_pending(st, i);
    (st.advanced ? advanced_lru_ : first_stage_lru_).erase(st.lru);
    held_count_ -= st.held.size();
    stats_.bytes -= st.bytes;
    const std::string key = *st.key;
    keys_.erase(key);
    stats_.keys = keys_.size();
}

bool SequenceMatcher::evict_one() {
    if (keys_.empty()) return false;
    const bool first_stage = !first_stage_lru_.empty();
    KeyState* victim = first_stage ? first_stage_lru_.front() : advanced_lru_.front();
    ++(first_stage ? stats_.evicted_first_stage : stats_.evicted_advanced);
    drop(*victim);
    return true;
}

void SequenceMatcher::enforce_limits() {
    while (keys_.size() > limits_.max_keys || stats_.bytes > limits_.max_bytes) {
        if (!evict_one()) break;
    }
}

void SequenceMatcher::emit(const KeyState& st, Partial partial,
                           std::vector<CompletedSequence>& out) {
    ++stats_.completed;
    CompletedSequence done;
    done.events = std::move(partial.events);
    done.stages = std::move(partial.stages);
    // The key as the first stage names it: "name=value, ..." in the order written.
    const SequenceStage& first = sequence_.stages()[done.stages.front()];
    std::string_view encoded = *st.key;
    for (std::size_t i = 0; i < first.keys.size() && !encoded.empty(); ++i) {
        const char tag = encoded.front();
        const std::size_t colon = encoded.find(':');
        const std::size_t length = std::stoul(std::string(encoded.substr(1, colon - 1)));
        const std::string_view value = encoded.substr(colon + 1, length);
        encoded.remove_prefix(colon + 1 + length);
        if (i > 0) done.key += ", ";
        done.key += first.keys[i].name + "=";
        if (tag == 's') {
            done.key += "\"" + std::string(value) + "\"";
        } else if (tag == 'n') {
            done.key += "null";
        } else {
            done.key += value;
        }
    }
    out.push_back(std::move(done));
}

void SequenceMatcher::complete(KeyState& st, Partial partial, std::vector<CompletedSequence>& out) {
    const std::optional<int64_t> maxspan = sequence_.maxspan_us();
    const bool leading = leading_missing_ != 0 && maxspan;
    const bool trailing = trailing_missing_ != 0 && maxspan;
    // Leading only: dropped for a leading event within maxspan of the last event.
    if (leading && !trailing && partial.leading_missing &&
        partial.leading_missing->timestamp_us >= partial.last.timestamp_us - *maxspan) {
        ++stats_.missing_dropped;
        return;
    }
    if (trailing) {
        // Trailing only: a trailing event within maxspan of the first event drops it. Both
        // ends (Elasticsearch's rule): only a trailing event within maxspan of the leading
        // one does, so without a leading event there is nothing to wait for.
        if (leading && !partial.leading_missing) {
            emit(st, std::move(partial), out);
            return;
        }
        const int64_t deadline =
            (leading ? partial.leading_missing->timestamp_us : partial.start_us) + *maxspan;
        st.held.push_back({std::move(partial), deadline});
        ++held_count_;
        next_deadline_us_ = std::min(next_deadline_us_, deadline);
        return;
    }
    emit(st, std::move(partial), out);
}

void SequenceMatcher::on_event(const EventRef& event, uint64_t matched,
                               std::vector<CompletedSequence>& out) {
    if (sequence_.is_sample()) {
        on_sample_event(event, matched, out);
    } else {
        on_sequence_event(event, matched, out);
    }
    enforce_limits();
}

void SequenceMatcher::on_sequence_event(const EventRef& event, uint64_t matched,
                                        std::vector<CompletedSequence>& out) {
    const ecs::Event& e = event->event;
    const Ordinal now{e.timestamp_us, e.sequence};
    const auto& stages = sequence_.stages();

    // Missing events, before the stages: the same event cannot be both.
    if ((matched & (leading_missing_ | trailing_missing_)) != 0 ||
        std::any_of(gap_missing_.begin(), gap_missing_.end(),
                    [matched](uint64_t gap) { return (matched & gap) != 0; })) {
        for (const SequenceStage& stage : stages) {
            if (!stage.missing || !bit(matched, stage.query)) continue;
            const uint64_t query_bit = uint64_t{1} << stage.query;
            for (const std::string& key : keys_of(stage, e)) {
                if ((leading_missing_ & query_bit) != 0) {
                    KeyState& st = state(key);
                    st.leading_missing = now;
                    touch(st);
                }
                KeyState* st = find(key);
                if (st == nullptr) continue;
                for (std::size_t i = 0; i < gap_missing_.size(); ++i) {
                    if ((gap_missing_[i] & query_bit) != 0 && st->pending[i] &&
                        st->pending[i]->last < now) {
                        clear_pending(*st, i);
                        ++stats_.missing_dropped;
                    }
                }
                if ((trailing_missing_ & query_bit) != 0) {
                    const auto before = st->held.size();
                    std::erase_if(st->held, [&](const Held& h) {
                        return h.partial.last < now && now.timestamp_us <= h.deadline_us;
                    });
                    stats_.missing_dropped += before - st->held.size();
                    held_count_ -= before - st->held.size();
                }
                touch(*st);
            }
        }
    }

    if ((matched & stage_queries_) != 0) on_stage_event(event, matched, out);

    // until after the stages, inclusive of the until event itself (Elasticsearch's
    // Ordinal.between): an event that is both the until and a stage advances or completes a
    // sequence as a stage, but what it started or advanced can never move on.
    if (const auto& until = sequence_.until(); until && bit(matched, until->query)) {
        for (const std::string& key : keys_of(*until, e)) {
            KeyState* st = find(key);
            if (st == nullptr) continue;
            for (std::size_t i = 0; i < st->pending.size(); ++i) {
                if (st->pending[i] && st->pending[i]->last <= now) {
                    clear_pending(*st, i);
                    ++stats_.until_dropped;
                }
            }
            touch(*st);
        }
    }
}

void SequenceMatcher::on_stage_event(const EventRef& event, uint64_t matched,
                                     std::vector<CompletedSequence>& out) {
    const ecs::Event& e = event->event;
    const Ordinal now{e.timestamp_us, e.sequence};
    const auto& stages = sequence_.stages();
    const std::optional<int64_t> maxspan = sequence_.maxspan_us();
    // Last stage first, so that one event advances each pending sequence by one stage at most
    // and never fills two stages of one sequence.
    for (std::size_t pi = positive_.size(); pi-- > 0;) {
        const std::size_t s = positive_[pi];
        if (!bit(matched, stages[s].query)) continue;
        if (pi > 0 && pending_keys_[pi - 1] == 0) continue;  // no sequence to move on
        for (const std::string& key : keys_of(stages[s], e)) {
            if (pi == 0) {
                KeyState& st = state(key);
                Partial p;
                p.start_us = e.timestamp_us;
                p.last = now;
                p.leading_missing = st.leading_missing;
                if (p.leading_missing && !(*p.leading_missing < now)) p.leading_missing.reset();
                p.events.push_back(event);
                p.stages.push_back(s);
                ++stats_.started;
                if (positive_.size() == 1) {
                    complete(st, std::move(p), out);
                } else {
                    set_pending(st, 0, std::move(p));
                }
                touch(st);
                continue;
            }
            KeyState* st = find(key);
            if (st == nullptr || !st->pending[pi - 1] || !(st->pending[pi - 1]->last < now)) {
                continue;
            }
            Partial p = std::move(*st->pending[pi - 1]);
            clear_pending(*st, pi - 1);
            if (maxspan && e.timestamp_us - p.start_us > *maxspan) {
                ++stats_.expired;
                touch(*st);
                continue;
            }
            p.last = now;
            p.events.push_back(event);
            p.stages.push_back(s);
            if (pi + 1 == positive_.size()) {
                complete(*st, std::move(p), out);
            } else {
                set_pending(*st, pi, std::move(p));
            }
            touch(*st);
        }
    }
}

void SequenceMatcher::on_sample_event(const EventRef& event, uint64_t matched,
                                      std::vector<CompletedSequence>& out) {
    const ecs::Event& e = event->event;
    const auto& stages = sequence_.stages();
    // Each key this event has, with the filters it matches under that key.
    std::vector<std::pair<std::string, uint64_t>> candidates;
    for (std::size_t s = 0; s < stages.size(); ++s) {
        if (!bit(matched, stages[s].query)) continue;
        for (std::string& key : keys_of(stages[s], e)) {
            auto it = std::find_if(candidates.begin(), candidates.end(),
                                   [&](const auto& c) { return c.first == key; });
            if (it == candidates.end()) {
                candidates.emplace_back(std::move(key), uint64_t{1} << s);
            } else {
                it->second |= uint64_t{1} << s;
            }
        }
    }
    for (const auto& [key, filters] : candidates) {
        KeyState& st = state(key);
        if (st.sample_done) {
            touch(st);
            continue;
        }
        // Place the event in a free slot it matches, moving earlier events to other slots
        // they match when that frees one (augmenting paths), so that the events are distinct.
        std::vector<bool> visited(stages.size(), false);
        auto place = [&](auto& self, const EventRef& ev, uint64_t mask) -> bool {
            for (std::size_t s = 0; s < stages.size(); ++s) {
                if (!bit(mask, s) || visited[s]) continue;
                visited[s] = true;
                if (!st.slots[s] || self(self, st.slots[s], st.slot_stages[s])) {
                    st.slots[s] = ev;
                    st.slot_stages[s] = mask;
                    return true;
                }
            }
            return false;
        };
        place(place, event, filters);
        if (std::all_of(st.slots.begin(), st.slots.end(), [](const EventRef& r) { return r; })) {
            Partial p;
            for (std::size_t s = 0; s < stages.size(); ++s) {
                p.events.push_back(std::move(st.slots[s]));
                p.stages.push_back(s);
                st.slots[s].reset();
            }
            st.sample_done = true;  // one alert per key
            emit(st, std::move(p), out);
        }
        touch(st);
    }
}

void SequenceMatcher::advance(int64_t now_us, std::vector<CompletedSequence>& out) {
    const std::optional<int64_t> maxspan = sequence_.maxspan_us();
    const bool release = held_count_ > 0 && now_us > next_deadline_us_;
    const bool sweep = maxspan && !sequence_.is_sample() &&
                       (last_sweep_us_ == INT64_MIN || now_us - last_sweep_us_ >= *maxspan);
    if (!release && !sweep) return;
    if (sweep) last_sweep_us_ = now_us;
    next_deadline_us_ = INT64_MAX;
    std::vector<KeyState*> empty;
    for (auto& [key, st] : keys_) {
        if (release) {
            auto it = st.held.begin();
            while (it != st.held.end()) {
                if (it->deadline_us < now_us) {
                    Partial p = std::move(it->partial);
                    it = st.held.erase(it);
                    --held_count_;
                    emit(st, std::move(p), out);
                } else {
                    next_deadline_us_ = std::min(next_deadline_us_, it->deadline_us);
                    ++it;
                }
            }
        } else {
            for (const Held& h : st.held) {
                next_deadline_us_ = std::min(next_deadline_us_, h.deadline_us);
            }
        }
        if (sweep) {
            for (std::size_t i = 0; i < st.pending.size(); ++i) {
                if (st.pending[i] && now_us - st.pending[i]->start_us > *maxspan) {
                    clear_pending(st, i);
                    ++stats_.expired;
                }
            }
            if (st.leading_missing && now_us - st.leading_missing->timestamp_us > *maxspan) {
                st.leading_missing.reset();
            }
        }
        const bool idle = st.held.empty() && !st.leading_missing &&
                          std::none_of(st.pending.begin(), st.pending.end(),
                                       [](const auto& p) { return p.has_value(); });
        if (idle) {
            empty.push_back(&st);
        } else {
            touch(st);
        }
    }
    for (KeyState* st : empty) drop(*st);
}

void SequenceMatcher::flush(std::vector<CompletedSequence>& out) {
    if (held_count_ == 0) return;
    for (auto& [key, st] : keys_) {
        for (Held& h : st.held) emit(st, std::move(h.partial), out);
        held_count_ -= st.held.size();
        st.held.clear();
        touch(st);
    }
    next_deadline_us_ = INT64_MAX;
}

}  // namespace eql
