// Rule files: loading, rejection with the file's name, skipping, the name index, alert documents.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "../common/temp_dir.hpp"
#include "engine/alert_document.hpp"
#include "engine/rule_loader.hpp"
#include "engine/rule_set.hpp"

namespace test_rules {

namespace {

std::string rule_file(const std::string& query, const std::string& extra = "") {
    return "[metadata]\nmaturity = \"production\"\n\n[rule]\nauthor = [\"Elastic\"]\n"
           "description = \"d\"\nname = \"R\"\nrisk_score = 21\nrule_id = \"id-" +
           std::to_string(std::hash<std::string>{}(query)) +
           "\"\n"
           "severity = \"low\"\ntype = \"eql\"\nlanguage = \"eql\"\n" +
           extra + "query = '''\n" + query + "\n'''\n";
}

ecs::Event exec_of(std::string name, std::vector<std::string> args) {
    ecs::Event e;
    e.process.name = std::move(name);
    e.process.args = std::move(args);
    return e;
}

}  // namespace

TEST_CASE("the shipped seed rules load with their metadata") {
    const auto result = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    REQUIRE(result.issues.empty());
    REQUIRE(result.rules.size() == 2);
    const engine::RuleInfo& forwarding = result.rules[0].info;
    CHECK(forwarding.name == "IPv4/IPv6 Forwarding Activity");
    CHECK(forwarding.rule_id == "5a138e2e-aec3-4240-9843-56825d0bc569");
    CHECK(forwarding.severity == "low");
    CHECK(forwarding.risk_score == 21);
    CHECK(forwarding.version == "102");
    const engine::RuleInfo& firewall = result.rules[1].info;
    CHECK(firewall.name == "Attempt to Disable IPTables or Firewall");
    REQUIRE(firewall.threats.size() == 1);
    CHECK(firewall.threats[0].tactic.id == "TA0005");
    CHECK(firewall.threats[0].techniques.at(0).technique.id == "T1562");
    CHECK(firewall.threats[0].techniques.at(0).subtechniques.at(0).id == "T1562.001");
}

TEST_CASE("every upstream Linux rule loads") {
    const std::filesystem::path dir =
        std::filesystem::path(AUDISP_SHARED_DIR) / "rules-upstream" / "linux";
    // ../shared is part of the build environment (always there in CI): missing is a failure.
    INFO(dir.string() << " must exist (the team's shared folder beside the repository)");
    REQUIRE(std::filesystem::is_directory(dir));
    const auto result = engine::load_rules({dir.string()});
    for (const auto& issue : result.issues) {
        UNSCOPED_INFO(issue.file << ": " << issue.message);
    }
    CHECK(result.issues.empty());
    CHECK(result.rules.size() == 144);
}

TEST_CASE("a rule file with a missing key is rejected with its file name") {
    engine::LoadResult result;
    engine::load_rule_text("[rule]\nname = \"x\"\n", "/rules/broken.toml", result);
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].file == "/rules/broken.toml");
    CHECK(result.issues[0].kind == engine::IssueKind::Failed);
    CHECK_THAT(result.issues[0].message, Catch::Contains("rule_id"));
    CHECK(result.any_failed());
}

TEST_CASE("invalid TOML is rejected with line and column") {
    engine::LoadResult result;
    engine::load_rule_text("[rule\nname = 1\n", "bad.toml", result);
    REQUIRE(result.issues.size() == 1);
    CHECK_THAT(result.issues[0].message, Catch::Contains("line 1"));
}

TEST_CASE("a query syntax error fails the rule; other rules still load") {
    engine::LoadResult result;
    engine::load_rule_text(rule_file("process where process.name == "), "a.toml", result);
    engine::load_rule_text(rule_file("process where process.name == \"ls\""), "b.toml", result);
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].kind == engine::IssueKind::Failed);
    CHECK_THAT(result.issues[0].message, Catch::Contains("line"));
    CHECK(result.rules.size() == 1);
}

