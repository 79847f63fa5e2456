#include "audit/enriched.hpp"

#include <algorithm>
#include <utility>

namespace audit {

EnrichedSplit split_enriched(std::string_view body, bool syscall_record) {
    if (const auto separator = body.find('\x1d'); separator != std::string_view::npos) {
        return {body.substr(0, separator), body.substr(separator + 1)};
    }
    if (!syscall_record) return {body, {}};
    const auto key = body.rfind(" key=");
    if (key == std::string_view::npos) return {body, {}};
    const auto arch = body.find("ARCH=", key);
    if (arch == std::string_view::npos) return {body, {}};
    constexpr std::string_view kEscaped = "#035";
    const std::string_view before = body.substr(0, arch);
    if (before.ends_with(kEscaped)) {
        return {before.substr(0, before.size() - kEscaped.size()), body.substr(arch)};
    }
    return {before, body.substr(arch)};
}

namespace {

// By length first: every key of every ENRICHED SYSCALL tail passes through here.
std::optional<EnrichedKey> enriched_key(std::string_view name) {
    switch (name.size()) {
        case 3:
            if (name == "UID") return EnrichedKey::Uid;
            if (name == "GID") return EnrichedKey::Gid;
            break;
        case 4:
            if (name == "ARCH") return EnrichedKey::Arch;
            if (name == "AUID") return EnrichedKey::Auid;
            if (name == "EUID") return EnrichedKey::Euid;
            if (name == "SUID") return EnrichedKey::Suid;
            if (name == "EGID") return EnrichedKey::Egid;
            if (name == "SGID") return EnrichedKey::Sgid;
            break;
        case 7:
            if (name == "SYSCALL") return EnrichedKey::Syscall;
            break;
        default:
            break;
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
