// An alert's id and message, apart from alert/document.hpp so that a format that prints them
// without the document (CEF) does not compile nlohmann/json. Defined in document.cpp, beside the
// document that carries them as event.id and message.
#pragma once

#include <cstddef>
#include <string>

#include "alert/alert.hpp"

namespace alert {

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