TEST_CASE("unsupported constructs skip the rule with the reason") {
    engine::LoadResult result;
    engine::load_rule_text(rule_file("sequence by process.entity_id [process where true] "
                                     "[registry where true]"),
                           "seq.toml", result);
    engine::load_rule_text(rule_file("process where true | head 1"), "pipe.toml", result);
    std::string threshold = rule_file("process where true");
    threshold.replace(threshold.find("type = \"eql\""), 12, "type = \"threshold\"");
    engine::load_rule_text(threshold, "threshold.toml", result);
    REQUIRE(result.issues.size() == 3);
    for (const auto& issue : result.issues) {
        CHECK(issue.kind == engine::IssueKind::Skipped);
    }
    CHECK_THAT(result.issues[1].message, Catch::Contains("pipes"));
    CHECK_FALSE(result.any_failed());
}

TEST_CASE("a field that audisp-eql does not know is a broken rule, not a skip") {
    engine::LoadResult result;
    engine::load_rule_text(rule_file("process where process.nmae == \"iptables\""), "typo.toml",
                           result);
    engine::load_rule_text(rule_file("process where process.code_signature.trusted == false"),
                           "field.toml", result);
    REQUIRE(result.issues.size() == 2);
    CHECK(result.issues[0].kind == engine::IssueKind::Failed);
    CHECK(result.issues[0].message == "query: line 1, column 15: unknown field [process.nmae]");
    CHECK(result.issues[1].kind == engine::IssueKind::Failed);
    CHECK_THAT(result.issues[1].message, Catch::Contains("[process.code_signature.trusted]"));
    CHECK(result.any_failed());
    // The kind is typed: an unsupported construct whose message mentions a field is still skipped.
    try {
        eql::CompiledQuery::compile("registry where registry.path == \"x\"");
        FAIL("compiled");
    } catch (const eql::Error& error) {
        CHECK(error.kind() == eql::ErrorKind::Unsupported);
    }
    try {
        eql::CompiledQuery::compile("process where unsupported.field == 1");
        FAIL("compiled");
    } catch (const eql::Error& error) {
        CHECK(error.kind() == eql::ErrorKind::Invalid);
        CHECK(error.message() == "unknown field [unsupported.field]");
    }
}

TEST_CASE("the rule set runs only rules whose process.name can match, in load order") {
    engine::LoadResult result;
    engine::load_rule_text(rule_file("process where process.name in (\"a\", \"b\")"), "1", result);
    engine::load_rule_text(rule_file("process where process.args == \"x\""), "2", result);
    engine::load_rule_text(rule_file("process where process.name == \"b\""), "3", result);
    REQUIRE(result.rules.size() == 3);
    engine::RuleSet rules(std::move(result.rules));
    CHECK(rules.indexed_count(ecs::FieldId::ProcessName) == 2);
    CHECK(rules.indexed_count(ecs::FieldId::ProcessArgs) == 1);
    CHECK(rules.unindexed_count() == 0);
    std::vector<std::string> fired;
    auto collect = [&](const engine::LoadedRule& rule) { fired.push_back(rule.info.file); };
    ecs::Event b = exec_of("b", {"b", "x"});
    b.category = {"process"};
    rules.match(b, collect);
    CHECK(fired == std::vector<std::string>{"1", "2", "3"});
    fired.clear();
    rules.match(exec_of("c", {"c", "x"}), collect);
    CHECK(fired == std::vector<std::string>{"2"});
}

