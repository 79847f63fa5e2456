#include "app/privileges.hpp"

#include <cap-ng.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "alert/net.hpp"

namespace app {
namespace {

namespace fs = std::filesystem;
using alert::net::Fd;

// Why a stat result makes a file (or folder) unsafe to trust as root; "" when it is safe.
std::string mode_problem(const struct stat& info, bool is_parent) {
    if (info.st_uid != 0) return "owned by uid " + std::to_string(info.st_uid) + ", not root";
    // A world-writable folder with the sticky bit (/tmp) cannot have root's files renamed or
    // removed by others, so a root-owned file in it stays root's.
    if ((info.st_mode & S_IWOTH) != 0 && !(is_parent && (info.st_mode & S_ISVTX) != 0)) {
        return "writable by others";
    }
    if ((info.st_mode & S_IWGRP) != 0 && info.st_gid != 0 &&
        !(is_parent && (info.st_mode & S_ISVTX) != 0)) {
        return "writable by group " + std::to_string(info.st_gid);
    }
    return {};
}

// A POSIX access ACL (the system.posix_acl_access xattr, read without libacl: a 4-byte version
// header, then 8-byte entries {tag, perm, id}, little-endian) that lets a user or group other
// than root write. The mode bits alone do not show a named entry (setfacl -m u:alice:rw).
std::string acl_problem(int fd) {
    constexpr uint16_t kUser = 0x02;   // ACL_USER: a named user
    constexpr uint16_t kGroup = 0x08;  // ACL_GROUP: a named group
    constexpr uint16_t kWrite = 0x02;
    unsigned char acl[4 + 8 * 64];
    const ssize_t size = ::fgetxattr(fd, "system.posix_acl_access", acl, sizeof acl);
    if (size < 0) {
        if (errno == ENODATA || errno == ENOTSUP) return {};
        if (errno == ERANGE) return "has a POSIX ACL too large to check";
        return std::string("cannot read its POSIX ACL: ") + std::strerror(errno);
    }
    const auto u16 = [&](std::size_t at) {
        return static_cast<uint16_t>(acl[at] | acl[at + 1] << 8);
    };
    for (std::size_t at = 4; at + 8 <= static_cast<std::size_t>(size); at += 8) {
        const uint16_t tag = u16(at);
        const uint16_t perm = u16(at + 2);
        const auto id = static_cast<uint32_t>(acl[at + 4] | acl[at + 5] << 8 | acl[at + 6] << 16 |
                                              acl[at + 7] << 24);
        if ((tag == kUser || tag == kGroup) && (perm & kWrite) != 0 && id != 0) {
            return std::string("writable through a POSIX ACL by ") +
                   (tag == kUser ? "user " : "group ") + std::to_string(id);
        }
    }
    return {};
}

}  // namespace

PrivilegeReport drop_privileges() {
    PrivilegeReport report;
    capng_get_caps_process();
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) {
        report.kept = "none";
        return report;  // an ordinary user: nothing to give up
    }
    report.had_capabilities = true;
    const bool had_ptrace = capng_have_capability(CAPNG_PERMITTED, CAP_SYS_PTRACE) != 0;
    // Clearing the bounding set needs CAP_SETPCAP in the effective set while applying.
    const bool can_bound = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) != 0;

    capng_clear(CAPNG_SELECT_BOTH);
    if (had_ptrace) {
        capng_update(CAPNG_ADD, static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED),
                     CAP_SYS_PTRACE);
    }
    int rc = can_bound ? capng_apply(CAPNG_SELECT_BOTH) : -1;
    report.bounding_set_cleared = rc == 0;
    if (rc != 0) rc = capng_apply(CAPNG_SELECT_CAPS);
    if (rc != 0) {
        throw std::runtime_error("cannot drop capabilities (capng_apply returned " +
                                 std::to_string(rc) + ")");
    }
    // No exec we might ever do can bring privileges back (setuid files, file capabilities).
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        throw std::runtime_error(std::string("cannot set no_new_privs: ") + std::strerror(errno));
    }

    // Check what the kernel now says rather than trust what we asked for.
    capng_get_caps_process();
    if (capng_have_capability(CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) != 0 ||
        capng_have_capability(CAPNG_PERMITTED, CAP_SYS_ADMIN) != 0) {
        throw std::runtime_error("capabilities are still held after dropping them");
    }
    report.kept =
        capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_PTRACE) != 0 ? "sys_ptrace" : "none";
    return report;
}

