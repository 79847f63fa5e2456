// What plugin mode asks of the live host: its name and its user database (cached).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "audit/event_builder.hpp"

namespace app {

std::string this_host_name();
// /etc/machine-id (host.id, as Elastic Agent reports it), else nullopt.
std::optional<std::string> this_machine_id(const std::string& path = "/etc/machine-id");

// Names from getpwuid_r/getgrgid_r, each id looked up once (misses are cached too).
class PasswdNames final : public audit::NameResolver {
  public:
    std::optional<std::string> user_name(uint32_t uid) override;
    std::optional<std::string> group_name(uint32_t gid) override;

  private:
    std::unordered_map<uint32_t, std::optional<std::string>> users_;
    std::unordered_map<uint32_t, std::optional<std::string>> groups_;
};

}  // namespace app
