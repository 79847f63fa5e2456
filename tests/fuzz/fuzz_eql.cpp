// fuzz_eql: query text -> eql::CompiledQuery::compile(). A rejected query must throw eql::Error
// and nothing else; an accepted one is evaluated against fixed events and events made of the
// query's own string literals. Checks: matches() is deterministic, and the rule index's
// contract holds: when index_keys() names a set of keys, every event the query matches passes
// at least one of them (else the index would lose alerts).
//
// A `sequence` or `sample` goes to eql::CompiledSequence::compile() instead, and an accepted
// one runs in an eql::SequenceMatcher over the same events (timestamps 1 ms apart, then a
// flush); checked: state is released to zero bytes exactly when no key is left.
//
// Input: the query text, as is.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../common/sample_event.hpp"
#include "ecs/event.hpp"
#include "ecs/fields.hpp"
#include "eql/error.hpp"
#include "eql/query.hpp"
#include "eql/sequence.hpp"
#include "eql/sequence_matcher.hpp"
#include "fuzz_input.hpp"

namespace {

// The shared sample exec, with the few fields it leaves out that queries may name.
ecs::Event exec_event() {
    ecs::Event e = test_common::iptables_exec();
    e.sequence = 42;
    e.group.id = "0";
    e.auditd.syscall = "execve";
    e.auditd.argc = 2;
    return e;
}

ecs::Event bare_event() {
    ecs::Event e;
    e.process.args = std::vector<std::string>{};
    return e;
}

// Up to `max` double-quoted literals of the query (escapes are not undone: close enough to
// steer events towards the query's values).
std::vector<std::string> literals(std::string_view query, std::size_t max) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (out.size() < max) {
        const auto open = query.find('"', at);
        if (open == std::string_view::npos) break;
        const auto close = query.find('"', open + 1);
        if (close == std::string_view::npos) break;
        out.emplace_back(query.substr(open + 1, close - open - 1));
        at = close + 1;
    }
    return out;
}

void exercise(const eql::CompiledQuery& query, const ecs::Event& event) {
    const bool first = query.matches(event);
    fuzz::check(first == query.matches(event), "matches() is deterministic", query.text());
    auto passes = [&event](const std::vector<eql::IndexKey>& keys) {
        return std::any_of(keys.begin(), keys.end(), [&](const eql::IndexKey& k) {
            const ecs::FieldValue value = ecs::get_field(event, k.field);
            if (value.kind == ecs::FieldValue::Kind::String) return k.holds(value.text);
            if (value.kind != ecs::FieldValue::Kind::StringList) return false;
            return std::any_of(value.list.begin(), value.list.end(),
                               [&](const std::string& element) { return k.holds(element); });
        });
    };
    if (const auto keys = query.index_keys(); first && keys) {
        fuzz::check(passes(*keys), "a matched event passes one of index_keys()", query.text());
    }
    // The rule index wants one of each set for a stage: both must be required.
    if (const auto second = query.second_index_keys(); first && second) {
        fuzz::check(passes(*second), "a matched event passes one of second_index_keys()",
                    query.text());
    }
    (void)query.explain(event);
}

// The fixed events and one per literal of the query, as the single-event path builds them.
std::vector<ecs::Event> events_for(std::string_view text) {
    std::vector<ecs::Event> events{exec_event(), bare_event()};
    for (const std::string& value : literals(text, 4)) {
        ecs::Event e = exec_event();
        e.process.name = value;
        e.process.executable = "/usr/bin/" + value;
        e.process.args = std::vector<std::string>{value, value, "-F"};
        e.process.command_line = value;
        e.process.command_line->append(" ").append(value).append(" -F");
        e.parent.name = value;
        e.parent.args = std::vector<std::string>{value};
        events.push_back(std::move(e));
    }
    return events;
}

constexpr std::size_t kMaxBytes = std::size_t{64} * 1024;

void run_sequence(std::string_view text) {
    const eql::CompiledSequence sequence = eql::CompiledSequence::compile(text);
    eql::SequenceMatcher matcher(sequence, eql::SequenceLimits{16, kMaxBytes});
    std::vector<eql::CompletedSequence> out;
    int64_t at = 1'700'000'000'000'000;
    uint64_t serial = 0;
    for (int round = 0; round < 2; ++round) {
        for (ecs::Event e : events_for(text)) {
            e.timestamp_us = at += 1000;
            e.sequence = ++serial;
            uint64_t matched = 0;
            for (std::size_t q = 0; q < sequence.queries().size(); ++q) {
                if (sequence.queries()[q].matches(e)) matched |= uint64_t{1} << q;
            }
            matcher.advance(e.timestamp_us, out);
            matched = matcher.joinable(matched, e);
            if (matched != 0) matcher.on_event(eql::store_event(e), matched, out);
        }
    }
    matcher.flush(out);
    const eql::SequenceStats& stats = matcher.stats();
    fuzz::check(stats.keys <= 16 && stats.bytes <= kMaxBytes, "limits hold", text);
    fuzz::check((stats.keys == 0) == (stats.bytes == 0), "bytes are zero with no keys", text);
    for (const eql::CompletedSequence& done : out) {
        fuzz::check(!done.events.empty() && done.events.size() == done.stages.size(),
                    "a completed sequence has one event per stage", text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        if (eql::CompiledSequence::is_sequence_text(text)) {
            run_sequence(text);
            return 0;
        }
        const eql::CompiledQuery query = eql::CompiledQuery::compile(text);
        const std::string_view category = query.category();
        fuzz::check(category == "process" || category == "file" || category == "network" ||
                        category == "any",
                    "category");
        (void)query.fields();
        for (const ecs::Event& e : events_for(text)) exercise(query, e);
    } catch (const eql::Error&) {
        // A rejected query: the one documented outcome besides success.
    }
    return 0;
}
