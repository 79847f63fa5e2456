// File events from the records of one file syscall (SYSCALL + CWD + PATH items, OPENAT2), named
// as Elastic Defend's Linux file events are: event.category ["file"], event.type and
// event.action, file.path/name/extension/directory and, for renames, file.Ext.original.*.
// Works on plain record values (no libauparse types), so tests feed it literal records.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ecs/event.hpp"

namespace audit {

// One PATH record: its name (raw: quoted, hex or (null)) and nametype, in item order.
struct PathItem {
    std::string_view name;
    std::string_view nametype;
};

// What a file event is built from; raw values as the records write them.
struct FileSyscall {
    std::string_view syscall;  // name, e.g. "openat"
    bool success = true;
    std::array<std::string_view, 4> a{};  // a0..a3, hex
    std::optional<std::string_view> cwd;  // the CWD record's cwd
    std::span<const PathItem> items;
    std::optional<std::string_view> openat2_flags;  // the OPENAT2 record's oflag (octal)
};

// The file syscalls this module turns into events.
bool is_file_syscall(std::string_view name) noexcept;

// Fills event.category/type/action and event.file. False when the syscall changed no file
// (a read-only open) or its records name none: no event.
bool build_file_event(const FileSyscall& call, ecs::Event& event);

// The parts of a path as Defend names them (file.name, .extension, .directory); exposed for
// tests. `path` is already absolute and folded, or relative when the records gave no directory.
struct PathParts {
    std::string name;
    std::optional<std::string> extension;  // after the last dot; absent without one
    std::optional<std::string> directory;
};
PathParts split_path(std::string_view path);

// NAME joined to DIRECTORY when relative (and DIRECTORY known), "." and ".." folded, trailing
// '/' dropped.
std::string resolve_path(std::string_view name, std::optional<std::string_view> directory);

}  // namespace audit
