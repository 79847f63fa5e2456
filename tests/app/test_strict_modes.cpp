// Plugin-mode permission checks as sshd's StrictModes: a config or rule file is trusted only if
// it and every folder above it are root's and writable by nobody else, POSIX ACLs included.
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "app/privileges.hpp"
#include "offline_test_util.hpp"

namespace test_strict_modes {

using namespace offline_test;

namespace {

// The binary form of a POSIX access ACL: version 2, then {tag, perm, id} entries.
std::string acl_bytes(const std::vector<std::tuple<uint16_t, uint16_t, uint32_t>>& entries) {
    std::string out;
    const auto put16 = [&](uint16_t v) {
        out += static_cast<char>(v & 0xff);
        out += static_cast<char>(v >> 8);
    };
    const auto put32 = [&](uint32_t v) {
        for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    };
    put32(2);
    for (const auto& [tag, perm, id] : entries) {
        put16(tag);
        put16(perm);
        put32(id);
    }
    return out;
}

}  // namespace

TEST_CASE("strict modes: a group-writable folder anywhere above the file is refused") {
    if (::geteuid() != 0) {
        WARN("not root: ownership checks not tested");
        return;
    }
    TempDir dir;
    const fs::path shared = dir / "shared";
    const fs::path rules = shared / "rules";
    fs::create_directories(rules);
    write_file(rules / "a.toml", "x");
    fs::permissions(dir.path(), fs::perms(0755));
    fs::permissions(rules, fs::perms(0755));
    fs::permissions(rules / "a.toml", fs::perms(0644));
    fs::permissions(shared, fs::perms(0755));
    CHECK(app::insecure_file_reason((rules / "a.toml").string()).empty());
    // Group 1000 may write two levels up: it could rename rules/ and put its own in its place.
    REQUIRE(::chown(shared.c_str(), 0, 1000) == 0);
    fs::permissions(shared, fs::perms(0775));
    CHECK(app::insecure_file_reason((rules / "a.toml").string()) ==
          "its folder " + shared.string() + " is writable by group 1000");
}

TEST_CASE("strict modes: a POSIX ACL granting write to another user is refused") {
    if (::geteuid() != 0) {
        WARN("not root: ownership checks not tested");
        return;
    }
    TempDir dir;
    fs::permissions(dir.path(), fs::perms(0755));
    const fs::path file = dir / "settings.conf";
    write_file(file, "x");
    fs::permissions(file, fs::perms(0644));
    // user::rw-, user:1000:rw-, group::r--, mask::rw-, other::r--
    const std::string acl = acl_bytes({{0x01, 6, 0xffffffff},
                                       {0x02, 6, 1000},
                                       {0x04, 4, 0xffffffff},
                                       {0x10, 6, 0xffffffff},
                                       {0x20, 4, 0xffffffff}});
    if (::setxattr(file.c_str(), "system.posix_acl_access", acl.data(), acl.size(), 0) != 0) {
        WARN("this file system takes no POSIX ACLs: not tested");
        return;
    }
    CHECK(app::insecure_file_reason(file.string()) == "writable through a POSIX ACL by user 1000");
    // Read access for others through an ACL is fine.
    const std::string read_only = acl_bytes({{0x01, 6, 0xffffffff},
                                             {0x02, 4, 1000},
                                             {0x04, 4, 0xffffffff},
                                             {0x10, 4, 0xffffffff},
                                             {0x20, 4, 0xffffffff}});
    REQUIRE(::setxattr(file.c_str(), "system.posix_acl_access", read_only.data(), read_only.size(),
                       0) == 0);
    CHECK(app::insecure_file_reason(file.string()).empty());
}

TEST_CASE("strict modes: the file read is the file checked, even while a folder is swapped") {
    if (::geteuid() != 0) {
        WARN("not root: ownership checks not tested");
        return;
    }
    // `config` flips, atomically and endlessly, between a safe folder and a link to a folder
    // anyone may write to. A check by path followed by a read by path can pass on the first
    // and read the second; checks made on the descriptors that are read cannot.
    TempDir dir;
    fs::permissions(dir.path(), fs::perms(0755));
    fs::create_directory(dir / "config");
    write_file(dir / "config" / "a.conf", "safe");
    fs::create_directory(dir / "open");
    write_file(dir / "open" / "a.conf", "planted");
    fs::permissions(dir / "open", fs::perms(0777));
    fs::create_directory_symlink(dir / "open", dir / "spare");
    CHECK(app::read_trusted_file((dir / "spare" / "a.conf").string()).problem ==
          "its folder " + (dir / "open").string() + " is writable by others");

    std::atomic<bool> stop{false};
    std::thread swapper([&] {
        const std::string from = (dir / "config").string();
        const std::string to = (dir / "spare").string();
        while (!stop) {
            ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE);
        }
    });
    std::size_t read_safe = 0;
    std::size_t refused = 0;
    std::size_t planted = 0;
    for (int i = 0; i < 20000; ++i) {
        const app::TrustedText read = app::read_trusted_file((dir / "config" / "a.conf").string());
        if (!read.problem.empty()) {
            ++refused;
        } else if (read.text == "safe") {
            ++read_safe;
        } else {
            ++planted;
        }
    }
    stop = true;
    swapper.join();
    CHECK(planted == 0);
    // Both outcomes happened, so the race was really run.
    CHECK(read_safe > 0);
    CHECK(refused > 0);
}

}  // namespace test_strict_modes