TEST_CASE("rules are filed under every key one of which they need: values, prefixes, suffixes") {
    engine::LoadResult result;
    auto add = [&](const char* query, const char* file) {
        engine::load_rule_text(rule_file(query), file, result);
    };
    add("process where event.action == \"fork\"", "fork");
    add("process where process.parent.name in (\"bash\", \"sh\") and process.args == \"x\"",
        "parent");
    add("process where event.type == \"end\"", "end");
    add("process where process.executable == \"/bin/b\" and event.action == \"exec\"", "exe");
    add("process where process.args == \"x\"", "any");
    add("process where process.name == \"b\" or process.parent.name == \"b\"", "either");
    add("process where process.name in~ (\"Curl\", \"B\") or process.name : \"WGET\"", "fold");
    add("process where process.args : \"*x*\"", "every");
    add("process where process.name like (\"py*\", \"*.sh\") or process.executable : \"/TMP/*\"",
        "affix");
    REQUIRE(result.rules.size() == 9);
    engine::RuleSet rules(std::move(result.rules));
    CHECK(rules.unindexed_count() == 1);                         // "every"
    CHECK(rules.indexed_count(ecs::FieldId::ProcessArgs) == 1);  // "any"
    CHECK(rules.indexed_count(ecs::FieldId::ProcessName, true) == 1);
    CHECK(rules.indexed_count(ecs::FieldId::ProcessName) == 1);  // "either"
    CHECK(rules.indexed_count(ecs::FieldId::ParentName) == 2);   // "parent", "either"
    CHECK(rules.indexed_count(ecs::FieldId::ProcessName, false, eql::KeyMatch::Prefix) == 1);
    CHECK(rules.indexed_count(ecs::FieldId::ProcessName, false, eql::KeyMatch::Suffix) == 1);
    CHECK(rules.indexed_count(ecs::FieldId::ProcessExecutable, true, eql::KeyMatch::Prefix) == 1);
    CHECK_THAT(rules.index_summary(), Catch::StartsWith("8 of 9 rules run only on a key match (") &&
                                          Catch::EndsWith("); 1 on every event"));
    CHECK(rules.indexed_count(ecs::FieldId::ProcessExecutable) == 1);
    CHECK(rules.indexed_count(ecs::FieldId::EventAction) == 1);
    CHECK(rules.indexed_count(ecs::FieldId::EventType) == 1);

    std::vector<std::string> fired;
    auto collect = [&](const engine::LoadedRule& rule) { fired.push_back(rule.info.file); };
    ecs::Event exec = exec_of("b", {"b", "x"});
    exec.parent.name = "bash";
    exec.process.executable = "/bin/b";
    rules.match(exec, collect);
    CHECK(fired == std::vector<std::string>{"parent", "exe", "any", "either", "fold", "every"});

    fired.clear();
    ecs::Event fork = exec_of("c", {"c"});
    fork.action = ecs::Action::Fork;
    rules.match(fork, collect);
    CHECK(fired == std::vector<std::string>{"fork"});

    fired.clear();
    ecs::Event end = exec_of("c", {"x"});
    end.action = ecs::Action::End;
    end.type = {"info", "end"};
    rules.match(end, collect);
    CHECK(fired == std::vector<std::string>{"end", "any", "every"});

    for (const char* name : {"cURL", "wget", "CURL"}) {
        fired.clear();
        rules.match(exec_of(name, {"y"}), collect);
        CHECK(fired == std::vector<std::string>{"fold"});
    }
    fired.clear();
    rules.match(exec_of("curly", {"y"}), collect);
    CHECK(fired.empty());

    // Prefix and suffix keys, exact and folded; a value shorter than a key cannot hit it.
    for (const char* name : {"python3", "py", "run.sh", "a.sh"}) {
        fired.clear();
        rules.match(exec_of(name, {"y"}), collect);
        CHECK(fired == std::vector<std::string>{"affix"});
    }
    for (const char* name : {"Python3", "p", "run.SH", "sh"}) {
        fired.clear();
        rules.match(exec_of(name, {"y"}), collect);
        CHECK(fired.empty());
    }
    fired.clear();
    ecs::Event in_tmp = exec_of("z", {"y"});
    in_tmp.process.executable = "/tmp/z";
    rules.match(in_tmp, collect);
    in_tmp.process.executable = "/Tmp/Z";
    rules.match(in_tmp, collect);
    CHECK(fired == std::vector<std::string>{"affix", "affix"});
}

