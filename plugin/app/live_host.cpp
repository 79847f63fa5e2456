#include "app/live_host.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <vector>

namespace app {

std::string this_host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

std::optional<std::string> this_machine_id(const std::string& path) {
    std::ifstream in(path);
    std::string id;
    if (!(in >> id) || id.empty()) return std::nullopt;
    return id;
}

std::optional<std::string> PasswdNames::user_name(uint32_t uid) {
    const auto cached = users_.find(uid);
    if (cached != users_.end()) return cached->second;
    std::optional<std::string> name;
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
        name = entry.pw_name;
    }
    users_.emplace(uid, name);
    return name;
}

std::optional<std::string> PasswdNames::group_name(uint32_t gid) {
    const auto cached = groups_.find(gid);
    if (cached != groups_.end()) return cached->second;
    std::optional<std::string> name;
    group entry{};
    group* found = nullptr;
    std::vector<char> buffer(16384);
    if (getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
        name = entry.gr_name;
    }
    groups_.emplace(gid, name);
    return name;
}

}  // namespace app
