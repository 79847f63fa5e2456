// Builds small process events for sequence tests and runs a sequence or sample over them the
// way the engine does (every stage query evaluated, events in the order given).
#pragma once

#include <string>
#include <vector>

#include "ecs/event.hpp"
#include "eql/sequence.hpp"
#include "eql/sequence_matcher.hpp"

namespace eql_test {

// One exec: what a stage tests (name), and the ids it joins on.
struct Step {
    int64_t ms = 0;             // @timestamp, milliseconds
    std::string name;           // process.name
    std::string entity = "e1";  // process.entity_id ("" = missing)
    std::string parent = "p1";  // process.parent.entity_id ("" = missing)
    std::vector<std::string> args = {};
    std::string category = "process";
};

inline ecs::Event step_event(const Step& s, uint64_t serial) {
    ecs::Event e;
    e.timestamp_us = 1'700'000'000'000'000 + s.ms * 1000;
    e.sequence = serial;
    e.category = {s.category};
    e.host_id = "h1";
    e.process.name = s.name;
    e.process.pid = static_cast<int64_t>(100 + serial);
    if (!s.entity.empty()) e.process.entity_id = s.entity;
    if (!s.parent.empty()) e.parent.entity_id = s.parent;
    if (!s.args.empty()) e.process.args = s.args;
    return e;
}

// Each query of the sequence evaluated on the event: the matcher's input.
inline uint64_t matched_queries(const eql::CompiledSequence& seq, const ecs::Event& e) {
    uint64_t mask = 0;
    for (std::size_t q = 0; q < seq.queries().size(); ++q) {
        if (seq.queries()[q].matches(e)) mask |= uint64_t{1} << q;
    }
    return mask;
}

struct Run {
    std::vector<eql::CompletedSequence> alerts;
    eql::SequenceStats stats;
    // process.name of each event of each alert: {"a b", ...}
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& alert : alerts) {
            std::string s;
            for (const auto& e : alert.events) s += (s.empty() ? "" : " ") + *e->event.process.name;
            out.push_back(s);
        }
        return out;
    }
};

// Feeds the steps in order (serials 1, 2, ...), then flushes as at the end of input.
inline Run run_sequence(const std::string& query, const std::vector<Step>& steps,
                        eql::SequenceLimits limits = {}) {
    const eql::CompiledSequence seq = eql::CompiledSequence::compile(query);
    eql::SequenceMatcher matcher(seq, limits);
    Run run;
    uint64_t serial = 0;
    for (const Step& s : steps) {
        const ecs::Event e = step_event(s, ++serial);
        matcher.advance(e.timestamp_us, run.alerts);
        const uint64_t mask = matched_queries(seq, e);
        if (mask != 0) matcher.on_event(eql::store_event(e), mask, run.alerts);
    }
    matcher.flush(run.alerts);
    run.stats = matcher.stats();
    return run;
}

}  // namespace eql_test
