// --print-audit-rules: which audit rules the loaded detection rules need (watches for fixed
// paths and folders, the file or socket syscall rules otherwise), on inline rules and a
// temporary root. The real-auditd proof is tests/e2e/audit_rules_e2e.sh.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "app/audit_rules.hpp"
#include "offline_test_util.hpp"

namespace test_audit_rules {

namespace {

namespace fs = std::filesystem;

engine::LoadedRule rule(const std::string& name, const std::string& query) {
    engine::RuleInfo info;
    info.name = name;
    return engine::LoadedRule{info, eql::CompiledQuery::compile(query)};
}

// A root with some of the folders the rules watch.
struct TempRoot {
    offline_test::TempDir dir{"audisp-eql-audit-rules"};
    fs::path path = dir.path();
    TempRoot() {
        fs::create_directories(path / "etc/cron.d");
        fs::create_directories(path / "etc/ssl/certs");
        fs::create_directories(path / "var/log");
    }
};

}  // namespace

TEST_CASE("audit rules: fixed paths and folders become watches, the rest syscall rules") {
    TempRoot root;
    const std::string r = root.path.string();
    std::vector<engine::LoadedRule> rules;
    rules.push_back(rule("cron",
                         "file where event.action == \"creation\" and file.path like "
                         "(\"/etc/cron.d/*\", \"/etc/crontab\")"));
    rules.push_back(rule("logs", "file where file.path in (\"/var/log/wtmp\", \"/var/log/btmp\")"));
    rules.push_back(rule("certs", "file where file.path : \"/etc/ssl/certs/*\""));
    rules.push_back(rule("missing", "file where file.path like \"/etc/nosuch.d/*\""));
    rules.push_back(rule("by-name", "file where file.name == \"authorized_keys\""));
    rules.push_back(rule("anywhere", "file where file.path : \"/*GCONV_PATH*\""));
    rules.push_back(rule("net", "network where destination.port == 22"));
    rules.push_back(rule("proc", "process where process.name == \"ls\""));
    rules.push_back(
        rule("both", "any where file.path == \"/etc/hosts\" or process.name == \"vi\""));
    const app::AuditRulesPlan plan = app::plan_audit_rules(rules, root.path);

    // "/etc/crontab" is a file watch in /etc; the cron.d folder's watch stands alone.
    CHECK(plan.watches.at(r + "/etc/cron.d") == std::set<std::string>{"cron"});
    CHECK(plan.watches.at(r + "/etc/crontab") == std::set<std::string>{"cron"});
    CHECK(plan.watches.at(r + "/var/log/wtmp") == std::set<std::string>{"logs"});
    CHECK(plan.watches.at(r + "/var/log/btmp") == std::set<std::string>{"logs"});
    CHECK(plan.watches.at(r + "/etc/ssl/certs") == std::set<std::string>{"certs"});
    CHECK(plan.watches.size() == 5);
    // auditctl refuses a watch on a missing folder: said, not emitted.
    CHECK(plan.missing.at(r + "/etc/nosuch.d") == std::set<std::string>{"missing"});
    CHECK(plan.file_syscalls == std::set<std::string>{"by-name", "anywhere", "both"});
    CHECK(plan.network == std::set<std::string>{"net"});
    CHECK(plan.process == std::set<std::string>{"both", "proc"});

    const std::string text = app::format_audit_rules(plan);
    CHECK(text.find("-w " + r + "/etc/cron.d -p wa -k audisp-eql-file\n") != std::string::npos);
    CHECK(text.find("## skipped: -w " + r + "/etc/nosuch.d") != std::string::npos);
    CHECK(text.find("-w " + r + "/etc/nosuch.d -p") == std::string::npos);
    CHECK(text.find(app::file_syscall_rule_lines().front()) != std::string::npos);
    CHECK(text.find(app::network_syscall_rule_lines().front()) != std::string::npos);
}

TEST_CASE("audit rules: a folder's watch covers the paths under it (watches are recursive)") {
    TempRoot root;
    const std::string r = root.path.string();
    std::vector<engine::LoadedRule> rules;
    rules.push_back(rule("sudoers", "file where file.path like \"/etc/sudoers*\""));
    rules.push_back(rule("cron", "file where file.path like \"/etc/cron.d/*\""));
    rules.push_back(rule("absent", "file where file.path like \"/etc/absent.d/*\""));
    const app::AuditRulesPlan plan = app::plan_audit_rules(rules, root.path);
    REQUIRE(plan.watches.size() == 1);
    CHECK(plan.watches.at(r + "/etc") == std::set<std::string>{"sudoers", "cron", "absent"});
    CHECK(plan.missing.empty());
}

TEST_CASE("audit rules: the shipped optional rules file has the generator's syscall rules") {
    const std::string shipped =
        offline_test::slurp(fs::path(AUDISP_SOURCE_DIR) / "rules/audit/audisp-eql-file-net.rules");
    for (const auto* lines :
         {&app::file_syscall_rule_lines(), &app::network_syscall_rule_lines()}) {
        for (const std::string& line : *lines) {
            INFO(line);
            CHECK(shipped.find(line + "\n") != std::string::npos);
        }
    }
}

}  // namespace test_audit_rules