namespace {

// Why an open with O_NOFOLLOW failed (read errno first).
std::string open_error() {
    const int error = errno;
    return std::string(std::strerror(error)) +
           (error == ELOOP ? " (it is a symbolic link now: swapped after it was resolved)" : "");
}

struct TrustedOpen {
    Fd fd;                // the checked file or folder, open for reading
    std::string problem;  // why it is not trusted; empty when fd is set
};

// Opens `path` as StrictModes trusts it, checking each step through the descriptor it opened:
// from / down, every folder is opened without following links (O_NOFOLLOW) and checked before
// the next name is looked up in it, and the file is checked on the descriptor it is read from.
// A name swapped for a link or another file between a check and the read can therefore not be
// read instead: a folder that passed the checks can only be changed by root. Links in `path`
// itself are resolved first (their targets are what gets read).
TrustedOpen open_trusted(const std::string& path) {
    std::error_code error;
    const fs::path target = fs::canonical(path, error);
    if (error) return {Fd{}, "cannot resolve: " + error.message()};

    // Problems of the folders, nearest the file first, as the caller names the nearest one.
    std::vector<std::string> folder_problems;
    const auto check_folder = [&](int fd, const fs::path& folder) {
        struct stat info {};
        std::string problem;
        if (::fstat(fd, &info) != 0) {
            problem = std::string("cannot be examined: ") + std::strerror(errno);
        } else {
            problem = mode_problem(info, true);
            if (problem.empty() && (info.st_mode & S_ISVTX) == 0) problem = acl_problem(fd);
        }
        if (!problem.empty()) {
            folder_problems.insert(folder_problems.begin(),
                                   "its folder " + folder.string() + " is " + problem);
        }
    };

    constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    Fd folder(::open("/", kFolderFlags));
    if (folder.get() < 0) return {Fd{}, std::string("cannot open /: ") + std::strerror(errno)};
    check_folder(folder.get(), "/");
    fs::path walked = "/";
    const fs::path relative = target.relative_path();
    if (relative.empty()) return {Fd{}, "not a regular file or folder"};
    auto component = relative.begin();
    for (auto next = std::next(component); next != relative.end(); component = next++) {
        walked /= *component;
        Fd child(::openat(folder.get(), component->c_str(), kFolderFlags));
        if (child.get() < 0) {
            const std::string why = open_error();
            return {Fd{}, "cannot open its folder " + walked.string() + ": " + why};
        }
        folder = std::move(child);
        check_folder(folder.get(), walked);
    }
    // O_NONBLOCK: a FIFO put in place of a file must not hang the open.
    Fd file(::openat(folder.get(), component->c_str(),
                     O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (file.get() < 0) return {Fd{}, "cannot open: " + open_error()};
    struct stat info {};
    if (::fstat(file.get(), &info) != 0) {
        return {Fd{}, std::string("cannot stat: ") + std::strerror(errno)};
    }
    if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode)) {
        return {Fd{}, "not a regular file or folder"};
    }
    if (std::string problem = mode_problem(info, false); !problem.empty()) {
        return {Fd{}, problem};
    }
    if (std::string problem = acl_problem(file.get()); !problem.empty()) {
        return {Fd{}, problem};
    }
    if (!folder_problems.empty()) return {Fd{}, folder_problems.front()};
    return {std::move(file), {}};
}

}  // namespace

std::string insecure_file_reason(const std::string& path) { return open_trusted(path).problem; }

TrustedText read_trusted_file(const std::string& path) {
    TrustedOpen opened = open_trusted(path);
    if (!opened.fd.valid()) return {{}, opened.problem};
    const int fd = opened.fd.get();
    // Opened non-blocking (above); a regular file reads the same either way.
    std::string text;
    char chunk[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return {{}, std::string("cannot read: ") + std::strerror(errno)};
        if (n == 0) break;
        text.append(chunk, static_cast<std::size_t>(n));
    }
    return {std::move(text), {}};
}

std::vector<std::string> insecure_inputs(const std::vector<std::string>& files_and_folders) {
    std::vector<std::string> problems;
    auto check = [&problems](const std::string& path) {
        if (std::string reason = insecure_file_reason(path); !reason.empty()) {
            problems.push_back(path + ": " + reason);
        }
    };
    for (const std::string& path : files_and_folders) {
        check(path);
        std::error_code error;
        if (!fs::is_directory(path, error)) continue;
        // The same files the rule loader reads: *.toml regular files (links followed).
        for (const auto& entry : fs::directory_iterator(path, error)) {
            std::error_code entry_error;
            if (entry.is_regular_file(entry_error) && entry.path().extension() == ".toml") {
                check(entry.path().string());
            }
        }
    }
    return problems;
}

}  // namespace app
