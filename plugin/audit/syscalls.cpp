#include "audit/syscalls.hpp"

#include <array>
#include <utility>

#include "audit/file_events.hpp"
#include "audit/network_events.hpp"

namespace audit {

SyscallKind syscall_kind(std::string_view name) noexcept {
    static constexpr std::array<std::pair<std::string_view, SyscallKind>, 11> kProcessCalls{{
        {"execve", SyscallKind::Exec},
        {"execveat", SyscallKind::Exec},
        {"clone", SyscallKind::Fork},
        {"clone3", SyscallKind::Fork},
        {"fork", SyscallKind::Fork},
        {"vfork", SyscallKind::Fork},
        {"exit_group", SyscallKind::Exit},
        {"kill", SyscallKind::Kill},
        {"tkill", SyscallKind::Kill},
        {"tgkill", SyscallKind::Kill},
        {"prctl", SyscallKind::Prctl},
    }};
    for (const auto& [known, kind] : kProcessCalls) {
        if (name == known) return kind;
    }
    // File and network calls each have their own table, with what the builder needs of them.
    if (is_file_syscall(name)) return SyscallKind::File;
    if (is_network_syscall(name)) return SyscallKind::Network;
    return SyscallKind::Other;
}

}  // namespace audit
