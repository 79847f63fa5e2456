// Which PATH item a file syscall's event is about, which directory a relative name is in, and
// the Defend names of what happened. Choices (README "File events" has the table):
// creation = a CREATE item (new file, directory, link, node); deletion = a DELETE item;
// rename = CREATE (new name) + first DELETE (old name); a write/truncate open or truncate() of an
// existing file = "modification"; chmod/chown = "attributes_modified".
#include "audit/file_events.hpp"

#include <algorithm>
#include <filesystem>

#include "audit/decode.hpp"

namespace audit {
namespace {

enum class FileOp : uint8_t { Open, Creat, Rename, Delete, Create, Attributes, Truncate };

constexpr int kNone = -1;         // no such argument
constexpr int kFromOpenat2 = -2;  // openat2: flags in the OPENAT2 record

struct FileCall {
    std::string_view name;
    FileOp op;
    int flags_arg;      // which aN holds open flags
    int dirfd_arg;      // which aN holds the directory fd of the (new) name
    int old_dirfd_arg;  // renames: of the old name
};

constexpr std::array<FileCall, 23> kFileCalls{{
    {"open", FileOp::Open, 1, kNone, kNone},
    {"openat", FileOp::Open, 2, 0, kNone},
    {"openat2", FileOp::Open, kFromOpenat2, 0, kNone},
    {"creat", FileOp::Creat, kNone, kNone, kNone},
    {"rename", FileOp::Rename, kNone, kNone, kNone},
    {"renameat", FileOp::Rename, kNone, 2, 0},
    {"renameat2", FileOp::Rename, kNone, 2, 0},
    {"unlink", FileOp::Delete, kNone, kNone, kNone},
    {"unlinkat", FileOp::Delete, kNone, 0, kNone},
    {"rmdir", FileOp::Delete, kNone, kNone, kNone},
    {"link", FileOp::Create, kNone, kNone, kNone},
    {"linkat", FileOp::Create, kNone, 2, kNone},
    {"symlink", FileOp::Create, kNone, kNone, kNone},
    {"symlinkat", FileOp::Create, kNone, 1, kNone},
    {"mkdir", FileOp::Create, kNone, kNone, kNone},
    {"mkdirat", FileOp::Create, kNone, 0, kNone},
    {"mknod", FileOp::Create, kNone, kNone, kNone},
    {"mknodat", FileOp::Create, kNone, 0, kNone},
    {"chmod", FileOp::Attributes, kNone, kNone, kNone},
    {"fchmodat", FileOp::Attributes, kNone, 0, kNone},
    {"chown", FileOp::Attributes, kNone, kNone, kNone},
    {"lchown", FileOp::Attributes, kNone, kNone, kNone},
    {"fchownat", FileOp::Attributes, kNone, 0, kNone},
}};

// truncate(2) names its file too; kept apart so the table above stays about *at() fds.
constexpr FileCall kTruncate{"truncate", FileOp::Truncate, kNone, kNone, kNone};

const FileCall* find_call(std::string_view name) {
    if (name == kTruncate.name) return &kTruncate;
    const auto* it = std::find_if(kFileCalls.begin(), kFileCalls.end(),
                                  [name](const FileCall& c) { return c.name == name; });
    return it == kFileCalls.end() ? nullptr : it;
}

// O_WRONLY | O_RDWR | O_CREAT | O_TRUNC: an open that may change or make a file.
constexpr unsigned long long kWriteFlags = 01 | 02 | 0100 | 01000;

bool opens_for_writing(const FileCall& call, const FileSyscall& in) {
    if (call.op == FileOp::Creat) return true;
    unsigned long long flags = 0;
    if (call.flags_arg == kFromOpenat2) {
        // OPENAT2 writes oflag in octal; without the record, openat2 is taken as writing
        // (the shipped rules record it only then).
        if (!in.openat2_flags) return true;
        if (!parse_number(*in.openat2_flags, flags, 8)) return true;
    } else if (!parse_number(in.a[static_cast<std::size_t>(call.flags_arg)], flags, 16)) {
        return true;  // unreadable flags: let the PATH items decide
    }
    return (flags & kWriteFlags) != 0;
}

// The directory a relative name in argument slot ARG is resolved in: the CWD for plain calls
// and AT_FDCWD (-100, logged as 32-bit hex), unknown for a real directory fd (the records do
// not name it; its PARENT item shows the caller's CWD, not the fd's directory).
std::optional<std::string> directory_for(int dirfd_arg, const FileSyscall& in,
                                         const std::optional<std::string>& cwd) {
    if (dirfd_arg == kNone) return cwd;
    unsigned long long fd = 0;
    if (!parse_number(in.a[static_cast<std::size_t>(dirfd_arg)], fd, 16)) return std::nullopt;
    constexpr unsigned long long kAtFdCwd = 0xffffff9c;
    return (fd & 0xffffffffULL) == kAtFdCwd ? cwd : std::nullopt;
}

const PathItem* first_of(std::span<const PathItem> items, std::string_view nametype) {
    const auto it = std::find_if(items.begin(), items.end(),
                                 [nametype](const PathItem& p) { return p.nametype == nametype; });
    return it == items.end() ? nullptr : &*it;
}

// The item a syscall without CREATE/DELETE items acted on: its last item that is not a parent.
const PathItem* last_named(std::span<const PathItem> items) {
    const auto it = std::find_if(items.rbegin(), items.rend(),
                                 [](const PathItem& p) { return p.nametype != "PARENT"; });
    return it == items.rend() ? nullptr : &*it;
}

std::optional<std::string> resolved(const PathItem* item, const std::optional<std::string>& dir) {
    if (item == nullptr) return std::nullopt;
    const auto name = decode_value(item->name);
    if (!name || name->empty()) return std::nullopt;
    return resolve_path(*name, dir ? std::optional<std::string_view>(*dir) : std::nullopt);
}

}  // namespace

bool is_file_syscall(std::string_view name) noexcept { return find_call(name) != nullptr; }

std::string resolve_path(std::string_view name, std::optional<std::string_view> directory) {
    std::filesystem::path path(name);
    if (path.is_relative() && directory) path = std::filesystem::path(*directory) / path;
    std::string folded = path.lexically_normal().string();
    while (folded.size() > 1 && folded.back() == '/') folded.pop_back();
    return folded;
}

PathParts split_path(std::string_view path) {
    PathParts parts;
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) {
        parts.name = std::string(path);
    } else {
        parts.name = std::string(path.substr(slash + 1));
        parts.directory = std::string(slash == 0 ? path.substr(0, 1) : path.substr(0, slash));
    }
    const auto dot = parts.name.rfind('.');
    if (dot != std::string::npos && dot + 1 < parts.name.size()) {
        parts.extension = parts.name.substr(dot + 1);
    }
    return parts;
}

