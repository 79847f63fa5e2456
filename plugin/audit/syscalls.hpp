// The syscalls audisp-eql makes events of, and the kind of event each makes: the one table that
// both the line filter (which records to keep) and the event builder (what to build) read.
#pragma once

#include <cstdint>
#include <string_view>

namespace audit {

enum class SyscallKind : uint8_t { Exec, Fork, Exit, Kill, Prctl, File, Network, Other };

// By libaudit's name of the syscall ("execve", "clone3", "openat", "connect", ...).
SyscallKind syscall_kind(std::string_view name) noexcept;

// exec, fork, exit and the two that change a process (kill, prctl): the process events.
constexpr bool is_process_kind(SyscallKind kind) noexcept { return kind <= SyscallKind::Prctl; }

}  // namespace audit
