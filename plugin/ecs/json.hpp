// ECS events as JSON documents (nested objects, Elasticsearch-ready) and NDJSON lines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ecs/event.hpp"

namespace ecs {

// RFC 3339 UTC with microseconds, e.g. "2026-11-22T14:56:17.123456Z".
std::string format_timestamp(int64_t microseconds_since_epoch);

// Every present field of the event, nested by its dotted name.
nlohmann::json to_json(const Event& event);

// One JSON document on one line. Bytes that are not valid UTF-8 are replaced by U+FFFD, so the
// line is valid JSON whatever an attacker put in a command line; control characters are escaped,
// so the document never spans lines.
std::string dump_line(const nlohmann::json& document);

}  // namespace ecs
