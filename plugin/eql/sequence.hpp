// A compiled `sequence` or `sample` query: its stages (each an event query plus join keys),
// `runs` expanded into repeated stages, maxspan, `until` and missing events (`![...]`). It is
// immutable; the per-key state machine that runs it is eql::SequenceMatcher
// (sequence_matcher.hpp). Semantics: plugin/eql/SEMANTICS.md, "Sequences and samples".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/fields.hpp"
#include "eql/query.hpp"

namespace eql {

// One join key of a stage. `field` is FieldId::Count_ for an optional field (`?name`) that the
// schema does not have: its value is always null.
struct JoinKey {
    ecs::FieldId field = ecs::FieldId::Count_;
    bool optional = false;  // ?field: a null value joins with null instead of excluding the event
    std::string name;       // as written, for alerts and explain
};

struct SequenceStage {
    std::size_t query = 0;      // index into CompiledSequence::queries()
    std::vector<JoinKey> keys;  // the `sequence by` keys, then the stage's own
    bool missing = false;       // ![...]: no such event may come between its neighbours
    std::size_t written = 0;    // the stage as written (runs=N makes N stages of one), from 0
};

// Stages as written, at most this many: each, and the until query, has a bit in a 64-bit mask.
inline constexpr std::size_t kMaxWrittenStages = 63;

class CompiledSequence {
  public:
    // Throws eql::Error (line and column) as CompiledQuery::compile does; a query that is not
    // a sequence or sample is an error too. Fields the schema lacks are reported all at once:
    // "unsupported: needs fields audisp-eql does not have (yet): file.path, destination.ip".
    static CompiledSequence compile(std::string_view text);

    // True when the text starts (after comments and blanks) with `sequence` or `sample`.
    static bool is_sequence_text(std::string_view text);

    bool is_sample() const noexcept { return sample_; }
    std::optional<int64_t> maxspan_us() const noexcept { return maxspan_us_; }
    // Distinct event queries, one per stage as written (the until query last).
    const std::vector<CompiledQuery>& queries() const noexcept { return queries_; }
    // Stages in order, runs expanded, missing events included.
    const std::vector<SequenceStage>& stages() const noexcept { return stages_; }
    const std::optional<SequenceStage>& until() const noexcept { return until_; }
    std::string_view text() const noexcept { return text_; }
    // The fields the stages read, each once, in FieldId order.
    std::vector<ecs::FieldId> fields() const;

  private:
    std::string text_;
    bool sample_ = false;
    std::optional<int64_t> maxspan_us_;
    std::vector<CompiledQuery> queries_;
    std::vector<SequenceStage> stages_;
    std::optional<SequenceStage> until_;
};

}  // namespace eql
