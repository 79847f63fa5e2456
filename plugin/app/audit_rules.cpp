#include "app/audit_rules.hpp"

#include <algorithm>
#include <sstream>

#include "ecs/fields.hpp"

namespace app {
namespace {

namespace fs = std::filesystem;

bool uses_field_in(const eql::CompiledQuery& query, ecs::FieldId first, ecs::FieldId last) {
    const auto fields = query.fields();
    return std::any_of(fields.begin(), fields.end(), [&](ecs::FieldId f) {
        return static_cast<int>(f) >= static_cast<int>(first) &&
               static_cast<int>(f) <= static_cast<int>(last);
    });
}

// The path to watch for one file.path test: the path itself for an exact value, the folder of a
// literal prefix ("/etc/cron.d/" -> /etc/cron.d; "/etc/sudoers" -> /etc, watched recursively).
// Empty when no folder narrower than "/" is fixed (a suffix, "/*GCONV*").
std::string watch_path(const eql::IndexKey& key) {
    if (key.match == eql::KeyMatch::Suffix || key.key.empty() || key.key.front() != '/') return {};
    if (key.match == eql::KeyMatch::Exact) return key.key;
    const auto slash = key.key.rfind('/');
    return slash == 0 ? std::string() : key.key.substr(0, slash);
}

// Whether auditctl takes the watch: a folder must exist, and so must a file's folder.
bool watchable(const fs::path& on_host, bool exact) {
    std::error_code error;
    if (fs::is_directory(on_host, error)) return true;
    return exact && fs::is_directory(on_host.parent_path(), error);
}

void comment_rules(std::ostringstream& out, const std::set<std::string>& names) {
    for (const std::string& name : names) out << "##   " << name << '\n';
}

}  // namespace

const std::vector<std::string>& file_syscall_rule_lines() {
    // Long rule lines continue in a second literal on the next line.
    // NOLINTBEGIN(bugprone-suspicious-missing-comma)
    static const std::vector<std::string> kLines = {
        "-a always,exit -F arch=b64 -S open -F a1&0x243 -k audisp-eql-file",
        "-a always,exit -F arch=b64 -S openat -F a2&0x243 -k audisp-eql-file",
        "-a always,exit -F arch=b64 -S openat2,creat -k audisp-eql-file",
        "-a always,exit -F arch=b64 -S rename,renameat,renameat2,unlink,unlinkat,rmdir -k "
        "audisp-eql-file",
        "-a always,exit -F arch=b64 -S link,linkat,symlink,symlinkat,mkdir,mkdirat,mknod,mknodat "
        "-k audisp-eql-file",
        "-a always,exit -F arch=b64 -S chmod,fchmodat,chown,lchown,fchownat,truncate -k "
        "audisp-eql-file",
    };
    // NOLINTEND(bugprone-suspicious-missing-comma)
    return kLines;
}

const std::vector<std::string>& network_syscall_rule_lines() {
    static const std::vector<std::string> kLines = {
        "-a always,exit -F arch=b64 -S connect,bind,accept,accept4 -k audisp-eql-net",
        "-a always,exit -F arch=b64 -S socket -F a0=2 -F success=1 -k audisp-eql-net",
        "-a always,exit -F arch=b64 -S socket -F a0=10 -F success=1 -k audisp-eql-net",
    };
    return kLines;
}

AuditRulesPlan plan_audit_rules(const std::vector<engine::LoadedRule>& rules,
                                const fs::path& root) {
    using ecs::FieldId;
    AuditRulesPlan plan;
    for (const engine::LoadedRule& rule : rules) {
        const eql::CompiledQuery& query = rule.query;
        const std::string_view category = query.category();
        const std::string& name = rule.info.name;
        if (category == "process") {
            plan.process.insert(name);
            continue;
        }
        if (category == "network") {
            plan.network.insert(name);
            continue;
        }
        if (category == "any") {
            // Several event kinds: a file branch fixes no path alone, so syscall rules.
            const bool files =
                uses_field_in(query, FieldId::FilePath, FieldId::FileExtOriginalExtension);
            const bool sockets = uses_field_in(query, FieldId::SourceIp, FieldId::NetworkDirection);
            if (files) plan.file_syscalls.insert(name);
            if (sockets) plan.network.insert(name);
            if (uses_field_in(query, FieldId::ProcessPid, FieldId::ParentGroupName) ||
                (!files && !sockets)) {
                plan.process.insert(name);
            }
            continue;
        }
        // A file rule: watches when every way it can match fixes a path.
        const auto keys = query.required_keys_on(FieldId::FilePath);
        std::vector<std::string> paths;
        bool covered = keys.has_value() && !keys->empty();
        if (covered) {
            for (const eql::IndexKey& key : *keys) {
                std::string path = watch_path(key);
                if (path.empty()) {
                    covered = false;
                    break;
                }
                paths.push_back(std::move(path));
            }
        }
        if (!covered) {
            plan.file_syscalls.insert(name);
            continue;
        }
        for (const std::string& path : paths) {
            const std::string on_host = (root / fs::path(path).relative_path()).lexically_normal();
            const bool exact = std::any_of(keys->begin(), keys->end(), [&](const eql::IndexKey& k) {
                return k.match == eql::KeyMatch::Exact && k.key == path;
            });
            if (watchable(on_host, exact)) {
                plan.watches[on_host].insert(name);
            } else {
                plan.missing[on_host].insert(name);
            }
        }
    }
    // A folder watch covers everything under it (it is recursive): fold nested watches in.
    for (auto it = plan.watches.begin(); it != plan.watches.end();) {
        const auto outer = std::find_if(plan.watches.begin(), plan.watches.end(), [&](auto& w) {
            return w.first != it->first && it->first.starts_with(w.first + "/");
        });
        if (outer == plan.watches.end()) {
            ++it;
            continue;
        }
        outer->second.insert(it->second.begin(), it->second.end());
        it = plan.watches.erase(it);
    }
    // A missing folder under a watched one needs no watch of its own.
    for (auto it = plan.missing.begin(); it != plan.missing.end();) {
        const auto outer = std::find_if(plan.watches.begin(), plan.watches.end(), [&](auto& w) {
            return it->first.starts_with(w.first + "/");
        });
        if (outer == plan.watches.end()) {
            ++it;
            continue;
        }
        outer->second.insert(it->second.begin(), it->second.end());
        it = plan.missing.erase(it);
    }
    return plan;
}

std::string format_audit_rules(const AuditRulesPlan& plan) {
    std::ostringstream out;
    out << "## Generated by audisp-eql --print-audit-rules for the loaded detection rules.\n"
           "## Load next to audisp-eql.rules (exec, fork and exit rules, -b 8192): copy to\n"
           "## /etc/audit/rules.d/ and run `augenrules --load`.\n";
    if (!plan.process.empty()) {
        out << "\n## " << plan.process.size()
            << " rules on process events need only audisp-eql.rules.\n";
    }
    if (!plan.watches.empty()) {
        out << "\n## Watches: writes, creations, deletions, renames and attribute changes under "
               "these\n## paths (a folder's watch is recursive).\n";
    }
    for (const auto& [path, names] : plan.watches) {
        out << "## needed by:\n";
        comment_rules(out, names);
        out << "-w " << path << " -p wa -k audisp-eql-file\n";
    }
    for (const auto& [path, names] : plan.missing) {
        out << "## skipped: -w " << path
            << " (its folder does not exist here, auditctl would refuse it); needed by:\n";
        comment_rules(out, names);
    }
    if (!plan.file_syscalls.empty()) {
        out << "\n## File syscalls, for rules whose paths no watch can fix; needed by:\n";
        comment_rules(out, plan.file_syscalls);
        for (const std::string& line : file_syscall_rule_lines()) out << line << '\n';
    }
    if (!plan.network.empty()) {
        out << "\n## Socket syscalls; needed by:\n";
        comment_rules(out, plan.network);
        for (const std::string& line : network_syscall_rule_lines()) out << line << '\n';
    }
    return out.str();
}

}  // namespace app
