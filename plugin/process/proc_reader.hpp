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
    std::string root_;
};

}  // namespace process
