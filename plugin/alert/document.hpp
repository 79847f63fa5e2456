// The JSON rendering of an alert: the ECS alert document Elastic Security would index.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "alert/alert.hpp"

namespace alert {

// An alert: its event's fields, event.kind "alert", the rule's rule.* and threat.* fields
// (engine/alert_document.hpp), `sequence` for sequence rules and `explain` when asked for.
// A throttle summary: @timestamp, message, event.action "alerts-suppressed", the rule's id,
// name, version, severity and risk score, the host, the user when one, and
// audisp_eql.throttle.* (see plugin/alert/ALERTS.md).
nlohmann::json document(const Alert& alert);

// audisp_eql.sequence of a sequence alert: {"key", "length", "events": [...]}.
nlohmann::json sequence_object(const SequenceMatch& match);

// The alert's id (event.id of its JSON): the same alert replayed gets the same id, so that a
// SIEM can drop re-sent copies. A name-based UUID (RFC 4122 version 5, SHA-1) of the rule id
// and, for each event (a sequence's steps in order, else the one event), its node= name, audit
// serial, audit time and action; a throttle summary's of the rule id, window start and user.
std::string alert_id(const Alert& alert);

// The alert's message: "RULE NAME: command line" (the process's command line, else its name),
// cut to kMessageBytes; a throttle summary's own message.
std::string alert_message(const Alert& alert);
inline constexpr std::size_t kMessageBytes = 200;

}  // namespace alert