bool build_file_event(const FileSyscall& in, ecs::Event& e) {
    const FileCall* call = find_call(in.syscall);
    if (call == nullptr) return false;
    if ((call->op == FileOp::Open || call->op == FileOp::Creat) && !opens_for_writing(*call, in)) {
        return false;  // a read-only open: Defend has no Linux open event
    }
    std::optional<std::string> cwd;
    if (in.cwd) cwd = decode_value(*in.cwd);
    const std::optional<std::string> dir = directory_for(call->dirfd_arg, in, cwd);

    const PathItem* target = nullptr;
    const PathItem* original = nullptr;
    switch (call->op) {
        case FileOp::Open:
        case FileOp::Creat:
            target = first_of(in.items, "CREATE");
            e.action = target != nullptr ? ecs::Action::Creation : ecs::Action::Modification;
            if (target == nullptr) target = last_named(in.items);
            break;
        case FileOp::Create:
            target = first_of(in.items, "CREATE");
            if (target == nullptr) target = last_named(in.items);
            e.action = ecs::Action::Creation;
            break;
        case FileOp::Delete:
            target = first_of(in.items, "DELETE");
            if (target == nullptr) target = last_named(in.items);
            e.action = ecs::Action::Deletion;
            break;
        case FileOp::Rename:
            // Replacing a file logs the replaced one's DELETE after the old name's: the first
            // DELETE is the old name. RENAME_EXCHANGE logs neither kind: first and last names.
            target = first_of(in.items, "CREATE");
            original = first_of(in.items, "DELETE");
            if (target == nullptr || original == nullptr) {
                target = last_named(in.items);
                const auto first =
                    std::find_if(in.items.begin(), in.items.end(),
                                 [](const PathItem& p) { return p.nametype != "PARENT"; });
                original = first == in.items.end() ? nullptr : &*first;
            }
            e.action = ecs::Action::Rename;
            break;
        case FileOp::Attributes:
            target = last_named(in.items);
            e.action = ecs::Action::AttributesModified;
            break;
        case FileOp::Truncate:
            target = last_named(in.items);
            e.action = ecs::Action::Modification;
            break;
    }
    const std::optional<std::string> path = resolved(target, dir);
    if (!path) return false;
    e.category = {"file"};
    if (e.action == ecs::Action::Creation) {
        e.type = {"creation"};
    } else if (e.action == ecs::Action::Deletion) {
        e.type = {"deletion"};
    } else {
        e.type = {"change"};
    }
    PathParts parts = split_path(*path);
    e.file.path = *path;
    e.file.name = std::move(parts.name);
    e.file.extension = std::move(parts.extension);
    e.file.directory = std::move(parts.directory);
    if (call->op == FileOp::Rename) {
        const std::optional<std::string> old_dir = directory_for(call->old_dirfd_arg, in, cwd);
        if (auto old_path = resolved(original, old_dir)) {
            PathParts old_parts = split_path(*old_path);
            e.file.original_path = std::move(*old_path);
            e.file.original_name = std::move(old_parts.name);
            e.file.original_extension = std::move(old_parts.extension);
        }
    }
    return true;
}

}  // namespace audit
