// Reads processes of the live host from /proc: the parent of an event the table never saw, and
// the whole table at start-up. Plugin mode only: an offline replay never looks at this host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "process/process_table.hpp"

namespace process {

class ProcReader final : public LiveLookup {
  public:
    explicit ProcReader(std::string proc_root = "/proc");
    std::optional<ecs::ProcessImage> read(int64_t pid) override;
    std::optional<int64_t> parent_of(int64_t pid) const;
    // Adds every process now running to the table; returns how many.
    std::size_t seed(ProcessTable& table, const std::string& host);

  private:
    // Start of a process in microseconds since the epoch (/proc/PID/stat starttime after
    // /proc/stat btime): what its entity id is derived from.
    std::optional<int64_t> start_of(const std::string& stat) const;

    std::string root_;
    std::optional<int64_t> boot_us_;
    long ticks_per_second_;
};

}  // namespace process
