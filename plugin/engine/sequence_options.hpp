// How the engine runs sequence and sample rules: the reorder window and the bounds of their
// state. Its own header so that the configuration (app/config.hpp) names the defaults without
// the rule set.
#pragma once

#include <cstddef>
#include <cstdint>

#include "eql/sequence_matcher.hpp"

namespace engine {

struct SequenceOptions {
    // Events that match a stage wait this long in event time (the newest @timestamp seen minus
    // theirs) and are then handed to the matchers in (@timestamp, event.sequence) order.
    int64_t reorder_window_us = 1'000'000;
    eql::SequenceLimits limits;  // per rule
    // All rules together: beyond it, the rule holding the most state gives up a key (by the
    // same policy: first-stage keys first).
    std::size_t max_total_bytes = std::size_t{64} << 20;
    // Events already kept for a stage they matched also wait for their deferred stages (see
    // RuleSet) unevaluated while the window holds less than this; beyond, those stages are
    // evaluated on arrival (the same alerts, more work, less memory held).
    std::size_t max_deferred_window_bytes = std::size_t{16} << 20;
};

}  // namespace engine
