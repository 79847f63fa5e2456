// Evaluates a compiled tree against one event. Query leaves (a field against constants) read
// the field directly and may be satisfied by any element of an array; everything else is
// evaluated like an Elasticsearch script, where a missing value is null and null propagates.
#pragma once

#include "ecs/event.hpp"
#include "eql/compiler.hpp"
#include "eql/value.hpp"

namespace eql {

// The value of `node` for `event`: booleans for conditions (null when a script-style
// condition cannot be decided). Allocates only for functions that build strings.
Value evaluate(const Node& node, const ecs::Event& event);

// The whole query: category check, then the condition must be true (null and false reject).
// Conditions go through a boolean fast path (no Value per and/or/not node or query leaf).
bool matches(const Program& program, const ecs::Event& event) noexcept;
// The same answer computed by evaluate() alone, without the fast path: the reference the
// conformance suite and fuzz_eval hold matches() to.
bool matches_by_value(const Program& program, const ecs::Event& event) noexcept;

// How a field reads inside a script: arrays give their first value in sorted order (as
// Elasticsearch doc values do), an empty array or a missing field is null.
Value script_value(const ecs::FieldValue& field) noexcept;

}  // namespace eql
