// Plugin-mode permission checks as sshd's StrictModes: a config or rule file is trusted only if
// it and every folder above it are root's and writable by nobody else, POSIX ACLs included.
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "app/privileges.hpp"
#include "offline_test_util.hpp"

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
