// RFC 3339 timestamps, apart from ecs/json.hpp so that the text formats and reports that print a
// date do not compile nlohmann/json (2.9 s of gcc front end per file).
#pragma once

#include <cstdint>
#include <string>

namespace ecs {

// RFC 3339 UTC with microseconds, e.g. "2026-11-22T14:56:17.123456Z".
std::string format_timestamp(int64_t microseconds_since_epoch);

}  // namespace ecs
