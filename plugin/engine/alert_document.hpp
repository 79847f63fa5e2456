// The ECS alert: the process event plus event.kind=alert and the rule's rule.* and threat.*
// fields, as Elastic Security's alerts name them.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecs/event.hpp"
#include "engine/rule.hpp"
#include "engine/rule_set.hpp"

namespace engine {

nlohmann::json alert_document(const ecs::Event& event, const RuleInfo& rule);

// The parts alert_document adds, for writers that stream the event (alert/json_format.cpp):
// rule.*, threat.* (null when the rule names no threat) and audisp_eql.rule.{severity,
// risk_score}.
nlohmann::json rule_object(const RuleInfo& rule);
nlohmann::json threat_object(const RuleInfo& rule);
nlohmann::json rule_extension(const RuleInfo& rule);

// A sequence or sample alert: the last event's document as above, plus audisp_eql.sequence:
//   {"key": "host.id=\"h1\", process.entity_id=\"e7\"", "length": 2,
//    "events": [{"stage": 1, "@timestamp": ..., "event": {"category", "action", "sequence"},
//                "process": {"pid", "entity_id", "name", "command_line"},
//                "file": {"path"}, "destination": {"ip"}}, ...]}
// one entry per stage in order, with only the fields the event has (file.path and
// destination.ip once the schema has them). See plugin/alert/ALERTS.md.
nlohmann::json sequence_alert_document(const SequenceAlert& alert);

// One step of a sequence as the `sequence` object lists it: the event and its stage (1-based).
struct StepRef {
    const ecs::Event* event = nullptr;
    std::size_t stage = 0;
};

// The `sequence` object above: {"key": ..., "length": N, "events": [...]}.
nlohmann::json sequence_object(std::string_view key, std::span<const StepRef> steps);

// The stages of a sequence alert, in order, as written in the rule (1-based).
std::vector<StepRef> sequence_steps(const SequenceAlert& alert);

// The step fields, by ECS name, that sequence_alert_document lists for each event.
std::span<const std::string_view> sequence_step_fields() noexcept;

// --explain for a sequence: for each event, which stage it filled and why, e.g.
//   stage 2/2 <- 2026-11-22T14:56:17.123456Z serial 812 pid 4242 curl: [network where ...]
//   followed by that stage's explain lines, indented.
std::vector<std::string> explain_sequence(const SequenceAlert& alert);

}  // namespace engine
