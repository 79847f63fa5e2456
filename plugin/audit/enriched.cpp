#include "audit/enriched.hpp"

#include <algorithm>
#include <utility>

namespace audit {

namespace {

std::optional<EnrichedKey> enriched_key(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, EnrichedKey>, 9> kKeys = {
        {{"ARCH", EnrichedKey::Arch},
         {"SYSCALL", EnrichedKey::Syscall},
         {"AUID", EnrichedKey::Auid},
         {"UID", EnrichedKey::Uid},
         {"GID", EnrichedKey::Gid},
         {"EUID", EnrichedKey::Euid},
         {"SUID", EnrichedKey::Suid},
         {"EGID", EnrichedKey::Egid},
         {"SGID", EnrichedKey::Sgid}}};
    for (const auto& [text, key] : kKeys) {
        if (name == text) return key;
    }
    return std::nullopt;
}

}  // namespace

void EnrichedSyscall::assign(std::string_view tail) {
    tail_.assign(tail);
    known_ = {};
    // KEY=value or KEY="value", separated by spaces; values never contain spaces unquoted.
    const std::string_view all = tail_;
    std::size_t at = 0;
    while (at < all.size()) {
        while (at < all.size() && all[at] == ' ') ++at;
        const auto equals = all.find('=', at);
        if (equals == std::string_view::npos) break;
        const std::string_view name = all.substr(at, equals - at);
        at = equals + 1;
        std::size_t value_at = at;
        std::size_t value_size = 0;
        if (at < all.size() && all[at] == '"') {
            const auto close = all.find('"', at + 1);
            if (close == std::string_view::npos) break;
            value_at = at + 1;
            value_size = close - at - 1;
            at = close + 1;
        } else {
            const auto space = std::min(all.find(' ', at), all.size());
            value_size = space - at;
            at = space;
        }
        if (const auto key = enriched_key(name)) {
            Span& slot = known_[static_cast<std::size_t>(*key)];
            if (!slot.present) {
                slot = {static_cast<uint32_t>(value_at), static_cast<uint32_t>(value_size), true};
            }
        }
    }
}

std::optional<std::string_view> EnrichedSyscall::find(EnrichedKey key) const {
    const Span& slot = known_[static_cast<std::size_t>(key)];
    if (!slot.present) return std::nullopt;
    return std::string_view(tail_).substr(slot.offset, slot.size);
}

}  // namespace audit
