// ECS events as JSON documents (nested objects, Elasticsearch-ready) and NDJSON lines.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ecs/event.hpp"

namespace ecs {

// Every present field of the event, nested by its dotted name.
nlohmann::json to_json(const Event& event);

// One JSON document on one line. Bytes that are not valid UTF-8 are replaced by U+FFFD, so the
// line is valid JSON whatever an attacker put in a command line; control characters are escaped,
// so the document never spans lines.
std::string dump_line(const nlohmann::json& document);

}  // namespace ecs
