// Auditbeat's names for the actions audisp-eql names as Elastic Defend does. Rules of both
// styles exist; a rule testing event.action against an Auditbeat name also matches the
// Defend-named event (the EQL compiler adds the Defend name to the test).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace ecs {

// Auditbeat (auditd module) action -> the event.action audisp-eql writes.
inline std::optional<std::string_view> defend_action_for(std::string_view auditbeat) noexcept {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kSynonyms{{
        {"executed", "exec"},
        {"connected-to", "connection_attempted"},
        {"accepted-connection-from", "connection_accepted"},
        {"bound-socket", "bind"},
        {"deleted", "deletion"},
        {"renamed", "rename"},
        {"changed-file-permissions-of", "attributes_modified"},
        {"changed-file-ownership-of", "attributes_modified"},
    }};
    for (const auto& [from, to] : kSynonyms) {
        if (from == auditbeat) return to;
    }
    return std::nullopt;
}

}  // namespace ecs
