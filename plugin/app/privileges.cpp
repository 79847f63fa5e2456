#include "app/privileges.hpp"

#include <cap-ng.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace app {
namespace {

namespace fs = std::filesystem;

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
std::string acl_problem(const fs::path& path) {
    constexpr uint16_t kUser = 0x02;   // ACL_USER: a named user
    constexpr uint16_t kGroup = 0x08;  // ACL_GROUP: a named group
    constexpr uint16_t kWrite = 0x02;
    unsigned char acl[4 + 8 * 64];
    const ssize_t size = ::getxattr(path.c_str(), "system.posix_acl_access", acl, sizeof acl);
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
        const uint32_t id = static_cast<uint32_t>(acl[at + 4] | acl[at + 5] << 8 |
                                                  acl[at + 6] << 16 | acl[at + 7] << 24);
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

std::string insecure_file_reason(const std::string& path) {
    std::error_code error;
    const fs::path target = fs::canonical(path, error);
    if (error) return "cannot resolve: " + error.message();
    struct stat info {};
    if (::stat(target.c_str(), &info) != 0) {
        return std::string("cannot stat: ") + std::strerror(errno);
    }
    if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode)) {
        return "not a regular file or folder";
    }
    if (std::string problem = mode_problem(info, false); !problem.empty()) return problem;
    if (std::string problem = acl_problem(target); !problem.empty()) return problem;
    // Every folder up to /, as sshd's StrictModes: write access anywhere above lets a user
    // swap a folder, and with it the file.
    for (fs::path folder = target.parent_path();; folder = folder.parent_path()) {
        struct stat folder_info {};
        if (::stat(folder.c_str(), &folder_info) != 0) {
            return "cannot stat its folder " + folder.string() + ": " + std::strerror(errno);
        }
        std::string problem = mode_problem(folder_info, true);
        if (problem.empty() && (folder_info.st_mode & S_ISVTX) == 0) problem = acl_problem(folder);
        if (!problem.empty()) return "its folder " + folder.string() + " is " + problem;
        if (folder == folder.parent_path()) break;
    }
    return {};
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