TEST_CASE("an empty value reaches exactly the rules keyed on the empty string") {
    engine::LoadResult result;
    engine::load_rule_text(rule_file("process where process.args == \"\""), "empty", result);
    engine::load_rule_text(rule_file("process where process.args like \"x*\""), "x", result);
    REQUIRE(result.rules.size() == 2);
    engine::RuleSet rules(std::move(result.rules));
    CHECK(rules.unindexed_count() == 0);
    std::vector<std::string> fired;
    auto collect = [&](const engine::LoadedRule& rule) { fired.push_back(rule.info.file); };
    rules.match(exec_of("a", {"a", ""}), collect);
    CHECK(fired == std::vector<std::string>{"empty"});
    fired.clear();
    rules.match(exec_of("a", {"a", "xy"}), collect);
    CHECK(fired == std::vector<std::string>{"x"});
}

TEST_CASE("an alert document is the event plus rule and threat fields") {
    const auto result = engine::load_rules({std::string(AUDISP_SOURCE_DIR) + "/rules"});
    REQUIRE(result.rules.size() == 2);
    ecs::Event e = exec_of("iptables", {"iptables", "-F"});
    e.process.pid = 42;
    const nlohmann::json doc = engine::alert_document(e, result.rules[1].info);
    CHECK(doc["event"]["kind"] == "alert");
    CHECK(doc["event"]["risk_score"] == 21);
    CHECK(doc["event"]["severity"] == 21);
    // Not ECS rule.* fields: under the project's namespace (README "Alert documents").
    CHECK(doc["audisp_eql"]["rule"]["severity"] == "low");
    CHECK(doc["audisp_eql"]["rule"]["risk_score"] == 21);
    CHECK_FALSE(doc["rule"].contains("severity"));
    CHECK_FALSE(doc["rule"].contains("risk_score"));
    CHECK(doc["rule"]["name"] == "Attempt to Disable IPTables or Firewall");
    CHECK(doc["rule"]["id"] == "83e9c2b3-24ef-4c1d-a8cd-5ebafb5dfa2f");
    CHECK(doc["rule"]["version"] == "111");
    CHECK(doc["threat"]["tactic"]["id"][0] == "TA0005");
    CHECK(doc["threat"]["technique"]["subtechnique"]["id"][0] == "T1562.001");
    CHECK(doc["process"]["pid"] == 42);
    CHECK(doc["process"]["args_count"] == 2);
    CHECK(doc["host"]["os"]["type"] == "linux");
}

TEST_CASE("a rule loaded twice (same rule_id) is skipped with where it came from") {
    engine::LoadResult result;
    engine::load_rule_text(rule_file("process where process.name == \"a\""), "one.toml", result);
    engine::load_rule_text(rule_file("process where process.name == \"a\""), "two.toml", result);
    REQUIRE(result.rules.size() == 1);
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].kind == engine::IssueKind::Skipped);
    CHECK(result.issues[0].file == "two.toml");
    CHECK_THAT(result.issues[0].message, Catch::Contains("one.toml"));
}

TEST_CASE("a *.toml symlink loop in a rules folder is a broken rule file, not an exception") {
    const test_common::TempDir dir("audisp-eql-symlink-loop");
    std::filesystem::create_symlink(dir / "loop.toml", dir / "loop.toml");
    engine::LoadResult result;
    REQUIRE_NOTHROW(result = engine::load_rules({dir.path().string()}));
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].kind == engine::IssueKind::Failed);
    CHECK(result.issues[0].file == (dir / "loop.toml").string());
    CHECK_THAT(result.issues[0].message, Catch::Contains("cannot read"));
}

}  // namespace test_rules
