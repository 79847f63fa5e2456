// process.entity_id: a stable, unique id per process instance, built as Elastic Defend builds
// its own (base64 of "<host>-<pid>-<start>"), from audit data only, so that the plugin and an
// offline replay of the same log give every process the same id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace process {

// node: the records' node= name ("" without one); start_us and serial: audit time and serial of
// the record that created the instance (its fork, else its first exec or record in the log; for
// a process read from /proc, its start time and serial 0).
std::string make_entity_id(std::string_view node, int64_t pid, int64_t start_us, uint64_t serial);

}  // namespace process
