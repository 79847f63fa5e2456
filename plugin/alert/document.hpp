// The JSON rendering of an alert: the ECS alert document Elastic Security would index.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "alert/alert.hpp"
#include "alert/identity.hpp"

namespace alert {

// An alert: its event's fields, event.kind "alert", the rule's rule.* and threat.* fields
// (engine/alert_document.hpp), `sequence` for sequence rules and `explain` when asked for.
// A throttle summary: @timestamp, message, event.action "alerts-suppressed", the rule's id,
// name, version, severity and risk score, the host, the user when one, and
// audisp_eql.throttle.* (see plugin/alert/ALERTS.md).
nlohmann::json document(const Alert& alert);

// audisp_eql.sequence of a sequence alert: {"key", "length", "events": [...]}.
nlohmann::json sequence_object(const SequenceMatch& match);

}  // namespace alert
