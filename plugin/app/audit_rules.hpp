// --print-audit-rules: the kernel audit rules the loaded detection rules need. File rules whose
// file.path tests fix a path or folder get watches (-w PATH -p wa); the rest get the file syscall
// rules; network rules the socket syscall rules. Deduplicated, each line commented with the
// detection rules that need it, ready for /etc/audit/rules.d/.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/rule_loader.hpp"

namespace app {

struct AuditRulesPlan {
    std::map<std::string, std::set<std::string>> watches;  // watched path -> rule names
    // Watches auditctl would refuse (their folder does not exist here): path -> rule names.
    std::map<std::string, std::set<std::string>> missing;
    std::set<std::string> file_syscalls;  // rules no watch covers: the file syscall rules
    std::set<std::string> network;        // rules on network events: the socket syscall rules
    std::set<std::string> process;        // rules on process events: the shipped exec rules
};

// ROOT is prefixed to every watched path (a chroot or container root; "/" for the host) and is
// where folders are checked for existence.
AuditRulesPlan plan_audit_rules(const std::vector<engine::LoadedRule>& rules,
                                const std::filesystem::path& root);

std::string format_audit_rules(const AuditRulesPlan& plan);

// The syscall rules for file and socket events, as in rules/audit/audisp-eql-file-net.rules.
const std::vector<std::string>& file_syscall_rule_lines();
const std::vector<std::string>& network_syscall_rule_lines();

}  // namespace app
